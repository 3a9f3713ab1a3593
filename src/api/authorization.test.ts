import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenStore } from '../auth/token-store.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

let service: TestService;
let tokens: TokenStore;

beforeEach(async () => {
  service = await startTestService();
  tokens = new TokenStore(service.store.db);
});

afterEach(async () => {
  await service.dispose();
});

const newConnector = {
  type: 'meta-custom-audiences',
  name: 'Meta',
  settings: { adAccountId: '12' },
  credentials: { accessToken: 'authorization-test-access-token' },
};

function withToken(token: string) {
  return { authorization: `Bearer ${token}` };
}

async function connectorCount(): Promise<number> {
  const response = await service.app.inject({
    method: 'GET',
    url: '/api/v1/connectors',
    headers: service.auth,
  });

  return (response.json() as { items: unknown[] }).items.length;
}

describe('named tokens and roles', () => {
  it('lets a viewer read but not change', async () => {
    const viewer = await tokens.create('dashboards', 'viewer');
    const read = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors',
      headers: withToken(viewer),
    });
    const write = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: withToken(viewer),
      payload: newConnector,
    });

    expect(read.statusCode).toBe(200);
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('AUTH_FORBIDDEN');
    expect(write.json().message).toContain("'dashboards'");
    expect(await connectorCount()).toBe(0);
  });

  it('records an admin token by name in the audit log', async () => {
    const admin = await tokens.create('deploy-bot', 'admin');
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: withToken(admin),
      payload: newConnector,
    });
    const audit = await service.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: service.auth,
    });

    expect(created.statusCode).toBe(201);
    expect(audit.json().items[0].actor).toBe('deploy-bot');
  });

  it('tells an unknown or revoked token from a forbidden one', async () => {
    const admin = await tokens.create('short-lived', 'admin');
    await tokens.revoke('short-lived');
    const revoked = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors',
      headers: withToken(admin),
    });
    const unknown = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors',
      headers: withToken('act_not-a-token'),
    });

    expect(revoked.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('AUTH_INVALID');
  });

  it('rejects bad token names and roles with the reason', async () => {
    await expect(tokens.create('Has Spaces', 'viewer')).rejects.toThrow(/Invalid token name/);
    await expect(tokens.create('ok-name', 'owner' as 'admin')).rejects.toThrow(/Invalid role/);
    await tokens.create('taken', 'viewer');
    await expect(tokens.create('taken', 'viewer')).rejects.toThrow(/exists already/);
  });

  it('stores tokens only as hashes', async () => {
    const token = await tokens.create('hashed', 'viewer');
    await service.store.close();
    const files = readdirSync(service.dataDir).filter((file) => file.startsWith('activator.'));
    const bytes = files.map((file) => readFileSync(path.join(service.dataDir, file)));

    expect(files.length).toBeGreaterThan(0);
    for (const content of bytes) expect(content.includes(token)).toBe(false);
  });
});

describe('console sessions', () => {
  async function signIn(token: string) {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { token },
    });
    const cookies = Object.fromEntries(
      response.cookies.map((cookie) => [cookie.name, cookie.value]),
    );

    return { response, cookies };
  }

  it('requires the CSRF header on changes made with the session cookie', async () => {
    const { response, cookies } = await signIn(service.auth.authorization.slice(7));
    const cookie = `activator_session=${cookies.activator_session}`;
    const withoutHeader = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: { cookie },
      payload: newConnector,
    });
    const wrongHeader = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: { cookie, 'x-activator-csrf': 'guessed' },
      payload: newConnector,
    });
    const withHeader = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: { cookie, 'x-activator-csrf': cookies.activator_csrf! },
      payload: newConnector,
    });

    expect(response.json()).toMatchObject({ signedIn: true, actor: 'default', role: 'admin' });
    expect(withoutHeader.statusCode).toBe(403);
    expect(withoutHeader.json().code).toBe('CSRF_REJECTED');
    expect(wrongHeader.statusCode).toBe(403);
    expect(withHeader.statusCode).toBe(201);
  });

  it('keeps a viewer session read-only', async () => {
    const { cookies } = await signIn(await tokens.create('analyst', 'viewer'));
    const headers = {
      cookie: `activator_session=${cookies.activator_session}`,
      'x-activator-csrf': cookies.activator_csrf!,
    };
    const session = await service.app.inject({ method: 'GET', url: '/api/v1/session', headers });
    const write = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers,
      payload: newConnector,
    });

    expect(session.json()).toMatchObject({ actor: 'analyst', role: 'viewer' });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('AUTH_FORBIDDEN');
  });

  it('sets the session cookie httpOnly and the CSRF cookie readable', async () => {
    const { response } = await signIn(service.auth.authorization.slice(7));
    const session = response.cookies.find((cookie) => cookie.name === 'activator_session');
    const csrf = response.cookies.find((cookie) => cookie.name === 'activator_csrf');

    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(csrf?.httpOnly).toBeFalsy();
    expect(csrf?.sameSite).toBe('Strict');
  });
});

describe('rate limit per token', () => {
  it('answers 429 past the limit, for that token only', async () => {
    await service.dispose();
    service = await startTestService({ ACTIVATOR_API_RATE_LIMIT: '3' });
    tokens = new TokenStore(service.store.db);
    const other = await tokens.create('other', 'viewer');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await service.app.inject({
        method: 'GET',
        url: '/api/v1/catalog',
        headers: service.auth,
      });
      statuses.push(response.statusCode);
    }
    const limited = await service.app.inject({
      method: 'GET',
      url: '/api/v1/catalog',
      headers: service.auth,
    });
    const otherToken = await service.app.inject({
      method: 'GET',
      url: '/api/v1/catalog',
      headers: withToken(other),
    });

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(limited.json().message).toContain('at most 3 a minute');
    expect(otherToken.statusCode).toBe(200);
  });
});

describe('security headers', () => {
  it('sends a Content-Security-Policy without inline script', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/health' });
    const policy = String(response.headers['content-security-policy']);
    const scriptSources = policy.split('; ').find((part) => part.startsWith('script-src'));

    expect(scriptSources).toBe("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });
});
