import { createReadStream } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CRM_MAPPING } from '../profiles/ingest/import-mapping.js';
import { startTestService, type TestService } from '../test-support/test-service.js';
import { sampleExportPath } from '../test-support/sample-export.js';

const CUSTOMERS = sampleExportPath();

let service: TestService;

beforeEach(async () => {
  service = await startTestService();
});

afterEach(async () => {
  await service.dispose();
});

function importCsv(
  payload: string | NodeJS.ReadableStream,
  mapping?: object,
  contentType = 'text/csv',
) {
  const query = mapping ? `?mapping=${encodeURIComponent(JSON.stringify(mapping))}` : '';

  return service.app.inject({
    method: 'POST',
    url: `/api/v1/profiles/import${query}`,
    headers: { ...service.auth, 'content-type': contentType },
    payload: payload as string,
  });
}

describe('POST /profiles', () => {
  it('stores valid values and reports the rejected ones', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/profiles',
      headers: service.auth,
      payload: {
        profiles: [
          {
            id: 'p1',
            identifiers: { email: ' Jane@Example.COM ', phone: ['06 12345678', 'not a phone'] },
            attributes: { country: 'Netherlands' },
          },
          { id: '', identifiers: { email: 'x@example.com' } },
        ],
      },
    });
    const stored = await service.app.inject({
      method: 'GET',
      url: '/api/v1/profiles/p1',
      headers: service.auth,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().stored).toBe(1);
    expect(response.json().rejections).toEqual([
      { index: 0, id: 'p1', field: 'identifiers.phone', reason: 'invalid_phone' },
      { index: 1, id: '', field: 'id', reason: expect.any(String) },
    ]);
    expect(stored.json().identifiers).toEqual({
      email: ['jane@example.com'],
      phone: ['+31612345678'],
    });
    expect(stored.json().consents).toEqual({ advertising: 'unknown', email: 'unknown' });
  });

  it('rejects an unknown field in a profile', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/profiles',
      headers: service.auth,
      payload: { profiles: [{ id: 'p1', email: 'x@example.com' }] },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain("unknown field 'email'");
  });
});

describe('POST /profiles/import', () => {
  it('imports the public sample export with the documented mapping', async () => {
    const response = await importCsv(createReadStream(CUSTOMERS), DEFAULT_CRM_MAPPING);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      read: 10_000,
      stored: 10_000,
      rejected: { invalidPhone: 16_133, phoneWithoutRegion: 766 },
    });
  });

  it('imports NDJSON', async () => {
    const lines = [
      JSON.stringify({ id: 'a', identifiers: { email: 'a@example.com' } }),
      '',
      '{ not json',
      JSON.stringify({ id: 'b', identifiers: { maid: 'not-a-uuid' } }),
    ].join('\n');
    const response = await importCsv(lines, undefined, 'application/x-ndjson');

    expect(response.json()).toMatchObject({
      read: 3,
      stored: 2,
      rejected: { invalidRow: 1, invalidMaid: 1 },
    });
  });

  it.each([
    ['an unknown column', 'id,color\np1,red\n', undefined, 'color'],
    ['an empty file', '', undefined, 'empty'],
    ['no id column', 'identifiers.email\na@example.com\n', undefined, 'id'],
  ])('rejects %s with a clear message', async (_case, body, mapping, expected) => {
    const response = await importCsv(body, mapping);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(expected);
  });

  it('rejects an invalid mapping naming the header', async () => {
    const response = await importCsv('Email\nx@example.com\n', { Email: 'identifiers' });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('Email');
  });

  it('rejects another content type', async () => {
    const response = await importCsv('id\np1\n', undefined, 'text/plain');

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('text/csv or application/x-ndjson');
  });

  it('keeps rows read before malformed CSV', async () => {
    const response = await importCsv('id,identifiers.email\np1,a@example.com\np2,"b@example.com\n');
    const stored = await service.app.inject({ url: '/api/v1/profiles/p1', headers: service.auth });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('Quote Not Closed');
    expect(stored.statusCode).toBe(200);
  });

  it('keeps rows already stored when a later row is broken', async () => {
    const response = await importCsv(
      'id,identifiers.email\np1,a@example.com\np2\np3,c@example.com\n',
    );

    expect(response.json()).toMatchObject({ read: 3, stored: 2, rejected: { invalidRow: 1 } });
  });
});
