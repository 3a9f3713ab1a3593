import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeChild, startNodeChild } from '../../test-support/node-child.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../../test-support/simulator-client.js';
import { canMountTmpfs, fillFileSystem, mountTmpfs, type Tmpfs } from '../../test-support/tmpfs.js';
import { SQLITE_FILE } from '../sqlite/open-sqlite-store.js';

// The service runs from dist/, which `npm test` builds first. A real process, so that a crash
// shows as an exit instead of an unhandled rejection in the test runner.
const ACTIVATOR = path.resolve('bin/activator.js');
const TOKEN = 'disk-full-test-token-0123456';
const TMPFS_BYTES = 32 * 1024 * 1024;
/** How long the simulator delays each request, so a batch is in flight when the disk fills. */
const PARTNER_DELAY_MS = 1_500;

let tmpfs: Tmpfs | undefined;
let simulator: TestSimulator;
let server: NodeChild | undefined;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await server?.kill();
  tmpfs?.unmount();
  await simulator.close();
});

/** Moves the WAL's pages into the database and truncates it, so the next write must grow it. */
function truncateWal(dataDir: string): void {
  const database = new SQLite(path.join(dataDir, SQLITE_FILE));
  try {
    database.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    database.close();
  }
}

function integrityCheck(dataDir: string): unknown {
  const database = new SQLite(path.join(dataDir, SQLITE_FILE));
  try {
    return database.pragma('integrity_check', { simple: true });
  } finally {
    database.close();
  }
}

/** Starts `activator serve` on `dataDir` and returns the child, its URL and an API client. */
async function startServer(dataDir: string) {
  const child = startNodeChild(ACTIVATOR, ['serve'], {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ACTIVATOR_API_TOKEN: TOKEN,
    ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
    LOG_LEVEL: 'info',
  });
  server = child;
  const started = await child.waitForLine((line) => line.includes('"activator started"'), 30_000);
  const baseUrl = (JSON.parse(started) as { url: string }).url;
  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1${url}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };

  return { child, baseUrl, api };
}

function profiles(from: number, to: number) {
  return Array.from({ length: to - from }, (_, offset) => ({
    id: `p${from + offset}`,
    identifiers: { email: `p${from + offset}@example.com` },
  }));
}

const idsOf = (from: number, to: number) => profiles(from, to).map((profile) => profile.id);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!canMountTmpfs())('full disk under a running service', () => {
  it('rejects writes and loses nothing', { timeout: 120_000 }, async () => {
    tmpfs = mountTmpfs(TMPFS_BYTES)!;
    const dataDir = path.join(tmpfs.path, 'data');
    mkdirSync(dataDir);
    const filler = path.join(tmpfs.path, 'filler');
    let service = await startServer(dataDir);
    const partnerAudience = await simulator.createAudience();
    const connector = await service.api('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Disk full',
      settings: { adAccountId: '1', baseUrl: simulator.url },
      credentials: { accessToken: 'disk-full-token' },
    });
    expect(connector.status).toBe(201);
    const audience = await service.api('POST', '/audiences', {
      name: 'Disk full audience',
      connections: [
        { connectorId: connector.json.id, settings: { customAudienceId: partnerAudience } },
      ],
    });
    expect(audience.status).toBe(201);
    const members = `/audiences/${audience.json.id}/members`;
    const partnerMembers = async () => (await simulator.members(partnerAudience)).length;
    expect((await service.api('POST', '/profiles', { profiles: profiles(0, 100) })).status).toBe(
      200,
    );

    // The disk fills while activations wait in the queue. The service rejects writes, keeps
    // serving reads, and delivers once space returns, without a restart.
    expect((await service.api('POST', members, { add: idsOf(0, 50) })).status).toBe(200);
    truncateWal(dataDir);
    fillFileSystem(filler);
    const rejected = await service.api('POST', '/profiles', { profiles: profiles(100, 200) });
    expect(rejected.status).toBe(507);
    expect(rejected.json.code).toBe('STORE_DISK_FULL');
    expect(rejected.json.message).toContain('the disk that holds DATA_DIR is full');
    expect(rejected.json.message).toContain('Free space on that disk.');
    expect((await service.api('GET', '/profiles/p1')).status).toBe(200);
    expect((await fetch(`${service.baseUrl}/health`)).status).toBe(200);
    await sleep(2_000);
    expect(service.child.process.exitCode).toBeNull();
    expect(await partnerMembers()).toBe(0);
    rmSync(filler);
    await waitFor('the first 50 members', async () => (await partnerMembers()) === 50, 30_000);

    // The disk fills while a batch is at the partner, so recording its outcome fails.
    await simulator.fault({ mode: 'delay', delayMs: PARTNER_DELAY_MS });
    const requestsBefore = (await simulator.requests()).length;
    expect((await service.api('POST', members, { add: idsOf(50, 100) })).status).toBe(200);
    await waitFor(
      'a batch in flight',
      async () => (await simulator.requests()).length > requestsBefore,
      30_000,
    );
    truncateWal(dataDir);
    fillFileSystem(filler);
    const exitCode = await Promise.race([service.child.exited, sleep(PARTNER_DELAY_MS + 3_000)]);
    // Recording the outcome fails and so does the fallback; the process logs it and keeps
    // serving, and the batch stays claimed until the next start.
    expect(exitCode).toBeUndefined();
    expect(service.child.stdout.join('\n')).toContain('batch outcome could not be recorded');

    // After a restart with space again, the batch that was in flight goes back to the queue.
    service.child.process.kill('SIGKILL');
    await service.child.exited;
    rmSync(filler);
    await simulator.clearFaults();
    service = await startServer(dataDir);
    await waitFor('all 100 members', async () => (await partnerMembers()) === 100, 60_000);
    const accepted = await service.api('POST', '/profiles', { profiles: profiles(100, 200) });
    expect(accepted.status).toBe(200);
    expect((await service.api('GET', '/profiles/p199')).status).toBe(200);
    await service.child.kill();
    expect(integrityCheck(dataDir)).toBe('ok');
  });
});
