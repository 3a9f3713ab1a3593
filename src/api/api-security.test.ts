import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestService, TEST_TOKEN, type TestService } from '../test-support/test-service.js';

const SECRET = 'EAAB-very-secret-token-42';
const APP_SECRET = 'app-secret-value-77';

let service: TestService | undefined;

afterEach(async () => {
  await service?.dispose();
  service = undefined;
});

function createBody(settings: object = { adAccountId: '42' }) {
  return {
    type: 'meta-custom-audiences',
    name: 'Meta',
    settings,
    credentials: { accessToken: SECRET, appSecret: APP_SECRET },
  };
}

describe('authentication', () => {
  it('serves /health without a token', async () => {
    service = await startTestService();
    const response = await service.app.inject({ method: 'GET', url: '/health' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['no header', {}, 'AUTH_MISSING'],
    ['a wrong token', { authorization: 'Bearer wrong-token-value' }, 'AUTH_INVALID'],
    ['another scheme', { authorization: `Basic ${TEST_TOKEN}` }, 'AUTH_MISSING'],
  ])('rejects a request with %s with 401', async (_case, headers, code) => {
    service = await startTestService();
    for (const url of ['/api/v1/catalog', '/api/v1/connectors', '/api/v1/audit']) {
      const response = await service.app.inject({ method: 'GET', url, headers });

      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe(code);
    }
  });

  it('generates a token file with mode 0600 when no token is configured', async () => {
    service = await startTestService({ ACTIVATOR_API_TOKEN: '' });
    const tokenFile = path.join(service.dataDir, 'api-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/catalog',
      headers: { authorization: `Bearer ${token}` },
    });

    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(response.statusCode).toBe(200);
    expect(service.logText()).toContain(tokenFile);
    expect(service.logText()).not.toContain(token);
  });
});

describe('catalog and API documents', () => {
  it('lists the Meta type with its schemas', async () => {
    service = await startTestService();
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/catalog',
      headers: service.auth,
    });
    const meta = response
      .json()
      .items.find((item: { id: string }) => item.id === 'meta-custom-audiences');

    expect(meta).toMatchObject({
      name: 'Meta Custom Audiences',
      kind: 'server-to-server',
      multipleConfigurations: true,
    });
    expect(meta.identifierTypes).toEqual(['email', 'phone', 'maid', 'externalId']);
    expect(meta.settingsSchema.required).toEqual(['adAccountId']);
    expect(Object.keys(meta.settingsSchema.properties)).toEqual(
      expect.arrayContaining([
        'adAccountId',
        'apiVersion',
        'baseUrl',
        'timeoutMs',
        'maxRequestsPerSecond',
        'maxConcurrentRequests',
        'maxAttempts',
        'maxRetryAgeHours',
      ]),
    );
    expect(meta.credentialsSchema.required).toEqual(['accessToken']);
    expect(meta.audienceSettingsSchema.properties).toHaveProperty('customAudienceId');
  });

  it('serves the OpenAPI document and the docs page', async () => {
    service = await startTestService();
    const openapi = await service.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const docs = await service.app.inject({ method: 'GET', url: '/api/docs/' });

    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toEqual(
      expect.arrayContaining(['/api/v1/connectors', '/api/v1/connectors/{id}/test']),
    );
    expect(docs.statusCode).toBe(200);
  });
});

describe('secrets', () => {
  it('encrypts credentials at rest', async () => {
    service = await startTestService();
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: createBody(),
    });
    expect(created.statusCode).toBe(201);
    await service.close();

    for (const file of readdirSync(service.dataDir)) {
      const bytes = readFileSync(path.join(service.dataDir, file));

      expect(bytes.includes(SECRET), file).toBe(false);
      expect(bytes.includes(APP_SECRET), file).toBe(false);
    }
    rmSync(service.dataDir, { recursive: true, force: true });
    service = undefined;
  });

  it('keeps secrets out of responses, the audit log and the service log', async () => {
    service = await startTestService();
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: createBody(),
    });
    const id = created.json().id as string;
    const responses = [
      created,
      await service.app.inject({
        method: 'GET',
        url: `/api/v1/connectors/${id}`,
        headers: service.auth,
      }),
      await service.app.inject({ method: 'GET', url: '/api/v1/connectors', headers: service.auth }),
      await service.app.inject({
        method: 'PATCH',
        url: `/api/v1/connectors/${id}`,
        headers: service.auth,
        payload: { credentials: { accessToken: `${SECRET}-2` } },
      }),
      await service.app.inject({
        method: 'PATCH',
        url: `/api/v1/connectors/${id}`,
        headers: service.auth,
        payload: { credentials: { accessToken: 5 } },
      }),
      await service.app.inject({ method: 'GET', url: '/api/v1/audit', headers: service.auth }),
    ];

    for (const response of responses) expect(response.body).not.toContain(SECRET);
    expect(service.logText()).not.toContain(SECRET);
    expect(service.logText()).not.toContain(APP_SECRET);
  });

  it('records which credential fields changed, not their values', async () => {
    service = await startTestService();
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: createBody(),
    });
    const id = created.json().id as string;
    await service.app.inject({
      method: 'PATCH',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
      payload: { name: 'Meta 2', credentials: { accessToken: 'new-token-value-1' } },
    });
    const audit = await service.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: service.auth,
    });
    const [update] = audit.json().items;

    expect(update).toMatchObject({
      actor: 'default',
      action: 'connector.update',
      entity: 'connector',
      entityId: id,
    });
    expect(update.changes).toEqual({
      name: { from: 'Meta', to: 'Meta 2' },
      credentials: ['accessToken'],
    });
    expect(audit.body).not.toContain('new-token-value-1');
  });

  it('creates the key file with mode 0600', async () => {
    service = await startTestService();

    expect(statSync(path.join(service.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('decrypts stored credentials after a restart with the same key file', async () => {
    service = await startTestService();
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: createBody(),
    });
    const restarted = await startTestService({ DATA_DIR: service.dataDir });
    const response = await restarted.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${created.json().id}`,
      headers: restarted.auth,
    });
    await restarted.close();

    expect(response.json().credentials).toEqual({ accessToken: '***', appSecret: '***' });
  });
});

describe('private-address guard', () => {
  it.each(['http://127.0.0.1:9090', 'http://10.0.0.1', 'http://localhost:9090'])(
    'rejects the baseUrl %s by default',
    async (baseUrl) => {
      service = await startTestService({ ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'false' });
      const response = await service.app.inject({
        method: 'POST',
        url: '/api/v1/connectors',
        headers: service.auth,
        payload: createBody({ adAccountId: '1', baseUrl }),
      });

      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain('settings.baseUrl');
      expect(response.json().message).toContain('ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS=true');
    },
  );

  it('accepts a loopback baseUrl when private destinations are allowed', async () => {
    service = await startTestService({ ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true' });
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: createBody({ adAccountId: '1', baseUrl: 'http://127.0.0.1:9090' }),
    });

    expect(response.statusCode).toBe(201);
  });

  it.each(['http://169.254.169.254', 'http://[fe80::1]:80', 'http://metadata.google.internal'])(
    'rejects the metadata baseUrl %s even when private destinations are allowed',
    async (baseUrl) => {
      service = await startTestService({ ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true' });
      const response = await service.app.inject({
        method: 'POST',
        url: '/api/v1/connectors',
        headers: service.auth,
        payload: createBody({ adAccountId: '1', baseUrl }),
      });

      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain('never allowed');
    },
  );

  it('applies the guard to a PATCH too', async () => {
    service = await startTestService({ ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'false' });
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: createBody(),
    });
    const response = await service.app.inject({
      method: 'PATCH',
      url: `/api/v1/connectors/${created.json().id}`,
      headers: service.auth,
      payload: { settings: { baseUrl: 'http://192.168.1.1' } },
    });
    const stored = await service.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${created.json().id}`,
      headers: service.auth,
    });

    expect(response.statusCode).toBe(400);
    expect(stored.json().settings).toEqual({ adAccountId: '42' });
  });
});

describe('console sessions', () => {
  async function signIn(token: string) {
    return service!.app.inject({ method: 'POST', url: '/api/v1/session', payload: { token } });
  }

  it('trades the token for an httpOnly SameSite=Strict cookie', async () => {
    service = await startTestService();
    const response = await signIn(TEST_TOKEN);
    const cookie = String(response.headers['set-cookie']);

    expect(response.statusCode).toBe(200);
    expect(cookie).toMatch(/^activator_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain(TEST_TOKEN);
  });

  it('authenticates with the cookie until sign-out ends the session', async () => {
    service = await startTestService();
    const cookie = String((await signIn(TEST_TOKEN)).headers['set-cookie']).split(';')[0]!;
    const before = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors',
      headers: { cookie },
    });
    const signOut = await service.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie },
    });
    const after = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors',
      headers: { cookie },
    });

    expect(before.statusCode).toBe(200);
    expect(signOut.statusCode).toBe(204);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('AUTH_SESSION_EXPIRED');
  });

  it('rejects a wrong token at sign-in', async () => {
    service = await startTestService();
    const response = await signIn('wrong-token-value-123');

    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('stores only a hash of the session id', async () => {
    service = await startTestService();
    const cookie = String((await signIn(TEST_TOKEN)).headers['set-cookie']).split(';')[0]!;
    const sessionId = cookie.split('=')[1]!;
    const rows = await service.store.db.selectFrom('sessions').selectAll().execute();

    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(sessionId);
  });
});
