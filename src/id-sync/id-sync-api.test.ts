import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/test-service.js';
import { TRANSPARENT_GIF } from './transparent-gif.js';

let service: TestService;

beforeEach(async () => {
  service = await startTestService();
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/profiles',
    headers: service.auth,
    payload: {
      profiles: [
        { id: 'customer-1', identifiers: { email: 'ana@example.com' } },
        { id: 'customer-2', identifiers: { email: 'bo@example.com' } },
      ],
    },
  });
  expect(response.statusCode).toBe(200);
});

afterEach(async () => {
  await service.dispose();
});

async function syncTokenOf(profileId: string): Promise<string> {
  const response = await service.app.inject({
    method: 'GET',
    url: `/api/v1/profiles/${profileId}/sync-token`,
    headers: service.auth,
  });
  expect(response.statusCode).toBe(200);

  return (response.json() as { token: string }).token;
}

function sync(partnerType: string, uid: string, token: string) {
  const query = new URLSearchParams({ uid, t: token });

  return service.app.inject({ method: 'GET', url: `/sync/${partnerType}?${query.toString()}` });
}

async function identifiersOf(profileId: string): Promise<Record<string, string[]>> {
  const response = await service.app.inject({
    method: 'GET',
    url: `/api/v1/profiles/${profileId}`,
    headers: service.auth,
  });

  return (response.json() as { identifiers: Record<string, string[]> }).identifiers;
}

function expectGif(response: Awaited<ReturnType<typeof sync>>) {
  expect(response.headers['content-type']).toBe('image/gif');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.rawPayload.equals(TRANSPARENT_GIF)).toBe(true);
}

describe('GET /profiles/:id/sync-token', () => {
  it('requires the API token', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/profiles/customer-1/sync-token',
    });

    expect(response.statusCode).toBe(401);
  });

  it('rejects an unknown profile', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/profiles/nobody/sync-token',
      headers: service.auth,
    });

    expect(response.statusCode).toBe(404);
  });
});

describe('GET /sync/:partnerType', () => {
  it('stores the xandr uid on the profile', async () => {
    const token = await syncTokenOf('customer-1');

    const response = await sync('xandr', '8812345678901234567', token);

    expect(response.statusCode).toBe(200);
    expectGif(response);
    const identifiers = await identifiersOf('customer-1');
    expect(identifiers.xandrUid).toEqual(['8812345678901234567']);
    expect(identifiers.email).toEqual(['ana@example.com']);
  });

  it('maps google and meta to their identifiers', async () => {
    const token = await syncTokenOf('customer-1');

    expect((await sync('google', 'CAESEGid_1', token)).statusCode).toBe(200);
    expect((await sync('meta', 'fb-1-1700000000-42', token)).statusCode).toBe(200);

    const identifiers = await identifiersOf('customer-1');
    expect(identifiers.googleGid).toEqual(['CAESEGid_1']);
    expect(identifiers.metaFbp).toEqual(['fb-1-1700000000-42']);
  });

  it('keeps ten values, newest first', async () => {
    const token = await syncTokenOf('customer-1');
    for (let index = 1; index <= 12; index += 1) {
      expect((await sync('xandr', `uid-${index}`, token)).statusCode).toBe(200);
    }
    expect((await sync('xandr', 'uid-5', token)).statusCode).toBe(200);

    const values = (await identifiersOf('customer-1')).xandrUid;
    expect(values).toHaveLength(10);
    expect(values?.[0]).toBe('uid-5');
    expect(values?.[1]).toBe('uid-12');
    expect(values).not.toContain('uid-1');
    expect(values?.filter((value) => value === 'uid-5')).toHaveLength(1);
  });

  it('rejects a forged token', async () => {
    const token = await syncTokenOf('customer-1');
    const [encodedId] = token.split('.');
    const forged = `${encodedId}.${'A'.repeat(43)}`;

    const response = await sync('xandr', 'uid-forged', forged);

    expect(response.statusCode).toBe(400);
    expectGif(response);
    expect((await identifiersOf('customer-1')).xandrUid).toBeUndefined();
  });

  it('rejects a token altered to name another profile', async () => {
    const token = await syncTokenOf('customer-1');
    const [, mac] = token.split('.');
    const otherId = Buffer.from('customer-2', 'utf8').toString('base64url');

    const response = await sync('xandr', 'uid-altered', `${otherId}.${mac}`);

    expect(response.statusCode).toBe(400);
    expectGif(response);
    expect((await identifiersOf('customer-1')).xandrUid).toBeUndefined();
    expect((await identifiersOf('customer-2')).xandrUid).toBeUndefined();
  });

  it('rejects an unknown partner type', async () => {
    const token = await syncTokenOf('customer-1');

    const response = await sync('tiktok', 'uid-1', token);

    expect(response.statusCode).toBe(404);
    expectGif(response);
    expect(Object.keys(await identifiersOf('customer-1'))).toEqual(['email']);
  });

  it('rejects an invalid uid', async () => {
    const token = await syncTokenOf('customer-1');
    const invalidUids = ['', 'has space', 'a/b', '<script>', 'x'.repeat(257)];

    for (const uid of invalidUids) {
      const response = await sync('xandr', uid, token);
      expect(response.statusCode, `uid '${uid.slice(0, 20)}'`).toBe(400);
      expectGif(response);
    }
    expect((await identifiersOf('customer-1')).xandrUid).toBeUndefined();
  });

  it('rejects a missing token', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/sync/xandr?uid=uid-1' });

    expect(response.statusCode).toBe(400);
    expectGif(response);
  });

  it('answers 404 for a deleted profile', async () => {
    const token = await syncTokenOf('customer-2');
    const deleted = await service.app.inject({
      method: 'DELETE',
      url: '/api/v1/profiles/customer-2',
      headers: service.auth,
    });
    expect(deleted.statusCode).toBe(204);

    const response = await sync('xandr', 'uid-1', token);

    expect(response.statusCode).toBe(404);
    expectGif(response);
  });

  it('answers 429 after the burst', async () => {
    const token = await syncTokenOf('customer-1');
    const statuses: number[] = [];
    for (let index = 0; index < 60; index += 1) {
      statuses.push((await sync('tiktok', 'uid-1', token)).statusCode);
    }

    expect(statuses).toContain(429);
    const limited = await sync('tiktok', 'uid-1', token);
    expect(limited.statusCode).toBe(429);
    expectGif(limited);
  });
});
