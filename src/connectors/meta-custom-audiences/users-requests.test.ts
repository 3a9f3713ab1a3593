import { describe, expect, it } from 'vitest';
import { META_MAX_ROWS_PER_REQUEST, splitUsersRequests } from './users-requests.js';

/** Builds rows whose single cell names the profile and the row, such as `p1-0`. */
function rowsOf(rowCounts: Record<string, number>): { data: string[][]; keys: string[] } {
  const data: string[][] = [];
  const keys: string[] = [];
  for (const [key, count] of Object.entries(rowCounts)) {
    for (let index = 0; index < count; index++) {
      data.push([`${key}-${index}`]);
      keys.push(key);
    }
  }
  return { data, keys };
}

describe('splitUsersRequests', () => {
  it('uses Meta limit of 10,000 rows', () => {
    expect(META_MAX_ROWS_PER_REQUEST).toBe(10_000);
  });

  it('keeps small batch in one request', () => {
    const { data, keys } = rowsOf({ p1: 1, p2: 2 });
    const requests = splitUsersRequests(data, keys, 5);

    expect(requests).toEqual([{ data, keys: ['p1', 'p2'] }]);
  });

  it('fills requests up to the limit', () => {
    const { data, keys } = rowsOf({ p1: 2, p2: 2, p3: 1 });
    const requests = splitUsersRequests(data, keys, 5);

    expect(requests.map((request) => request.keys)).toEqual([['p1', 'p2', 'p3']]);
    expect(requests[0]?.data).toHaveLength(5);
  });

  it('moves profile that does not fit to next request', () => {
    const { data, keys } = rowsOf({ p1: 2, p2: 2, p3: 2 });
    const requests = splitUsersRequests(data, keys, 5);

    expect(requests.map((request) => request.keys)).toEqual([['p1', 'p2'], ['p3']]);
    expect(requests.map((request) => request.data)).toEqual([
      [['p1-0'], ['p1-1'], ['p2-0'], ['p2-1']],
      [['p3-0'], ['p3-1']],
    ]);
  });

  it('never exceeds the limit', () => {
    const { data, keys } = rowsOf({ a: 3, b: 4, c: 1, d: 5, e: 2, f: 3 });
    const requests = splitUsersRequests(data, keys, 5);

    for (const request of requests) expect(request.data.length).toBeLessThanOrEqual(5);
    expect(requests.flatMap((request) => request.data)).toEqual(data);
  });

  it('splits profile larger than the limit', () => {
    const { data, keys } = rowsOf({ p1: 1, big: 7, p3: 1 });
    const requests = splitUsersRequests(data, keys, 3);

    expect(requests.map((request) => request.keys)).toEqual([
      ['p1'],
      ['big'],
      ['big'],
      ['big', 'p3'],
    ]);
    expect(requests.map((request) => request.data.length)).toEqual([1, 3, 3, 2]);
  });

  it('groups rows of a key that appears twice', () => {
    const requests = splitUsersRequests([['a'], ['b'], ['c']], ['p1', 'p2', 'p1'], 5);

    expect(requests).toEqual([{ data: [['a'], ['c'], ['b']], keys: ['p1', 'p2'] }]);
  });

  it('sends row shared by two profiles once', () => {
    const requests = splitUsersRequests([['same'], ['same'], ['other']], ['p1', 'p2', 'p3'], 5);

    expect(requests).toEqual([{ data: [['same'], ['other']], keys: ['p1', 'p2', 'p3'] }]);
  });

  it('counts shared row once against the limit', () => {
    const requests = splitUsersRequests([['a'], ['b'], ['a'], ['b']], ['p1', 'p1', 'p2', 'p2'], 2);

    expect(requests).toEqual([{ data: [['a'], ['b']], keys: ['p1', 'p2'] }]);
  });

  it('returns no request for no rows', () => {
    expect(splitUsersRequests([], [])).toEqual([]);
  });
});
