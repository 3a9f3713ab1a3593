export const MAX_CONNECTOR_NAME_LENGTH = 200;

/**
 * Checks a connector name and returns its stored form (trimmed, NFC) and its comparison key
 * (additionally case-folded), or a message saying what is wrong.
 */
export function parseConnectorName(
  value: string,
): { name: string; key: string } | { error: string } {
  const name = value.trim().normalize('NFC');
  const length = [...name].length;
  if (length === 0) return { error: 'name must not be empty' };
  if (length > MAX_CONNECTOR_NAME_LENGTH) {
    return {
      error: `name is ${length} characters long; the maximum is ${MAX_CONNECTOR_NAME_LENGTH}`,
    };
  }
  if (/\p{Cc}/u.test(name)) return { error: 'name must not contain control characters' };

  return { name, key: caseFold(name) };
}

/**
 * Approximates Unicode full case folding: upper-casing first maps `ß` to `SS` and similar
 * expansions, then lower-casing gives the folded form.
 */
function caseFold(value: string): string {
  return value.toUpperCase().toLowerCase().normalize('NFC');
}
