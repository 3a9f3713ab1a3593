import { describeValue } from '../../rules/describe-value.js';
import { validateRule } from '../../rules/validate-rule.js';
import {
  END_OF_JOURNEY,
  MAX_JOURNEY_NAME_LENGTH,
  MAX_JOURNEY_STEPS,
  MAX_STEP_ID_LENGTH,
  MAX_WAIT_SECONDS,
  SEND_OPERATIONS,
  type JourneyDefinition,
  type JourneyStep,
  type JourneyTrigger,
  type SendOperation,
} from './journey-definition.js';
import { findJourneyGraphError } from './journey-graph.js';

/** Lookups of the connectors and audiences that a journey refers to. */
export interface JourneyValidationContext {
  connectorExists(id: string): boolean;
  audienceExists(id: string): boolean;
}

export type JourneyValidationResult = { definition: JourneyDefinition } | { error: string };

const STEP_TYPES = ['send', 'wait', 'condition', 'exit'] as const;
const TRIGGER_TYPES = ['audience_entry', 'event'] as const;

/** Thrown inside the validator to stop at the first error, and caught by the exported function. */
class JourneyValidationError extends Error {}

/**
 * Checks an untrusted journey draft (parsed JSON) and returns a new definition that contains only
 * the known keys, or the first error. The `settings` objects of send steps are kept as given. Errors name the offending field, such as `steps[0].connectorId`.
 *
 * Besides the shape of each field, this checks that the trigger's audience and every send
 * step's connector exist, that condition rules pass `validateRule`, and that the steps form a
 * directed acyclic graph in which every step is reachable from `steps[0]`.
 *
 * NOTE: `settings` of a send step are only checked to be an object. Checking them against the
 * connector type's settings schema is left to the caller.
 */
export function validateJourneyDefinition(
  value: unknown,
  context: JourneyValidationContext,
): JourneyValidationResult {
  try {
    const definition = readDefinition(value, context);
    const graphError = findJourneyGraphError(definition.steps);

    return graphError === undefined ? { definition } : { error: graphError };
  } catch (error) {
    if (error instanceof JourneyValidationError) return { error: error.message };
    throw error;
  }
}

function readDefinition(value: unknown, context: JourneyValidationContext): JourneyDefinition {
  if (!isObject(value)) {
    fail(`journey: expected an object with name, trigger and steps, got ${describeValue(value)}`);
  }
  rejectUnknownKeys(value, ['name', 'trigger', 'steps'], 'journey');

  return {
    name: readName(value.name, 'name'),
    trigger: readTrigger(value.trigger, context),
    steps: readSteps(value.steps, context),
  };
}

function readTrigger(value: unknown, context: JourneyValidationContext): JourneyTrigger {
  if (!isObject(value)) {
    fail(`trigger: expected an object with a type, got ${describeValue(value)}`);
  }
  const type = value.type;
  if (type === undefined)
    fail(`trigger.type: missing trigger type. Use ${TRIGGER_TYPES.join(' or ')}`);
  if (!isOneOf(type, TRIGGER_TYPES)) {
    fail(
      `trigger.type: unknown trigger type ${describeValue(type)}. Use ${TRIGGER_TYPES.join(' or ')}`,
    );
  }

  if (type === 'event') {
    rejectUnknownKeys(value, ['type', 'name'], 'trigger');
    return { type, name: readName(value.name, 'trigger.name') };
  }

  rejectUnknownKeys(value, ['type', 'audienceId'], 'trigger');
  const audienceId = readId(value.audienceId, 'trigger.audienceId', 'an audience id');
  if (!context.audienceExists(audienceId)) {
    fail(`trigger.audienceId: no audience with id '${audienceId}' exists`);
  }

  return { type, audienceId };
}

function readSteps(value: unknown, context: JourneyValidationContext): JourneyStep[] {
  if (!Array.isArray(value)) {
    fail(`steps: expected an array of steps, got ${describeValue(value)}`);
  }
  if (value.length === 0) {
    fail('steps: must contain at least one step. The journey starts at steps[0]');
  }
  if (value.length > MAX_JOURNEY_STEPS) {
    fail(`steps: has ${value.length} steps, more than the maximum of ${MAX_JOURNEY_STEPS}`);
  }

  return value.map((step, index) => readStep(step, `steps[${index}]`, context));
}

function readStep(value: unknown, path: string, context: JourneyValidationContext): JourneyStep {
  if (!isObject(value)) {
    fail(`${path}: expected a step object, got ${describeValue(value)}`);
  }
  const type = value.type;
  if (type === undefined)
    fail(`${path}.type: missing step type. Use one of ${STEP_TYPES.join(', ')}`);
  if (!isOneOf(type, STEP_TYPES)) {
    fail(
      `${path}.type: unknown step type ${describeValue(type)}. Use one of ${STEP_TYPES.join(', ')}`,
    );
  }

  switch (type) {
    case 'send': {
      rejectUnknownKeys(
        value,
        ['id', 'type', 'connectorId', 'operation', 'settings', 'next'],
        path,
      );
      const id = readStepId(value.id, `${path}.id`);
      const connectorId = readId(value.connectorId, `${path}.connectorId`, 'a connector id');
      if (!context.connectorExists(connectorId)) {
        fail(`${path}.connectorId: no connector with id '${connectorId}' exists`);
      }
      return {
        id,
        type,
        connectorId,
        operation: readOperation(value.operation, `${path}.operation`),
        settings: readSettings(value.settings, `${path}.settings`),
        next: readTarget(value.next, `${path}.next`),
      };
    }
    case 'wait':
      rejectUnknownKeys(value, ['id', 'type', 'durationSeconds', 'next'], path);
      return {
        id: readStepId(value.id, `${path}.id`),
        type,
        durationSeconds: readDuration(value.durationSeconds, `${path}.durationSeconds`),
        next: readTarget(value.next, `${path}.next`),
      };
    case 'condition': {
      rejectUnknownKeys(value, ['id', 'type', 'rule', 'then', 'else'], path);
      const id = readStepId(value.id, `${path}.id`);
      const result = validateRule(value.rule, `${path}.rule`);
      if ('error' in result) fail(result.error);
      return {
        id,
        type,
        rule: result.rule,
        then: readTarget(value.then, `${path}.then`),
        else: readTarget(value.else, `${path}.else`),
      };
    }
    case 'exit':
      rejectUnknownKeys(value, ['id', 'type'], path);
      return { id: readStepId(value.id, `${path}.id`), type };
  }
}

function readName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    fail(`${path}: expected a non-empty string, got ${describeValue(value)}`);
  }
  if (value.length > MAX_JOURNEY_NAME_LENGTH) {
    fail(
      `${path}: has ${value.length} characters, more than the maximum of ${MAX_JOURNEY_NAME_LENGTH}`,
    );
  }

  return value;
}

function readId(value: unknown, path: string, expected: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(`${path}: expected ${expected}, got ${describeValue(value)}`);
  }

  return value;
}

function readStepId(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_STEP_ID_LENGTH) {
    fail(
      `${path}: expected a step id of 1 to ${MAX_STEP_ID_LENGTH} characters, got ${describeValue(value)}`,
    );
  }
  if (value === END_OF_JOURNEY) {
    fail(`${path}: '${END_OF_JOURNEY}' is reserved for finishing the journey. Choose another id`);
  }

  return value;
}

function readTarget(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(`${path}: expected a step id or '${END_OF_JOURNEY}', got ${describeValue(value)}`);
  }

  return value;
}

function readOperation(value: unknown, path: string): SendOperation {
  if (!isOneOf(value, SEND_OPERATIONS)) {
    fail(`${path}: expected one of ${SEND_OPERATIONS.join(', ')}, got ${describeValue(value)}`);
  }

  return value;
}

function readSettings(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) {
    fail(`${path}: expected an object of connector settings, got ${describeValue(value)}`);
  }

  return value;
}

function readDuration(value: unknown, path: string): number {
  if (
    !Number.isSafeInteger(value) ||
    (value as number) < 1 ||
    (value as number) > MAX_WAIT_SECONDS
  ) {
    fail(
      `${path}: expected a whole number of seconds from 1 to ${MAX_WAIT_SECONDS} (366 days), got ${describeValue(value)}`,
    );
  }

  return value as number;
}

function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    fail(`${path}: unknown key '${unknown}'. Allowed keys here: ${allowed.join(', ')}`);
  }
}

function fail(message: string): never {
  throw new JourneyValidationError(message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}
