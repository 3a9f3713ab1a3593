import { describe, expect, it } from 'vitest';
import type {
  PartnerHttpClient,
  PartnerRequest,
  PartnerResponse,
} from '../../net/partner-http-client.js';
import {
  AccessTokenCache,
  AccessTokenError,
  Cm360AccessTokens,
  exchangeRefreshToken,
  resolveTokenEndpoint,
  type Cm360Context,
} from './access-token.js';
import type { Cm360Settings } from './schemas.js';

/** Returns a client that records requests and returns the queued responses in order. */
function fakeHttp(responses: Partial<PartnerResponse>[] = []) {
  const requests: PartnerRequest[] = [];
  const http: PartnerHttpClient = {
    async send(request) {
      requests.push(request);
      const next = responses.shift() ?? {};

      return { status: 200, headers: {}, text: '', durationMs: 1, ...next };
    },
  };

  return { http, requests };
}

function tokenResponse(accessToken: string, expiresIn: unknown = 3599): Partial<PartnerResponse> {
  return {
    status: 200,
    text: JSON.stringify({ access_token: accessToken, expires_in: expiresIn }),
  };
}

function context(
  http: PartnerHttpClient,
  settings: Partial<Cm360Settings> = {},
  httpFor?: (baseUrl: string) => PartnerHttpClient,
): Cm360Context {
  return {
    settings: { profileId: '1', floodlightConfigurationId: '2', ...settings },
    credentials: { clientId: 'client', clientSecret: 'secret', refreshToken: 'refresh' },
    http,
    ...(httpFor ? { httpFor } : {}),
  };
}

describe('resolveTokenEndpoint', () => {
  it('uses the API client for a token URL under baseUrl', () => {
    const { http } = fakeHttp();
    const endpoint = resolveTokenEndpoint(
      context(http, {
        baseUrl: 'http://127.0.0.1:9090/cm360',
        tokenUrl: 'http://127.0.0.1:9090/cm360/token?x=1',
      }),
    );

    expect(endpoint?.http).toBe(http);
    expect(endpoint?.path).toBe('/token?x=1');
  });

  it('asks httpFor for the origin of another token URL', () => {
    const { http } = fakeHttp();
    const tokenHttp = fakeHttp().http;
    const origins: string[] = [];
    const endpoint = resolveTokenEndpoint(
      context(http, {}, (baseUrl) => {
        origins.push(baseUrl);

        return tokenHttp;
      }),
    );

    expect(origins).toEqual(['https://oauth2.googleapis.com']);
    expect(endpoint?.http).toBe(tokenHttp);
    expect(endpoint?.path).toBe('/token');
  });

  it('does not treat a sibling path as under baseUrl', () => {
    const { http } = fakeHttp();
    const endpoint = resolveTokenEndpoint(
      context(http, {
        baseUrl: 'http://127.0.0.1:9090/cm360',
        tokenUrl: 'http://127.0.0.1:9090/cm3600/token',
      }),
    );

    expect(endpoint).toBeUndefined();
  });
});

describe('exchangeRefreshToken', () => {
  const settings = {
    baseUrl: 'http://127.0.0.1:9090/cm360',
    tokenUrl: 'http://127.0.0.1:9090/cm360/token',
  };

  it('posts the refresh token form', async () => {
    const { http, requests } = fakeHttp([tokenResponse('ya29.one')]);
    const issued = await exchangeRefreshToken(context(http, settings));

    expect(issued).toEqual({ accessToken: 'ya29.one', expiresInSeconds: 3599 });
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.path).toBe('/token');
    expect(requests[0]?.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(String(requests[0]?.body)))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client',
      client_secret: 'secret',
      refresh_token: 'refresh',
    });
  });

  it('throws invalid_grant as invalid credentials', async () => {
    const body = JSON.stringify({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    const { http } = fakeHttp([{ status: 400, text: body }]);
    const failure = await exchangeRefreshToken(context(http, settings)).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(AccessTokenError);
    expect((failure as AccessTokenError).classification).toMatchObject({
      category: 'invalid_credentials',
      retryable: false,
      partnerCode: 'invalid_grant',
      httpStatus: 400,
    });
  });

  it('retries a 200 without access_token', async () => {
    const { http } = fakeHttp([{ status: 200, text: '{}' }]);
    const failure = await exchangeRefreshToken(context(http, settings)).catch(
      (error: unknown) => error,
    );

    expect((failure as AccessTokenError).classification).toMatchObject({
      category: 'other',
      retryable: true,
    });
  });

  it('fails without a client for the token origin', async () => {
    const { http, requests } = fakeHttp();
    const failure = await exchangeRefreshToken(context(http)).catch((error: unknown) => error);

    expect((failure as AccessTokenError).classification).toMatchObject({
      category: 'other',
      retryable: false,
    });
    expect(requests).toEqual([]);
  });
});

describe('AccessTokenCache', () => {
  function clock(startMs = 1_000_000) {
    const time = { nowMs: startMs };

    return { time, now: () => time.nowMs };
  }

  it('reuses a token until 60 s before expiry', async () => {
    const { time, now } = clock();
    const cache = new AccessTokenCache(10, now);
    let exchanges = 0;
    const exchange = async () => ({ accessToken: `t${++exchanges}`, expiresInSeconds: 3600 });

    expect(await cache.get('k', exchange)).toBe('t1');
    time.nowMs += 3_539_000;
    expect(await cache.get('k', exchange)).toBe('t1');
    time.nowMs += 2_000;
    expect(await cache.get('k', exchange)).toBe('t2');
  });

  it('shares one exchange between concurrent requests', async () => {
    const cache = new AccessTokenCache();
    let exchanges = 0;
    const exchange = async () => {
      exchanges += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));

      return { accessToken: 'shared', expiresInSeconds: 3600 };
    };
    const tokens = await Promise.all([cache.get('k', exchange), cache.get('k', exchange)]);

    expect(tokens).toEqual(['shared', 'shared']);
    expect(exchanges).toBe(1);
  });

  it('exchanges again after invalidate', async () => {
    const cache = new AccessTokenCache();
    let exchanges = 0;
    const exchange = async () => ({ accessToken: `t${++exchanges}`, expiresInSeconds: 3600 });
    const first = await cache.get('k', exchange);
    cache.invalidate('k', first);

    expect(await cache.get('k', exchange)).toBe('t2');
  });

  it('keeps a newer token on a stale invalidate', async () => {
    const cache = new AccessTokenCache();
    let exchanges = 0;
    const exchange = async () => ({ accessToken: `t${++exchanges}`, expiresInSeconds: 3600 });
    await cache.get('k', exchange);
    cache.invalidate('k', 't1');
    await cache.get('k', exchange);
    cache.invalidate('k', 't1');

    expect(await cache.get('k', exchange)).toBe('t2');
  });

  it('does not cache a failed exchange', async () => {
    const cache = new AccessTokenCache();
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');

    expect(await cache.get('k', async () => ({ accessToken: 'ok', expiresInSeconds: 60 }))).toBe(
      'ok',
    );
  });

  it('uses a token without expires_in once', async () => {
    const cache = new AccessTokenCache();
    let exchanges = 0;
    const exchange = async () => ({ accessToken: `t${++exchanges}`, expiresInSeconds: 0 });
    await cache.get('k', exchange);

    expect(await cache.get('k', exchange)).toBe('t2');
  });

  it('drops the oldest entry past its size', async () => {
    const cache = new AccessTokenCache(2);
    let exchanges = 0;
    const exchange = async () => ({ accessToken: `t${++exchanges}`, expiresInSeconds: 3600 });
    await cache.get('a', exchange);
    await cache.get('b', exchange);
    await cache.get('c', exchange);

    expect(await cache.get('b', exchange)).toBe('t2');
    expect(await cache.get('a', exchange)).toBe('t4');
  });
});

describe('Cm360AccessTokens', () => {
  it('keys the cache by all credentials', async () => {
    const cache = new AccessTokenCache();
    const settings = {
      baseUrl: 'http://127.0.0.1:1/cm360',
      tokenUrl: 'http://127.0.0.1:1/cm360/token',
    };
    const { http, requests } = fakeHttp([tokenResponse('ya29.a'), tokenResponse('ya29.b')]);
    const first = context(http, settings);
    const otherSecret = { ...first, credentials: { ...first.credentials, clientSecret: 'new' } };

    expect(await new Cm360AccessTokens(first, cache).get()).toBe('ya29.a');
    expect(await new Cm360AccessTokens(first, cache).get()).toBe('ya29.a');
    expect(await new Cm360AccessTokens(otherSecret, cache).get()).toBe('ya29.b');
    expect(requests).toHaveLength(2);
  });
});
