import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONVERSION_ERROR_RULES,
  REQUEST_ERROR_RULES,
  TOKEN_ERROR_RULES,
  type Cm360ErrorRule,
} from './error-codes.js';

const DOC_PATH = new URL('../../../docs/connectors/google-cm360.md', import.meta.url);

/**
 * Trimmed cells of the table rows under a `###` heading of the connector page, by the first
 * cell. Rows whose first cell is not a single code word, such as "any other code", are left out.
 */
function readTableRows(heading: string): Map<string, string[]> {
  const text = readFileSync(DOC_PATH, 'utf8');
  const start = text.indexOf(`### ${heading}\n`);
  expect(start, `no section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n#', start + 4);
  const section = text.slice(start, end === -1 ? undefined : end);

  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const [code] = cells;
    if (code !== undefined && /^[A-Za-z_]+$/.test(code) && code !== 'Code' && code !== 'Key') {
      rows.set(code, cells);
    }
  }
  return rows;
}

function retriedText(rule: Cm360ErrorRule): string {
  if (!rule.retryable) return 'no';
  if (rule.retryDelaySeconds === undefined) return 'yes, with backoff';

  return `yes, after at least ${rule.retryDelaySeconds.toLocaleString('en-US')} s`;
}

describe.each([
  ['Conversion error codes', CONVERSION_ERROR_RULES],
  ['Request error codes', REQUEST_ERROR_RULES],
  ['Token endpoint error codes', TOKEN_ERROR_RULES],
])('connector page table %s', (heading, rules) => {
  const rows = readTableRows(heading);

  it.each([...rules.entries()])('documents %s as mapped', (code, rule) => {
    const cells = rows.get(code);
    expect(cells, `no row for ${code}`).toBeDefined();
    const [, meaning, category, retried, fix] = cells ?? [];

    expect(meaning).toBe(rule.explanation);
    expect(category).toBe(`\`${rule.category}\``);
    expect(retried).toBe(retriedText(rule));
    expect(fix).toBe(rule.fix);
  });

  it('lists no code that is not mapped', () => {
    expect([...rows.keys()].filter((code) => !rules.has(code))).toEqual([]);
  });
});
