import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/config.js';
import { ConfigError } from '../errors/app-error.js';
import { createLogger, type Logger } from '../log/logger.js';
import { startService, startWorker } from '../app/service.js';
import { startSimulator } from '../simulator/simulator-server.js';
import { registerDemoCommand } from '../demo/demo-command.js';
import { registerImportCommand } from './import/import-command.js';
import { readImportDefaults } from './import/import-defaults.js';
import { registerMigrateStoreCommand } from './migrate-store/migrate-store-command.js';
import { registerTokensCommand } from './tokens/tokens-command.js';
import { registerRotateKeyCommand } from './rotate-key/rotate-key-command.js';

function parsePortOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  }

  return port;
}

/** Stops the process cleanly on SIGINT or SIGTERM. */
function closeOnSignals(logger: Logger, close: () => Promise<void>, what: string): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, `${what} stopping`);
    close()
      .then(() => {
        logger.info(`${what} stopped`);
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, `${what} failed to stop cleanly`);
        process.exit(1);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function buildProgram(): Command {
  const program = new Command('activator')
    .description(
      'Sends customer profiles to partner platforms through server-to-server connectors.',
    )
    .showHelpAfterError();

  program
    .command('serve')
    .description('Start the API on HOST:PORT (default 127.0.0.1:8080) with the store in DATA_DIR.')
    .option(
      '--no-workers',
      'serve the API only and leave deliveries to `activator worker` processes (needs DATABASE_URL and NATS_URL)',
    )
    .action(async (options: { workers: boolean }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const service = await startService(config, logger, { workers: options.workers });
      closeOnSignals(logger, service.close, 'activator');
    });

  program
    .command('worker')
    .description(
      'Deliver queued activations and run the timers, without the API (needs DATABASE_URL and ' +
        'NATS_URL).',
    )
    .option(
      '--port <port>',
      'serve /health, /ready, /metrics and /api/v1/alerts on HOST:PORT (no API)',
      parsePortOption,
    )
    .action(async (options: { port?: number }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const worker = await startWorker(config, logger, { port: options.port });
      closeOnSignals(logger, worker.close, 'activator worker');
    });

  program
    .command('simulator')
    .description(
      'Start the partner simulator: partner APIs plus the /_control API, for demos and tests.',
    )
    .option('--port <port>', 'port to listen on', parsePortOption, 9090)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (options: { port: number; host: string }) => {
      const logger = createLogger(loadConfig().logLevel);
      const simulator = await startSimulator({ port: options.port, host: options.host, logger });
      logger.info({ url: simulator.url }, 'simulator started');
      closeOnSignals(logger, simulator.close, 'simulator');
    });

  registerImportCommand(program, () => readImportDefaults(loadConfig()));
  registerDemoCommand(program);
  registerMigrateStoreCommand(program, () => loadConfig());
  registerTokensCommand(program);
  registerRotateKeyCommand(program);

  return program;
}

/** Runs the CLI; a configuration error ends the process with its message and exit code 2. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`activator: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    console.error(`activator: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
