import type { ConnectorUsage } from '../../api/types';

/** Returns "2 audiences, 1 journey", counting each journey once whatever its versions. */
export function describeUsageCounts(usage: ConnectorUsage): string {
  const audiences = usage.audiences.length;
  const journeys = new Set(usage.journeys.map((journey) => journey.id)).size;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

  return `${plural(audiences, 'audience')}, ${plural(journeys, 'journey')}`;
}

export function isInUse(usage: ConnectorUsage): boolean {
  return usage.audiences.length > 0 || usage.journeys.length > 0;
}
