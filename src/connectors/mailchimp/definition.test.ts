import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAjv } from '../../validation/schema-validator.js';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import type { RunningSimulator } from '../../simulator/simulator-server.js';
import { startSimulatorWithMailchimp } from '../../simulator/mailchimp/start-simulator-with-mailchimp.js';
import { DestinationError, type ConnectorContext } from '../connector-type.js';
import { mailchimp } from './definition.js';
import {
  mailchimpDataCenter,
  type MailchimpCredentials,
  type MailchimpSettings,
} from './schemas.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startSimulatorWithMailchimp();
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const API_KEY = '0123456789abcdef0123456789abcdef-us6';
const LIST_ID = 'a1b2c3d4e5';

beforeEach(async () => {
  await postControl('/_control/reset', {});
  await postControl('/_control/audiences', { partner: 'mailchimp', id: LIST_ID, name: 'News' });
});

async function postControl(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

function context(timeoutMs = 5_000): ConnectorContext<MailchimpSettings, MailchimpCredentials> {
  const baseUrl = `${simulator.url}/mailchimp`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs,
    dispatcher,
    allowPrivateDestinations: true,
  });
  return { settings: { baseUrl }, credentials: { apiKey: API_KEY }, http };
}

describe('mailchimp credential check', () => {
  it('passes with valid key', async () => {
    const result = await mailchimp.checkCredentials(context());

    expect(result).toEqual({ ok: true, message: 'Connected to Mailchimp data center us6.' });
  });

  it('reports disabled key', async () => {
    await postControl('/_control/tokens', {
      partner: 'mailchimp',
      token: API_KEY,
      state: 'expired',
    });

    const result = await mailchimp.checkCredentials(context());

    expect(result.ok).toBe(false);
    expect(result.category).toBe('invalid_credentials');
    expect(result.partnerCode).toBe('APIKeyInvalid');
    expect(result.message).toContain('Create a new API key');
  });

  it('reports timeout', async () => {
    await postControl('/_control/faults', { partner: 'mailchimp', mode: 'delay', delayMs: 1_000 });

    const result = await mailchimp.checkCredentials(context(200));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('timeout');
  });
});

describe('mailchimp destination check', () => {
  it('accepts existing list', async () => {
    const prepare = mailchimp.prepareDestination;
    if (!prepare) throw new Error('prepareDestination is missing');

    expect(await prepare(context(), { listId: LIST_ID })).toEqual({ listId: LIST_ID });
  });

  it('rejects unknown list', async () => {
    const prepare = mailchimp.prepareDestination;
    if (!prepare) throw new Error('prepareDestination is missing');

    const error = await prepare(context(), { listId: 'zzz999' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).partnerCode).toBe('ResourceNotFound');
    expect((error as DestinationError).category).toBe('partner_error');
    expect((error as DestinationError).message).toContain("audience 'zzz999'");
  });
});

describe('mailchimp type definition', () => {
  it('requires explicit email consent', () => {
    expect(mailchimp.consent).toEqual({ purposes: ['email'], unknownAllowed: false });
  });

  it('reads only email', () => {
    expect(mailchimp.identifierTypes).toEqual(['email']);
  });

  it('uses Mailchimp batch limit', () => {
    expect(mailchimp.defaults.maxBatchSize).toBe(500);
  });

  it('keys destination by list id', () => {
    expect(mailchimp.destinationKey({ listId: LIST_ID })).toBe(LIST_ID);
  });

  it('derives origin from key data center', () => {
    expect(mailchimp.baseUrlFor({}, { apiKey: API_KEY })).toBe('https://us6.api.mailchimp.com');
  });

  it.each([
    [API_KEY, 'us6'],
    ['abc-eu12', 'eu12'],
    ['no-suffix-', undefined],
    ['nohyphen', undefined],
  ])('reads data center of %s', (apiKey, dataCenter) => {
    expect(mailchimpDataCenter(apiKey)).toBe(dataCenter);
  });

  it('explains known code', () => {
    expect(mailchimp.explainError?.('ResourceNotFound')?.fix).toContain('listId');
  });

  it('explains unknown code', () => {
    expect(mailchimp.explainError?.('SomethingNew')?.summary).toContain('does not know');
  });

  it.each([
    [{ apiKey: API_KEY }, true],
    [{ apiKey: '0123456789abcdef' }, false],
    [{ apiKey: API_KEY, extra: 'x' }, false],
    [{}, false],
  ])('validates credentials %j', (credentials, valid) => {
    const validate = createAjv().compile(mailchimp.credentialsSchema);

    expect(validate(credentials)).toBe(valid);
  });

  it('marks API key write-only', () => {
    const schema = mailchimp.credentialsSchema as unknown as {
      properties: { apiKey: { writeOnly?: boolean } };
    };

    expect(schema.properties.apiKey.writeOnly).toBe(true);
  });

  it.each([
    [{ listId: LIST_ID }, true],
    [{ listId: '' }, false],
    [{ listId: 'a/b' }, false],
    [{}, false],
  ])('validates connection settings %j', (settings, valid) => {
    const validate = createAjv().compile(mailchimp.audienceSettingsSchema);

    expect(validate(settings)).toBe(valid);
  });
});
