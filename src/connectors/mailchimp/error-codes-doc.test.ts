import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAILCHIMP_ERROR_RULES } from './error-codes.js';

const DOC_PATH = new URL('../../../docs/connectors/mailchimp.md', import.meta.url);

/** Trimmed cells of the rows of the connector page's error code table, by the code cell. */
function readDocumentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const lines = readFileSync(DOC_PATH, 'utf8').split('\n');
  const start = lines.indexOf('### Error codes');
  if (start === -1) throw new Error(`${DOC_PATH.pathname} has no "### Error codes" heading.`);

  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) continue;

    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const code = /^`([A-Za-z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (code !== undefined) rows.set(code, cells);
  }
  return rows;
}

describe('connector page error table', () => {
  const rows = readDocumentedRows();

  it.each([...MAILCHIMP_ERROR_RULES.entries()])('documents code %s as mapped', (code, rule) => {
    const cells = rows.get(code);
    expect(cells, `no row for code ${code}`).toBeDefined();
    const [, meaning, category, retried = '', fix] = cells ?? [];

    expect(meaning).toBe(rule.explanation);
    expect(category).toBe(`\`${rule.category}\``);
    expect(retried.startsWith(rule.retryable ? 'yes' : 'no')).toBe(true);
    expect(retried.includes('bisectable')).toBe(rule.bisectable === true);
    expect(fix).toBe(rule.fix);
  });

  it('lists no code that is not mapped', () => {
    const unmapped = [...rows.keys()].filter((code) => !MAILCHIMP_ERROR_RULES.has(code));

    expect(unmapped).toEqual([]);
  });
});
