import { describe, expect, it } from 'vitest';
import type { Rule } from './rule.js';
import { isTimeDependent, referencedFields } from './rule-traits.js';

describe('isTimeDependent', () => {
  it.each<[string, Rule, boolean]>([
    ['within_last_days', { attribute: 'seenAt', op: 'within_last_days', value: 7 }, true],
    [
      'within_last_days under not',
      { not: { attribute: 'seenAt', op: 'within_last_days', value: 7 } },
      true,
    ],
    [
      'within_last_days deep in a group',
      {
        or: [
          { attribute: 'a', op: 'exists' },
          { and: [{ attribute: 'b', op: 'within_last_days', value: 1 }] },
        ],
      },
      true,
    ],
    ['before', { attribute: 'seenAt', op: 'before', value: '2024-01-01' }, false],
    ['after', { attribute: 'seenAt', op: 'after', value: '2024-01-01T00:00:00Z' }, false],
    ['an identifier', { identifier: 'email', op: 'exists' }, false],
  ])('%s', (_name, rule, expected) => {
    expect(isTimeDependent(rule)).toBe(expected);
  });
});

describe('referencedFields', () => {
  it('lists a single condition', () => {
    expect(referencedFields({ identifier: 'email', op: 'exists' })).toEqual({
      attributes: [],
      identifiers: ['email'],
    });
  });

  it('lists each field once in order', () => {
    const rule: Rule = {
      and: [
        { attribute: 'country', op: 'in', value: ['NL'] },
        { not: { identifier: 'email', op: 'exists' } },
        {
          or: [
            { attribute: 'age', op: 'gt', value: 18 },
            { attribute: 'country', op: 'eq', value: 'BE' },
          ],
        },
        { identifier: 'phone', op: 'starts_with', value: '+31' },
        { identifier: 'email', op: 'contains', value: '@' },
      ],
    };

    expect(referencedFields(rule)).toEqual({
      attributes: ['country', 'age'],
      identifiers: ['email', 'phone'],
    });
  });

  it('keeps an attribute and identifier of one name apart', () => {
    const rule: Rule = {
      or: [
        { attribute: 'email', op: 'exists' },
        { identifier: 'email', op: 'exists' },
      ],
    };

    expect(referencedFields(rule)).toEqual({ attributes: ['email'], identifiers: ['email'] });
  });
});
