import { createHmac, timingSafeEqual } from 'node:crypto';
import { ReceiverError } from './receiver-error.js';

/** Oldest and furthest-ahead signature time the receiver accepts, in seconds from now. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks a `t=<unix seconds>,v1=<hex>` signature header against the raw body. `v1` must be the
 * HMAC-SHA256 of `<t>.<body>` keyed with `secret`, and `t` within 5 minutes of `nowMs`. Several
 * `v1` values are allowed, so that a sender can sign with an old and a new secret at once.
 * Throws a 401 `ReceiverError` naming the problem.
 */
export function checkSignature(
  header: string | string[] | undefined,
  rawBody: string,
  secret: string,
  nowMs: number = Date.now(),
): void {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    throw new ReceiverError(401, 'missing_signature', 'The request has no signature header.');
  }

  const { timestamp, signatures } = parseSignatureHeader(value);
  if (timestamp === undefined || signatures.length === 0) {
    throw new ReceiverError(
      401,
      'invalid_signature',
      'The signature header must have the form t=<unix seconds>,v1=<hex HMAC-SHA256>.',
    );
  }
  if (Math.abs(nowMs / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new ReceiverError(
      401,
      'timestamp_out_of_range',
      `The signature time ${timestamp} is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from now.`,
    );
  }

  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest();
  const matches = signatures.some((signature) => {
    const received = Buffer.from(signature, 'hex');
    return received.length === expected.length && timingSafeEqual(received, expected);
  });
  if (!matches) {
    throw new ReceiverError(401, 'invalid_signature', 'The signature does not match the body.');
  }
}

function parseSignatureHeader(value: string): { timestamp?: number; signatures: string[] } {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const [name, field] = part.trim().split('=', 2);
    if (name === 't' && field !== undefined && /^\d{1,12}$/.test(field)) timestamp = Number(field);
    if (name === 'v1' && field !== undefined && /^[0-9a-f]{64}$/i.test(field)) {
      signatures.push(field);
    }
  }

  return { timestamp, signatures };
}
