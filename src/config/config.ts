import path from 'node:path';
import { ConfigError } from '../errors/app-error.js';
import { destinationUrlRejection } from '../net/destination-guard.js';

/** Service configuration, read once from the environment at start. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the SQLite file, the key file and the generated API token. */
  dataDir: string;
  /** Token from `ACTIVATOR_API_TOKEN`; when absent one is generated into the data directory. */
  apiToken?: string;
  /** 32-byte key from `ACTIVATOR_SECRET_KEY`; when absent a key file is used. */
  secretKey?: Buffer;
  /** Keys before it (`ACTIVATOR_PREVIOUS_SECRET_KEYS`), which still decrypt during a rotation. */
  previousSecretKeys: Buffer[];
  /** Allows loopback and private `baseUrl`s (tests, the simulator). */
  allowPrivateDestinations: boolean;
  /** Egress proxies for partner calls (`HTTP_PROXY`, `HTTPS_PROXY`) and their exceptions. */
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  logLevel: string;
  databaseUrl?: string;
  natsUrl?: string;
  /** Requests per minute each API token may make, per process (`ACTIVATOR_API_RATE_LIMIT`). */
  requestsPerMinute?: number;
  /** JetStream stream of the activation queue (`ACTIVATOR_NATS_STREAM`). */
  natsStream: string;
  alerts: AlertConfig;
}

/** Thresholds of the per-connector alerts and where notifications go (`ALERT_*`). */
export interface AlertConfig {
  /** URL and signing secret of the notifications. Without it, only the API lists alerts. */
  webhook?: { url: string; secret: string };
  /** Share of failed attempts, from 0 to 1, that opens an error-rate alert. */
  errorRate: number;
  /** Length of the window in which the error rate is measured, in seconds. */
  errorWindowSeconds: number;
  /** Minimum attempts within the window before the error rate opens or closes an alert. */
  errorMinAttempts: number;
  /** Work pending with nothing delivered for this many seconds opens a stopped-sending alert. */
  stoppedAfterSeconds: number;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  return {
    port: parsePort(env.PORT),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    dataDir: path.resolve(nonEmpty(env.DATA_DIR) ?? './data'),
    apiToken: parseApiToken(env.ACTIVATOR_API_TOKEN),
    secretKey: parseSecretKey(env.ACTIVATOR_SECRET_KEY),
    previousSecretKeys: (nonEmpty(env.ACTIVATOR_PREVIOUS_SECRET_KEYS) ?? '')
      .split(',')
      .filter((text) => text.trim() !== '')
      .map((text) => parseSecretKey(text.trim(), 'ACTIVATOR_PREVIOUS_SECRET_KEYS')!),
    allowPrivateDestinations: parseBoolean(
      'ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS',
      env.ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS,
    ),
    httpProxy: parseProxy('HTTP_PROXY', nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy)),
    httpsProxy: parseProxy('HTTPS_PROXY', nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy)),
    noProxy: nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    databaseUrl: nonEmpty(env.DATABASE_URL),
    natsUrl: parseNatsUrl(nonEmpty(env.NATS_URL)),
    natsStream: parseStreamName(nonEmpty(env.ACTIVATOR_NATS_STREAM)),
    requestsPerMinute: parseRateLimit(nonEmpty(env.ACTIVATOR_API_RATE_LIMIT)),
    alerts: parseAlertConfig(env),
  };
}

function parseAlertConfig(env: Env): AlertConfig {
  return {
    webhook: parseAlertWebhook(env),
    errorRate: parseErrorRate(nonEmpty(env.ALERT_ERROR_RATE)),
    errorWindowSeconds: parsePositiveInteger(
      'ALERT_ERROR_WINDOW_SECONDS',
      env.ALERT_ERROR_WINDOW_SECONDS,
      300,
    ),
    errorMinAttempts: parsePositiveInteger(
      'ALERT_ERROR_MIN_ATTEMPTS',
      env.ALERT_ERROR_MIN_ATTEMPTS,
      20,
    ),
    stoppedAfterSeconds: parsePositiveInteger(
      'ALERT_STOPPED_AFTER_SECONDS',
      env.ALERT_STOPPED_AFTER_SECONDS,
      900,
    ),
  };
}

/**
 * Parses `ALERT_WEBHOOK_URL` and its secret. The URL passes the same address guard as a
 * connector's `baseUrl`.
 */
function parseAlertWebhook(env: Env): AlertConfig['webhook'] {
  const url = nonEmpty(env.ALERT_WEBHOOK_URL);
  const secret = nonEmpty(env.ALERT_WEBHOOK_SECRET);
  if (url === undefined) {
    if (secret === undefined) return undefined;
    throw new ConfigError(
      'ALERT_WEBHOOK_SECRET',
      'is set but ALERT_WEBHOOK_URL is not; set the URL that receives alert notifications, or unset the secret.',
    );
  }
  const allowPrivate = parseBoolean(
    'ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS',
    env.ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS,
  );
  const rejection = destinationUrlRejection(url, allowPrivate);
  if (rejection) throw new ConfigError('ALERT_WEBHOOK_URL', `the URL ${rejection}.`);
  if (secret === undefined || secret.length < 16) {
    throw new ConfigError(
      'ALERT_WEBHOOK_SECRET',
      `${secret === undefined ? 'is missing' : 'is shorter than 16 characters'}; notifications to ALERT_WEBHOOK_URL are signed with it. Use a long random value, for example \`openssl rand -hex 32\`.`,
    );
  }

  return { url, secret };
}

function parseErrorRate(value: string | undefined): number {
  if (value === undefined) return 0.5;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1) {
    throw new ConfigError(
      'ALERT_ERROR_RATE',
      `expected the share of failed attempts that opens an alert, above 0 and at most 1 (such as 0.25), got '${value}'.`,
    );
  }

  return rate;
}

function parsePositiveInteger(variable: string, value: string | undefined, fallback: number) {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1) {
    throw new ConfigError(variable, `expected a whole number of at least 1, got '${text}'.`);
  }

  return number;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();

  return trimmed ? trimmed : undefined;
}

function parseNatsUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  for (const server of value.split(',')) {
    if (!/^(nats|tls):\/\/[^\s/]+$|^[^\s:/]+:\d+$/.test(server.trim())) {
      throw new ConfigError(
        'NATS_URL',
        'expected a NATS server such as nats://127.0.0.1:4222 (several separated by commas).',
      );
    }
  }

  return value;
}

function parseRateLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (Number.isInteger(limit) && limit >= 1) return limit;
  throw new ConfigError(
    'ACTIVATOR_API_RATE_LIMIT',
    `expected a whole number of requests per minute, 1 or more, got '${value}'.`,
  );
}

function parseStreamName(value: string | undefined): string {
  if (value === undefined) return 'ACTIVATOR_ACTIVATIONS';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(value)) return value;
  throw new ConfigError(
    'ACTIVATOR_NATS_STREAM',
    'expected 1 to 64 letters, digits, underscores or hyphens.',
  );
}

function parseProxy(variable: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // Reported below with the variable's name.
  }
  throw new ConfigError(variable, 'expected a proxy URL such as http://proxy.example.com:3128.');
}

function parsePort(value: string | undefined): number {
  const text = nonEmpty(value);
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('PORT', `expected a port number from 0 to 65535, got '${text}'.`);
  }

  return port;
}

function parseBoolean(variable: string, value: string | undefined): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw new ConfigError(variable, `expected 'true' or 'false', got '${text}'.`);
}

function parseApiToken(value: string | undefined): string | undefined {
  const token = nonEmpty(value);
  if (token !== undefined && token.length < 16) {
    throw new ConfigError(
      'ACTIVATOR_API_TOKEN',
      'the token is shorter than 16 characters. Use a long random value, for example `openssl rand -hex 32`.',
    );
  }

  return token;
}

function parseSecretKey(
  value: string | undefined,
  variable = 'ACTIVATOR_SECRET_KEY',
): Buffer | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const key = Buffer.from(text, 'base64');
  const isCanonicalBase64 = key.toString('base64') === text;
  if (!isCanonicalBase64 || key.length !== 32) {
    throw new ConfigError(
      variable,
      'expected the base64 encoding of 32 random bytes (create one with `openssl rand -base64 32`). ' +
        'The value was not changed or logged; unset the variable to use a key file in DATA_DIR instead.',
    );
  }

  return key;
}
