/** Replacement for the value of a secret field, the same mask the API uses for credentials. */
export const SECRET_MASK = '***';

/** Replacement for an identifier or a token found in free text. */
export const REDACTED_TEXT = '[redacted]';

/** Nesting depth below which `redactSample` replaces a value whole instead of walking it. */
const MAX_DEPTH = 32;

// Compared after lowercasing and removing everything but letters and digits, so `access_token`,
// `accessToken`, `appsecret_proof`, `X-Api-Key` and `Authorization` all match.
const SECRET_KEY_PATTERN = /token|password|passwd|secret|authorization|cookie|apikey/;

// Meta Graph API access tokens start with "EAA".
const ACCESS_TOKEN_PATTERN = /\bEAA[A-Za-z0-9_-]{8,}/g;
// SHA-256 digests (hashed identifiers, appsecret_proof) are 64 hex digits.
const SHA256_HEX_PATTERN = /(?<![0-9a-f])[0-9a-f]{64,}(?![0-9a-f])/gi;
const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Mobile advertising ids (IDFA, GAID) are UUIDs and are sent to partners unhashed.
const UUID_PATTERN = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const BEARER_PATTERN = /\bBearer\s+[^\s"',;]+/gi;
// Secrets in URL query strings and form bodies, such as `access_token=...&appsecret_proof=...`.
const SECRET_PARAMETER_PATTERN =
  /\b([A-Za-z_-]*(?:token|password|secret|authorization|api_?key)[A-Za-z_-]*)=[^&\s"']+/gi;

/**
 * Redacts a partner request or response body before it is stored as an error sample.
 *
 * - The value of every field whose name contains token, password, secret, authorization,
 *   cookie or api key becomes `"***"`.
 * - The `data` rows of a Meta `payload` become a count such as `"[10000 rows redacted]"`.
 * - In every string, access tokens starting with "EAA", runs of 64 or more hex digits, email
 *   addresses, UUIDs and `Bearer` credentials become `[redacted]`, and secret query parameters
 *   become `name=***`.
 *
 * A string that contains a JSON object or array is parsed, redacted field by field and returned as
 * JSON text. Other values keep their type. The input is never modified.
 *
 * NOTE: identifiers without a recognizable form (plain external ids, phone numbers) are only
 * removed inside Meta `payload.data`; elsewhere they pass through.
 */
export function redactSample(body: unknown): unknown {
  return redactValue(body, 0);
}

/** Replaces tokens, 64-hex digests, email addresses, UUIDs and secret parameters in free text. */
export function redactText(text: string): string {
  return text
    .replace(BEARER_PATTERN, `Bearer ${REDACTED_TEXT}`)
    .replace(SECRET_PARAMETER_PATTERN, (_match, name: string) => `${name}=${SECRET_MASK}`)
    .replace(ACCESS_TOKEN_PATTERN, REDACTED_TEXT)
    .replace(EMAIL_PATTERN, REDACTED_TEXT)
    .replace(UUID_PATTERN, REDACTED_TEXT)
    .replace(SHA256_HEX_PATTERN, REDACTED_TEXT);
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value, depth);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return REDACTED_TEXT;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));

  const redacted: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    let replacement: unknown;
    if (isSecretKey(key) && field !== null && field !== undefined) {
      replacement = SECRET_MASK;
    } else if (key === 'payload') {
      replacement = redactMetaPayload(field, depth + 1);
    } else {
      replacement = redactValue(field, depth + 1);
    }
    // defineProperty keeps a field named "__proto__" an ordinary field of the copy.
    Object.defineProperty(redacted, key, {
      value: replacement,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  return redacted;
}

function redactString(text: string, depth: number): string {
  const parsed = parseJsonContainer(text);
  if (parsed === undefined) return redactText(text);

  return JSON.stringify(redactValue(parsed, depth));
}

/**
 * Redacts Meta's `payload` field (`{ schema, data }`), which arrives as an object or as JSON
 * text. Each `data` row contains one profile's identifiers, so only the number of rows is kept.
 */
function redactMetaPayload(payload: unknown, depth: number): unknown {
  if (typeof payload === 'string') {
    const parsed = parseJsonContainer(payload);
    if (parsed === undefined) return redactText(payload);

    return JSON.stringify(redactMetaPayload(parsed, depth));
  }
  if (!isRecord(payload) || !Array.isArray(payload.data)) return redactValue(payload, depth);

  const redacted = redactValue({ ...payload, data: null }, depth) as Record<string, unknown>;
  redacted.data = describeRedactedRows(payload.data.length);

  return redacted;
}

function describeRedactedRows(count: number): string {
  return `[${count} ${count === 1 ? 'row' : 'rows'} redacted]`;
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** Parses `text` when it is a JSON object or array, and returns undefined for anything else. */
function parseJsonContainer(text: string): object | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);

    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
