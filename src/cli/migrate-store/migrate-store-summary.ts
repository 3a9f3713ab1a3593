import type { StoreCopyResult } from '../../store/migration-copy/copy-store.js';
import { describeCredentialKey, type CredentialCheck } from './credential-key.js';

export interface MigrateStoreReport {
  sqliteFile: string;
  /** Target URL without its password. */
  target: string;
  dataDir: string;
  copy: StoreCopyResult;
  credentials: CredentialCheck;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/**
 * Formats the rows copied per table, the sequence resets, the credential key to keep, the
 * activations still queued and the next step. The text contains no password or key.
 */
export function formatMigrateStoreSummary(report: MigrateStoreReport): string {
  const { copy } = report;
  const total = copy.tables.reduce((sum, table) => sum + table.rows, 0);
  const rows: [string, string][] = [
    ['table', 'rows'],
    ...copy.tables.map((table): [string, string] => [table.table, formatCount(table.rows)]),
    ['total', formatCount(total)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const countWidth = Math.max(...rows.map(([, count]) => count.length));
  const table = rows
    .map(([label, count]) => `${label.padEnd(labelWidth)}  ${count.padStart(countWidth)}\n`)
    .join('');

  const sequences =
    copy.sequences.length === 0
      ? 'No sequences to reset.'
      : 'Sequences reset, with the next id each returns: ' +
        copy.sequences
          .map((sequence) => `${sequence.table}.${sequence.column} ${sequence.nextValue}`)
          .join(', ') +
        '.';

  const queued = copy.tables.find((table) => table.table === 'activations')?.rows ?? 0;
  const queueNote =
    queued === 0
      ? []
      : [
          `The queue table contains ${formatCount(queued)} activations that were not delivered yet. ` +
            'A deployment without NATS_URL delivers them from the table. With NATS_URL the queue ' +
            'is in JetStream, which does not read the table, so start without NATS_URL first ' +
            'until they are delivered.',
          '',
        ];

  return [
    `Copied ${report.sqliteFile} into ${report.target}.`,
    '',
    table,
    'Row counts verified: after the commit, each PostgreSQL table has as many rows as its SQLite table.',
    sequences,
    '',
    describeCredentialKey(report.credentials, report.dataDir),
    '',
    ...queueNote,
    'Next: start Activator with DATABASE_URL set to the target URL. The SQLite store stays ' +
      `in ${report.dataDir}. Keep it as a backup until the PostgreSQL deployment works.`,
    '',
  ].join('\n');
}

/** Returns the warning about connectors whose credentials fail to decrypt, or undefined when all decrypt. */
export function formatCredentialWarning(check: CredentialCheck): string | undefined {
  if (check.undecryptable.length === 0) return undefined;
  const where = check.key.kind === 'file' ? check.key.filePath : 'ACTIVATOR_SECRET_KEY';

  return (
    `Warning: the credentials of ${check.undecryptable.length} of ${check.connectors} connectors ` +
    `(${check.undecryptable.join(', ')}) fail to decrypt with the key in ${where}. They were ` +
    'copied unchanged. Find the key that sealed them, or enter new credentials for these ' +
    'connectors after the start on PostgreSQL.\n'
  );
}
