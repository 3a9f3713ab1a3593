import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js';
import { DeliveryCounts } from './delivery-counts.js';
import { startStatisticsPruning } from './statistics-pruning.js';
import { StatisticsRepository } from './statistics-repository.js';

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });

  return { logger: createLogger('info', stream), text: () => lines.join('') };
}

/** Creates a repository stub whose `prune` records each call and fails when `failure` is set. */
function stubStatistics(failure?: Error) {
  const calls: Date[] = [];
  const statistics = {
    async prune(now: Date) {
      calls.push(now);
      if (failure) throw failure;

      return { hourlyRows: 0, dailyRows: 0 };
    },
  } as unknown as StatisticsRepository;

  return { statistics, calls };
}

describe('startStatisticsPruning', () => {
  it('deletes expired rows right away', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-prune-'));
    const store = await openSqliteStore(dataDir, createLogger('silent'));
    try {
      const statistics = new StatisticsRepository(store.db);
      const now = new Date('2026-12-04T15:30:00.000Z');
      const counts = new DeliveryCounts().add('added', 1);
      await statistics.increment(store.db, 'connector-1', new Date('2026-10-01T00:00:00Z'), counts);
      const { logger, text } = capturedLogger();

      const stop = startStatisticsPruning({ statistics, logger, now: () => now });
      await stop();

      const hourly = await store.db.selectFrom('stats_hourly').selectAll().execute();
      expect(hourly).toEqual([]);
      expect(text()).toContain('expired statistics rows deleted');
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('prunes again every interval until stopped', async () => {
    const { statistics, calls } = stubStatistics();
    const { logger } = capturedLogger();

    const stop = startStatisticsPruning({ statistics, logger, intervalMs: 10 });
    while (calls.length < 3) await sleep(5);
    await stop();
    const callsAtStop = calls.length;
    await sleep(50);

    expect(calls.length).toBe(callsAtStop);
  });

  it('logs a failed prune and keeps running', async () => {
    const { statistics, calls } = stubStatistics(new Error('database is locked'));
    const { logger, text } = capturedLogger();

    const stop = startStatisticsPruning({ statistics, logger, intervalMs: 10 });
    while (calls.length < 2) await sleep(5);
    await stop();

    expect(text()).toContain('statistics prune failed');
    expect(text()).toContain('database is locked');
  });
});
