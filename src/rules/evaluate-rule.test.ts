import { describe, expect, it } from 'vitest';
import type { Profile } from '../profiles/profile.js';
import { evaluateRule } from './evaluate-rule.js';
import { OPERATORS, type Rule } from './rule.js';
import { validateRule } from './validate-rule.js';

const NOW = new Date('2024-06-10T12:00:00Z');

function makeProfile(
  attributes: Record<string, unknown>,
  identifiers: Record<string, string[]> = {},
): Profile {
  return {
    id: 'p1',
    identifiers,
    attributes,
    consents: { advertising: 'unknown', email: 'unknown' },
  };
}

const PROFILE = makeProfile(
  {
    country: 'Netherlands',
    city: 'Amsterdam',
    tier: 'Gold',
    age: 42,
    score: '17.5',
    vip: true,
    nickname: '',
    deleted: null,
    tags: ['a', 'b'],
    subscribedAt: '2024-06-01',
    lastSeen: '2024-06-10T08:00:00Z',
    badDate: '2024-13-01',
    signupDay: '2024-06-01T10:00:00+02:00',
  },
  {
    email: ['jane@example.com', 'j.doe@work.example'],
    phone: ['+31612345678'],
    maid: [],
  },
);

type Case = [name: string, rule: Rule, expected: boolean];

const CASES: Case[] = [
  // eq and neq
  ['eq on an equal string', { attribute: 'tier', op: 'eq', value: 'Gold' }, true],
  ['eq is case-sensitive', { attribute: 'tier', op: 'eq', value: 'gold' }, false],
  ['eq on country ignores case', { attribute: 'country', op: 'eq', value: 'NETHERLANDS' }, true],
  ['eq on a number', { attribute: 'age', op: 'eq', value: 42 }, true],
  ['eq number on a decimal string', { attribute: 'score', op: 'eq', value: 17.5 }, true],
  ['eq string on a number attribute', { attribute: 'age', op: 'eq', value: '42' }, false],
  ['eq on a boolean', { attribute: 'vip', op: 'eq', value: true }, true],
  ['eq boolean on a string', { attribute: 'tier', op: 'eq', value: true }, false],
  ['eq on a missing attribute', { attribute: 'missing', op: 'eq', value: 'x' }, false],
  ['eq on a null attribute', { attribute: 'deleted', op: 'eq', value: 'x' }, false],
  ['neq on a different string', { attribute: 'tier', op: 'neq', value: 'Silver' }, true],
  ['neq on an equal string', { attribute: 'tier', op: 'neq', value: 'Gold' }, false],
  ['neq on country ignores case', { attribute: 'country', op: 'neq', value: 'netherlands' }, false],
  ['neq on a missing attribute', { attribute: 'missing', op: 'neq', value: 'x' }, true],
  ['neq on a wrong-typed attribute', { attribute: 'tags', op: 'neq', value: 'a' }, true],
  // in
  ['in with a listed value', { attribute: 'tier', op: 'in', value: ['Silver', 'Gold'] }, true],
  ['in without the value', { attribute: 'tier', op: 'in', value: ['Silver', 'Bronze'] }, false],
  [
    'in on country ignores case',
    { attribute: 'country', op: 'in', value: ['nl', 'netherlands'] },
    true,
  ],
  ['in with numbers', { attribute: 'age', op: 'in', value: [41, 42] }, true],
  ['in on a missing attribute', { attribute: 'missing', op: 'in', value: ['x'] }, false],
  // contains and starts_with
  ['contains ignores case', { attribute: 'city', op: 'contains', value: 'STER' }, true],
  ['contains without a match', { attribute: 'city', op: 'contains', value: 'berlin' }, false],
  ['contains on a number attribute', { attribute: 'age', op: 'contains', value: '4' }, false],
  ['contains on an array attribute', { attribute: 'tags', op: 'contains', value: 'a' }, false],
  ['contains on a missing attribute', { attribute: 'missing', op: 'contains', value: 'a' }, false],
  ['starts_with ignores case', { attribute: 'city', op: 'starts_with', value: 'amst' }, true],
  ['starts_with on the middle', { attribute: 'city', op: 'starts_with', value: 'ster' }, false],
  [
    'starts_with on a missing attribute',
    { attribute: 'missing', op: 'starts_with', value: 'a' },
    false,
  ],
  // gt, gte, lt, lte
  ['gt below the attribute', { attribute: 'age', op: 'gt', value: 41 }, true],
  ['gt equal to the attribute', { attribute: 'age', op: 'gt', value: 42 }, false],
  ['gte equal to the attribute', { attribute: 'age', op: 'gte', value: 42 }, true],
  ['lt above the attribute', { attribute: 'age', op: 'lt', value: 43 }, true],
  ['lt equal to the attribute', { attribute: 'age', op: 'lt', value: 42 }, false],
  ['lte equal to the attribute', { attribute: 'age', op: 'lte', value: 42 }, true],
  ['gt on a decimal string', { attribute: 'score', op: 'gt', value: 17 }, true],
  ['gt on a non-numeric string', { attribute: 'tier', op: 'gt', value: 0 }, false],
  ['lt on a boolean attribute', { attribute: 'vip', op: 'lt', value: 5 }, false],
  ['gte on a missing attribute', { attribute: 'missing', op: 'gte', value: 0 }, false],
  // before and after
  ['before a later date', { attribute: 'subscribedAt', op: 'before', value: '2024-06-02' }, true],
  ['before the same date', { attribute: 'subscribedAt', op: 'before', value: '2024-06-01' }, false],
  ['after an earlier date', { attribute: 'subscribedAt', op: 'after', value: '2024-05-31' }, true],
  ['after the same date', { attribute: 'subscribedAt', op: 'after', value: '2024-06-01' }, false],
  [
    'after a date-time',
    { attribute: 'lastSeen', op: 'after', value: '2024-06-10T07:59:59Z' },
    true,
  ],
  [
    'before a date-time',
    { attribute: 'lastSeen', op: 'before', value: '2024-06-10T08:00:00Z' },
    false,
  ],
  [
    'after a date with an offset',
    { attribute: 'signupDay', op: 'after', value: '2024-05-31' },
    true,
  ],
  [
    'before on a date-only UTC day',
    { attribute: 'signupDay', op: 'before', value: '2024-06-01' },
    false,
  ],
  [
    'after on an unparseable date',
    { attribute: 'badDate', op: 'after', value: '2000-01-01' },
    false,
  ],
  ['before on a non-date string', { attribute: 'tier', op: 'before', value: '2030-01-01' }, false],
  ['before on a number attribute', { attribute: 'age', op: 'before', value: '2030-01-01' }, false],
  [
    'after on a missing attribute',
    { attribute: 'missing', op: 'after', value: '2000-01-01' },
    false,
  ],
  // within_last_days
  [
    'within_last_days inside the window',
    { attribute: 'subscribedAt', op: 'within_last_days', value: 30 },
    true,
  ],
  [
    'within_last_days outside the window',
    { attribute: 'subscribedAt', op: 'within_last_days', value: 5 },
    false,
  ],
  ['within_last_days on today', { attribute: 'lastSeen', op: 'within_last_days', value: 1 }, true],
  [
    'within_last_days on an unparseable date',
    { attribute: 'badDate', op: 'within_last_days', value: 9999 },
    false,
  ],
  [
    'within_last_days on a missing attribute',
    { attribute: 'missing', op: 'within_last_days', value: 30 },
    false,
  ],
  // exists
  ['exists on a string', { attribute: 'tier', op: 'exists' }, true],
  ['exists on false', { attribute: 'vip', op: 'exists' }, true],
  ['exists on an empty string', { attribute: 'nickname', op: 'exists' }, false],
  ['exists on null', { attribute: 'deleted', op: 'exists' }, false],
  ['exists on a missing attribute', { attribute: 'missing', op: 'exists' }, false],
  ['exists on a prototype name', { attribute: 'constructor', op: 'exists' }, false],
  // identifiers
  ['identifier exists with values', { identifier: 'email', op: 'exists' }, true],
  ['identifier exists with an empty array', { identifier: 'maid', op: 'exists' }, false],
  ['identifier exists when missing', { identifier: 'externalId', op: 'exists' }, false],
  [
    'identifier eq on the second value',
    { identifier: 'email', op: 'eq', value: 'j.doe@work.example' },
    true,
  ],
  [
    'identifier eq without a match',
    { identifier: 'email', op: 'eq', value: 'x@example.com' },
    false,
  ],
  [
    'identifier eq is case-sensitive',
    { identifier: 'email', op: 'eq', value: 'JANE@example.com' },
    false,
  ],
  [
    'identifier neq when one value equals',
    { identifier: 'email', op: 'neq', value: 'jane@example.com' },
    false,
  ],
  [
    'identifier neq when none equals',
    { identifier: 'email', op: 'neq', value: 'x@example.com' },
    true,
  ],
  ['identifier neq when missing', { identifier: 'externalId', op: 'neq', value: 'x' }, true],
  [
    'identifier in with a match',
    { identifier: 'phone', op: 'in', value: ['+31612345678', '+1'] },
    true,
  ],
  ['identifier in without a match', { identifier: 'phone', op: 'in', value: ['+1'] }, false],
  [
    'identifier contains on any value',
    { identifier: 'email', op: 'contains', value: '@WORK.' },
    true,
  ],
  [
    'identifier starts_with on any value',
    { identifier: 'phone', op: 'starts_with', value: '+31' },
    true,
  ],
  [
    'identifier starts_with when missing',
    { identifier: 'maid', op: 'starts_with', value: 'a' },
    false,
  ],
  // combinators
  [
    'and with every rule true',
    {
      and: [
        { attribute: 'tier', op: 'exists' },
        { attribute: 'age', op: 'gt', value: 1 },
      ],
    },
    true,
  ],
  [
    'and with one rule false',
    {
      and: [
        { attribute: 'tier', op: 'exists' },
        { attribute: 'age', op: 'gt', value: 99 },
      ],
    },
    false,
  ],
  [
    'or with one rule true',
    {
      or: [
        { attribute: 'missing', op: 'exists' },
        { attribute: 'vip', op: 'eq', value: true },
      ],
    },
    true,
  ],
  [
    'or with every rule false',
    {
      or: [
        { attribute: 'missing', op: 'exists' },
        { attribute: 'vip', op: 'eq', value: false },
      ],
    },
    false,
  ],
  ['not of a true rule', { not: { attribute: 'tier', op: 'exists' } }, false],
  ['not of a missing attribute', { not: { attribute: 'missing', op: 'eq', value: 'x' } }, true],
  ['not of not', { not: { not: { attribute: 'tier', op: 'exists' } } }, true],
  [
    'nested and inside or inside not',
    {
      not: {
        or: [
          {
            and: [
              { attribute: 'country', op: 'eq', value: 'nl' },
              { identifier: 'maid', op: 'exists' },
            ],
          },
          { attribute: 'city', op: 'eq', value: 'Berlin' },
        ],
      },
    },
    true,
  ],
];

describe('evaluateRule', () => {
  it.each(CASES)('%s', (_name, rule, expected) => {
    expect(validateRule(rule)).toEqual({ rule });
    expect(evaluateRule(rule, PROFILE, NOW)).toBe(expected);
  });

  it('covers every operator in the table', () => {
    const operators = new Set(CASES.flatMap(([, rule]) => ('op' in rule ? [rule.op] : [])));

    expect([...operators].sort()).toEqual([...OPERATORS].sort());
  });

  it('ignores the case of a final sigma', () => {
    // Shrunk counterexample of the property that a text starts with each of its prefixes.
    // Lower-casing turns the last Σ of "ΣΣ" into ς but the middle Σ of "ΣΣΣ" into σ.
    const profile = makeProfile({ city: 'ΣΣΣ' });

    expect(evaluateRule({ attribute: 'city', op: 'starts_with', value: 'ΣΣ' }, profile, NOW)).toBe(
      true,
    );
    expect(
      evaluateRule(
        { attribute: 'city', op: 'contains', value: 'ΑΣ' },
        makeProfile({ city: 'ΑΣΑ' }),
        NOW,
      ),
    ).toBe(true);
    expect(
      evaluateRule(
        { attribute: 'country', op: 'eq', value: 'ΕΛΛΑΣ' },
        makeProfile({ country: 'Ελλασ' }),
        NOW,
      ),
    ).toBe(true);
  });

  it('includes both ends of within_last_days', () => {
    const rule: Rule = { attribute: 'seenAt', op: 'within_last_days', value: 2 };

    expect(evaluateRule(rule, makeProfile({ seenAt: '2024-06-08T12:00:00Z' }), NOW)).toBe(true);
    expect(evaluateRule(rule, makeProfile({ seenAt: '2024-06-08T11:59:59Z' }), NOW)).toBe(false);
    expect(evaluateRule(rule, makeProfile({ seenAt: '2024-06-10T12:00:00Z' }), NOW)).toBe(true);
    expect(evaluateRule(rule, makeProfile({ seenAt: '2024-06-10T12:00:01Z' }), NOW)).toBe(false);
  });
});

describe('contract rule example', () => {
  const RULE: Rule = {
    and: [
      { attribute: 'country', op: 'in', value: ['Netherlands', 'NL'] },
      { not: { identifier: 'email', op: 'exists' } },
      { attribute: 'subscribedAt', op: 'within_last_days', value: 30 },
    ],
  };

  it('passes validation unchanged', () => {
    expect(validateRule(JSON.parse(JSON.stringify(RULE)))).toEqual({ rule: RULE });
  });

  it('matches a recent Dutch subscriber without email', () => {
    const profile = makeProfile(
      { country: 'nl', subscribedAt: '2024-05-20' },
      { phone: ['+31612345678'] },
    );

    expect(evaluateRule(RULE, profile, NOW)).toBe(true);
  });

  it('rejects a profile with an email', () => {
    const profile = makeProfile(
      { country: 'NL', subscribedAt: '2024-05-20' },
      { email: ['jane@example.com'] },
    );

    expect(evaluateRule(RULE, profile, NOW)).toBe(false);
  });

  it('rejects another country', () => {
    const profile = makeProfile({ country: 'BE', subscribedAt: '2024-05-20' });

    expect(evaluateRule(RULE, profile, NOW)).toBe(false);
  });

  it('rejects an old subscription', () => {
    const profile = makeProfile({ country: 'Netherlands', subscribedAt: '2024-04-01' });

    expect(evaluateRule(RULE, profile, NOW)).toBe(false);
  });
});
