import type { AnyConnectorType } from '../connectors/catalog.js';
import type {
  Batch,
  BatchResult,
  ConnectorContext,
  ProfileOutcome,
} from '../connectors/connector-type.js';

type Context = ConnectorContext<Record<string, unknown>, Record<string, unknown>>;

/**
 * Sends a batch. When the partner rejects a request for bad data in some of its rows (outcomes
 * marked `bisectable`), it sends those profiles again in halves until each bad row is alone and
 * the rest is delivered. The requests of one bisected batch count as one attempt.
 */
export async function sendBisecting(
  type: AnyConnectorType,
  context: Context,
  batch: Batch<Record<string, unknown>>,
): Promise<BatchResult & { requests: number }> {
  const result = await type.sendBatch(context, batch);
  const suspectKeys = new Set(
    result.outcomes
      .filter((outcome) => outcome.status === 'error' && outcome.bisectable === true)
      .map((outcome) => outcome.key),
  );
  if (suspectKeys.size < 2) return { ...result, requests: 1 };

  // NOTE: the extra requests of a bisection do not take rate-limit tokens; isolating one bad
  // row among n costs about 2 log2(n) extra requests.
  const outcomes: ProfileOutcome[] = result.outcomes.filter(
    (outcome) => !suspectKeys.has(outcome.key),
  );
  const suspects = batch.profiles.filter((profile) => suspectKeys.has(profile.key));
  const middle = Math.ceil(suspects.length / 2);
  let invalidEntries = result.invalidEntries ?? 0;
  let requests = 1;
  for (const profiles of [suspects.slice(0, middle), suspects.slice(middle)]) {
    const half = await sendBisecting(type, context, { ...batch, profiles });
    outcomes.push(...half.outcomes);
    invalidEntries += half.invalidEntries ?? 0;
    requests += half.requests;
  }

  return { outcomes, invalidEntries, requests };
}
