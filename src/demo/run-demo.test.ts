import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { type DemoSession, runDemo } from './run-demo.js';
import { sampleExportPath } from '../test-support/sample-export.js';

const CUSTOMERS = sampleExportPath();
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

let session: DemoSession | undefined;

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function partnerEmails(session: DemoSession): Promise<string[]> {
  const { simulatorUrl, audience } = session.report;
  const response = await fetch(`${simulatorUrl}/_control/audiences/${audience.partnerAudienceId}`);
  const body = (await response.json()) as { members: { EMAIL?: string }[] };

  // A profile with a second phone number also gets a row with only that phone.
  return body.members
    .map((member) => member.EMAIL ?? '')
    .filter((email) => email !== '')
    .sort();
}

async function expectedEmails(session: DemoSession): Promise<string[]> {
  const rows = await session.service.store.db
    .selectFrom('audience_members')
    .innerJoin('profiles', 'profiles.id', 'audience_members.profile_id')
    .select('profiles.identifiers')
    .where('audience_members.audience_id', '=', session.report.audience.id)
    .execute();

  return rows
    .map((row) => (JSON.parse(row.identifiers) as { email?: string[] }).email?.[0] ?? '')
    .map((email) => sha256(email))
    .sort();
}

describe('activator demo', () => {
  it('delivers every member of the demo audience from the public sample export', async () => {
    session = await runDemo({
      file: CUSTOMERS,
      config: loadConfig({}),
      logger: createLogger('silent'),
      port: 0,
    });
    const { imported, audience, delivery } = session.report;

    expect(imported.read).toBe(10_000);
    expect(imported.stored).toBe(10_000);
    expect(audience.memberCount).toBeGreaterThan(1000);
    expect(delivery.added).toBe(audience.memberCount);
    expect(await partnerEmails(session)).toEqual(await expectedEmails(session));
  });

  it('generates the same sample without a file', async () => {
    session = await runDemo({ config: loadConfig({}), logger: createLogger('silent'), port: 0 });
    const first = session.report.audience.memberCount;
    await session.close();
    session = await runDemo({ config: loadConfig({}), logger: createLogger('silent'), port: 0 });

    expect(session.report.imported.read).toBe(10_000);
    expect(session.report.delivery.added).toBe(session.report.audience.memberCount);
    expect(session.report.audience.memberCount).toBe(first);
  });
});
