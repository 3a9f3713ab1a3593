import { describe, expect, it } from 'vitest';
import type { CredentialCheck } from './credential-key.js';
import { formatMigrateStoreSummary, type MigrateStoreReport } from './migrate-store-summary.js';

const credentials: CredentialCheck = {
  key: { kind: 'file', filePath: '/srv/data/secret.key', key: Buffer.alloc(32, 7) },
  connectors: 1,
  undecryptable: [],
};

function report(activations: number): MigrateStoreReport {
  return {
    sqliteFile: '/srv/data/activator.sqlite',
    target: 'postgres://activator:***@db.example.com:5432/activator',
    dataDir: '/srv/data',
    copy: {
      tables: [
        { table: 'connectors', rows: 1 },
        { table: 'activations', rows: activations },
        { table: 'profiles', rows: 12_345 },
      ],
      sequences: [{ table: 'activations', column: 'id', nextValue: activations + 1 }],
    },
    credentials,
  };
}

describe('formatMigrateStoreSummary', () => {
  it('lists rows per table and the total', () => {
    const summary = formatMigrateStoreSummary(report(0));

    expect(summary).toMatch(/^profiles +12,345$/m);
    expect(summary).toMatch(/^total +12,346$/m);
    expect(summary).toContain('activations.id 1.');
  });

  it('names the key file but not the key', () => {
    const summary = formatMigrateStoreSummary(report(0));

    expect(summary).toContain('the key in /srv/data/secret.key');
    expect(summary).not.toContain(Buffer.alloc(32, 7).toString('base64'));
  });

  it('notes queued activations for JetStream', () => {
    expect(formatMigrateStoreSummary(report(3))).toContain(
      'The queue table contains 3 activations that were not delivered yet.',
    );
    expect(formatMigrateStoreSummary(report(0))).not.toContain('The queue table');
  });
});
