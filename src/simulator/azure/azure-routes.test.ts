import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signSharedKey } from '../../connectors/azure-blob/shared-key.js';
import {
  startPartnerTestSimulator,
  type RunningPartnerSimulator,
} from '../clang/partner-test-server.js';
import { azureRoutes } from './azure-routes.js';
import { AZURE_SIMULATOR_ACCOUNT_KEY } from './storage-auth.js';

let simulator: RunningPartnerSimulator;

beforeAll(async () => {
  simulator = await startPartnerTestSimulator(azureRoutes, '/azure');
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await control('POST', '/reset');
  await control('POST', '/audiences', { partner: 'azure', id: 'exports', name: 'Exports' });
});

const SAS = 'sv=2025-01-05&sp=rcw&se=2099-01-01T00%3A00%3A00Z&sig=top%2Bsecret%3D';
const RECORDS =
  '{"operation":"add","key":"p1","identifiers":{"email":["a@example.com"]}}\n' +
  '{"operation":"add","key":"p2","identifiers":{"externalId":["c-2"]}}\n' +
  'not json\n';

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();

  return text === '' ? undefined : JSON.parse(text);
}

interface SendOptions {
  body?: string;
  query?: string;
  headers?: Record<string, string>;
  signWith?: string;
}

/** Sends a request; with `signWith`, signs it with Shared Key for account `acme`. */
async function request(method: string, path: string, options: SendOptions = {}) {
  const headers: Record<string, string> = {
    'x-ms-date': new Date().toUTCString(),
    'x-ms-version': '2025-01-05',
    ...options.headers,
  };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/x-ndjson';
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  const query = options.query ?? '';
  if (options.signWith !== undefined) {
    headers.authorization = signSharedKey('acme', options.signWith, {
      method,
      path,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers,
    });
  }
  const url = `${simulator.url}${path}${query === '' ? '' : `?${query}`}`;
  const response = await fetch(url, { method, headers, body: options.body });

  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

function putBlob(name: string, options: SendOptions = {}) {
  return request('PUT', `/azure/exports/${name}`, {
    body: RECORDS,
    ...options,
    headers: { 'x-ms-blob-type': 'BlockBlob', ...options.headers },
  });
}

describe('azure simulator Put Blob', () => {
  it('stores a blob signed with Shared Key', async () => {
    const response = await putBlob('a/b.ndjson', { signWith: AZURE_SIMULATOR_ACCOUNT_KEY });
    const blob = await request('GET', '/azure/exports/a/b.ndjson', {
      signWith: AZURE_SIMULATOR_ACCOUNT_KEY,
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toMatch(/^"0x[0-9A-F]+"$/);
    expect(blob.status).toBe(200);
    expect(blob.text).toBe(RECORDS);
  });

  it('applies add and remove records to members', async () => {
    await putBlob('one.ndjson', { query: SAS });
    await putBlob('two.ndjson', {
      query: SAS,
      body: '{"operation":"remove","key":"p1","identifiers":{"email":["a@example.com"]}}\n',
    });
    const container = await control('GET', '/audiences/exports');

    expect(container.members).toEqual([{ KEY: 'p2', EXTERN_ID: 'c-2' }]);
  });

  it('refuses to overwrite with If-None-Match', async () => {
    await putBlob('x.ndjson', { query: SAS });

    const again = await putBlob('x.ndjson', { query: SAS, headers: { 'if-none-match': '*' } });

    expect(again.status).toBe(409);
    expect(again.headers.get('x-ms-error-code')).toBe('BlobAlreadyExists');
    expect(again.text).toContain('<Code>BlobAlreadyExists</Code>');
  });

  it('requires x-ms-blob-type', async () => {
    const response = await request('PUT', '/azure/exports/x.ndjson', { body: 'x', query: SAS });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-ms-error-code')).toBe('MissingRequiredHeader');
  });

  it('answers unknown container with ContainerNotFound', async () => {
    const response = await request('PUT', '/azure/other/x.ndjson', {
      body: 'x',
      query: SAS,
      headers: { 'x-ms-blob-type': 'BlockBlob' },
    });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-ms-error-code')).toBe('ContainerNotFound');
  });

  it('rejects unsupported method with 405', async () => {
    const response = await request('DELETE', '/azure/exports/x.ndjson', { query: SAS });

    expect(response.status).toBe(405);
    expect(response.headers.get('x-ms-error-code')).toBe('UnsupportedHttpVerb');
  });

  it('forgets blobs on reset', async () => {
    await putBlob('x.ndjson', { query: SAS });
    await control('POST', '/reset');
    await control('POST', '/audiences', { partner: 'azure', id: 'exports', name: 'Exports' });

    const blob = await request('GET', '/azure/exports/x.ndjson', { query: SAS });

    expect(blob.status).toBe(404);
    expect(blob.headers.get('x-ms-error-code')).toBe('BlobNotFound');
  });
});

describe('azure simulator authentication', () => {
  it('refuses request without credentials', async () => {
    const response = await putBlob('x.ndjson');

    expect(response.status).toBe(401);
    expect(response.headers.get('x-ms-error-code')).toBe('NoAuthenticationInformation');
  });

  it('refuses wrong account key', async () => {
    const wrongKey = Buffer.from('another-key-0123456789abcdef0123', 'ascii').toString('base64');

    const response = await putBlob('x.ndjson', { signWith: wrongKey });

    expect(response.status).toBe(403);
    expect(response.text).toContain('<Code>AuthenticationFailed</Code>');
    expect(response.text).toContain('<AuthenticationErrorDetail>');
  });

  it('refuses stale x-ms-date', async () => {
    const stale = new Date(Date.now() - 20 * 60 * 1000).toUTCString();

    const response = await putBlob('x.ndjson', {
      signWith: AZURE_SIMULATOR_ACCOUNT_KEY,
      headers: { 'x-ms-date': stale },
    });

    expect(response.status).toBe(403);
  });

  it('refuses expired SAS', async () => {
    const response = await putBlob('x.ndjson', {
      query: 'sv=2025-01-05&sp=cw&se=2020-01-01T00%3A00%3A00Z&sig=abc',
    });

    expect(response.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
  });

  it('refuses read with write-only SAS', async () => {
    const response = await request('GET', '/azure/exports', {
      query: 'restype=container&sv=2025-01-05&sp=cw&se=2099-01-01T00%3A00%3A00Z&sig=abc',
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-ms-error-code')).toBe('AuthorizationPermissionMismatch');
  });

  it('reads container properties', async () => {
    const response = await request('GET', '/azure/exports', {
      query: 'restype=container',
      signWith: AZURE_SIMULATOR_ACCOUNT_KEY,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-ms-lease-state')).toBe('available');
  });
});

describe('azure simulator faults and log', () => {
  it('sends partner_error fault as XML with error code header', async () => {
    await control('POST', '/faults', {
      partner: 'azure',
      mode: 'partner_error',
      code: 1,
      status: 503,
      count: 1,
    });

    const response = await putBlob('x.ndjson', { query: SAS });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(response.headers.get('x-ms-error-code')).toBe('ServerBusy');
    expect(response.text).toContain('<Code>ServerBusy</Code>');
  });

  it('records requests without the SAS signature', async () => {
    await putBlob('x.ndjson', { query: SAS });
    const { items } = await control('GET', '/requests');

    expect(items[0].query).toMatchObject({ sp: 'rcw', sig: '***' });
    expect(JSON.stringify(items)).not.toContain('top+secret');
  });

  it('records Shared Key requests without the signature', async () => {
    await putBlob('x.ndjson', { signWith: AZURE_SIMULATOR_ACCOUNT_KEY });
    const { items } = await control('GET', '/requests');

    expect(items[0].headers.authorization).toBe('***');
  });
});
