import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { DeliveryCounts } from '../statistics/delivery-counts.js';
import { ErrorSampleRepository } from '../statistics/error-sample-repository.js';
import { StatisticsRepository } from '../statistics/statistics-repository.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js';
import type { Store } from '../store/store.js';
import { createAjv, describeValidationErrors } from '../validation/schema-validator.js';
import { handleApiError } from './error-handler.js';
import { statisticsRoutes } from './routes/statistics-routes.js';

const NOW = new Date('2026-12-04T15:30:00.000Z');
const CONNECTOR = 'connector-1';
const PENDING_RETRY = 2;

let dataDir: string;
let store: Store;
let statistics: StatisticsRepository;
let samples: ErrorSampleRepository;
let app: FastifyInstance;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-stats-api-'));
  store = await openSqliteStore(dataDir, createLogger('silent'));
  statistics = new StatisticsRepository(store.db);
  samples = new ErrorSampleRepository(store.db);

  // The same validation and error handling as the service's API server.
  const server = Fastify({
    schemaErrorFormatter: (errors, dataVar) => new Error(describeValidationErrors(errors, dataVar)),
  }).withTypeProvider<TypeBoxTypeProvider>();
  const ajv = createAjv();
  server.setValidatorCompiler(({ schema }) => ajv.compile(schema));
  server.setErrorHandler(handleApiError);
  await server.register(
    statisticsRoutes({
      statistics,
      samples,
      connectorExists: async (id) => id === CONNECTOR,
      pendingRetry: async () => PENDING_RETRY,
      now: () => NOW,
    }),
    { prefix: '/api/v1' },
  );
  await server.ready();
  app = server;
});

afterEach(async () => {
  await app.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function record(at: string, metrics: Record<string, number>) {
  const counts = new DeliveryCounts();
  for (const [metric, count] of Object.entries(metrics)) counts.add(metric, count);
  await store.db
    .transaction()
    .execute((trx) => statistics.increment(trx, CONNECTOR, new Date(at), counts));
}

async function get(url: string) {
  return app.inject({ method: 'GET', url: `/api/v1${url}` });
}

const zeroCounts = {
  added: 0,
  removed: 0,
  errors: { other: 0, invalidCredentials: 0, timeout: 0, partner: {} },
  failed: 0,
  skipped: { noIdentifier: 0, invalidIdentifier: 0, deactivated: 0, noConsent: 0 },
};

describe('GET /connectors/:id/stats', () => {
  it('returns 7 days with totals and pendingRetry', async () => {
    await record('2026-12-04T09:00:00.000Z', {
      added: 120,
      removed: 8,
      'error.invalid_credentials': 5,
      'error.timeout': 2,
      'partner.613': 1,
      'partner.100/33': 4,
      failed: 4,
      'skipped.no_identifier': 3,
      'skipped.invalid_identifier': 1,
    });

    const response = await get(`/connectors/${CONNECTOR}/stats?days=7`);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    const today = {
      added: 120,
      removed: 8,
      errors: { other: 0, invalidCredentials: 5, timeout: 2, partner: { '613': 1, '100/33': 4 } },
      failed: 4,
      skipped: { noIdentifier: 3, invalidIdentifier: 1, deactivated: 0, noConsent: 0 },
    };
    expect(Object.keys(body)).toEqual(['days', 'totals', 'pendingRetry']);
    expect(body.days).toHaveLength(7);
    expect(body.days[0]).toEqual({ date: '2026-11-28', ...zeroCounts });
    expect(body.days[6]).toEqual({ date: '2026-12-04', ...today });
    expect(body.totals).toEqual(today);
    expect(body.pendingRetry).toBe(PENDING_RETRY);
  });

  it.each([
    ['30', 30, '2026-11-05'],
    ['90', 90, '2026-09-06'],
  ])('returns %s days', async (days, length, firstDate) => {
    const response = await get(`/connectors/${CONNECTOR}/stats?days=${days}`);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.days).toHaveLength(length);
    expect(body.days[0].date).toBe(firstDate);
    expect(body.days.at(-1).date).toBe('2026-12-04');
    expect(body.totals).toEqual(zeroCounts);
    expect(body.pendingRetry).toBe(PENDING_RETRY);
  });

  it('returns 24 hours with totals and pendingRetry', async () => {
    await record('2026-12-04T15:10:00.000Z', { added: 3, 'partner.190': 1 });

    const response = await get(`/connectors/${CONNECTOR}/stats?hours=24`);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['hours', 'totals', 'pendingRetry']);
    expect(body.hours).toHaveLength(24);
    expect(body.hours[0]).toEqual({ hour: '2026-12-03T16:00:00Z', ...zeroCounts });
    expect(body.hours[23]).toEqual({
      hour: '2026-12-04T15:00:00Z',
      ...zeroCounts,
      added: 3,
      errors: { ...zeroCounts.errors, partner: { '190': 1 } },
    });
    expect(body.totals.added).toBe(3);
    expect(body.pendingRetry).toBe(PENDING_RETRY);
  });

  it.each([
    ['days=8', 'querystring.days must be one of: 7, 30, 90'],
    ['days=0', 'querystring.days must be one of: 7, 30, 90'],
    ['days=seven', 'querystring.days must be one of: 7, 30, 90'],
    ['days=', 'querystring.days must be one of: 7, 30, 90'],
    ['days=7&days=30', 'querystring.days must be one of: 7, 30, 90'],
    ['hours=12', 'querystring.hours must be 24'],
    ['days=7&hours=24', 'querystring has both days and hours'],
    ['', 'querystring.days is required'],
    ['days=7&color=red', "querystring has an unknown field 'color'"],
  ])('rejects ?%s with 400', async (query, message) => {
    const response = await get(`/connectors/${CONNECTOR}/stats?${query}`);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });

  it('cuts a long days value in the message', async () => {
    const response = await get(`/connectors/${CONNECTOR}/stats?days=${'9'.repeat(500)}`);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(`(got "${'9'.repeat(38)}…)`);
  });

  it('rejects an unknown connector with 404', async () => {
    const response = await get('/connectors/missing/stats?days=7');

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      statusCode: 404,
      code: 'CONNECTOR_NOT_FOUND',
      message: "No connector with id 'missing' exists.",
    });
  });
});

describe('GET /connectors/:id/errors', () => {
  it('lists error samples newest first', async () => {
    await samples.append(store.db, {
      connectorId: CONNECTOR,
      at: new Date('2026-12-04T10:00:00.000Z'),
      category: 'timeout',
      batchSize: 50,
      summary: 'Meta did not respond within 3000 ms.',
      fix: 'Nothing to do; the batch is retried.',
      request: {
        method: 'POST',
        payload: { schema: ['EMAIL_SHA256'], data: '[50 rows redacted]' },
      },
      response: 'timed out',
    });
    await samples.append(store.db, {
      connectorId: CONNECTOR,
      at: new Date('2026-12-04T11:00:00.000Z'),
      category: 'partner_error',
      httpStatus: 400,
      partnerCode: '100/33',
      partnerMessage: 'Unsupported post request.',
      batchSize: 10,
      summary: 'Meta rejected the request.',
      fix: 'Check the audience id.',
      request: { method: 'POST' },
      response: { error: { code: 100, error_subcode: 33 } },
    });

    const response = await get(`/connectors/${CONNECTOR}/errors`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        {
          at: '2026-12-04T11:00:00.000Z',
          category: 'partner_error',
          httpStatus: 400,
          partnerCode: '100/33',
          partnerMessage: 'Unsupported post request.',
          batchSize: 10,
          summary: 'Meta rejected the request.',
          fix: 'Check the audience id.',
          request: { method: 'POST' },
          response: { error: { code: 100, error_subcode: 33 } },
        },
        {
          at: '2026-12-04T10:00:00.000Z',
          category: 'timeout',
          batchSize: 50,
          summary: 'Meta did not respond within 3000 ms.',
          fix: 'Nothing to do; the batch is retried.',
          request: {
            method: 'POST',
            payload: { schema: ['EMAIL_SHA256'], data: '[50 rows redacted]' },
          },
          response: 'timed out',
        },
      ],
    });
  });

  it('returns an empty list without samples', async () => {
    const response = await get(`/connectors/${CONNECTOR}/errors`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [] });
  });

  it('rejects an unknown connector with 404', async () => {
    const response = await get('/connectors/missing/errors');

    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('CONNECTOR_NOT_FOUND');
  });
});
