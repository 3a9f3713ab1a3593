import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed', () => {
    const value = { accessToken: 'token-1', nested: { n: 1 } };

    expect(box.open(box.seal(value))).toEqual(value);
  });

  it('seals the same value differently each time', () => {
    expect(box.seal({ a: 1 })).not.toBe(box.seal({ a: 1 }));
  });

  it('does not contain the plaintext', () => {
    expect(box.seal({ accessToken: 'visible-token' })).not.toContain('visible-token');
  });

  it('rejects a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32));

    expect(() => other.open(box.seal({ a: 1 }))).toThrow(/secret key differs/);
  });

  it('rejects an altered value', () => {
    const sealed = box.seal({ a: 1 });
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[3] = ciphertext.toString('base64');

    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('rejects a key of the wrong length', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte key/);
  });
});
