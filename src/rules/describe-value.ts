/** Describes a value for an error message, quoting strings and cutting long ones short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'string') {
    const truncated = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `'${truncated}'`;
  }
  if (typeof value === 'object') return 'an object';

  return String(value);
}
