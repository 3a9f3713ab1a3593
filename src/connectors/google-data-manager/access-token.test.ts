import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessTokenCache,
  accessTokenCacheKey,
  exchangeRefreshToken,
  readTokenResponse,
  resolveTokenEndpoint,
  TokenExchangeError,
} from './access-token.js';
import {
  type GoogleSimulatorFixture,
  SIMULATOR_CREDENTIALS,
  startGoogleSimulatorFixture,
} from './simulator-fixture.js';

describe('AccessTokenCache', () => {
  let nowMs = 0;
  let exchanges = 0;
  const exchange = async () => {
    exchanges++;
    return { accessToken: `token-${exchanges}`, expiresInSeconds: 3_599 };
  };

  beforeEach(() => {
    nowMs = 1_000_000;
    exchanges = 0;
  });

  it('reuses a token until a minute before it expires', async () => {
    const cache = new AccessTokenCache(() => nowMs);

    expect(await cache.get('key', exchange)).toBe('token-1');
    nowMs += 3_538_000;
    expect(await cache.get('key', exchange)).toBe('token-1');
    nowMs += 2_000;
    expect(await cache.get('key', exchange)).toBe('token-2');
  });

  it('refreshes a short-lived token at half its lifetime', async () => {
    const cache = new AccessTokenCache(() => nowMs);
    const shortExchange = async () => {
      exchanges++;
      return { accessToken: `short-${exchanges}`, expiresInSeconds: 60 };
    };

    await cache.get('key', shortExchange);
    nowMs += 29_000;
    expect(await cache.get('key', shortExchange)).toBe('short-1');
    nowMs += 2_000;
    expect(await cache.get('key', shortExchange)).toBe('short-2');
  });

  it('shares one exchange between concurrent requests', async () => {
    const cache = new AccessTokenCache(() => nowMs);
    const tokens = await Promise.all([cache.get('key', exchange), cache.get('key', exchange)]);

    expect(tokens).toEqual(['token-1', 'token-1']);
    expect(exchanges).toBe(1);
  });

  it('drops a rejected token but keeps a newer one', async () => {
    const cache = new AccessTokenCache(() => nowMs);
    await cache.get('key', exchange);
    cache.invalidate('key', 'token-1');
    expect(await cache.get('key', exchange)).toBe('token-2');

    cache.invalidate('key', 'token-1');
    expect(await cache.get('key', exchange)).toBe('token-2');
  });

  it('does not cache a failed exchange', async () => {
    const cache = new AccessTokenCache(() => nowMs);
    const failing = async () => {
      throw new Error('token endpoint down');
    };

    await expect(cache.get('key', failing)).rejects.toThrow('token endpoint down');
    expect(await cache.get('key', exchange)).toBe('token-1');
  });

  it('keys tokens without revealing secrets', () => {
    const key = accessTokenCacheKey('https://oauth2.googleapis.com/token', SIMULATOR_CREDENTIALS);

    expect(key).toContain(SIMULATOR_CREDENTIALS.clientId);
    expect(key).not.toContain(SIMULATOR_CREDENTIALS.clientSecret);
    expect(key).not.toContain(SIMULATOR_CREDENTIALS.refreshToken);
  });
});

describe('readTokenResponse', () => {
  const response = (status: number, body: unknown) => ({
    status,
    headers: {},
    text: typeof body === 'string' ? body : JSON.stringify(body),
    durationMs: 1,
  });

  it('reads token and lifetime', () => {
    expect(readTokenResponse(response(200, { access_token: 'ya29.x', expires_in: 3599 }))).toEqual({
      accessToken: 'ya29.x',
      expiresInSeconds: 3599,
    });
  });

  it.each([
    [
      400,
      { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      'invalid_grant',
      'invalid_credentials',
      false,
    ],
    [401, { error: 'invalid_client' }, 'invalid_client', 'invalid_credentials', false],
    [400, { error: 'unauthorized_client' }, 'unauthorized_client', 'invalid_credentials', false],
    [400, { error: 'unsupported_grant_type' }, 'unsupported_grant_type', 'partner_error', false],
    [400, { error: 'invalid_request' }, 'invalid_request', 'partner_error', false],
  ] as const)('classifies HTTP %i %j', (status, body, code, category, retryable) => {
    let thrown: unknown;
    try {
      readTokenResponse(response(status, body));
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(TokenExchangeError);
    expect((thrown as TokenExchangeError).fields).toMatchObject({
      category,
      retryable,
      partnerCode: code,
      httpStatus: status,
    });
  });

  it('retries a 503 without an OAuth error', () => {
    expect(() => readTokenResponse(response(503, 'Service Unavailable'))).toThrow(
      TokenExchangeError,
    );
    try {
      readTokenResponse(response(503, 'Service Unavailable'));
    } catch (error) {
      expect((error as TokenExchangeError).fields).toMatchObject({
        category: 'other',
        retryable: true,
      });
    }
  });

  it('retries a 200 without an access token', () => {
    try {
      readTokenResponse(response(200, {}));
      expect.unreachable();
    } catch (error) {
      expect((error as TokenExchangeError).fields).toMatchObject({ retryable: true });
    }
  });
});

describe('resolveTokenEndpoint', () => {
  let simulator: GoogleSimulatorFixture;

  beforeAll(async () => {
    simulator = await startGoogleSimulatorFixture();
  });

  afterAll(async () => {
    await simulator.close();
  });

  it('uses the connector client below its base URL', () => {
    const context = simulator.context({});
    const endpoint = resolveTokenEndpoint(context);

    expect(endpoint.http).toBe(context.http);
    expect(endpoint.path).toBe('/token');
  });

  it('uses the engine client for another origin', () => {
    const origins: string[] = [];
    const context = simulator.context({});
    const otherContext = {
      ...context,
      settings: { baseUrl: context.settings.baseUrl },
      httpFor: (baseUrl: string) => {
        origins.push(baseUrl);
        return context.http;
      },
    };
    const endpoint = resolveTokenEndpoint(otherContext);

    expect(origins).toEqual(['https://oauth2.googleapis.com']);
    expect(endpoint.path).toBe('/token');
  });

  it('exchanges tokens on another origin', async () => {
    const context = simulator.context({});
    const tokenUrl = `${simulator.url.replace('127.0.0.1', 'localhost')}/google/token`;
    const endpoint = resolveTokenEndpoint({
      ...context,
      settings: { ...context.settings, tokenUrl },
    });
    const issued = await exchangeRefreshToken(endpoint, SIMULATOR_CREDENTIALS);

    expect(endpoint.http).not.toBe(context.http);
    expect(endpoint.path).toBe('/google/token');
    expect(issued.accessToken).toMatch(/^ya29\./);
    expect(issued.expiresInSeconds).toBe(3599);
  });

  it('fails without a client for another origin', () => {
    const { httpFor: _unused, ...context } = simulator.context({});
    const tokenUrl = 'https://oauth2.example.com/token';

    expect(() =>
      resolveTokenEndpoint({ ...context, settings: { ...context.settings, tokenUrl } }),
    ).toThrow(TokenExchangeError);
  });
});
