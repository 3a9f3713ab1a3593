import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { type DemoReport, runDemo } from './run-demo.js';

function printReport(report: DemoReport): void {
  const { imported, audience, delivery } = report;
  const rejected = Object.entries(imported.rejected)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const lines = [
    `Imported   ${imported.stored} of ${imported.read} rows${rejected ? ` (values left out: ${rejected})` : ''}`,
    `Audience   ${audience.memberCount} members (id ${audience.id})`,
    `Delivered  ${delivery.added} added, ${delivery.removed} removed at Meta audience ${audience.partnerAudienceId}`,
    `Errors     ${JSON.stringify(delivery.errors)}`,
    `Skipped    ${JSON.stringify(delivery.skipped)}`,
    '',
    `Service    ${report.serviceUrl} (API at /api/v1, docs at /api/docs)`,
    `Simulator  ${report.simulatorUrl}/_control/audiences/${audience.partnerAudienceId}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `activator demo [FILE]`: the whole main job against the simulator. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Import FILE (or a generated sample of 10,000 customers), build an audience and deliver it to ' +
        'a simulated Meta account, then keep the service running until Ctrl-C.',
    )
    .argument('[file]', 'CSV export with the columns of the sample CRM export')
    .option('--once', 'print the result as JSON and exit instead of serving')
    .action(async (file: string | undefined, options: { once?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger('warn');
      const demo = await runDemo({ file, config, logger, port: options.once ? 0 : config.port });
      if (options.once) {
        process.stdout.write(`${JSON.stringify(demo.report, null, 2)}\n`);
        await demo.close();
        process.exit(0);
      }
      printReport(demo.report);
      const stop = () => {
        demo.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
