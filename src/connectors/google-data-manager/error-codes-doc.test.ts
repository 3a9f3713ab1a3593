import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_MANAGER_ERROR_RULES } from './error-codes.js';

const PAGES = ['google-dv360.md', 'google-ads-customer-match.md'];

/** Trimmed cells of the error code rows of a connector page, by the code without backticks. */
function readDocumentedRows(page: string): Map<string, string[]> {
  const text = readFileSync(new URL(`../../../docs/connectors/${page}`, import.meta.url), 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('| `')) continue;

    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const code = /^`([A-Za-z_0-9]+)`$/.exec(cells[0] ?? '')?.[1];
    // Only rows with a retry column are error code rows; other tables also start with a code.
    if (code !== undefined && cells.length === 5) rows.set(code, cells);
  }

  return rows;
}

describe.each(PAGES)('connector page %s error table', (page) => {
  const rows = readDocumentedRows(page);

  it.each([...DATA_MANAGER_ERROR_RULES.entries()])('documents code %s as mapped', (code, rule) => {
    const cells = rows.get(code);
    expect(cells, `no row for code ${code}`).toBeDefined();
    const [, meaning, category, retried = '', fix] = cells ?? [];

    expect(meaning).toBe(rule.explanation);
    expect(category).toBe(`\`${rule.category}\``);
    expect(retried.startsWith(rule.retryable ? 'yes' : 'no')).toBe(true);
    expect(fix).toBe(rule.fix);
  });

  it('lists no code that is not mapped', () => {
    const unmapped = [...rows.keys()].filter((code) => !DATA_MANAGER_ERROR_RULES.has(code));

    expect(unmapped).toEqual([]);
  });
});
