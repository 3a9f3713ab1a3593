import { describe, expect, it } from 'vitest';
import { readDocumentedCodeRows } from '../../test-support/doc-error-table.js';
import { MAILCHIMP_ERROR_RULES } from './error-codes.js';

const DOC_PATH = new URL('../../../docs/connectors/mailchimp.md', import.meta.url);

describe('connector page error table', () => {
  const rows = readDocumentedCodeRows(DOC_PATH);

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
