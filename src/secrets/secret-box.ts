import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

/**
 * Encrypts and decrypts small JSON values (connector credentials) with AES-256-GCM. The sealed
 * form is `v1.<iv>.<tag>.<ciphertext>`, each part base64, so a stored value says its format.
 * Values are sealed with the current key. Previous keys (during a key rotation) still open the
 * values sealed with them, because only the right key passes the authentication tag check.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #previous: Buffer[];

  constructor(key: Buffer, previous: Buffer[] = []) {
    for (const candidate of [key, ...previous]) {
      if (candidate.length !== 32) {
        throw new Error(`SecretBox needs 32-byte keys, got ${candidate.length} bytes.`);
      }
    }
    this.#key = key;
    this.#previous = previous;
  }

  /** Tells whether a sealed value was sealed with the current key. */
  isCurrent(sealed: string): boolean {
    try {
      this.#openWith(this.#key, sealed);

      return true;
    } catch {
      return false;
    }
  }

  seal(value: unknown): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv);
    const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();

    return [FORMAT_VERSION, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
      .join('.');
  }

  /** Decrypts a sealed value; throws when no key fits or the value was altered. */
  open<T>(sealed: string): T {
    for (const key of [this.#key, ...this.#previous]) {
      try {
        return this.#openWith(key, sealed) as T;
      } catch (error) {
        if (error instanceof UnknownFormatError) throw error;
      }
    }
    throw new Error(
      'A stored secret failed to decrypt: the secret key differs from the one it was sealed with.',
    );
  }

  #openWith(key: Buffer, sealed: string): unknown {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== FORMAT_VERSION || !iv || !tag || ciphertext === undefined) {
      throw new UnknownFormatError();
    }
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64')),
      decipher.final(),
    ]);

    return JSON.parse(plaintext.toString('utf8'));
  }
}

class UnknownFormatError extends Error {
  constructor() {
    super('The stored secret has an unknown format; it cannot be decrypted.');
  }
}
