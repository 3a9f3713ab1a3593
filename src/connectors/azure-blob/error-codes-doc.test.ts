import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AZURE_ERROR_RULES } from './error-codes.js';

const DOC_PATH = new URL('../../../docs/connectors/azure-blob.md', import.meta.url);

/** Trimmed cells of the error code table rows in the connector page, by the code cell. */
function readDocumentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const text = readFileSync(DOC_PATH, 'utf8');
  const table = text.slice(text.indexOf('### Error codes'), text.indexOf('## Partner simulator'));
  for (const line of table.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const match = /^`([A-Za-z0-9]+)`$/.exec(cells[0] ?? '');
    if (match?.[1] !== undefined) rows.set(match[1], cells);
  }

  return rows;
}

describe('azure-blob page error code table', () => {
  const rows = readDocumentedRows();

  it.each([...AZURE_ERROR_RULES.entries()])('documents code %s as mapped', (code, rule) => {
    const cells = rows.get(code);
    expect(cells, `no row for code ${code}`).toBeDefined();
    const [, meaning, category, retried = '', fix] = cells ?? [];

    expect(meaning).toBe(rule.explanation);
    expect(category).toBe(`\`${rule.category}\``);
    expect(retried.startsWith(rule.retryable ? 'yes' : 'no')).toBe(true);
    expect(fix).toBe(rule.fix);
  });

  it('lists no code that is not mapped', () => {
    const unmapped = [...rows.keys()].filter((code) => !AZURE_ERROR_RULES.has(code));

    expect(unmapped).toEqual([]);
  });
});
