import { Option, type Command } from 'commander';
import type { ImportDefaults } from './import-defaults.js';
import { IMPORT_FORMATS, runImport, type ImportFormat, type ImportIo } from './run-import.js';

interface ImportCommandOptions {
  url?: string;
  token?: string;
  format?: ImportFormat;
  mapping?: string;
  map?: string[];
  progress: boolean;
  json?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function processIo(): ImportIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progressStream: process.stderr.isTTY ? process.stderr : undefined,
  };
}

/**
 * Adds `import <file>` to the program. `defaults` may be a function, so that the configuration is
 * read only when the command runs and only when --url or --token is missing. A failed import sets
 * `process.exitCode` to 1.
 */
export function registerImportCommand(
  program: Command,
  defaults: ImportDefaults | (() => ImportDefaults),
  io: ImportIo = processIo(),
): void {
  program
    .command('import')
    .description(
      'Upload a CSV or NDJSON file of profiles to the running service and print the import summary.',
    )
    .argument('<file>', 'CSV or NDJSON file of profiles; it is streamed, never read whole')
    .option(
      '--url <url>',
      'base URL of the service (default: http://$HOST:$PORT, http://127.0.0.1:8080 when both are unset)',
    )
    .option(
      '--token <token>',
      'API token (default: $ACTIVATOR_API_TOKEN, else the token in $DATA_DIR/api-token)',
    )
    .addOption(
      new Option(
        '--format <format>',
        'body format (default: from the extension: .csv is csv, .ndjson and .jsonl are ndjson)',
      ).choices(IMPORT_FORMATS),
    )
    .option(
      '--mapping <file>',
      'JSON file that maps each CSV header to id, identifiers.<type>, attributes.<name>, consents.<purpose> or null',
    )
    .option(
      '--map <header=target>',
      'map one header, adding to or overriding --mapping; repeat the flag for more headers',
      collect,
    )
    .option('--no-progress', 'hide the upload progress bar (shown only when stderr is a terminal)')
    .option('--json', 'print the summary as JSON instead of a table')
    .action(async (file: string, options: ImportCommandOptions) => {
      let { url, token } = options;
      if (url === undefined || token === undefined) {
        const resolved = typeof defaults === 'function' ? defaults() : defaults;
        url ??= resolved.url;
        token ??= resolved.token;
      }

      const exitCode = await runImport(file, { ...options, url, token }, io);
      if (exitCode !== 0) process.exitCode = exitCode;
    });
}
