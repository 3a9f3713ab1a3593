import type {
  CatalogEntry,
  Connector,
  JourneyDefinition,
  JourneyStep,
  JourneyTrigger,
} from '../../api/types';
import {
  formValuesToJson,
  type FormValues,
  initialFormValues,
} from '../../components/schema-form/schema-fields';
import {
  fromRule,
  newGroup,
  toRule,
  type GroupNode,
} from '../../components/rule-builder/rule-model';

/** Target that finishes the journey for the profile instead of naming a step. */
export const END_OF_JOURNEY = 'end';

export type StepType = JourneyStep['type'];

/** The editor's form of a step: fields of every step type, so switching type keeps input. */
export interface StepDraft {
  key: string;
  id: string;
  type: StepType;
  connectorId: string;
  operation: 'add' | 'remove';
  settings: FormValues;
  next: string;
  durationSeconds: string;
  rule: GroupNode;
  then: string;
  else: string;
}

export interface JourneyDraft {
  name: string;
  trigger: JourneyTrigger;
  steps: StepDraft[];
}

let nextKey = 0;

export function newStep(id: string, type: StepType = 'send'): StepDraft {
  return {
    key: `step-${++nextKey}`,
    id,
    type,
    connectorId: '',
    operation: 'add',
    settings: {},
    next: END_OF_JOURNEY,
    durationSeconds: '86400',
    rule: newGroup(),
    then: END_OF_JOURNEY,
    else: END_OF_JOURNEY,
  };
}

/**
 * Points every `next`, `then` and `else` that named the renamed step's old id at its new id.
 * Targets stay as they are when another step has the old or the new id, because they could
 * mean that step.
 */
export function renameTargets(
  steps: StepDraft[],
  renamedKey: string,
  oldId: string | undefined,
): StepDraft[] {
  const renamed = steps.find((step) => step.key === renamedKey);
  if (oldId === undefined || renamed === undefined || oldId === END_OF_JOURNEY) return steps;
  const others = steps.filter((step) => step.key !== renamedKey);
  if (others.some((step) => step.id === oldId || step.id === renamed.id)) return steps;
  const rename = (target: string) => (target === oldId ? renamed.id : target);

  return steps.map((step) => ({
    ...step,
    next: rename(step.next),
    then: rename(step.then),
    else: rename(step.else),
  }));
}

/** Returns a step id that is not taken yet: s1, s2, … */
export function freeStepId(steps: StepDraft[]): string {
  const usedIds = new Set(steps.map((step) => step.id));
  let number = steps.length + 1;
  while (usedIds.has(`s${number}`)) number += 1;

  return `s${number}`;
}

export function emptyJourney(): JourneyDraft {
  return { name: '', trigger: { type: 'audience_entry', audienceId: '' }, steps: [newStep('s1')] };
}

function schemaOfConnector(connectorId: string, connectors: Connector[], catalog: CatalogEntry[]) {
  const connector = connectors.find((candidate) => candidate.id === connectorId);

  return catalog.find((candidate) => candidate.id === connector?.type)?.audienceSettingsSchema;
}

export function fromDefinition(
  definition: JourneyDefinition,
  connectors: Connector[],
  catalog: CatalogEntry[],
): JourneyDraft {
  const steps = definition.steps.map((step) => {
    const draft = newStep(step.id, step.type);
    switch (step.type) {
      case 'send': {
        const schema = schemaOfConnector(step.connectorId, connectors, catalog);
        return {
          ...draft,
          connectorId: step.connectorId,
          operation: step.operation,
          settings: schema ? initialFormValues(schema, step.settings) : {},
          next: step.next,
        };
      }
      case 'wait':
        return { ...draft, durationSeconds: String(step.durationSeconds), next: step.next };
      case 'condition':
        return { ...draft, rule: fromRule(step.rule), then: step.then, else: step.else };
      case 'exit':
        return draft;
    }
  });

  return { name: definition.name, trigger: definition.trigger, steps };
}

function toStep(draft: StepDraft, connectors: Connector[], catalog: CatalogEntry[]): JourneyStep {
  const id = draft.id.trim();
  switch (draft.type) {
    case 'send': {
      const schema = schemaOfConnector(draft.connectorId, connectors, catalog);
      return {
        id,
        type: 'send',
        connectorId: draft.connectorId,
        operation: draft.operation,
        settings: schema ? formValuesToJson(schema, draft.settings) : {},
        next: draft.next,
      };
    }
    case 'wait': {
      // Text that is not a number is sent as typed, so the service names the field.
      const seconds = Number(draft.durationSeconds);
      const durationSeconds = (
        Number.isFinite(seconds) && draft.durationSeconds.trim() !== ''
          ? seconds
          : draft.durationSeconds
      ) as number;
      return { id, type: 'wait', durationSeconds, next: draft.next };
    }
    case 'condition':
      return {
        id,
        type: 'condition',
        rule: toRule(draft.rule),
        then: draft.then,
        else: draft.else,
      };
    case 'exit':
      return { id, type: 'exit' };
  }
}

export function toDefinition(
  draft: JourneyDraft,
  connectors: Connector[],
  catalog: CatalogEntry[],
): JourneyDefinition {
  return {
    name: draft.name.trim(),
    trigger: draft.trigger,
    steps: draft.steps.map((step) => toStep(step, connectors, catalog)),
  };
}

/** Returns the ids of the connectors a journey version sends through, in step order. */
export function connectorIdsOf(definition: JourneyDefinition): string[] {
  const ids: string[] = [];
  for (const step of definition.steps) {
    if (step.type === 'send' && !ids.includes(step.connectorId)) ids.push(step.connectorId);
  }

  return ids;
}

/** Returns the step index a service error names (`steps[2].connectorId: …`), if any. */
export function stepIndexOfMessage(message: string): number | undefined {
  const match = /^steps\[(\d+)\]/.exec(message);

  return match?.[1] === undefined ? undefined : Number(match[1]);
}
