import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket.js';

describe('TokenBucketLimiter', () => {
  it('allows the burst, then refills at the rate', () => {
    let nowMs = 0;
    const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 3, now: () => nowMs });

    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([true, true, true]);
    expect(limiter.take('a')).toBe(false);
    nowMs = 500;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1, now: () => 0 });

    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
  });

  it('drops the least recently used key when full', () => {
    const limiter = new TokenBucketLimiter({
      ratePerSecond: 1,
      burst: 1,
      maxKeys: 2,
      now: () => 0,
    });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');

    // 'a' was dropped, so it starts again with a full bucket.
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('c')).toBe(false);
  });
});
