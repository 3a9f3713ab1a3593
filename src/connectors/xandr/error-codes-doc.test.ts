import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XANDR_ERROR_RULES } from './error-codes.js';

const DOC_PATH = new URL('../../../docs/connectors/xandr.md', import.meta.url);

/** Trimmed cells of the error code table rows in the connector page, by the code cell. */
function readDocumentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(DOC_PATH, 'utf8').split('\n')) {
    if (!line.startsWith('|')) continue;

    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const code = /^`([A-Za-z_-]+)`$/.exec(cells[0] ?? '')?.[1];
    if (code !== undefined && cells.length === 6) rows.set(code, cells);
  }

  return rows;
}

describe('connector page error table', () => {
  const rows = readDocumentedRows();

  it.each([...XANDR_ERROR_RULES.entries()])('documents code %s as mapped', (code, rule) => {
    const cells = rows.get(code);
    expect(cells, `no row for code ${code}`).toBeDefined();
    const [, source, meaning, category, retried = '', fix] = cells ?? [];

    expect(source).toBe(rule.source);
    expect(meaning).toBe(rule.explanation);
    expect(category).toBe(`\`${rule.category}\``);
    expect(retried.startsWith(rule.retryable ? 'yes' : 'no')).toBe(true);
    expect(fix).toBe(rule.fix);
  });

  it('lists no code that is not mapped', () => {
    const unmapped = [...rows.keys()].filter((code) => !XANDR_ERROR_RULES.has(code));

    expect(unmapped).toEqual([]);
  });
});
