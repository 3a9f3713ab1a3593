import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import type { RunningSimulator } from '../../simulator/simulator-server.js';
import { startSimulatorWithWebhook } from '../../simulator/webhook/start-simulator-with-webhook.js';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from '../../simulator/webhook/webhook-routes.js';
import { createAjv } from '../../validation/schema-validator.js';
import type { ConnectorContext } from '../connector-type.js';
import { webhook } from './definition.js';
import type { WebhookCredentials, WebhookSettings } from './schemas.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startSimulatorWithWebhook();
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

beforeEach(async () => {
  await postControl('/_control/reset', {});
});

async function postControl(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function readRequests(): Promise<{ headers: Record<string, string>; body: unknown }[]> {
  const response = await fetch(`${simulator.url}/_control/requests`);
  return (
    (await response.json()) as { items: { headers: Record<string, string>; body: unknown }[] }
  ).items;
}

function context(
  options: { timeoutMs?: number; secret?: string; signatureHeader?: string } = {},
): ConnectorContext<WebhookSettings, WebhookCredentials> {
  const baseUrl = `${simulator.url}/webhook/hooks/crm`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    dispatcher,
    allowPrivateDestinations: true,
  });
  const settings: WebhookSettings = { baseUrl };
  if (options.signatureHeader !== undefined) settings.signatureHeader = options.signatureHeader;

  return {
    settings,
    credentials: { signingSecret: options.secret ?? WEBHOOK_SIMULATOR_SIGNING_SECRET },
    http,
  };
}

describe('webhook credential check', () => {
  it('passes when endpoint accepts signed test', async () => {
    const result = await webhook.checkCredentials(context());

    expect(result).toEqual({
      ok: true,
      message: 'The endpoint accepted a signed test request (HTTP 200).',
    });
  });

  it('sends test operation without profiles', async () => {
    await webhook.checkCredentials(context());
    const [request] = await readRequests();

    expect(request?.body).toEqual({
      operation: 'test',
      sentAt: expect.any(String),
      profiles: [],
    });
  });

  it('reports wrong secret as invalid credentials', async () => {
    const result = await webhook.checkCredentials(context({ secret: 'a-different-secret-value' }));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('invalid_credentials');
    expect(result.partnerCode).toBe('http_401');
    expect(result.message).toContain('invalid_signature');
  });

  it('reports timeout', async () => {
    await postControl('/_control/faults', { partner: 'webhook', mode: 'delay', delayMs: 1_000 });

    const result = await webhook.checkCredentials(context({ timeoutMs: 200 }));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('timeout');
  });

  it('sends signature in configured header', async () => {
    const result = await webhook.checkCredentials(context({ signatureHeader: 'X-Hub-Signature' }));
    const [request] = await readRequests();

    expect(request?.headers['x-hub-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(request?.headers).not.toHaveProperty('x-activator-signature');
    // The simulated receiver reads only the default header, so it refuses this request.
    expect(result.partnerCode).toBe('http_401');
  });
});

describe('webhook type definition', () => {
  it('needs no consent purpose', () => {
    expect(webhook.consent).toEqual({ purposes: [], unknownAllowed: true });
  });

  it('lets the engine hand over 10,000 profiles', () => {
    expect(webhook.defaults.maxBatchSize).toBe(10_000);
  });

  it('keys destination by audience label', () => {
    expect(webhook.destinationKey({ audience: 'vip' })).toBe('vip');
  });

  it('explains status code', () => {
    expect(webhook.explainError?.('http_413')?.fix).toContain('batchSize');
  });

  it('explains profile rejection code', () => {
    expect(webhook.explainError?.('unknown_customer')?.summary).toContain('rejected this profile');
  });

  it.each([
    [{ baseUrl: 'https://hooks.example.com/activator' }, true],
    [{ baseUrl: 'http://127.0.0.1:9090/webhook/hooks/x' }, true],
    [{ baseUrl: 'https://hooks.example.com/in', batchSize: 10_000 }, true],
    [{ baseUrl: 'https://hooks.example.com/in', signatureHeader: 'X-Signature' }, true],
    [{}, false],
    [{ baseUrl: 'ftp://hooks.example.com/in' }, false],
    [{ baseUrl: 'https://hooks.example.com/in?token=1' }, false],
    [{ baseUrl: 'https://hooks.example.com/in#part' }, false],
    [{ baseUrl: 'https://hooks.example.com/in', batchSize: 0 }, false],
    [{ baseUrl: 'https://hooks.example.com/in', batchSize: 10_001 }, false],
    [{ baseUrl: 'https://hooks.example.com/in', signatureHeader: 'X Signature' }, false],
    [{ baseUrl: 'https://hooks.example.com/in', colour: 'red' }, false],
  ])('validates settings %j', (settings, valid) => {
    const validate = createAjv().compile(webhook.settingsSchema);

    expect(validate(settings)).toBe(valid);
  });

  it.each([
    [{ signingSecret: 'sixteen-chars-ok' }, true],
    [{ signingSecret: 'too-short' }, false],
    [{}, false],
  ])('validates credentials %j', (credentials, valid) => {
    const validate = createAjv().compile(webhook.credentialsSchema);

    expect(validate(credentials)).toBe(valid);
  });

  it('marks signing secret write-only', () => {
    const schema = webhook.credentialsSchema as unknown as {
      properties: { signingSecret: { writeOnly?: boolean } };
    };

    expect(schema.properties.signingSecret.writeOnly).toBe(true);
  });

  it.each([
    [{ audience: 'vip' }, true],
    [{ audience: '' }, false],
    [{}, false],
  ])('validates connection settings %j', (settings, valid) => {
    const validate = createAjv().compile(webhook.audienceSettingsSchema);

    expect(validate(settings)).toBe(valid);
  });
});
