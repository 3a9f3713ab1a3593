import { describe, expect, it } from 'vitest';
import type { Profile } from '../profiles/profile.js';
import { evaluateRule } from './evaluate-rule.js';
import type { Condition, Rule, ScalarValue } from './rule.js';
import { validateRule } from './validate-rule.js';

// Randomized checks of the boolean laws the evaluator must obey. The generator is seeded, so a
// failure repeats on every run, and its message names the iteration and the rule.

const SEED = 0x5eed_2024;
const ITERATIONS = 3000;
const NOW = new Date('2024-06-10T12:00:00Z');

/** Deterministic pseudo-random numbers from a 32-bit xorshift generator. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;

    return this.state / 0x1_0000_0000;
  }

  integer(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.integer(items.length)];
    if (item === undefined) throw new Error('Random.pick needs a non-empty array');

    return item;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

// Small pools of names and values, so that random rules and profiles often hit each other.
const ATTRIBUTES = ['country', 'tier', 'age', 'seenAt', 'vip'] as const;
const IDENTIFIERS = ['email', 'phone'] as const;
const STRINGS = ['NL', 'nl', 'Gold', 'gold', 'Amsterdam', '', '42', '7.5'];
const NUMBERS = [0, 7.5, 18, 42, -3];
const DATES = ['2024-06-01', '2024-06-10T08:00:00Z', '2023-12-31', '2024-13-40', 'soon'];
const IDENTIFIER_VALUES = ['jane@example.com', 'joe@work.example', '+31612345678', ''];

function randomScalar(random: Random): ScalarValue {
  switch (random.integer(3)) {
    case 0:
      return random.pick(STRINGS);
    case 1:
      return random.pick(NUMBERS);
    default:
      return random.chance(0.5);
  }
}

function randomAttributeCondition(random: Random): Condition {
  const attribute = random.pick(ATTRIBUTES);
  switch (random.integer(8)) {
    case 0:
      return { attribute, op: random.pick(['eq', 'neq'] as const), value: randomScalar(random) };
    case 1:
      return { attribute, op: 'in', value: [randomScalar(random), randomScalar(random)] };
    case 2:
      return {
        attribute,
        op: random.pick(['contains', 'starts_with'] as const),
        value: random.pick(['N', 'gol', 'ster', '4']),
      };
    case 3:
      return {
        attribute,
        op: random.pick(['gt', 'gte', 'lt', 'lte'] as const),
        value: random.pick(NUMBERS),
      };
    case 4:
      return {
        attribute,
        op: random.pick(['before', 'after'] as const),
        value: random.pick(['2024-06-01', '2024-06-10T08:00:00Z', '2024-01-01']),
      };
    case 5:
      return { attribute, op: 'within_last_days', value: random.pick([1, 10, 365]) };
    default:
      return { attribute, op: 'exists' };
  }
}

function randomIdentifierCondition(random: Random): Condition {
  const identifier = random.pick(IDENTIFIERS);
  switch (random.integer(4)) {
    case 0:
      return {
        identifier,
        op: random.pick(['eq', 'neq'] as const),
        value: random.pick(IDENTIFIER_VALUES),
      };
    case 1:
      return {
        identifier,
        op: 'in',
        value: [random.pick(IDENTIFIER_VALUES), random.pick(IDENTIFIER_VALUES)],
      };
    case 2:
      return {
        identifier,
        op: random.pick(['contains', 'starts_with'] as const),
        value: random.pick(['@', 'JANE', '+31', 'work']),
      };
    default:
      return { identifier, op: 'exists' };
  }
}

function randomRule(random: Random, depth: number): Rule {
  const kind = depth >= 4 ? 0 : random.integer(5);
  switch (kind) {
    case 2:
      return { and: randomRules(random, depth) };
    case 3:
      return { or: randomRules(random, depth) };
    case 4:
      return { not: randomRule(random, depth + 1) };
    default:
      return random.chance(0.7)
        ? randomAttributeCondition(random)
        : randomIdentifierCondition(random);
  }
}

function randomRules(random: Random, depth: number): Rule[] {
  const count = 1 + random.integer(3);

  return Array.from({ length: count }, () => randomRule(random, depth + 1));
}

function randomProfile(random: Random): Profile {
  const attributes: Record<string, unknown> = {};
  for (const attribute of ATTRIBUTES) {
    switch (random.integer(5)) {
      case 0:
        break; // missing
      case 1:
        attributes[attribute] = random.chance(0.5) ? null : ['NL'];
        break;
      case 2:
        attributes[attribute] = random.pick(DATES);
        break;
      default:
        attributes[attribute] = randomScalar(random);
    }
  }

  const identifiers: Record<string, string[]> = {};
  for (const identifier of IDENTIFIERS) {
    if (random.chance(0.3)) continue;
    identifiers[identifier] = Array.from({ length: random.integer(3) }, () =>
      random.pick(IDENTIFIER_VALUES),
    );
  }

  return {
    id: 'p1',
    identifiers,
    attributes,
    consents: { advertising: 'unknown', email: 'unknown' },
  };
}

describe('rule laws over random rules', () => {
  const random = new Random(SEED);
  const cases = Array.from({ length: ITERATIONS }, () => ({
    rules: randomRules(random, 1),
    profile: randomProfile(random),
  }));

  const evaluate = (rule: Rule, profile: Profile): boolean => evaluateRule(rule, profile, NOW);
  const label = (iteration: number, rule: unknown): string =>
    `seed ${SEED}, iteration ${iteration}: ${JSON.stringify(rule)}`;

  it('generates only valid rules', () => {
    cases.forEach(({ rules }, iteration) => {
      const rule: Rule = { and: rules };

      expect(validateRule(rule), label(iteration, rule)).toEqual({ rule });
    });
  });

  it('not negates every rule', () => {
    cases.forEach(({ rules, profile }, iteration) => {
      for (const rule of rules) {
        expect(evaluate({ not: rule }, profile), label(iteration, rule)).toBe(
          !evaluate(rule, profile),
        );
      }
    });
  });

  it('not of and equals or of nots', () => {
    cases.forEach(({ rules, profile }, iteration) => {
      const negatedAnd = evaluate({ not: { and: rules } }, profile);
      const orOfNegations = evaluate({ or: rules.map((rule) => ({ not: rule })) }, profile);

      expect(negatedAnd, label(iteration, rules)).toBe(orOfNegations);
    });
  });

  it('not of or equals and of nots', () => {
    cases.forEach(({ rules, profile }, iteration) => {
      const negatedOr = evaluate({ not: { or: rules } }, profile);
      const andOfNegations = evaluate({ and: rules.map((rule) => ({ not: rule })) }, profile);

      expect(negatedOr, label(iteration, rules)).toBe(andOfNegations);
    });
  });

  it('neq negates eq', () => {
    cases.forEach(({ rules, profile }, iteration) => {
      for (const rule of rules) {
        if (!('op' in rule) || rule.op !== 'eq') continue;
        const negated: Rule = { ...rule, op: 'neq' };

        expect(evaluate(negated, profile), label(iteration, rule)).toBe(!evaluate(rule, profile));
      }
    });
  });

  it('produces both results often', () => {
    const results = cases.map(({ rules, profile }) => evaluate({ and: rules }, profile));
    const trueCount = results.filter(Boolean).length;

    expect(trueCount).toBeGreaterThan(ITERATIONS / 10);
    expect(ITERATIONS - trueCount).toBeGreaterThan(ITERATIONS / 10);
  });
});
