import { readFileSync } from 'node:fs';

/**
 * Reads the error-code table under `heading` of a connector page: trimmed cells of each row,
 * keyed by the code in the first cell (written in backticks). The section ends at the next
 * heading. Throws when the page has no such heading.
 */
export function readDocumentedCodeRows(
  page: URL,
  heading = '### Error codes',
  codePattern = /^`([A-Za-z0-9_]+)`$/,
): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const lines = readFileSync(page, 'utf8').split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`${page.pathname} has no "${heading}" heading.`);

  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) continue;

    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const code = codePattern.exec(cells[0] ?? '')?.[1];
    if (code !== undefined) rows.set(code, cells);
  }

  return rows;
}
