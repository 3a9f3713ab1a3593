import { END_OF_JOURNEY, stepTargets, type JourneyStep } from './journey-definition.js';

/**
 * Checks how the steps link up and returns the first problem as a message, or undefined.
 * Step ids must be unique, and every target must be a step id or `end`. The steps must not form
 * a cycle, even one that passes a wait step. Every step must be reachable from `steps[0]`.
 * The steps must already have passed the per-step checks.
 */
export function findJourneyGraphError(steps: JourneyStep[]): string | undefined {
  return (
    findDuplicateId(steps) ??
    findUnknownTarget(steps) ??
    findCycle(steps) ??
    findUnreachableSteps(steps)
  );
}

function findDuplicateId(steps: JourneyStep[]): string | undefined {
  const firstIndexById = new Map<string, number>();
  for (const [index, step] of steps.entries()) {
    const firstIndex = firstIndexById.get(step.id);
    if (firstIndex !== undefined) {
      return `steps[${index}].id: duplicate step id '${step.id}', already used by steps[${firstIndex}]`;
    }
    firstIndexById.set(step.id, index);
  }

  return undefined;
}

function findUnknownTarget(steps: JourneyStep[]): string | undefined {
  const ids = new Set(steps.map((step) => step.id));
  for (const [index, step] of steps.entries()) {
    for (const [field, target] of stepTargets(step)) {
      if (target !== END_OF_JOURNEY && !ids.has(target)) {
        return `steps[${index}].${field} points at unknown step '${target}'`;
      }
    }
  }

  return undefined;
}

/** Finds a cycle by depth-first search, starting from each step in order. */
function findCycle(steps: JourneyStep[]): string | undefined {
  const stepsById = new Map(steps.map((step) => [step.id, step]));
  const finished = new Set<string>();
  // The ids on the current search path, in order, so that a cycle can be read off it.
  const path: string[] = [];

  const visit = (id: string): string[] | undefined => {
    const onPathAt = path.indexOf(id);
    if (onPathAt !== -1) return [...path.slice(onPathAt), id];
    if (finished.has(id)) return undefined;

    path.push(id);
    const step = stepsById.get(id);
    for (const [, target] of step ? stepTargets(step) : []) {
      if (target === END_OF_JOURNEY) continue;
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    finished.add(id);

    return undefined;
  };

  for (const step of steps) {
    const cycle = visit(step.id);
    if (cycle) {
      return `steps form a cycle: ${cycle.join(' -> ')}. A journey must not return to a step it has passed, so change one of these targets`;
    }
  }

  return undefined;
}

function findUnreachableSteps(steps: JourneyStep[]): string | undefined {
  const [first] = steps;
  if (first === undefined) return undefined;

  const stepsById = new Map(steps.map((step) => [step.id, step]));
  const reached = new Set<string>([first.id]);
  const pending = [first];
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    for (const [, target] of stepTargets(step)) {
      const targetStep = stepsById.get(target);
      if (targetStep === undefined || reached.has(target)) continue;
      reached.add(target);
      pending.push(targetStep);
    }
  }

  const unreachable = steps.flatMap((step, index) =>
    reached.has(step.id) ? [] : [`'${step.id}' (steps[${index}])`],
  );
  if (unreachable.length === 0) return undefined;

  return `unreachable steps: ${unreachable.join(', ')}. Every step must be reachable from the first step '${first.id}', so remove these steps or point another step at them`;
}
