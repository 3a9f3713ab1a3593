import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { DEFAULT_ROWS_PER_CHUNK } from '../../store/migration-copy/copy-store.js';
import { runMigrateStore, type MigrateStoreIo } from './run-migrate-store.js';

/** Configuration that `activator migrate-store` reads when no flag sets a value. */
export type MigrateStoreDefaults = Pick<
  Config,
  'dataDir' | 'databaseUrl' | 'secretKey' | 'logLevel'
>;

interface MigrateStoreCommandOptions {
  from?: string;
  to?: string;
  chunkSize: number;
}

function parseChunkSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidArgumentError('expected a positive whole number of rows.');
  }

  return size;
}

function processIo(logLevel: string): MigrateStoreIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    // Logs go to stderr as JSON lines, so stdout contains only the summary.
    logger: createLogger(logLevel, process.stderr),
  };
}

/**
 * Adds `migrate-store` to the program. `defaults` may be a function, so that the configuration
 * is read only when the command runs. A failed run sets `process.exitCode` to 1.
 */
export function registerMigrateStoreCommand(
  program: Command,
  defaults: MigrateStoreDefaults | (() => MigrateStoreDefaults),
  io?: MigrateStoreIo,
): void {
  program
    .command('migrate-store')
    .description(
      'Copy the embedded SQLite store of a data directory into an empty PostgreSQL database, ' +
        'in one transaction, for a deployment with DATABASE_URL. Stop the service first.',
    )
    .option(
      '--from <dir>',
      'data directory of the embedded deployment (default: $DATA_DIR, else ./data)',
    )
    .option(
      '--to <url>',
      'URL of the empty PostgreSQL database, postgres://USER:PASSWORD@HOST:5432/DATABASE (default: $DATABASE_URL)',
    )
    .option(
      '--chunk-size <rows>',
      'maximum rows read and inserted per statement',
      parseChunkSize,
      DEFAULT_ROWS_PER_CHUNK,
    )
    .action(async (options: MigrateStoreCommandOptions) => {
      const resolved = typeof defaults === 'function' ? defaults() : defaults;
      const exitCode = await runMigrateStore(
        {
          from: options.from ?? resolved.dataDir,
          to: options.to ?? resolved.databaseUrl,
          secretKey: resolved.secretKey,
          rowsPerChunk: options.chunkSize,
        },
        io ?? processIo(resolved.logLevel),
      );
      if (exitCode !== 0) process.exitCode = exitCode;
    });
}
