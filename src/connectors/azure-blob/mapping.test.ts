import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import { buildBatchBlob, toProfileRecord } from './mapping.js';

const NOW = new Date('2025-03-09T07:05:59Z');
const SHA256_UPPER = '8C87B489CE35CF2E2F39F80E282CB2E804932A56A213983EEEB428407D43B52D';

function build(profiles: BatchProfile[], operation: 'add' | 'remove' = 'add', prefix?: string) {
  return buildBatchBlob({ operation, profiles, prefix, folder: 'vip', now: NOW });
}

describe('toProfileRecord identifiers', () => {
  it.each([
    [
      'email',
      { email: [' Jane@Example.com ', 'jane@example.com'] },
      { email: ['jane@example.com'] },
    ],
    [
      'maid',
      { maid: ['6D92078A-8246-4BA4-AE5B-76104861E7DC'] },
      { maid: ['6d92078a-8246-4ba4-ae5b-76104861e7dc'] },
    ],
    ['phone', { phone: ['+31612345678', ' '] }, { phone: ['+31612345678'] }],
    ['external id', { externalId: ['Cust-1'] }, { externalId: ['Cust-1'] }],
    ['hashed phone', { phone: [SHA256_UPPER] }, { phone: [SHA256_UPPER.toLowerCase()] }],
  ])('normalizes %s', (_case, identifiers, expected) => {
    expect(toProfileRecord({ key: 'p1', identifiers }, 'add')?.identifiers).toEqual(expected);
  });

  it('leaves out identifier types it does not export', () => {
    const record = toProfileRecord(
      { key: 'p1', identifiers: { email: ['a@example.com'], xandrUid: ['123'] } },
      'add',
    );

    expect(record?.identifiers).toEqual({ email: ['a@example.com'] });
  });

  it('returns nothing without identifiers', () => {
    expect(
      toProfileRecord({ key: 'p1', identifiers: { email: ['', ' '] } }, 'add'),
    ).toBeUndefined();
  });
});

describe('toProfileRecord fields', () => {
  it('sorts attribute and consent keys on add', () => {
    const record = toProfileRecord(
      {
        key: 'p1',
        identifiers: { email: ['a@example.com'] },
        attributes: { zip: '1234', city: 'Utrecht', tags: ['a', 'b'] },
        consents: { email: 'granted', advertising: 'denied' },
      },
      'add',
    );

    expect(JSON.stringify(record)).toBe(
      '{"operation":"add","key":"p1","identifiers":{"email":["a@example.com"]},' +
        '"attributes":{"city":"Utrecht","tags":["a","b"],"zip":"1234"},' +
        '"consents":{"advertising":"denied","email":"granted"}}',
    );
  });

  it('writes no attributes on remove', () => {
    const record = toProfileRecord(
      { key: 'p1', identifiers: { email: ['a@example.com'] }, attributes: { city: 'Utrecht' } },
      'remove',
    );

    expect(record).toEqual({
      operation: 'remove',
      key: 'p1',
      identifiers: { email: ['a@example.com'] },
    });
  });
});

describe('buildBatchBlob', () => {
  it('names blob by folder, UTC minute, operation and digest', () => {
    const blob = build([{ key: 'p1', identifiers: { email: ['a@example.com'] } }], 'add', 'out');
    const digest = createHash('sha256').update(`vip\n${blob.body}`).digest('hex');

    expect(blob.name).toBe(`out/vip/2025/03/09/0705-add-${digest}.ndjson`);
  });

  it('leaves out missing prefix', () => {
    const blob = build([{ key: 'p1', identifiers: { email: ['a@example.com'] } }], 'remove');

    expect(blob.name).toMatch(/^vip\/2025\/03\/09\/0705-remove-[0-9a-f]{64}\.ndjson$/);
  });

  it('gives the same name whatever the profile order', () => {
    const a = { key: 'a', identifiers: { email: ['a@example.com'] } };
    const b = { key: 'b', identifiers: { email: ['b@example.com'] } };

    expect(build([a, b]).name).toBe(build([b, a]).name);
  });

  it('gives another name when data changes', () => {
    const before = build([{ key: 'p1', identifiers: { email: ['a@example.com'] } }]);
    const after = build([{ key: 'p1', identifiers: { email: ['new@example.com'] } }]);

    expect(after.name).not.toBe(before.name);
  });

  it('ends every record with a newline', () => {
    const blob = build([
      { key: 'b', identifiers: { email: ['b@example.com'] } },
      { key: 'a', identifiers: { email: ['a@example.com'] } },
    ]);

    expect(blob.body.split('\n')).toHaveLength(3);
    expect(blob.keys).toEqual(['a', 'b']);
  });

  it('skips profiles without identifiers', () => {
    const blob = build([{ key: 'p1', identifiers: {} }]);

    expect(blob).toEqual({
      name: undefined,
      body: '',
      keys: [],
      skipped: [{ key: 'p1', status: 'skipped', reason: 'no_identifier' }],
    });
  });
});
