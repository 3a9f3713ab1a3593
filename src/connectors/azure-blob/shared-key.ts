import { createHmac } from 'node:crypto';

/** The parts of a request that a Shared Key signature covers. */
export interface SignableRequest {
  method: string;
  /** Path as sent on the wire, percent-encoded, starting with `/`. */
  path: string;
  /** Query parameters, decoded. */
  query: Record<string, string>;
  /** Headers by name in any case. */
  headers: Record<string, string>;
}

/** Standard headers whose values go into the string-to-sign, in the documented order. */
const SIGNED_STANDARD_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
];

/**
 * Builds the Shared Key string-to-sign of the Blob service, as "Authorize with Shared Key"
 * describes it for version 2009-09-19 and later:
 *
 * - the verb, then the values of the standard headers above, one per line, empty when absent.
 *   A `Content-Length` of 0 is written as empty, as version 2015-02-21 and later expect;
 * - the canonicalized headers: every `x-ms-` header, name lowercased, sorted by name, runs of
 *   whitespace in the value folded to one space, each as `name:value` and a newline;
 * - the canonicalized resource: `/{account}{path}`, then for each query parameter, sorted by
 *   lowercased name, a newline and `name:value`. Several values of one name are sorted and
 *   joined with commas.
 */
export function buildStringToSign(account: string, request: SignableRequest): string {
  const headers = lowercaseKeys(request.headers);
  const standardValues = SIGNED_STANDARD_HEADERS.map((name) => {
    const value = headers[name] ?? '';

    return name === 'content-length' && value === '0' ? '' : value;
  });

  return [
    request.method.toUpperCase(),
    ...standardValues,
    canonicalizedHeaders(headers) + canonicalizedResource(account, request),
  ].join('\n');
}

/**
 * Returns the `Authorization` header value `SharedKey {account}:{signature}`. The signature is
 * the base64 HMAC-SHA256 of the UTF-8 string-to-sign, keyed with the base64-decoded account key.
 */
export function signSharedKey(account: string, accountKey: string, request: SignableRequest) {
  const signature = computeSignature(accountKey, buildStringToSign(account, request));

  return `SharedKey ${account}:${signature}`;
}

/** Returns the base64 HMAC-SHA256 of `stringToSign`, keyed with the base64-decoded key. */
export function computeSignature(accountKey: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(accountKey, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64');
}

function canonicalizedHeaders(headers: Record<string, string>): string {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${(headers[name] ?? '').replace(/\s+/g, ' ').trim()}\n`)
    .join('');
}

function canonicalizedResource(account: string, request: SignableRequest): string {
  const valuesByName = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.query)) {
    const lower = name.toLowerCase();
    valuesByName.set(lower, [...(valuesByName.get(lower) ?? []), value]);
  }
  const parameters = [...valuesByName.keys()]
    .sort()
    .map((name) => `\n${name}:${(valuesByName.get(name) ?? []).sort().join(',')}`);

  return `/${account}${request.path}${parameters.join('')}`;
}

function lowercaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
