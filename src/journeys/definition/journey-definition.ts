import type { Rule } from '../../rules/rule.js';

/**
 * Journey drafts: a trigger and a list of steps that form a directed acyclic graph. A profile
 * enters at `steps[0]` and follows `next`, `then` or `else` until it reaches `end` or an
 * `exit` step.
 */

/** Target value that finishes the journey for the profile instead of naming a step. */
export const END_OF_JOURNEY = 'end';

/** A step id, or `end` to finish the journey. */
export type StepTarget = string;

export type JourneyTrigger =
  { type: 'audience_entry'; audienceId: string } | { type: 'event'; name: string };

export const SEND_OPERATIONS = ['add', 'remove', 'send'] as const;
export type SendOperation = (typeof SEND_OPERATIONS)[number];

/** A delivery through a connector, with settings for that connector's type. */
export interface SendStep {
  id: string;
  type: 'send';
  connectorId: string;
  operation: SendOperation;
  settings: Record<string, unknown>;
  next: StepTarget;
}

/** A pause before the next step. */
export interface WaitStep {
  id: string;
  type: 'wait';
  durationSeconds: number;
  next: StepTarget;
}

/** A branch on a rule evaluated against the profile when the step runs. */
export interface ConditionStep {
  id: string;
  type: 'condition';
  rule: Rule;
  then: StepTarget;
  else: StepTarget;
}

/** A step that finishes the journey for the profile. */
export interface ExitStep {
  id: string;
  type: 'exit';
}

export type JourneyStep = SendStep | WaitStep | ConditionStep | ExitStep;

export interface JourneyDefinition {
  name: string;
  trigger: JourneyTrigger;
  steps: JourneyStep[];
}

/** Maximum number of steps in one journey. */
export const MAX_JOURNEY_STEPS = 200;

/** Maximum length of a step id, in UTF-16 code units. */
export const MAX_STEP_ID_LENGTH = 64;

/** Maximum length of a journey name and of a trigger's event name. */
export const MAX_JOURNEY_NAME_LENGTH = 200;

/** Maximum `durationSeconds` of a wait step: 366 days. */
export const MAX_WAIT_SECONDS = 366 * 24 * 60 * 60;

/** Step fields whose value is a target. */
export type TargetField = 'next' | 'then' | 'else';

/** Returns each target of a step with the field it is in: `next`, or `then` and then `else`. */
export function stepTargets(step: JourneyStep): [field: TargetField, target: StepTarget][] {
  switch (step.type) {
    case 'send':
    case 'wait':
      return [['next', step.next]];
    case 'condition':
      return [
        ['then', step.then],
        ['else', step.else],
      ];
    case 'exit':
      return [];
  }
}
