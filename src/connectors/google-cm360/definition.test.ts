import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import type { RunningSimulator } from '../../simulator/simulator-server.js';
import { startCm360TestSimulator } from '../../simulator/cm360/test-simulator.js';
import { compileValidator, createAjv } from '../../validation/schema-validator.js';
import { sharedAccessTokenCache, type Cm360Context } from './access-token.js';
import { googleCm360 } from './definition.js';
import type { Cm360Settings } from './schemas.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startCm360TestSimulator();
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

beforeEach(async () => {
  sharedAccessTokenCache.clear();
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

function context(
  options: { refreshToken?: string; timeoutMs?: number; settings?: Partial<Cm360Settings> } = {},
): Cm360Context {
  const baseUrl = `${simulator.url}/cm360`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    dispatcher,
    allowPrivateDestinations: true,
  });

  return {
    settings: {
      profileId: '4242',
      floodlightConfigurationId: '77',
      baseUrl,
      tokenUrl: `${baseUrl}/token`,
      ...options.settings,
    },
    credentials: {
      clientId: 'client-1',
      clientSecret: 'secret-1',
      refreshToken: options.refreshToken ?? 'refresh-1',
    },
    http,
  };
}

describe('googleCm360 credential check', () => {
  it('passes and names the user profile', async () => {
    const result = await googleCm360.checkCredentials(context());

    expect(result).toEqual({
      ok: true,
      message:
        'Connected to CM360 user profile simulated-user-4242 (4242) of Simulated CM360 account.',
    });
  });

  it('reports a revoked refresh token', async () => {
    await postControl('/_control/tokens', { partner: 'cm360', token: 'gone', state: 'expired' });
    const result = await googleCm360.checkCredentials(context({ refreshToken: 'gone' }));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('invalid_credentials');
    expect(result.partnerCode).toBe('invalid_grant');
    expect(result.message).toMatch(/^Token has been expired or revoked\. Authorize/);
  });

  it('reports a token without the ddmconversions scope', async () => {
    await postControl('/_control/tokens', {
      partner: 'cm360',
      token: 'reports',
      state: 'missing_permission',
    });
    const result = await googleCm360.checkCredentials(context({ refreshToken: 'reports' }));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('invalid_credentials');
    expect(result.partnerCode).toBe('403/PERMISSION_DENIED');
  });

  it('reports a sunset API version', async () => {
    const result = await googleCm360.checkCredentials(context({ settings: { apiVersion: 'v4' } }));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('partner_error');
    expect(result.partnerCode).toBe('404/NOT_FOUND');
  });

  it('reports a slow profile read as timeout', async () => {
    await postControl('/_control/faults', {
      partner: 'cm360',
      mode: 'delay',
      delayMs: 1_000,
      count: 1,
    });
    const result = await googleCm360.checkCredentials(context({ timeoutMs: 200 }));

    expect(result.ok).toBe(false);
    expect(result.category).toBe('timeout');
  });
});

describe('googleCm360 catalog entry', () => {
  it('declares the documented defaults', () => {
    expect(googleCm360.defaults).toEqual({
      timeoutMs: 10_000,
      maxBatchSize: 1_000,
      maxRequestsPerSecond: 1,
      maxConcurrentRequests: 1,
      maxAttempts: 8,
      maxRetryAgeHours: 24,
    });
    expect(googleCm360.defaultBaseUrl).toBe('https://dfareporting.googleapis.com');
    expect(googleCm360.identifierTypes).toEqual(['encryptedUserId', 'externalId', 'maid']);
    expect(googleCm360.consent).toEqual({ purposes: ['advertising'], unknownAllowed: true });
  });

  it('keys destinations by activity and conversion fields', () => {
    const implicit = googleCm360.destinationKey({ floodlightActivityId: '555' });
    const explicit = googleCm360.destinationKey({
      floodlightActivityId: '555',
      quantity: 1,
      value: 0,
      ordinal: '1',
    });

    expect(implicit).toBe('555/1/0/1');
    expect(explicit).toBe(implicit);
    expect(googleCm360.destinationKey({ floodlightActivityId: '555', value: 10 })).toBe(
      '555/1/10/1',
    );
  });

  it('explains partner codes', () => {
    expect(googleCm360.explainError?.('NOT_FOUND')?.fix).toMatch(/floodlightActivityId/);
    expect(googleCm360.explainError?.('invalid_grant')?.summary).toMatch(/refresh token/);
  });
});

describe('googleCm360 schemas', () => {
  const ajv = createAjv();
  const settings = compileValidator(ajv, googleCm360.settingsSchema, 'settings');
  const credentials = compileValidator(ajv, googleCm360.credentialsSchema, 'credentials');
  const audience = compileValidator(ajv, googleCm360.audienceSettingsSchema, 'settings');
  const validSettings = { profileId: '4242', floodlightConfigurationId: '77' };

  it.each([
    ['minimal settings', validSettings],
    [
      'every setting',
      {
        ...validSettings,
        apiVersion: 'v5',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        baseUrl: 'https://dfareporting.googleapis.com',
        encryptionInfo: {
          encryptionEntityType: 'DCM_ADVERTISER',
          encryptionEntityId: '12',
          encryptionSource: 'DATA_TRANSFER',
        },
        timeoutMs: 5_000,
      },
    ],
  ])('accepts %s', (_case, value) => {
    expect(settings(value)).toBeUndefined();
  });

  it.each([
    ['a profile id with letters', { ...validSettings, profileId: 'abc' }],
    ['no configuration id', { profileId: '4242' }],
    ['an unknown field', { ...validSettings, advertiserId: '1' }],
    ['a token URL that is no URI', { ...validSettings, tokenUrl: 'not a url' }],
    [
      'an unknown encryption source',
      {
        ...validSettings,
        encryptionInfo: {
          encryptionEntityType: 'DCM_ADVERTISER',
          encryptionEntityId: '1',
          encryptionSource: 'X',
        },
      },
    ],
  ])('rejects settings with %s', (_case, value) => {
    expect(settings(value)).toBeDefined();
  });

  it('marks secrets write-only', () => {
    const properties = googleCm360.credentialsSchema.properties as Record<
      string,
      { writeOnly?: boolean }
    >;

    expect(properties.clientSecret?.writeOnly).toBe(true);
    expect(properties.refreshToken?.writeOnly).toBe(true);
    expect(credentials({ clientId: 'a', clientSecret: 'b', refreshToken: 'c' })).toBeUndefined();
    expect(credentials({ clientId: 'a', clientSecret: 'b' })).toBeDefined();
  });

  it.each([
    [{ floodlightActivityId: '555' }, true],
    [{ floodlightActivityId: '555', quantity: 2, value: 9.99, ordinal: 'step-2' }, true],
    [{ floodlightActivityId: '555', quantity: 0 }, false],
    [{ floodlightActivityId: '555', value: -1 }, false],
    [{ floodlightActivityId: '555', ordinal: 'has/slash' }, false],
    [{ floodlightActivityId: 'act-1' }, false],
    [{ customAudienceId: '555' }, false],
  ])('validates connection settings %o as %s', (value, valid) => {
    expect(audience(value) === undefined).toBe(valid);
  });
});
