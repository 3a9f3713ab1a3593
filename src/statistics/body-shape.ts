/** Levels of nesting described before the rest is summarized as one value. */
const MAX_DEPTH = 3;

/**
 * Describes a request body by its shape only: keys are kept, arrays become their length,
 * strings their length, and text bodies (XML, NDJSON) their size. No value that could be an
 * identifier, an attribute or a secret survives, whatever the partner's format. Numbers and
 * booleans are kept because they are counts and flags.
 */
export function describeBodyShape(body: unknown, depth = 0): unknown {
  if (body === undefined || body === null) return body;
  if (typeof body === 'number' || typeof body === 'boolean') return body;
  if (typeof body === 'string') return `[${body.length} characters]`;
  if (Buffer.isBuffer(body)) return `[${body.length} bytes]`;
  if (Array.isArray(body)) return `[${body.length} items]`;
  if (typeof body !== 'object') return `[${typeof body}]`;
  if (depth >= MAX_DEPTH) return '[object]';

  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([key, value]) => [
      key,
      describeBodyShape(value, depth + 1),
    ]),
  );
}
