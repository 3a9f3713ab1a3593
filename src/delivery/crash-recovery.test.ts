import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';

// The child runs the compiled service from dist/, which `npm test` builds first.
const CHILD = path.resolve('src/test-support/crash-child.mjs');
const COUNT = 30_000;

let simulator: TestSimulator;
let dataDir: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-crash-'));
});

afterAll(async () => {
  await simulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function startChild(env: Record<string, string>): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      ACTIVATOR_API_TOKEN: 'crash-test-api-token-1234',
      ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));

  return { child, lines };
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('crash recovery', () => {
  it('delivers every activation after kill -9 in the middle of a drain', async () => {
    const audienceId = await simulator.createAudience();
    await simulator.fault({ mode: 'delay', delayMs: 300 });
    const first = startChild({
      CRASH_TEST_MODE: 'enqueue',
      CRASH_TEST_SIMULATOR: simulator.url,
      CRASH_TEST_AUDIENCE: audienceId,
      CRASH_TEST_COUNT: String(COUNT),
    });
    await waitFor('enqueue', () => first.lines.some((line) => line.startsWith('ENQUEUED')), 20_000);
    await waitFor('a batch in flight', async () => (await simulator.requests()).length > 0, 20_000);
    first.child.kill('SIGKILL');
    await waitForExit(first.child);
    const membersAtCrash = (await simulator.members(audienceId)).length;
    await simulator.clearFaults();

    const second = startChild({});
    try {
      await waitFor(
        'all members',
        async () => (await simulator.members(audienceId)).length === COUNT,
        60_000,
      );
      const database = new SQLite(path.join(dataDir, 'activator.sqlite'), { readonly: true });
      await waitFor(
        'an empty queue',
        () =>
          (database.prepare('select count(*) as n from activations').get() as { n: number }).n ===
          0,
        20_000,
      );
      const added = database
        .prepare("select coalesce(sum(count), 0) as n from stats_daily where metric = 'added'")
        .get() as { n: number };
      database.close();

      expect(membersAtCrash).toBeLessThan(COUNT);
      expect(added.n).toBeGreaterThanOrEqual(COUNT - membersAtCrash);
    } finally {
      second.child.kill('SIGKILL');
      await waitForExit(second.child);
    }
  });
});
