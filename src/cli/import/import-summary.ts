/** Response of `POST /api/v1/profiles/import` once the whole body has been read. */
export interface ImportSummary {
  /** Records read from the body (CSV rows after the header, or NDJSON lines). */
  read: number;
  stored: number;
  /** Rejection counts by reason code. */
  rejected: Record<string, number>;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function isImportSummary(value: unknown): value is ImportSummary {
  if (typeof value !== 'object' || value === null) return false;
  const { read, stored, rejected } = value as Record<string, unknown>;
  if (!isCount(read) || !isCount(stored)) return false;
  if (typeof rejected !== 'object' || rejected === null || Array.isArray(rejected)) return false;

  return Object.values(rejected).every(isCount);
}

/**
 * Formats the summary as a two-column table with right-aligned counts. Reasons are sorted by
 * count, largest first. The reasons are not summed, because the service may count a
 * rejection per field and a profile can lose several fields.
 */
export function formatSummaryTable(summary: ImportSummary): string {
  const reasons = Object.entries(summary.rejected).sort(
    ([reasonA, countA], [reasonB, countB]) => countB - countA || reasonA.localeCompare(reasonB),
  );
  const rows: [label: string, count: string][] = [
    ['read', formatCount(summary.read)],
    ['stored', formatCount(summary.stored)],
  ];
  if (reasons.length === 0) {
    rows.push(['rejected', '0']);
  }

  const reasonRows = reasons.map(([reason, count]): [string, string] => [
    `  ${reason}`,
    formatCount(count),
  ]);
  const allRows = [...rows, ...reasonRows];
  const labelWidth = Math.max(...allRows.map(([label]) => label.length));
  const countWidth = Math.max(...allRows.map(([, count]) => count.length));
  const formatRow = ([label, count]: [string, string]) =>
    `${label.padEnd(labelWidth)}  ${count.padStart(countWidth)}\n`;

  let table = rows.map(formatRow).join('');
  if (reasonRows.length > 0) {
    table += 'rejected, by reason:\n' + reasonRows.map(formatRow).join('');
  }

  return table;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
