import type { JourneyDefinition } from './journey-definition.js';

/**
 * Returns the distinct connector ids of the journey's send steps, in step order, so that a
 * connector delete guard can tell whether the journey uses a connector.
 */
export function connectorIdsOf(definition: JourneyDefinition): string[] {
  const ids = new Set<string>();
  for (const step of definition.steps) {
    if (step.type === 'send') ids.add(step.connectorId);
  }

  return [...ids];
}
