import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ScaleOut,
  type ScaleOutProcess,
  startScaleOut,
} from '../test-support/scale-out-processes.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';

// The API process deactivates a connector that a worker is delivering. Clang takes two or three
// SOAP calls per profile, so one batch keeps the partner busy for a while.
const PROFILES = 300;
const GROUP_ID = '42';

let simulator: TestSimulator;
let deployment: ScaleOut;
let api: ScaleOutProcess;

beforeAll(async () => {
  simulator = await startTestSimulator();
  deployment = await startScaleOut();
  api = await deployment.startApi();
  await deployment.startWorker();
});

afterAll(async () => {
  await deployment.dispose();
  await simulator.close();
});

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await api.service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: deployment.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);

  return response.json() as Record<string, unknown>;
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`simulator ${path}: ${response.status} ${text}`);

  return (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined;
}

interface Totals {
  added: number;
  failed: number;
  skipped: Record<string, number>;
}

/** What the scenario observed once every activation was counted. */
let observed: { lagsMs: number[]; totals: Totals; membersAtPartner: number };

async function deactivateWhileDelivering() {
  await control('POST', '/audiences', { partner: 'clang', id: GROUP_ID, name: 'Newsletter' });
  await control('POST', '/faults', { partner: 'clang', mode: 'delay', delayMs: 25 });
  const connector = await call('POST', '/connectors', {
    type: 'clang',
    name: 'Clang',
    settings: {
      baseUrl: `${simulator.url}/clang`,
      maxConcurrentProfiles: 1,
      maxConcurrentRequests: 1,
    },
    credentials: { uuid: 'deactivation-test-uuid' },
  });
  const connectorId = String(connector.id);
  await call('POST', '/audiences', {
    name: 'Newsletter readers',
    rule: { attribute: 'segment', op: 'eq', value: 'news' },
    connections: [{ connectorId, settings: { groupId: GROUP_ID } }],
  });
  await call('POST', '/profiles', {
    profiles: Array.from({ length: PROFILES }, (_, index) => ({
      id: `d${index}`,
      identifiers: { email: `d${index}@example.com` },
      attributes: { segment: 'news' },
      consents: { email: 'granted' },
    })),
  });
  const members = async () =>
    ((await control('GET', `/audiences/${GROUP_ID}`))?.members as unknown[]).length;
  await waitFor('the first members at Clang', async () => (await members()) >= 5, 20_000);

  await call('POST', `/connectors/${connectorId}/deactivate`);
  const deactivatedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const requests = (await control('GET', '/requests'))?.items as { at: string; path: string }[];
  const lagsMs = requests
    .filter((request) => request.path.startsWith('/clang'))
    .map((request) => Date.parse(request.at) - deactivatedAt)
    .filter((lagMs) => lagMs > 0);
  const totals = async () => {
    const stats = await call('GET', `/connectors/${connectorId}/stats?days=7`);

    return stats.totals as Totals;
  };
  await waitFor(
    'every activation counted',
    async () => {
      const current = await totals();

      return current.added + current.skipped.deactivated! + current.failed >= PROFILES;
    },
    20_000,
  );
  observed = { lagsMs, totals: await totals(), membersAtPartner: await members() };
  console.info(
    `deactivation: ${lagsMs.length} Clang calls started up to ${Math.max(0, ...lagsMs)} ms ` +
      `after the response; ${observed.membersAtPartner} members at Clang; ` +
      `totals ${JSON.stringify(observed.totals)}`,
  );
}

describe('deactivation through the API process while a worker delivers', () => {
  beforeAll(deactivateWhileDelivering, 60_000);

  it('counts every activation once', () => {
    expect(observed.totals.added + observed.totals.skipped.deactivated!).toBe(PROFILES);
  });

  it('starts no partner call a second after the response', () => {
    expect(observed.lagsMs.filter((lagMs) => lagMs > 1_000)).toEqual([]);
  });

  // The API process announces the change over NATS, so the worker stops within moments; the
  // announcement travels after the commit, hence the small allowance.
  it('starts no partner call 250 ms after the response', () => {
    expect(observed.lagsMs.filter((lagMs) => lagMs > 250)).toEqual([]);
  });

  // A batch stopped between two partner calls keeps the outcomes of the calls made.
  it('counts profiles the partner holds as added', () => {
    expect(observed.totals.added).toBe(observed.membersAtPartner);
  });
});
