import { describe, expect, it } from 'vitest';
import { connectorIdsOf } from './journey-connectors.js';
import {
  MAX_JOURNEY_STEPS,
  MAX_WAIT_SECONDS,
  type JourneyDefinition,
} from './journey-definition.js';
import { validateJourneyDefinition, type JourneyValidationContext } from './validate-journey.js';

const EXAMPLE = {
  name: 'Welcome',
  trigger: { type: 'audience_entry', audienceId: 'a1' },
  steps: [
    {
      id: 's1',
      type: 'send',
      connectorId: 'c1',
      operation: 'add',
      settings: { customAudienceId: '111' },
      next: 's2',
    },
    { id: 's2', type: 'wait', durationSeconds: 86400, next: 's3' },
    {
      id: 's3',
      type: 'condition',
      rule: { identifier: 'email', op: 'exists' },
      then: 's4',
      else: 'end',
    },
    {
      id: 's4',
      type: 'send',
      connectorId: 'c2',
      operation: 'add',
      settings: { listId: 'l9' },
      next: 'end',
    },
  ],
};

const KNOWN_IDS: JourneyValidationContext = {
  connectorExists: (id) => ['c1', 'c2'].includes(id),
  audienceExists: (id) => id === 'a1',
};

/** Returns a deep copy of the example, so that each test can change it freely. */
function example(): Record<string, unknown> & { steps: Record<string, unknown>[] } {
  return structuredClone(EXAMPLE) as Record<string, unknown> & { steps: Record<string, unknown>[] };
}

function withSteps(steps: Record<string, unknown>[]): Record<string, unknown> {
  return { ...example(), steps };
}

function exitStep(id: string): Record<string, unknown> {
  return { id, type: 'exit' };
}

function waitStep(id: string, next: string): Record<string, unknown> {
  return { id, type: 'wait', durationSeconds: 60, next };
}

function validate(value: unknown): ReturnType<typeof validateJourneyDefinition> {
  return validateJourneyDefinition(value, KNOWN_IDS);
}

describe('validateJourneyDefinition', () => {
  it('accepts the contract example', () => {
    expect(validate(example())).toEqual({ definition: EXAMPLE });
  });

  it('looks up the trigger audience and each connector', () => {
    const connectorLookups: string[] = [];
    const audienceLookups: string[] = [];
    const context: JourneyValidationContext = {
      connectorExists: (id) => connectorLookups.push(id) > 0,
      audienceExists: (id) => audienceLookups.push(id) > 0,
    };

    expect(validateJourneyDefinition(example(), context)).toHaveProperty('definition');
    expect(connectorLookups).toEqual(['c1', 'c2']);
    expect(audienceLookups).toEqual(['a1']);
  });

  it('accepts an event trigger', () => {
    const draft = { ...example(), trigger: { type: 'event', name: 'signed_up' } };

    expect(validate(draft)).toEqual({ definition: draft });
  });

  it('accepts an exit step and shared targets', () => {
    const draft = withSteps([
      {
        id: 'check',
        type: 'condition',
        rule: { attribute: 'vip', op: 'eq', value: true },
        then: 'wait',
        else: 'wait',
      },
      waitStep('wait', 'done'),
      exitStep('done'),
    ]);

    expect(validate(draft)).toEqual({ definition: draft });
  });

  it('returns a copy', () => {
    const result = validate(example());

    if (!('definition' in result)) throw new Error(result.error);

    expect(result.definition).toEqual(EXAMPLE);
    expect(result.definition).not.toBe(EXAMPLE);
  });

  it('accepts the maximum number of steps', () => {
    const steps = chainOfWaits(MAX_JOURNEY_STEPS);

    expect(validate(withSteps(steps))).toHaveProperty('definition');
  });

  it('accepts the maximum wait', () => {
    const draft = withSteps([
      { id: 'w', type: 'wait', durationSeconds: MAX_WAIT_SECONDS, next: 'end' },
    ]);

    expect(validate(draft)).toHaveProperty('definition');
  });

  type ErrorCase = [
    name: string,
    change: (draft: ReturnType<typeof example>) => unknown,
    error: string,
  ];

  it.each<ErrorCase>([
    [
      'a non-object',
      () => 'Welcome',
      `journey: expected an object with name, trigger and steps, got 'Welcome'`,
    ],
    [
      'an unknown top-level key',
      (draft) => ({ ...draft, status: 'live' }),
      `journey: unknown key 'status'. Allowed keys here: name, trigger, steps`,
    ],
    [
      'a missing name',
      ({ name: _name, ...rest }) => rest,
      'name: expected a non-empty string, got nothing',
    ],
    [
      'a blank name',
      (draft) => ({ ...draft, name: '  ' }),
      `name: expected a non-empty string, got '  '`,
    ],
    [
      'a long name',
      (draft) => ({ ...draft, name: 'x'.repeat(201) }),
      'name: has 201 characters, more than the maximum of 200',
    ],
    [
      'a missing trigger',
      ({ trigger: _trigger, ...rest }) => rest,
      'trigger: expected an object with a type, got nothing',
    ],
    [
      'a missing trigger type',
      (draft) => ({ ...draft, trigger: { audienceId: 'a1' } }),
      'trigger.type: missing trigger type. Use audience_entry or event',
    ],
    [
      'an unknown trigger type',
      (draft) => ({ ...draft, trigger: { type: 'schedule' } }),
      `trigger.type: unknown trigger type 'schedule'. Use audience_entry or event`,
    ],
    [
      'an unknown audience',
      (draft) => ({ ...draft, trigger: { type: 'audience_entry', audienceId: 'a9' } }),
      `trigger.audienceId: no audience with id 'a9' exists`,
    ],
    [
      'an empty audience id',
      (draft) => ({ ...draft, trigger: { type: 'audience_entry', audienceId: '' } }),
      `trigger.audienceId: expected an audience id, got ''`,
    ],
    [
      'an audience trigger with a name',
      (draft) => ({ ...draft, trigger: { type: 'audience_entry', audienceId: 'a1', name: 'x' } }),
      `trigger: unknown key 'name'. Allowed keys here: type, audienceId`,
    ],
    [
      'an event trigger without a name',
      (draft) => ({ ...draft, trigger: { type: 'event' } }),
      'trigger.name: expected a non-empty string, got nothing',
    ],
    [
      'an event trigger with an audience',
      (draft) => ({ ...draft, trigger: { type: 'event', name: 'x', audienceId: 'a1' } }),
      `trigger: unknown key 'audienceId'. Allowed keys here: type, name`,
    ],
    [
      'steps that are not an array',
      (draft) => ({ ...draft, steps: {} }),
      'steps: expected an array of steps, got an object',
    ],
    [
      'no steps',
      (draft) => ({ ...draft, steps: [] }),
      'steps: must contain at least one step. The journey starts at steps[0]',
    ],
    [
      'too many steps',
      (draft) => ({ ...draft, steps: chainOfWaits(MAX_JOURNEY_STEPS + 1) }),
      'steps: has 201 steps, more than the maximum of 200',
    ],
    [
      'a step that is not an object',
      (draft) => ({ ...draft, steps: [draft.steps[0], 's2'] }),
      `steps[1]: expected a step object, got 's2'`,
    ],
    [
      'a missing step type',
      () => withSteps([{ id: 's1', next: 'end' }]),
      'steps[0].type: missing step type. Use one of send, wait, condition, exit',
    ],
    [
      'an unknown step type',
      () => withSteps([{ id: 's1', type: 'email', next: 'end' }]),
      `steps[0].type: unknown step type 'email'. Use one of send, wait, condition, exit`,
    ],
    [
      'an unknown step key',
      (draft) => ({
        ...draft,
        steps: [
          ...draft.steps.slice(0, 1),
          { ...draft.steps[1], label: 'x' },
          ...draft.steps.slice(2),
        ],
      }),
      `steps[1]: unknown key 'label'. Allowed keys here: id, type, durationSeconds, next`,
    ],
    [
      'a next on an exit step',
      () => withSteps([{ id: 'x', type: 'exit', next: 'end' }]),
      `steps[0]: unknown key 'next'. Allowed keys here: id, type`,
    ],
    [
      'a missing step id',
      () => withSteps([{ type: 'exit' }]),
      'steps[0].id: expected a step id of 1 to 64 characters, got nothing',
    ],
    [
      'an empty step id',
      () => withSteps([exitStep('')]),
      `steps[0].id: expected a step id of 1 to 64 characters, got ''`,
    ],
    [
      'a 65-character step id',
      () => withSteps([exitStep('x'.repeat(65))]),
      `steps[0].id: expected a step id of 1 to 64 characters, got '${'x'.repeat(40)}…'`,
    ],
    [
      'the reserved step id end',
      () => withSteps([exitStep('end')]),
      `steps[0].id: 'end' is reserved for finishing the journey. Choose another id`,
    ],
    [
      'a duplicate step id',
      () => withSteps([waitStep('s1', 's2'), waitStep('s2', 'end'), exitStep('s1')]),
      `steps[2].id: duplicate step id 's1', already used by steps[0]`,
    ],
    [
      'an unknown connector',
      (draft) => withSteps([{ ...draft.steps[0], connectorId: 'c9' }]),
      `steps[0].connectorId: no connector with id 'c9' exists`,
    ],
    [
      'a missing connector id',
      (draft) => withSteps([{ ...draft.steps[0], connectorId: undefined }]),
      'steps[0].connectorId: expected a connector id, got nothing',
    ],
    [
      'an unknown operation',
      (draft) => withSteps([{ ...draft.steps[0], operation: 'upsert', next: 'end' }]),
      `steps[0].operation: expected one of add, remove, send, got 'upsert'`,
    ],
    [
      'settings that are not an object',
      (draft) => withSteps([{ ...draft.steps[0], settings: 'x', next: 'end' }]),
      `steps[0].settings: expected an object of connector settings, got 'x'`,
    ],
    [
      'missing settings',
      (draft) => withSteps([{ ...draft.steps[0], settings: undefined, next: 'end' }]),
      'steps[0].settings: expected an object of connector settings, got nothing',
    ],
    [
      'a missing next',
      () => withSteps([{ id: 'w', type: 'wait', durationSeconds: 5 }]),
      `steps[0].next: expected a step id or 'end', got nothing`,
    ],
    [
      'a numeric next',
      () => withSteps([waitStep('w', 2 as unknown as string)]),
      `steps[0].next: expected a step id or 'end', got 2`,
    ],
    [
      'a zero wait',
      () => withSteps([{ id: 'w', type: 'wait', durationSeconds: 0, next: 'end' }]),
      'steps[0].durationSeconds: expected a whole number of seconds from 1 to 31622400 (366 days), got 0',
    ],
    [
      'a fractional wait',
      () => withSteps([{ id: 'w', type: 'wait', durationSeconds: 1.5, next: 'end' }]),
      'steps[0].durationSeconds: expected a whole number of seconds from 1 to 31622400 (366 days), got 1.5',
    ],
    [
      'a wait over 366 days',
      () =>
        withSteps([{ id: 'w', type: 'wait', durationSeconds: MAX_WAIT_SECONDS + 1, next: 'end' }]),
      'steps[0].durationSeconds: expected a whole number of seconds from 1 to 31622400 (366 days), got 31622401',
    ],
    [
      'a string wait',
      () => withSteps([{ id: 'w', type: 'wait', durationSeconds: '60', next: 'end' }]),
      `steps[0].durationSeconds: expected a whole number of seconds from 1 to 31622400 (366 days), got '60'`,
    ],
    [
      'a missing condition else',
      () =>
        withSteps([
          { id: 'c', type: 'condition', rule: { identifier: 'email', op: 'exists' }, then: 'end' },
        ]),
      `steps[0].else: expected a step id or 'end', got nothing`,
    ],
    [
      'an invalid condition rule',
      (draft) => ({
        ...draft,
        steps: draft.steps.map((step) =>
          step.id === 's3'
            ? { ...step, rule: { and: [{ identifier: 'email', op: 'gt', value: 1 }] } }
            : step,
        ),
      }),
      `steps[2].rule.and[0].op: operator 'gt' does not apply to identifiers. Use one of eq, neq, in, contains, starts_with, exists`,
    ],
    [
      'a missing condition rule',
      () => withSteps([{ id: 'c', type: 'condition', then: 'end', else: 'end' }]),
      'steps[0].rule: expected an object with one of the keys attribute, identifier, and, or, not, got nothing',
    ],
    [
      'an unknown next',
      (draft) => ({
        ...draft,
        steps: draft.steps.map((step) => (step.id === 's2' ? { ...step, next: 's9' } : step)),
      }),
      `steps[1].next points at unknown step 's9'`,
    ],
    [
      'an unknown then',
      (draft) => ({
        ...draft,
        steps: draft.steps.map((step) => (step.id === 's3' ? { ...step, then: 's9' } : step)),
      }),
      `steps[2].then points at unknown step 's9'`,
    ],
    [
      'an unknown else',
      (draft) => ({
        ...draft,
        steps: draft.steps.map((step) => (step.id === 's3' ? { ...step, else: 'End' } : step)),
      }),
      `steps[2].else points at unknown step 'End'`,
    ],
  ])('rejects %s', (_name, change, error) => {
    expect(validate(change(example()))).toEqual({ error });
  });
});

describe('journey cycle detection', () => {
  it.each<[string, Record<string, unknown>[], string]>([
    ['a self-loop', [waitStep('s1', 's1')], 's1 -> s1'],
    ['a two-step cycle', [waitStep('s1', 's2'), waitStep('s2', 's1')], 's1 -> s2 -> s1'],
    [
      'a longer cycle after the first step',
      [waitStep('s1', 's2'), waitStep('s2', 's3'), waitStep('s3', 's4'), waitStep('s4', 's2')],
      's2 -> s3 -> s4 -> s2',
    ],
    [
      'a cycle through a condition else',
      [
        {
          id: 'check',
          type: 'condition',
          rule: { identifier: 'email', op: 'exists' },
          then: 'end',
          else: 'pause',
        },
        waitStep('pause', 'check'),
      ],
      'check -> pause -> check',
    ],
    [
      'a cycle among unreachable steps',
      [exitStep('s1'), waitStep('a', 'b'), waitStep('b', 'a')],
      'a -> b -> a',
    ],
  ])('rejects %s', (_name, steps, cycle) => {
    expect(validate(withSteps(steps))).toEqual({
      error: `steps form a cycle: ${cycle}. A journey must not return to a step it has passed, so change one of these targets`,
    });
  });

  it('accepts a diamond', () => {
    const steps = [
      {
        id: 'split',
        type: 'condition',
        rule: { identifier: 'email', op: 'exists' },
        then: 'left',
        else: 'right',
      },
      waitStep('left', 'join'),
      waitStep('right', 'join'),
      waitStep('join', 'end'),
    ];

    expect(validate(withSteps(steps))).toHaveProperty('definition');
  });
});

describe('journey reachability', () => {
  it('rejects an unreachable step', () => {
    const steps = [waitStep('s1', 'end'), exitStep('s2')];

    expect(validate(withSteps(steps))).toEqual({
      error: `unreachable steps: 's2' (steps[1]). Every step must be reachable from the first step 's1', so remove these steps or point another step at them`,
    });
  });

  it('names every unreachable step', () => {
    const steps = [waitStep('s1', 's3'), waitStep('s2', 's4'), exitStep('s3'), exitStep('s4')];

    expect(validate(withSteps(steps))).toEqual({
      error: `unreachable steps: 's2' (steps[1]), 's4' (steps[3]). Every step must be reachable from the first step 's1', so remove these steps or point another step at them`,
    });
  });
});

describe('connectorIdsOf', () => {
  it('lists distinct connectors in step order', () => {
    const definition: JourneyDefinition = {
      name: 'Two sends',
      trigger: { type: 'event', name: 'signed_up' },
      steps: [
        { id: 'a', type: 'send', connectorId: 'c2', operation: 'add', settings: {}, next: 'b' },
        { id: 'b', type: 'wait', durationSeconds: 60, next: 'c' },
        { id: 'c', type: 'send', connectorId: 'c1', operation: 'remove', settings: {}, next: 'd' },
        { id: 'd', type: 'send', connectorId: 'c2', operation: 'send', settings: {}, next: 'end' },
      ],
    };

    expect(connectorIdsOf(definition)).toEqual(['c2', 'c1']);
  });

  it('returns nothing without send steps', () => {
    const definition: JourneyDefinition = {
      name: 'Wait only',
      trigger: { type: 'event', name: 'x' },
      steps: [{ id: 'w', type: 'wait', durationSeconds: 1, next: 'end' }],
    };

    expect(connectorIdsOf(definition)).toEqual([]);
  });

  it('lists the contract example connectors', () => {
    const result = validate(example());
    if (!('definition' in result)) throw new Error(result.error);

    expect(connectorIdsOf(result.definition)).toEqual(['c1', 'c2']);
  });
});

/** Builds `count` wait steps where each leads to the next and the last to `end`. */
function chainOfWaits(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_value, index) =>
    waitStep(`w${index}`, index === count - 1 ? 'end' : `w${index + 1}`),
  );
}
