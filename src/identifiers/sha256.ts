import { createHash } from 'node:crypto';

const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/i;

/** Hashes the UTF-8 bytes of `value` with SHA-256 and returns the digest as lowercase hex. */
export function hashSha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Returns whether `value` is exactly 64 hex digits in either case, the form of a SHA-256 hex digest. */
export function isSha256Hex(value: string): boolean {
  return value.length === 64 && SHA256_HEX_PATTERN.test(value);
}
