import { createReadStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../profile.js';
import { resolveRegion } from './country.js';
import { DEFAULT_CRM_MAPPING } from './import-mapping.js';
import { readImport } from './import-reader.js';
import { normalizeProfile } from './normalize-profile.js';
import { sampleExportPath } from '../../test-support/sample-export.js';

// A generated sample CRM export of 10,000 rows, kept outside the repository.
const CUSTOMERS_CSV = sampleExportPath();

interface ImportSummary {
  rowsRead: number;
  rowErrors: number;
  profilesStored: number;
  profilesRejected: Record<string, number>;
  rejections: Record<string, number>;
  phonesNormalized: number;
  profilesWithPhone: number;
  emailsNormalized: number;
  countryNames: Set<string>;
  profilesById: Map<string, Profile>;
}

async function importCustomers(): Promise<ImportSummary> {
  const summary: ImportSummary = {
    rowsRead: 0,
    rowErrors: 0,
    profilesStored: 0,
    profilesRejected: {},
    rejections: {},
    phonesNormalized: 0,
    profilesWithPhone: 0,
    emailsNormalized: 0,
    countryNames: new Set(),
    profilesById: new Map(),
  };
  const rows = readImport(createReadStream(CUSTOMERS_CSV), {
    format: 'csv',
    mapping: DEFAULT_CRM_MAPPING,
  });
  for await (const row of rows) {
    summary.rowsRead += 1;
    if (row.input === undefined) {
      summary.rowErrors += 1;
      continue;
    }
    const result = normalizeProfile(row.input);
    if ('error' in result) {
      increment(summary.profilesRejected, result.reason);
      continue;
    }
    const { profile, rejections } = result;
    summary.profilesStored += 1;
    summary.profilesById.set(profile.id, profile);
    summary.countryNames.add(String(profile.attributes['country']));
    summary.phonesNormalized += profile.identifiers['phone']?.length ?? 0;
    summary.profilesWithPhone += profile.identifiers['phone'] === undefined ? 0 : 1;
    summary.emailsNormalized += profile.identifiers['email']?.length ?? 0;
    for (const rejection of rejections) {
      increment(summary.rejections, `${rejection.field}:${rejection.reason}`);
    }
  }
  return summary;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

describe('sample CRM export import', () => {
  // Counts measured once with this code and fixed here, so a change in behaviour fails the test.
  let summary: ImportSummary;
  beforeAll(async () => {
    summary = await importCustomers();
  });

  it('reads every row', () => {
    expect(summary.rowsRead).toBe(10_000);
    expect(summary.rowErrors).toBe(0);
  });

  it('stores every profile', () => {
    expect(summary.profilesStored).toBe(10_000);
    expect(summary.profilesRejected).toEqual({});
  });

  it('rejects only phone numbers', () => {
    expect(summary.rejections).toEqual({
      'identifiers.phone:invalid_phone': 16_133,
      'identifiers.phone:phone_without_region': 766,
    });
  });

  it('normalizes phone numbers', () => {
    expect(summary.phonesNormalized).toBe(3_101);
    expect(summary.profilesWithPhone).toBe(2_761);
  });

  it('accounts for every phone cell', () => {
    const rejected = 16_133 + 766;
    expect(summary.phonesNormalized + rejected).toBe(2 * 10_000);
  });

  it('normalizes every email', () => {
    expect(summary.emailsNormalized).toBe(10_000);
  });

  it('leaves four country names unresolved', () => {
    const names = [...summary.countryNames];
    const unresolved = names.filter((name) => resolveRegion(name) === undefined).sort();
    expect(names).toHaveLength(243);
    expect(unresolved).toEqual(['Congo', 'Korea', 'Netherlands Antilles', 'Saint Martin']);
  });

  it('normalizes second row', () => {
    // Index 2: Andorra, phones 932-062-1802 and (209)172-7124x3651, subscribed 27-04-2020.
    expect(summary.profilesById.get('10dAcafEBbA5FcA')).toEqual({
      id: '10dAcafEBbA5FcA',
      identifiers: { email: ['xreese@hall-donovan.com'] },
      attributes: {
        firstName: 'Kristina',
        lastName: 'Ferrell',
        company: 'Horn, Shepard and Watson',
        city: 'Aaronville',
        country: 'Andorra',
        countryCode: 'AD',
        subscribedAt: '2020-04-27',
        website: 'https://tyler-pugh.info/',
      },
      consents: { advertising: 'unknown', email: 'unknown' },
    });
  });

  it('normalizes 00-prefixed phone', () => {
    // Index 10: Ukraine, phones 001-315-224-3556 and 254-621-7128x7573 (not valid in Ukraine).
    const profile = summary.profilesById.get('436b9c41cfb1fa3');
    expect(profile?.identifiers['phone']).toEqual(['+13152243556']);
  });
});
