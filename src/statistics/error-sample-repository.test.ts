import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js';
import type { Store } from '../store/store.js';
import {
  type ErrorSample,
  ErrorSampleRepository,
  MAX_ERROR_SAMPLES,
  MAX_SAMPLE_BODY_CHARS,
} from './error-sample-repository.js';

const CONNECTOR = 'connector-1';

let dataDir: string;
let store: Store;
let samples: ErrorSampleRepository;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-samples-'));
  store = await openSqliteStore(dataDir, createLogger('silent'));
  samples = new ErrorSampleRepository(store.db);
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function sample(overrides: Partial<ErrorSample> = {}): ErrorSample {
  return {
    connectorId: CONNECTOR,
    at: new Date('2026-12-04T10:00:00.000Z'),
    category: 'other',
    batchSize: 10,
    summary: 'Meta responded with HTTP 503.',
    fix: 'Nothing to do; the batch is retried.',
    request: { method: 'POST', path: '/v21.0/123/users' },
    response: { status: 503 },
    ...overrides,
  };
}

describe('ErrorSampleRepository', () => {
  it('lists a partner error with every field', async () => {
    await samples.append(
      store.db,
      sample({
        category: 'partner_error',
        httpStatus: 400,
        partnerCode: '100/33',
        partnerMessage: 'Unsupported post request.',
      }),
    );

    expect(await samples.list(CONNECTOR)).toEqual([
      {
        at: '2026-12-04T10:00:00.000Z',
        category: 'partner_error',
        httpStatus: 400,
        partnerCode: '100/33',
        partnerMessage: 'Unsupported post request.',
        batchSize: 10,
        summary: 'Meta responded with HTTP 503.',
        fix: 'Nothing to do; the batch is retried.',
        request: { method: 'POST', path: '/v21.0/123/users' },
        response: { status: 503 },
      },
    ]);
  });

  it('omits absent optional fields', async () => {
    await samples.append(store.db, sample({ category: 'timeout' }));

    const [listed] = await samples.list(CONNECTOR);

    expect(listed).toBeDefined();
    expect(Object.keys(listed ?? {})).not.toContain('httpStatus');
    expect(Object.keys(listed ?? {})).not.toContain('partnerCode');
    expect(Object.keys(listed ?? {})).not.toContain('partnerMessage');
  });

  it.each([
    ['an object', { payload: { schema: ['EMAIL_SHA256'], data: '[2 rows redacted]' } }],
    ['an array', [1, 'two', null]],
    ['a plain string', 'upstream connect error'],
    ['a string that spells JSON', '{"error":"not parsed"}'],
    ['a number', 503],
    ['null', null],
  ])('returns %s body as appended', async (_case, body) => {
    await samples.append(store.db, sample({ request: body, response: body }));

    const [listed] = await samples.list(CONNECTOR);

    expect(listed?.request).toEqual(body);
    expect(listed?.response).toEqual(body);
  });

  it('returns stored text that is not JSON as a string', async () => {
    await store.db
      .insertInto('error_samples')
      .values({
        connector_id: CONNECTOR,
        at: '2026-12-04T10:00:00.000Z',
        category: 'other',
        http_status: 502,
        partner_code: null,
        partner_message: null,
        batch_size: 1,
        summary: 'Bad gateway.',
        fix: 'Retry later.',
        request: 'POST /users',
        response: '<html>502</html>',
      })
      .execute();

    const [listed] = await samples.list(CONNECTOR);

    expect(listed?.request).toBe('POST /users');
    expect(listed?.response).toBe('<html>502</html>');
  });

  it('cuts long bodies', async () => {
    const longText = 'x'.repeat(MAX_SAMPLE_BODY_CHARS * 2);
    await samples.append(store.db, sample({ request: longText, response: { text: longText } }));

    const [listed] = await samples.list(CONNECTOR);

    expect(typeof listed?.request).toBe('string');
    expect(listed?.request).toHaveLength(MAX_SAMPLE_BODY_CHARS);
    expect(String(listed?.request).endsWith('…')).toBe(true);
    expect(typeof listed?.response).toBe('string');
    expect(listed?.response).toHaveLength(MAX_SAMPLE_BODY_CHARS);
  });

  it('lists newest first', async () => {
    for (const minute of [1, 2, 3]) {
      await samples.append(
        store.db,
        sample({ at: new Date(`2026-12-04T10:0${minute}:00.000Z`), summary: `error ${minute}` }),
      );
    }

    const listed = await samples.list(CONNECTOR);

    expect(listed.map((item) => item.summary)).toEqual(['error 3', 'error 2', 'error 1']);
  });

  it('keeps only the newest 100 per connector', async () => {
    await samples.append(store.db, sample({ connectorId: 'connector-2', summary: 'other' }));
    for (let index = 1; index <= MAX_ERROR_SAMPLES + 5; index++) {
      await samples.append(store.db, sample({ summary: `error ${index}` }));
    }

    const listed = await samples.list(CONNECTOR);
    const stored = await store.db
      .selectFrom('error_samples')
      .select((eb) => eb.fn.countAll<number>().as('rows'))
      .where('connector_id', '=', CONNECTOR)
      .executeTakeFirstOrThrow();

    expect(MAX_ERROR_SAMPLES).toBe(100);
    expect(listed).toHaveLength(100);
    expect(listed[0]?.summary).toBe('error 105');
    expect(listed.at(-1)?.summary).toBe('error 6');
    expect(stored.rows).toBe(100);
    expect(await samples.list('connector-2')).toHaveLength(1);
  });

  it('rolls back with the caller transaction', async () => {
    const failure = new Error('outcome write failed');

    await expect(
      store.db.transaction().execute(async (trx) => {
        await samples.append(trx, sample());
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await samples.list(CONNECTOR)).toEqual([]);
  });

  it('lists nothing for a connector without samples', async () => {
    expect(await samples.list('connector-9')).toEqual([]);
  });
});
