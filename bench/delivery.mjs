// Scenarios 2 to 4: audience drain, steady load and backlog, against the simulator in its own
// process. Activations enter through the engine in requests of 10,000, as an audience does.
import { mb, percentile, startBenchService, trackPeakRss, waitUntil } from './support.mjs';
import { storeBytes } from './stores.mjs';

function activations(connectorId, audienceId, from, count, operation = 'add') {
  const requests = [];
  for (let index = from; index < from + count; index += 1) {
    requests.push({
      connectorId,
      destination: { customAudienceId: audienceId },
      destinationKey: audienceId,
      profileId: `p${index}`,
      operation,
      profile: { identifiers: { email: [`p${index}@example.com`], externalId: [`p${index}`] } },
    });
  }

  return requests;
}

async function setUp(simulator, env, settings = {}) {
  const bench = await startBenchService(env);
  const audience = await simulator.control('POST', '/audiences', {
    partner: 'meta',
    name: 'bench',
  });
  const connector = await bench.api('POST', '/connectors', {
    type: 'meta-custom-audiences',
    name: 'Bench',
    settings: { adAccountId: '1', baseUrl: simulator.url, maxRequestsPerSecond: 1000, ...settings },
    credentials: { accessToken: 'bench-access-token' },
  });

  return { bench, audienceId: audience.id, connectorId: connector.id };
}

async function enqueueAll(engine, connectorId, audienceId, total, onProgress = () => {}) {
  for (let from = 0; from < total; from += 10_000) {
    await engine.enqueue(
      activations(connectorId, audienceId, from, Math.min(10_000, total - from)),
    );
    onProgress(from + 10_000);
  }
}

/** Profiles delivered per second from the first activation to the last acknowledgement. */
export async function benchDrain(simulator, { count, env }) {
  const { bench, audienceId, connectorId } = await setUp(simulator, env);
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const rss = trackPeakRss();
  await enqueueAll(bench.service.engine, connectorId, audienceId, count);
  // Counting the queue reads every row (40 ms at six million on SQLite), so the wait polls
  // rarely enough to leave the service its CPU.
  await waitUntil(
    async () => (await bench.service.engine.pending()) === 0,
    30 * 60_000,
    'drain',
    250,
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const peakRss = rss.stop();
  await bench.stop();
  await simulator.control('POST', '/reset');
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  return {
    profiles: count,
    seconds,
    perSecond: Math.round(count / seconds),
    cpuSecondsPerMillion: (cpuSeconds * 1_000_000) / count,
    peakRssMb: mb(peakRss),
  };
}

/** Latency from a membership change to the partner's acknowledgement at a steady rate. */
export async function benchSteady(simulator, { perSecond, seconds, env }) {
  const { bench, audienceId, connectorId } = await setUp(simulator, env);
  const enqueuedAt = new Map();
  const tickMs = 100;
  const perTick = Math.round((perSecond * tickMs) / 1000);
  let next = 0;
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const tickStart = Date.now();
    const batch = activations(connectorId, audienceId, next, perTick);
    for (const activation of batch) enqueuedAt.set(activation.profileId, tickStart);
    await bench.service.engine.enqueue(batch);
    next += perTick;
    const wait = tickMs - (Date.now() - tickStart);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const offeredSeconds = (Date.now() - started) / 1000;
  await waitUntil(
    async () => (await bench.service.engine.pending()) === 0,
    10 * 60_000,
    'steady drain',
    250,
  );
  const rows = await bench.service.store.db
    .selectFrom('delivery_ledger')
    .select(['profile_id', 'updated_at'])
    .execute();
  const latencies = rows
    .map((row) => Date.parse(row.updated_at) - (enqueuedAt.get(row.profile_id) ?? NaN))
    .filter((value) => Number.isFinite(value))
    .sort((a, b) => a - b);
  await bench.stop();
  await simulator.control('POST', '/reset');

  return {
    changes: next,
    offeredPerSecond: Math.round(next / offeredSeconds),
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Resident memory when a tenth, half and all of the backlog is pending, in MB. */
function rssAtProgress(count) {
  const marks = [Math.round(count / 10), Math.round(count / 2), count];
  const samples = [];

  return {
    samples,
    check(enqueued) {
      while (samples.length < marks.length && enqueued >= marks[samples.length])
        samples.push(mb(process.memoryUsage.rss()));
    },
  };
}

/** Returns the JavaScript heap in use after a full collection, in MB (needs --expose-gc). */
function liveHeapMb() {
  globalThis.gc?.();

  return mb(process.memoryUsage().heapUsed);
}

/** Memory and disk with a backlog while the partner is down, then the time to drain it. */
export async function benchBacklog(simulator, { count, env }) {
  const { bench, audienceId, connectorId } = await setUp(simulator, env, {
    maxAttempts: 100,
    maxRetryAgeHours: 48,
  });
  await simulator.control('POST', '/faults', { partner: 'meta', mode: 'status', status: 503 });
  const rss = trackPeakRss();
  const progress = rssAtProgress(count);
  const started = Date.now();
  await enqueueAll(bench.service.engine, connectorId, audienceId, count, progress.check);
  const enqueueSeconds = (Date.now() - started) / 1000;
  await waitUntil(
    async () => (await bench.service.engine.pending()) >= count,
    10 * 60_000,
    'the whole backlog to be queued',
    1000,
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const peakWhileDown = rss.stop();
  const liveHeapMbWhileDown = liveHeapMb();
  const diskBytes = await storeBytes(bench, env);
  await simulator.control('DELETE', '/faults');
  // Retries wait up to the backoff cap; new credentials or a PATCH are not needed for a 503.
  const drainStarted = Date.now();
  const drainRss = trackPeakRss();
  await waitUntil(
    async () => (await bench.service.engine.pending()) === 0,
    120 * 60_000,
    'backlog drain',
    1000,
  );
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  const peakDraining = drainRss.stop();
  await bench.stop();
  await simulator.control('POST', '/reset');

  return {
    pending: count,
    enqueueSeconds,
    rssMbAtProgress: progress.samples,
    peakRssMbWhileDown: mb(peakWhileDown),
    liveHeapMbWhileDown,
    peakRssMbDraining: mb(peakDraining),
    diskMbPerMillion: mb((diskBytes * 1_000_000) / count),
    drainSeconds,
  };
}
