import { describe, expect, it } from 'vitest';
import { applyMergePatch, changedKeys } from './merge-patch.js';

describe('applyMergePatch', () => {
  it.each([
    [{ a: 1, b: 2 }, { b: 3 }, { a: 1, b: 3 }],
    [{ a: 1, b: 2 }, { b: null }, { a: 1 }],
    [{ a: { x: 1, y: 2 } }, { a: { y: null, z: 3 } }, { a: { x: 1, z: 3 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: 1 }, {}, { a: 1 }],
  ])('patches %j with %j into %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('leaves the target unchanged', () => {
    const target = { a: 1 };
    applyMergePatch(target, { a: 2 });

    expect(target).toEqual({ a: 1 });
  });
});

describe('changedKeys', () => {
  it('lists added, removed and changed keys', () => {
    expect(changedKeys({ a: 1, b: 2, c: 3 }, { a: 1, b: 4, d: 5 })).toEqual(['b', 'c', 'd']);
  });
});
