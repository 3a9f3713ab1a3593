import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** HKDF `info` label, so the sync key differs from every other key made from the secret key. */
const KEY_LABEL = 'activator id-sync token v1';
const MAC_BYTES = 32;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

/**
 * Issues and verifies id-sync tokens. A token is `base64url(profileId) + '.' +
 * base64url(HMAC-SHA256(key, 'sync:' + profileId))`, so it names one profile and cannot be
 * altered to name another without the key. Tokens do not expire.
 */
export class SyncTokens {
  readonly #key: Buffer;

  /** `secretKey` is the service's 32-byte secret key; the HMAC key is derived from it. */
  constructor(secretKey: Buffer) {
    if (secretKey.length !== 32) {
      throw new Error(`SyncTokens needs a 32-byte key, got ${secretKey.length} bytes.`);
    }
    this.#key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), KEY_LABEL, MAC_BYTES));
  }

  issue(profileId: string): string {
    const encodedId = Buffer.from(profileId, 'utf8').toString('base64url');

    return `${encodedId}.${this.#mac(profileId).toString('base64url')}`;
  }

  /** Returns the profile id a token was issued for, or undefined when the token is invalid. */
  verify(token: string): string | undefined {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const [, encodedId = '', encodedMac = ''] = match;
    const profileId = Buffer.from(encodedId, 'base64url').toString('utf8');
    // Reject non-canonical encodings, so one profile has exactly one valid token.
    if (Buffer.from(profileId, 'utf8').toString('base64url') !== encodedId) return undefined;
    const receivedMac = Buffer.from(encodedMac, 'base64url');
    const expected = this.#mac(profileId);
    if (receivedMac.length !== expected.length) return undefined;

    return timingSafeEqual(receivedMac, expected) ? profileId : undefined;
  }

  #mac(profileId: string): Buffer {
    return createHmac('sha256', this.#key).update(`sync:${profileId}`, 'utf8').digest();
  }
}
