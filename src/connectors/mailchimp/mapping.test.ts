import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import {
  MAILCHIMP_MAX_MEMBERS_PER_REQUEST,
  buildMailchimpMembers,
  chunkMembers,
  isSendableEmail,
  memberStatusFor,
  normalizeEmail,
  pickEmail,
} from './mapping.js';

function profile(key: string, ...emails: string[]): BatchProfile {
  return { key, identifiers: { email: emails } };
}

const DIGEST = '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d';

describe('normalizeEmail', () => {
  it.each([
    ['Jane@Example.COM', 'jane@example.com'],
    ['  jane@example.com\t', 'jane@example.com'],
    ['Jose\u0301@example.com', 'jos\u00e9@example.com'],
    ['', ''],
  ])('normalizes %j to %j', (value, expected) => {
    expect(normalizeEmail(value)).toBe(expected);
  });
});

describe('isSendableEmail', () => {
  it.each([
    ['jane@example.com', true],
    ['jane+news@mail.example.co.uk', true],
    ['jane@example', false],
    ['jane example@example.com', false],
    ['@example.com', false],
    ['jane@@example.com', false],
    [DIGEST, false],
    [`${'a'.repeat(250)}@example.com`, false],
  ])('returns %s for %j', (email, expected) => {
    expect(isSendableEmail(email)).toBe(expected);
  });
});

describe('pickEmail', () => {
  it('takes first email', () => {
    expect(pickEmail(profile('p1', 'a@example.com', 'b@example.com'))).toEqual({
      email: 'a@example.com',
    });
  });

  it('normalizes picked email', () => {
    expect(pickEmail(profile('p1', ' A@Example.com '))).toEqual({ email: 'a@example.com' });
  });

  it('passes over malformed first email', () => {
    expect(pickEmail(profile('p1', 'broken', 'b@example.com'))).toEqual({
      email: 'b@example.com',
    });
  });

  it('passes over pre-hashed email', () => {
    expect(pickEmail(profile('p1', DIGEST, 'b@example.com'))).toEqual({ email: 'b@example.com' });
  });

  it.each([
    ['no email field', { key: 'p1', identifiers: { phone: ['+31612345678'] } }],
    ['empty list', profile('p1')],
    ['blank values', profile('p1', '', '   ')],
  ])('skips %s as no_identifier', (_case, input) => {
    expect(pickEmail(input)).toEqual({ reason: 'no_identifier' });
  });

  it.each([
    ['malformed email', profile('p1', 'not-an-address')],
    ['only a SHA-256 digest', profile('p1', DIGEST)],
  ])('skips %s as invalid_identifier', (_case, input) => {
    expect(pickEmail(input)).toEqual({ reason: 'invalid_identifier' });
  });
});

describe('memberStatusFor', () => {
  it('subscribes on add', () => {
    expect(memberStatusFor('add')).toBe('subscribed');
  });

  it('unsubscribes on remove', () => {
    expect(memberStatusFor('remove')).toBe('unsubscribed');
  });
});

describe('buildMailchimpMembers', () => {
  it('builds one member per profile', () => {
    const result = buildMailchimpMembers(
      [profile('p1', 'a@example.com'), profile('p2', 'b@example.com')],
      'add',
    );

    expect(result.members).toEqual([
      { email_address: 'a@example.com', status: 'subscribed' },
      { email_address: 'b@example.com', status: 'subscribed' },
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('builds unsubscribed members on remove', () => {
    const result = buildMailchimpMembers([profile('p1', 'a@example.com')], 'remove');

    expect(result.members).toEqual([{ email_address: 'a@example.com', status: 'unsubscribed' }]);
  });

  it('sends shared address once for both keys', () => {
    const result = buildMailchimpMembers(
      [profile('p1', 'Jane@Example.com'), profile('p2', ' jane@example.com')],
      'add',
    );

    expect(result.members).toHaveLength(1);
    expect(result.keysByEmail.get('jane@example.com')).toEqual(['p1', 'p2']);
  });

  it('reports skipped profiles', () => {
    const result = buildMailchimpMembers(
      [profile('p1'), profile('p2', 'broken'), profile('p3', 'c@example.com')],
      'add',
    );

    expect(result.skipped).toEqual([
      { key: 'p1', status: 'skipped', reason: 'no_identifier' },
      { key: 'p2', status: 'skipped', reason: 'invalid_identifier' },
    ]);
    expect(result.members.map((member) => member.email_address)).toEqual(['c@example.com']);
  });
});

describe('chunkMembers', () => {
  it('uses Mailchimp limit of 500', () => {
    expect(MAILCHIMP_MAX_MEMBERS_PER_REQUEST).toBe(500);
  });

  it('splits in order', () => {
    expect(chunkMembers([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('returns no chunk for no members', () => {
    expect(chunkMembers([])).toEqual([]);
  });

  it('keeps 500 members in one chunk', () => {
    const members = Array.from({ length: 501 }, (_, index) => index);

    expect(chunkMembers(members).map((chunk) => chunk.length)).toEqual([500, 1]);
  });
});
