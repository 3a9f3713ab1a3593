import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REJECTION_CODE,
  buildDeliveryBody,
  readRejections,
  splitIntoRequests,
  toWebhookProfile,
} from './mapping.js';
import { signWebhookBody } from './signature.js';

describe('toWebhookProfile', () => {
  it('uses activation key as id', () => {
    expect(toWebhookProfile({ key: 'p1', identifiers: {} }).id).toBe('p1');
  });

  it.each([
    ['email as normalized', { email: ['jane@example.com'] }, { email: ['jane@example.com'] }],
    ['E.164 phone', { phone: ['+31612345678'] }, { phone: ['+31612345678'] }],
    [
      'every value of a type',
      { email: ['a@example.com', 'b@example.com'] },
      { email: ['a@example.com', 'b@example.com'] },
    ],
    ['trimmed values', { externalId: ['  c-1 '] }, { externalId: ['c-1'] }],
    ['repeated value once', { maid: ['abc', 'abc'] }, { maid: ['abc'] }],
    [
      'no blank values',
      { email: ['', '  '], phone: ['+31612345678'] },
      { phone: ['+31612345678'] },
    ],
    [
      'pre-hashed value unchanged',
      { email: ['8C87B489CE35CF2E2F39F80E282CB2E804932A56A213983EEEB428407D43B52D'] },
      { email: ['8C87B489CE35CF2E2F39F80E282CB2E804932A56A213983EEEB428407D43B52D'] },
    ],
    [
      'no partner ids',
      { xandrUid: ['123'], email: ['a@example.com'] },
      { email: ['a@example.com'] },
    ],
    ['empty object without identifiers', {}, {}],
  ])('sends %s', (_case, identifiers, expected) => {
    expect(toWebhookProfile({ key: 'p1', identifiers }).identifiers).toEqual(expected);
  });

  it('orders identifier types', () => {
    const mapped = toWebhookProfile({
      key: 'p1',
      identifiers: { externalId: ['c'], maid: ['m'], phone: ['+1'], email: ['e@x.io'] },
    });

    expect(Object.keys(mapped.identifiers)).toEqual(['email', 'phone', 'maid', 'externalId']);
  });

  it('passes attributes through', () => {
    const attributes = { firstName: 'Jane', orders: 3, tags: ['vip'] };

    expect(toWebhookProfile({ key: 'p1', identifiers: {}, attributes }).attributes).toEqual(
      attributes,
    );
  });

  it('sends empty attributes when absent', () => {
    expect(toWebhookProfile({ key: 'p1', identifiers: {} }).attributes).toEqual({});
  });

  it('passes consents through', () => {
    const consents = { email: 'granted', advertising: 'denied' } as const;

    expect(toWebhookProfile({ key: 'p1', identifiers: {}, consents }).consents).toEqual(consents);
  });

  it('leaves out empty consents', () => {
    expect(toWebhookProfile({ key: 'p1', identifiers: {}, consents: {} })).not.toHaveProperty(
      'consents',
    );
  });
});

describe('buildDeliveryBody', () => {
  it('builds documented body', () => {
    const sentAt = new Date('2026-01-02T03:04:05.000Z');
    const profiles = [toWebhookProfile({ key: 'p1', identifiers: { email: ['a@example.com'] } })];

    expect(buildDeliveryBody('remove', { audience: 'vip' }, profiles, sentAt)).toEqual({
      operation: 'remove',
      destination: { audience: 'vip' },
      sentAt: '2026-01-02T03:04:05.000Z',
      profiles: [{ id: 'p1', identifiers: { email: ['a@example.com'] }, attributes: {} }],
    });
  });
});

describe('splitIntoRequests', () => {
  it('splits in order', () => {
    expect(splitIntoRequests([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps small batch whole', () => {
    expect(splitIntoRequests([1, 2], 500)).toEqual([[1, 2]]);
  });

  it('returns no request for no profiles', () => {
    expect(splitIntoRequests([], 500)).toEqual([]);
  });
});

describe('readRejections', () => {
  it('reads rejected profiles by id', () => {
    const rejections = readRejections({
      rejected: [{ id: 'p1', code: 'unknown_customer', message: 'No such customer.' }],
    });

    expect([...rejections.entries()]).toEqual([
      ['p1', { code: 'unknown_customer', message: 'No such customer.' }],
    ]);
  });

  it.each([
    ['missing code', { id: 'p1' }],
    ['numeric code', { id: 'p1', code: 42 }],
    ['code with spaces', { id: 'p1', code: 'not allowed' }],
    ['overlong code', { id: 'p1', code: 'x'.repeat(65) }],
  ])('reports %s as rejected', (_case, entry) => {
    expect(readRejections({ rejected: [entry] }).get('p1')?.code).toBe(DEFAULT_REJECTION_CODE);
  });

  it('skips entries without id', () => {
    expect(readRejections({ rejected: [{ code: 'x' }, 'p1', null] }).size).toBe(0);
  });

  it.each([[undefined], ['OK'], [[]], [{ accepted: 3 }], [{ rejected: 'p1' }]])(
    'rejects nothing for body %j',
    (body) => {
      expect(readRejections(body).size).toBe(0);
    },
  );

  it('cuts long message', () => {
    const rejections = readRejections({ rejected: [{ id: 'p1', message: 'x'.repeat(900) }] });

    expect(rejections.get('p1')?.message).toHaveLength(500);
  });
});

describe('signWebhookBody', () => {
  it('signs timestamp and body with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 'secret-of-sixteen')
      .update('1700000000.{"a":1}')
      .digest('hex');

    expect(signWebhookBody('secret-of-sixteen', 1_700_000_000, '{"a":1}')).toBe(
      `t=1700000000,v1=${expected}`,
    );
  });

  it('matches known vector', () => {
    // From `printf %s '1.{}' | openssl dgst -sha256 -hmac key`.
    expect(signWebhookBody('key', 1, '{}')).toBe(
      't=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224',
    );
  });
});
