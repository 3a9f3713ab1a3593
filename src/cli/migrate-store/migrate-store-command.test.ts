import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { listTablesInCopyOrder } from '../../store/migration-copy/table-order.js';
import { openPostgresStore } from '../../store/postgres/open-postgres-store.js';
import { openSqliteStore, SQLITE_FILE } from '../../store/sqlite/open-sqlite-store.js';
import { createTestDatabase } from '../../test-support/postgres-database.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../../test-support/simulator-client.js';
import { readSortedRows } from '../../test-support/table-rows.js';
import { startTestService, TEST_TOKEN, type TestService } from '../../test-support/test-service.js';
import { registerMigrateStoreCommand, type MigrateStoreDefaults } from './migrate-store-command.js';

const ACCESS_TOKEN = 'migrated-access-token';
const APP_SECRET = 'migrated-app-secret';
const PROFILE_COUNT = 2_500;

let simulator: TestSimulator;
/** Data directory of an embedded service that ran the main flows and was stopped. */
let sourceDir: string;
/** Base64 content of the source's key file. */
let sourceKey: string;
let connectorId: string;
let partnerAudience: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const directories: string[] = [];

async function call(
  service: TestService,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
) {
  return service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: service.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** Runs connectors, profiles, an audience with deliveries, a journey and a session on SQLite. */
async function buildSourceDataDirectory(): Promise<void> {
  const service = await startTestService({}, { journeyTickMs: 20 });
  sourceDir = service.dataDir;
  directories.push(sourceDir);
  partnerAudience = await simulator.createAudience();

  const connector = await call(service, 'POST', '/connectors', {
    type: 'meta-custom-audiences',
    name: 'Meta NL',
    settings: { adAccountId: '555', baseUrl: simulator.url },
    credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET },
  });
  expect(connector.statusCode).toBe(201);
  connectorId = connector.json().id as string;

  // One failed request leaves an error sample, and the retry delivers the batch.
  await simulator.fault({ mode: 'status', status: 503, count: 1 });
  const profiles = Array.from({ length: PROFILE_COUNT }, (_, index) => ({
    id: `p${index}`,
    identifiers: { email: `p${index}@example.com` },
    attributes: { country: index % 2 === 0 ? 'NL' : 'DE' },
  }));
  expect((await call(service, 'POST', '/profiles', { profiles })).statusCode).toBe(200);
  const audience = await call(service, 'POST', '/audiences', {
    name: 'Dutch',
    rule: { attribute: 'country', op: 'eq', value: 'NL' },
    connections: [{ connectorId, settings: { customAudienceId: partnerAudience } }],
  });
  expect(audience.statusCode).toBe(201);
  await waitFor(
    'the Dutch profiles added',
    async () =>
      (await call(service, 'GET', `/connectors/${connectorId}/stats?days=7`)).json().totals
        .added ===
      PROFILE_COUNT / 2,
    20_000,
  );

  const journey = await call(service, 'POST', '/journeys', {
    name: 'Welcome',
    trigger: { type: 'event', name: 'signed_up' },
    steps: [
      {
        id: 's1',
        type: 'send',
        connectorId,
        operation: 'add',
        settings: { customAudienceId: partnerAudience },
        next: 's2',
      },
      { id: 's2', type: 'wait', durationSeconds: 3_600, next: 'end' },
    ],
  });
  const journeyId = journey.json().id as string;
  await call(service, 'POST', `/journeys/${journeyId}/publish`);
  await call(service, 'POST', '/events', { profileId: 'p1', name: 'signed_up' });
  await waitFor(
    'the journey run waiting',
    async () => (await call(service, 'GET', `/journeys/${journeyId}`)).json().runs?.waiting === 1,
  );

  const session = await service.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { token: TEST_TOKEN },
  });
  expect(session.statusCode).toBe(200);
  const patched = await call(service, 'PATCH', `/connectors/${connectorId}`, {
    settings: { timeoutMs: 5_000 },
  });
  expect(patched.statusCode).toBe(200);
  await waitFor('the queue empty', async () => {
    const waiting = await service.store.db
      .selectFrom('activations')
      .select((expression) => expression.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();

    return Number(waiting.count) === 0;
  });

  // close(), not dispose(), so the data directory stays.
  await service.close();
  sourceKey = readFileSync(path.join(sourceDir, 'secret.key'), 'utf8').trim();
}

beforeAll(async () => {
  simulator = await startTestSimulator();
  await buildSourceDataDirectory();
}, 60_000);

afterAll(async () => {
  await simulator.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await database.drop();
});

/** Runs `activator migrate-store ARGS` through commander and returns its exit code and output. */
async function runCommand(args: string[], defaults: Partial<MigrateStoreDefaults> = {}) {
  const output = { stdout: '', stderr: '', log: '' };
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output.log += chunk.toString('utf8');
      callback();
    },
  });
  // Commander copies these settings into subcommands when they are created, so they come first.
  const program = new Command('activator').exitOverride().configureOutput({ writeErr: () => {} });
  registerMigrateStoreCommand(
    program,
    { dataDir: path.join(tmpdir(), 'activator-no-such-dir'), logLevel: 'info', ...defaults },
    {
      stdout: (text) => {
        output.stdout += text;
      },
      stderr: (text) => {
        output.stderr += text;
      },
      logger: createLogger('info', logStream),
    },
  );

  await program.parseAsync(['migrate-store', ...args], { from: 'user' });
  const exitCode = process.exitCode ?? 0;
  process.exitCode = undefined;

  return { exitCode, ...output };
}

describe('migrate-store', () => {
  it('copies every table of the data directory', async () => {
    const result = await runCommand(['--from', sourceDir, '--to', database.url]);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^profiles +2,500$/m);
    expect(result.stdout).toMatch(/^connectors +1$/m);
    expect(result.stdout).toContain('Row counts verified');
    expect(result.stdout).toContain(path.join(sourceDir, 'secret.key'));
    expect(result.stdout + result.log).not.toContain(sourceKey);
    expect(result.log).toContain('table copied');

    const source = await openSqliteStore(sourceDir, createLogger('silent'));
    const target = await openPostgresStore(database.url, createLogger('silent'));
    try {
      const tables = await listTablesInCopyOrder(source.db);
      const filled = [];
      for (const table of tables) {
        const sourceRows = await readSortedRows(source.db, table);
        expect(await readSortedRows(target.db, table), table).toEqual(sourceRows);
        if (sourceRows.length > 0) filled.push(table);
      }
      // The fixture reaches every table that an embedded service writes in these flows.
      expect(filled.sort()).toEqual(
        expect.arrayContaining([
          'audience_connections',
          'audience_members',
          'audiences',
          'audit_log',
          'connectors',
          'delivery_ledger',
          'destination_counts',
          'error_samples',
          'journey_runs',
          'journey_version_connectors',
          'journeys',
          'profiles',
          'sessions',
          'stats_daily',
          'stats_hourly',
        ]),
      );
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('serves the copy from PostgreSQL with the same key', async () => {
    const copied = await runCommand([], { dataDir: sourceDir, databaseUrl: database.url });
    expect(copied.exitCode).toBe(0);
    const service = await startTestService({
      DATABASE_URL: database.url,
      ACTIVATOR_SECRET_KEY: sourceKey,
    });
    directories.push(service.dataDir);
    try {
      const connectors = (await call(service, 'GET', '/connectors')).json().items as {
        id: string;
        name: string;
      }[];
      const credentialTest = await call(service, 'POST', `/connectors/${connectorId}/test`);
      const requests = (await simulator.requests()) as unknown as {
        path: string;
        query: Record<string, string>;
      }[];
      const accountRead = requests.filter((request) => request.path === '/v25.0/act_555').at(-1);
      const auditBefore = (await call(service, 'GET', '/audit')).json().items.length as number;
      const patched = await call(service, 'PATCH', `/connectors/${connectorId}`, {
        settings: { timeoutMs: 4_000 },
      });
      const auditAfter = (await call(service, 'GET', '/audit')).json().items as {
        action: string;
      }[];
      await call(service, 'POST', '/profiles', {
        profiles: [
          { id: 'new', identifiers: { email: 'new@example.com' }, attributes: { country: 'NL' } },
        ],
      });
      const emailHash = createHash('sha256').update('new@example.com').digest('hex');

      expect(connectors.map((connector) => connector.id)).toEqual([connectorId]);
      expect(credentialTest.json().ok).toBe(true);
      // The proof is made from both decrypted credentials, so it shows they survived the copy.
      expect(accountRead?.query.appsecret_proof).toBe(
        createHmac('sha256', APP_SECRET).update(ACCESS_TOKEN).digest('hex'),
      );
      // A reused audit id would fail the insert, so this also checks the sequence reset.
      expect(patched.statusCode).toBe(200);
      expect(auditAfter).toHaveLength(auditBefore + 1);
      expect(auditAfter[0]?.action).toBe('connector.update');
      await waitFor('the new profile at the partner', async () =>
        (await simulator.members(partnerAudience)).some((member) => member.EMAIL === emailHash),
      );
    } finally {
      await service.close();
    }
  });

  it('rejects a missing target URL', async () => {
    const result = await runCommand(['--from', sourceDir]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/No target database: pass --to .* or set DATABASE_URL\./);
  });

  it('rejects a URL that is not PostgreSQL', async () => {
    const result = await runCommand(['--from', sourceDir, '--to', 'mysql://root@127.0.0.1/x']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('the scheme must be postgres:// or postgresql://');
  });

  it('rejects a missing source directory', async () => {
    const missing = path.join(tmpdir(), `activator-missing-${randomBytes(4).toString('hex')}`);

    const result = await runCommand(['--from', missing, '--to', database.url]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Source directory ${missing} does not exist.`);
    expect(result.stderr).toContain('Pass --from');
    expect(existsSync(missing)).toBe(false);
  });

  it('rejects a directory without a SQLite store', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'activator-empty-'));
    directories.push(empty);

    const result = await runCommand(['--from', empty, '--to', database.url]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${SQLITE_FILE} is missing`);
    expect(existsSync(path.join(empty, SQLITE_FILE))).toBe(false);
  });

  it('rejects a non-empty target and names the table', async () => {
    const target = await openPostgresStore(database.url, createLogger('silent'));
    try {
      await target.db
        .insertInto('profiles')
        .values({
          id: 'already-there',
          identifiers: '{}',
          attributes: '{}',
          consents: '{}',
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();

      const result = await runCommand(['--from', sourceDir, '--to', database.url]);
      const connectors = await target.db.selectFrom('connectors').select('id').execute();

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        'The target database is not empty: table profiles already has rows.',
      );
      expect(connectors).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('reports an unreachable PostgreSQL server without the password', async () => {
    const result = await runCommand([
      '--from',
      sourceDir,
      '--to',
      'postgres://postgres:secret-password@127.0.0.1:1/test',
    ]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'Failed to connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/test: connect ECONNREFUSED 127.0.0.1:1.',
    );
    expect(result.stderr).not.toContain('secret-password');
  });

  it('warns when the key fails to decrypt the credentials', async () => {
    const result = await runCommand(['--from', sourceDir, '--to', database.url], {
      secretKey: randomBytes(32),
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('They decrypt only with the key in ACTIVATOR_SECRET_KEY.');
    expect(result.stderr).toContain(
      `Warning: the credentials of 1 of 1 connectors (${connectorId}) fail to decrypt with the key in ACTIVATOR_SECRET_KEY.`,
    );
  });

  it('rejects a chunk size of zero', async () => {
    const run = runCommand(['--from', sourceDir, '--to', database.url, '--chunk-size', '0']);

    await expect(run).rejects.toThrow(/expected a positive whole number of rows/);
  });
});
