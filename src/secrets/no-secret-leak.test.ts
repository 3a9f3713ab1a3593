import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from '../simulator/webhook/webhook-routes.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';
import { startTestService, TEST_TOKEN, type TestService } from '../test-support/test-service.js';

// Runs deliveries that succeed and fail with known secrets, then looks for those secrets
// everywhere the service writes or returns data: logs, API responses, OpenAPI, store files and the
// output of a failed start.
const META_TOKEN = 'leak-test-meta-access-token-5e1f';
const META_APP_SECRET = 'leak-test-meta-app-secret-77aa';
const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
const SECRETS = [
  META_TOKEN,
  META_APP_SECRET,
  TEST_TOKEN,
  SECRET_KEY,
  WEBHOOK_SIMULATOR_SIGNING_SECRET,
];

let simulator: TestSimulator;
let service: TestService;
const responses: string[] = [];

beforeAll(async () => {
  simulator = await startTestSimulator();
  service = await startTestService({ ACTIVATOR_SECRET_KEY: SECRET_KEY });
});

afterAll(async () => {
  await service.dispose();
  await simulator.close();
});

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
  const response = await service.app.inject({
    method,
    url,
    headers: service.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  responses.push(`${method} ${url} ${response.statusCode}\n${response.body}`);

  return response;
}

function expectNoSecretIn(where: string, text: string) {
  for (const secret of SECRETS) {
    expect(text.includes(secret), `${where} contains a secret`).toBe(false);
  }
}

describe('secrets stay out of every output', () => {
  it('never shows a credential, token or key after good and failed deliveries', async () => {
    const meta = await call('POST', '/api/v1/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta',
      settings: { adAccountId: '12', baseUrl: simulator.url },
      credentials: { accessToken: META_TOKEN, appSecret: META_APP_SECRET },
    });
    const webhook = await call('POST', '/api/v1/connectors', {
      type: 'webhook',
      name: 'Hook',
      settings: { baseUrl: `${simulator.url}/webhook/hooks/crm` },
      credentials: { signingSecret: WEBHOOK_SIMULATOR_SIGNING_SECRET },
    });
    const metaId = String(meta.json().id);
    const webhookId = String(webhook.json().id);
    const audience = await simulator.createAudience('Leak test');
    await call('POST', `/api/v1/connectors/${metaId}/test`);
    await simulator.fault({ mode: 'status', status: 500, count: 1 });
    await simulator.fault({ mode: 'expired_token', count: 1 });
    await call('POST', '/api/v1/audiences', {
      name: 'Everyone',
      rule: { attribute: 'segment', op: 'eq', value: 'all' },
      connections: [{ connectorId: metaId, settings: { customAudienceId: audience } }],
    });
    await call('POST', '/api/v1/profiles', {
      profiles: [
        { id: 'p1', identifiers: { email: 'p1@example.com' }, attributes: { segment: 'all' } },
      ],
    });
    await waitFor('an error sample', async () => {
      const errors = await call('GET', `/api/v1/connectors/${metaId}/errors`);

      return JSON.stringify(errors.json()).includes('"items":[{');
    });
    await call('PATCH', `/api/v1/connectors/${metaId}`, {
      credentials: { accessToken: META_TOKEN },
    });
    for (const url of [
      '/api/v1/connectors',
      `/api/v1/connectors/${metaId}`,
      `/api/v1/connectors/${webhookId}`,
      `/api/v1/connectors/${metaId}/stats?days=7`,
      `/api/v1/connectors/${metaId}/errors`,
      '/api/v1/audit',
      '/api/v1/session',
      '/api/openapi.json',
      '/metrics',
      '/ready',
    ]) {
      await call('GET', url);
    }

    // The outputs searched are the real ones: deliveries ran and failed, settings were masked.
    expect(service.logText()).toContain('batch recorded');
    expect(responses.join('\n')).toContain('"accessToken":"***"');
    expectNoSecretIn('API responses', responses.join('\n'));
    expectNoSecretIn('the log', service.logText());
    await service.store.close();
    for (const file of readdirSync(service.dataDir).filter((name) =>
      name.startsWith('activator.'),
    )) {
      const content = readFileSync(path.join(service.dataDir, file), 'latin1');
      expectNoSecretIn(`store file ${file}`, content);
    }
  });

  it('keeps a rejected key out of the output of a failed start', async () => {
    const badKey = 'leak-test-not-a-valid-key';
    const started = promisify(execFile)(
      process.execPath,
      [path.resolve('bin/activator.js'), 'serve'],
      {
        env: { ...process.env, ACTIVATOR_SECRET_KEY: badKey, PORT: '0' },
      },
    );

    const failure = await started.then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => error,
    );

    expect(failure).toBeDefined();
    expect(failure!.stderr).toContain('ACTIVATOR_SECRET_KEY');
    expect(`${failure!.stdout}${failure!.stderr}`).not.toContain(badKey);
  });
});
