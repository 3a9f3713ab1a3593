import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NATS_URL, uniqueStreamNames } from '../test-support/nats-streams.js';
import { createTestDatabase } from '../test-support/postgres-database.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';

// Two workers and one API process, each a real `activator` process from dist/ (which `npm test`
// builds first), on one PostgreSQL database and one JetStream stream.
const CLI = path.resolve('bin/activator.js');
const TOKEN = 'multi-process-test-token-0123456789';
const PROFILES = 66_667;
const CONNECTORS = 3;
const PROFILES_PER_REQUEST = 10_000;

interface Child {
  name: string;
  process: ChildProcess;
  lines: string[];
}

let simulator: TestSimulator;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let streams: ReturnType<typeof uniqueStreamNames>;
let dataDir: string;
const children: Child[] = [];

beforeAll(async () => {
  simulator = await startTestSimulator();
  database = await createTestDatabase();
  streams = uniqueStreamNames();
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-multi-'));
});

afterAll(async () => {
  for (const child of children) child.process.kill('SIGKILL');
  await Promise.all(children.map((child) => exited(child)));
  await simulator.close();
  await streams.remove();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(name: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const started = { name, process: child, lines };
  children.push(started);

  return started;
}

function exited(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) resolve();
    else child.process.once('exit', () => resolve());
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');

  return address.port;
}

/** Connectors a process logged that it delivers. */
function delivering(child: Child): string[] {
  return child.lines
    .filter((line) => line.includes('"delivering the connector"'))
    .map((line) => (JSON.parse(line) as { connectorId: string }).connectorId);
}

describe('two workers and an API process on PostgreSQL and JetStream', () => {
  it('delivers every activation once a killed worker is taken over, with exact statistics', async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: database.url,
      NATS_URL: TEST_NATS_URL,
      ACTIVATOR_NATS_STREAM: streams.stream,
      ACTIVATOR_API_TOKEN: TOKEN,
      ACTIVATOR_SECRET_KEY: randomBytes(32).toString('base64'),
      ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      PORT: String(port),
    };
    const apiProcess = start('api', ['serve', '--no-workers'], env);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const api = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);

      return JSON.parse(text) as Record<string, unknown>;
    };
    await waitFor(
      'the API process to listen',
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true,
      30_000,
    );
    const workerPort = await freePort();
    const workers = [
      start('worker-1', ['worker', '--port', String(workerPort)], env),
      start('worker-2', ['worker'], env),
    ];
    await waitFor(
      'worker 1 to be ready',
      async () =>
        (await fetch(`http://127.0.0.1:${workerPort}/ready`).catch(() => undefined))?.ok === true,
      30_000,
    );
    // A worker serves probes and metrics only; the API stays with the serve process.
    const workerApi = await fetch(`http://127.0.0.1:${workerPort}/api/v1/connectors`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(workerApi.status).toBe(404);

    const connections: { connectorId: string; partnerAudience: string }[] = [];
    for (let index = 0; index < CONNECTORS; index += 1) {
      const connector = await api('POST', '/connectors', {
        type: 'meta-custom-audiences',
        name: `Meta account ${index + 1}`,
        settings: { adAccountId: String(100 + index), baseUrl: simulator.url },
        credentials: { accessToken: `multi-process-token-${index}` },
      });
      connections.push({
        connectorId: String(connector.id),
        partnerAudience: await simulator.createAudience(`Audience ${index + 1}`),
      });
    }
    await api('POST', '/audiences', {
      name: 'Everyone in the test',
      rule: { attribute: 'segment', op: 'eq', value: 'all' },
      connections: connections.map((connection) => ({
        connectorId: connection.connectorId,
        settings: { customAudienceId: connection.partnerAudience },
      })),
    });
    for (let start = 0; start < PROFILES; start += PROFILES_PER_REQUEST) {
      const count = Math.min(PROFILES_PER_REQUEST, PROFILES - start);
      await api('POST', '/profiles', {
        profiles: Array.from({ length: count }, (_, offset) => ({
          id: `p${start + offset}`,
          identifiers: { email: `p${start + offset}@example.com` },
          attributes: { segment: 'all' },
        })),
      });
    }

    const delivered = async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      let total = 0;
      for (const connection of connections) {
        total += (await simulator.audienceCounts(connection.partnerAudience)).memberCount;
      }

      return total;
    };
    await waitFor('a third of the activations', async () => (await delivered()) >= 66_000, 120_000);
    const victim = workers.reduce((most, worker) =>
      delivering(worker).length > delivering(most).length ? worker : most,
    );
    expect(delivering(victim).length).toBeGreaterThan(0);
    victim.process.kill('SIGKILL');
    await exited(victim);

    await waitFor(
      'every activation at the partner',
      async () => (await delivered()) === PROFILES * CONNECTORS,
      240_000,
    );
    let resent = 0;
    for (const connection of connections) {
      const counts = await simulator.audienceCounts(connection.partnerAudience);
      resent += counts.addsReceived - counts.memberCount;
      expect(counts.memberCount).toBe(PROFILES);
      await waitFor(
        `the statistics of ${connection.connectorId} to count every profile`,
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 250));
          const stats = await api('GET', `/connectors/${connection.connectorId}/stats?days=7`);

          return (stats.totals as { added: number }).added === PROFILES;
        },
        30_000,
      );
    }
    const members = await simulator.members(connections[0]!.partnerAudience);
    expect(new Set(members.map((member) => member.EMAIL)).size).toBe(PROFILES);
    // At-least-once: rows the killed worker had sent but not recorded are sent again.
    console.info(
      `multi-process: ${PROFILES * CONNECTORS} activations, ${resent} resent after kill -9 of ${victim.name}`,
    );
    expect(resent).toBeLessThanOrEqual(PROFILES);
    expect(apiProcess.process.exitCode).toBeNull();
  }, 420_000);
});
