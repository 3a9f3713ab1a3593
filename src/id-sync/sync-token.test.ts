import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SyncTokens } from './sync-token.js';

describe('SyncTokens', () => {
  const tokens = new SyncTokens(randomBytes(32));

  it('verifies its own token', () => {
    expect(tokens.verify(tokens.issue('customer-1'))).toBe('customer-1');
  });

  it('round-trips a non-ASCII profile id', () => {
    expect(tokens.verify(tokens.issue('klant-é-1'))).toBe('klant-é-1');
  });

  it('rejects a token of another key', () => {
    const other = new SyncTokens(randomBytes(32));

    expect(tokens.verify(other.issue('customer-1'))).toBeUndefined();
  });

  it('rejects malformed tokens', () => {
    const valid = tokens.issue('customer-1');
    const malformed = ['', '.', valid.replace('.', ''), `${valid}A`, `${valid}.x`, 'a.b'];

    for (const token of malformed) {
      expect(tokens.verify(token), token).toBeUndefined();
    }
  });

  it('rejects a key of the wrong length', () => {
    expect(() => new SyncTokens(randomBytes(16))).toThrow('32-byte key');
  });
});
