import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_SECONDS, readRetryAfterSeconds } from './users-response.js';

const NOW_MS = Date.parse('2026-01-01T00:00:00Z');

describe('readRetryAfterSeconds', () => {
  it.each([
    ['120', 120],
    [' 30 ', 30],
    ['0', 0],
    ['1.2', 2],
    ['-5', 0],
    ['3601', 3600],
    ['99999999999', 3600],
    ['9'.repeat(400), 3600],
    ['Thu, 01 Jan 2026 00:01:30 GMT', 90],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['Fri, 01 Jan 2100 00:00:00 GMT', 3600],
  ])('reads %j as %i seconds', (header, expected) => {
    expect(readRetryAfterSeconds(header, NOW_MS)).toBe(expected);
  });

  it.each([[undefined], [''], ['  '], ['soon']])('ignores %j', (header) => {
    expect(readRetryAfterSeconds(header, NOW_MS)).toBeUndefined();
  });

  it('reads first of repeated headers', () => {
    expect(readRetryAfterSeconds(['10', '20'], NOW_MS)).toBe(10);
  });

  it('caps at one hour', () => {
    expect(MAX_RETRY_AFTER_SECONDS).toBe(3600);
  });
});
