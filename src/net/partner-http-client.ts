import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { addressRejection } from './destination-guard.js';

export interface PartnerRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the partner origin, starting with `/`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as `application/json` unless `body` is given. */
  json?: unknown;
  body?: string | Buffer;
}

export interface PartnerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  durationMs: number;
}

/** A partner request that produced no HTTP response. */
export class PartnerRequestError extends Error {
  constructor(
    readonly kind: 'timeout' | 'connection' | 'destination_rejected',
    message: string,
  ) {
    super(message);
    this.name = 'PartnerRequestError';
  }
}

export interface PartnerHttpClient {
  /** Sends one request; throws `PartnerRequestError` when no response arrives in time. */
  send(request: PartnerRequest): Promise<PartnerResponse>;
}

/** How the process reaches partners: one pool shared by every connector. */
export interface OutboundOptions {
  allowPrivateDestinations: boolean;
  /** Egress proxies (`HTTP_PROXY`, `HTTPS_PROXY`); the proxy itself is exempt from the guard. */
  httpProxy?: string;
  httpsProxy?: string;
  /** Hosts reached directly despite a proxy (`NO_PROXY`). */
  noProxy?: string;
}

/**
 * Builds the shared dispatcher. With a proxy configured, undici's EnvHttpProxyAgent routes
 * each origin through it or, for `NO_PROXY` hosts, directly. On direct connections the DNS
 * answer is checked against the destination guard before connecting, which also stops DNS
 * rebinding to private addresses.
 */
export function createOutboundDispatcher(options: OutboundOptions): Dispatcher {
  const proxyHosts = [options.httpProxy, options.httpsProxy]
    .filter((proxy): proxy is string => proxy !== undefined)
    .map((proxy) => new URL(proxy).hostname.toLowerCase());
  const agentOptions = {
    keepAliveTimeout: 10_000,
    connections: 256,
    connect: { lookup: createGuardedLookup(options.allowPrivateDestinations, proxyHosts) },
  };
  if (proxyHosts.length === 0) return new Agent(agentOptions);

  return new EnvHttpProxyAgent({
    ...agentOptions,
    httpProxy: options.httpProxy,
    httpsProxy: options.httpsProxy,
    noProxy: options.noProxy,
  });
}

function createGuardedLookup(allowPrivate: boolean, exemptHosts: string[]): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const exempt = exemptHosts.includes(hostname.toLowerCase());
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as LookupAddress[];
      for (const { address } of exempt ? [] : list) {
        const rejection = addressRejection(address, allowPrivate);
        if (rejection) {
          const refused = new PartnerRequestError(
            'destination_rejected',
            `${hostname} resolves to ${rejection}`,
          );

          return callback(refused as NodeJS.ErrnoException, '', 4);
        }
      }
      if (lookupOptions.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 4);

      return callback(null, first.address, first.family);
    });
  };
}

export interface PartnerHttpClientOptions {
  /** Partner origin, or the connector's `baseUrl`; a path in it prefixes every request path. */
  baseUrl: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  allowPrivateDestinations: boolean;
  /** True when the dispatcher goes through an egress proxy, which is exempt from the guard. */
  viaProxy?: boolean;
}

export function createPartnerHttpClient(options: PartnerHttpClientOptions): PartnerHttpClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const hostLiteral = base.hostname.replace(/^\[|\]$/g, '');
  const literalRejection =
    isIP(hostLiteral) && !options.viaProxy
      ? addressRejection(hostLiteral, options.allowPrivateDestinations)
      : undefined;

  return {
    async send(partnerRequest) {
      if (literalRejection) throw new PartnerRequestError('destination_rejected', literalRejection);
      const url = new URL(base.origin + prefix + partnerRequest.path);
      for (const [name, value] of Object.entries(partnerRequest.query ?? {})) {
        url.searchParams.set(name, value);
      }
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...partnerRequest.headers,
      };
      let body = partnerRequest.body;
      if (body === undefined && partnerRequest.json !== undefined) {
        body = JSON.stringify(partnerRequest.json);
        headers['content-type'] = 'application/json';
      }

      return sendWithTimeout(url, partnerRequest.method, headers, body, options);
    },
  };
}

async function sendWithTimeout(
  url: URL,
  method: PartnerRequest['method'],
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  options: PartnerHttpClientOptions,
): Promise<PartnerResponse> {
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      method,
      headers,
      body,
      signal,
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const text = await response.body.text();

    return {
      status: response.statusCode,
      headers: response.headers as PartnerResponse['headers'],
      text,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    throw toPartnerRequestError(error, signal, options.timeoutMs);
  }
}

function toPartnerRequestError(error: unknown, signal: AbortSignal, timeoutMs: number): Error {
  if (error instanceof PartnerRequestError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof PartnerRequestError) return cause;
  const code = (error as { code?: string }).code;
  const isTimeout =
    signal.aborted ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT';
  if (isTimeout) return new PartnerRequestError('timeout', `no response within ${timeoutMs} ms`);
  const reason = error instanceof Error ? error.message : String(error);

  return new PartnerRequestError('connection', `connection failed: ${code ?? reason}`);
}

/**
 * Returns a function that closes `dispatcher` once: a later call awaits the first close,
 * because undici 7 rejects closing a closed Agent with ClientDestroyedError.
 */
export function closeOnce(dispatcher: Dispatcher | undefined): () => Promise<void> {
  let closed: Promise<void> | undefined;

  return () => {
    closed ??= dispatcher?.close() ?? Promise.resolve();

    return closed;
  };
}
