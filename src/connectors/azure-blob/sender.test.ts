import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import { azureRoutes } from '../../simulator/azure/azure-routes.js';
import { AZURE_SIMULATOR_ACCOUNT_KEY } from '../../simulator/azure/storage-auth.js';
import {
  startPartnerTestSimulator,
  type RunningPartnerSimulator,
} from '../../simulator/clang/partner-test-server.js';
import type { BatchProfile, BatchResult, ConnectorContext } from '../connector-type.js';
import { azureBlob, normalizeAzureBlobSettings } from './definition.js';
import type { AzureBlobCredentials, AzureBlobSettings } from './schemas.js';
import { sendAzureBlobBatch } from './sender.js';

let simulator: RunningPartnerSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startPartnerTestSimulator(azureRoutes, '/azure');
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const CONTAINER = 'exports';
const FOLDER = 'audiences/vip';
const FIXED_NOW = new Date('2025-01-27T10:15:30Z');
const SAS_TOKEN = 'sv=2025-01-05&sr=c&sp=cw&se=2099-01-01T00:00:00Z&sig=c2lnbmF0dXJl%2Bvalue%3D';

beforeEach(async () => {
  await control('POST', '/reset', {});
  await control('POST', '/audiences', { partner: 'azure', id: CONTAINER, name: 'Exports' });
});

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);

  return text === '' ? undefined : JSON.parse(text);
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  await control('POST', '/faults', { partner: 'azure', ...fault });
}

async function readMembers(): Promise<Record<string, string>[]> {
  return (await control('GET', `/audiences/${CONTAINER}`)).members;
}

interface RecordedUpload {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  status?: number;
}

async function readUploads(): Promise<RecordedUpload[]> {
  const items: RecordedUpload[] = (await control('GET', '/requests')).items;

  return items.filter((item) => item.method === 'PUT');
}

type CredentialsChoice = 'sas' | 'key' | AzureBlobCredentials;

function context(
  options: { timeoutMs?: number; credentials?: CredentialsChoice; prefix?: string } = {},
): ConnectorContext<AzureBlobSettings, AzureBlobCredentials> {
  const baseUrl = `${simulator.url}/azure`;
  const clientFor = (url: string) =>
    createPartnerHttpClient({
      baseUrl: url,
      timeoutMs: options.timeoutMs ?? 5_000,
      dispatcher,
      allowPrivateDestinations: true,
    });
  const choice = options.credentials ?? 'key';
  let credentials: AzureBlobCredentials;
  if (choice === 'key') credentials = { accountKey: AZURE_SIMULATOR_ACCOUNT_KEY };
  else if (choice === 'sas') credentials = { sasToken: SAS_TOKEN };
  else credentials = choice;
  const settings: AzureBlobSettings = { account: 'acme', container: CONTAINER, baseUrl };
  if (options.prefix !== undefined) settings.prefix = options.prefix;

  const built = { settings, credentials, http: clientFor(baseUrl), httpFor: clientFor };

  return built;
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: Parameters<typeof context>[0] = {},
): Promise<BatchResult> {
  return sendAzureBlobBatch(
    context(options),
    { operation, destination: { folder: FOLDER }, profiles },
    () => FIXED_NOW,
  );
}

function profile(key: string, identifiers: BatchProfile['identifiers']): BatchProfile {
  return { key, identifiers, attributes: { firstName: 'Jane' }, consents: { email: 'granted' } };
}

describe('sendAzureBlobBatch add and remove', () => {
  it('writes added profiles as NDJSON blob', async () => {
    const result = await send([
      profile('p2', { email: ['b@example.com'] }),
      profile('p1', { externalId: ['c-1'], phone: ['+31612345678'] }),
    ]);
    const [upload] = await readUploads();

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
    ]);
    expect(upload?.status).toBe(201);
    expect(upload?.path).toMatch(
      /^\/azure\/exports\/audiences\/vip\/2025\/01\/27\/1015-add-[0-9a-f]{64}\.ndjson$/,
    );
    expect(upload?.headers['x-ms-blob-type']).toBe('BlockBlob');
    expect(upload?.headers['if-none-match']).toBe('*');
    expect(upload?.body.split('\n')).toEqual([
      '{"operation":"add","key":"p1","identifiers":{"externalId":["c-1"],"phone":["+31612345678"]},"attributes":{"firstName":"Jane"},"consents":{"email":"granted"}}',
      '{"operation":"add","key":"p2","identifiers":{"email":["b@example.com"]},"attributes":{"firstName":"Jane"},"consents":{"email":"granted"}}',
      '',
    ]);
    expect(await readMembers()).toEqual([
      { KEY: 'p1', EXTERN_ID: 'c-1', PHONE: '+31612345678' },
      { KEY: 'p2', EMAIL: 'b@example.com' },
    ]);
  });

  it('writes removals as remove records', async () => {
    await send([
      profile('p1', { email: ['a@example.com'] }),
      profile('p2', { email: ['b@example.com'] }),
    ]);

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'remove');
    const uploads = await readUploads();

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(uploads[1]?.body).toBe(
      '{"operation":"remove","key":"p1","identifiers":{"email":["a@example.com"]}}\n',
    );
    expect(await readMembers()).toEqual([{ KEY: 'p2', EMAIL: 'b@example.com' }]);
  });

  it('puts prefix in front of blob name', async () => {
    await send([profile('p1', { email: ['a@example.com'] })], 'add', { prefix: 'activator/out' });
    const [upload] = await readUploads();

    expect(upload?.path.startsWith('/azure/exports/activator/out/audiences/vip/2025/')).toBe(true);
  });

  it('counts existing blob of a retry as success', async () => {
    const profiles = [profile('p1', { email: ['a@example.com'] })];
    await send(profiles);

    const retry = await send(profiles);
    const uploads = await readUploads();

    expect(retry.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(uploads.map((upload) => upload.status)).toEqual([201, 409]);
    expect(uploads[0]?.path).toBe(uploads[1]?.path);
  });

  it('authorizes with SAS token in query', async () => {
    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      credentials: 'sas',
    });
    const [upload] = await readUploads();

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(upload?.query).toMatchObject({ sv: '2025-01-05', sp: 'cw', sig: '***' });
    expect(upload?.headers.authorization).toBeUndefined();
  });

  it('skips profiles without identifiers', async () => {
    const result = await send([{ key: 'p1', identifiers: { email: ['  '] } }]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'skipped', reason: 'no_identifier' }]);
    expect(await readUploads()).toEqual([]);
  });
});

describe('sendAzureBlobBatch errors', () => {
  it('fails every profile of a failed upload', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad@example.com' });

    const good = await send([profile('p1', { email: ['good@example.com'] })]);
    const bad = await send([
      profile('p2', { email: ['fine@example.com'] }),
      profile('p3', { email: ['bad@example.com'] }),
    ]);

    expect(good.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(bad.outcomes).toEqual([
      expect.objectContaining({ key: 'p2', status: 'error', partnerCode: 'InvalidInput' }),
      expect.objectContaining({ key: 'p3', status: 'error', partnerCode: 'InvalidInput' }),
    ]);
    expect(bad.outcomes[0]).toMatchObject({ category: 'partner_error', retryable: false });
  });

  it('reports wrong account key as invalid credentials', async () => {
    const wrongKey = Buffer.from('not-the-simulator-key-0123456789', 'ascii').toString('base64');

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      credentials: { accountKey: wrongKey },
    });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      partnerCode: 'AuthenticationFailed',
      httpStatus: 403,
      retryable: false,
    });
  });

  it('reports expired SAS token as invalid credentials', async () => {
    await control('POST', '/tokens', {
      partner: 'azure',
      token: 'c2lnbmF0dXJl+value=',
      state: 'expired',
    });

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      credentials: 'sas',
    });

    expect(result.outcomes[0]).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'AuthenticationFailed',
    });
  });

  it('reports SAS without write permission as invalid credentials', async () => {
    const readOnly = { sasToken: 'sv=2025-01-05&sp=r&se=2099-01-01T00:00:00Z&sig=abc' };

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      credentials: readOnly,
    });

    expect(result.outcomes[0]).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'AuthorizationPermissionMismatch',
    });
  });

  it('retries ServerBusy throttling', async () => {
    await addFault({
      mode: 'partner_error',
      code: 1,
      status: 503,
      retryAfterSeconds: 20,
      count: 1,
    });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'ServerBusy',
      retryable: true,
      httpStatus: 503,
      retryAfterSeconds: 20,
    });
  });

  it('retries InternalError', async () => {
    await addFault({ mode: 'partner_error', code: 2, status: 500, count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({ partnerCode: 'InternalError', retryable: true });
  });

  it('reports missing container as final partner error', async () => {
    await control('POST', '/reset', {});

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      category: 'partner_error',
      partnerCode: 'ContainerNotFound',
      httpStatus: 404,
      retryable: false,
    });
  });

  it('reports slow upload as timeout', async () => {
    await addFault({ mode: 'delay', delayMs: 1_000, count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      timeoutMs: 200,
    });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'timeout',
      retryable: true,
    });
  });

  it('classifies plain 503 without code as other', async () => {
    await addFault({ mode: 'status', status: 503, count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({ category: 'other', retryable: true });
    expect(result.outcomes[0]).not.toHaveProperty('partnerCode');
  });
});

describe('azure-blob credential check', () => {
  it('reads container with account key', async () => {
    const result = await azureBlob.checkCredentials(context());

    expect(result).toEqual({ ok: true, message: 'Connected to container exports.' });
  });

  it('accepts write-only SAS token', async () => {
    const result = await azureBlob.checkCredentials(context({ credentials: 'sas' }));

    expect(result.ok).toBe(true);
    expect(result.message).toContain('not reading container exports');
  });

  it('reports wrong account key', async () => {
    const wrongKey = Buffer.from('not-the-simulator-key-0123456789', 'ascii').toString('base64');

    const result = await azureBlob.checkCredentials(
      context({ credentials: { accountKey: wrongKey } }),
    );

    expect(result).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: 'AuthenticationFailed',
    });
  });

  it('reports missing container', async () => {
    await control('POST', '/reset', {});

    const result = await azureBlob.checkCredentials(context());

    expect(result).toMatchObject({ ok: false, partnerCode: 'ContainerNotFound' });
  });
});

describe('normalizeAzureBlobSettings', () => {
  it.each([
    ['no baseUrl', undefined, 'https://acme.blob.core.windows.net'],
    ['old account host', 'https://old.blob.core.windows.net', 'https://acme.blob.core.windows.net'],
    ['proxy', 'https://proxy.example.com/azure', 'https://proxy.example.com/azure'],
    ['simulator', 'http://127.0.0.1:9090/azure', 'http://127.0.0.1:9090/azure'],
  ])('derives baseUrl with %s', (_case, baseUrl, expected) => {
    const settings: AzureBlobSettings = { account: 'acme', container: CONTAINER };
    if (baseUrl !== undefined) settings.baseUrl = baseUrl;

    expect(normalizeAzureBlobSettings(settings).baseUrl).toBe(expected);
  });
});
