import type { Logger } from '../log/logger.js';
import type { StatisticsRepository } from './statistics-repository.js';

/** Default time between two prunes, in milliseconds. */
export const PRUNE_INTERVAL_MS = 3_600_000;

export interface StatisticsPruningOptions {
  statistics: StatisticsRepository;
  logger: Logger;
  intervalMs?: number;
  now?: () => Date;
}

/**
 * Deletes expired statistics rows once right away and then every `intervalMs`. Returns a
 * function that stops the timer and waits for a prune in progress, so the store can be closed
 * after it. A failed prune is logged and retried at the next interval. The timer does not keep
 * the process alive.
 */
export function startStatisticsPruning(options: StatisticsPruningOptions): () => Promise<void> {
  const { statistics, logger } = options;
  const now = options.now ?? (() => new Date());
  let inProgress: Promise<void> | undefined;

  const prune = async () => {
    try {
      const deleted = await statistics.prune(now());
      if (deleted.hourlyRows > 0 || deleted.dailyRows > 0) {
        logger.info(deleted, 'expired statistics rows deleted');
      }
    } catch (error) {
      logger.error({ err: error }, 'statistics prune failed, retrying at the next interval');
    } finally {
      inProgress = undefined;
    }
  };
  const tick = () => {
    // A tick is skipped while the previous prune still runs.
    inProgress ??= prune();
  };

  tick();
  const timer = setInterval(tick, options.intervalMs ?? PRUNE_INTERVAL_MS);
  timer.unref();

  return async () => {
    clearInterval(timer);
    await inProgress;
  };
}
