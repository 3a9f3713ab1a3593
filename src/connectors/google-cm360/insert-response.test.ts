import { describe, expect, it } from 'vitest';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { readInsertResponse } from './insert-response.js';

function response(status: number, body: unknown, headers: PartnerResponse['headers'] = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);

  return { status, headers, text, durationMs: 1 };
}

function conversionStatus(errors?: { code: string; message: string }[]) {
  return { kind: 'dfareporting#conversionStatus', conversion: {}, ...(errors ? { errors } : {}) };
}

describe('readInsertResponse', () => {
  it('reports every conversion of a clean response as added', () => {
    const outcomes = readInsertResponse(
      response(200, { hasFailures: false, status: [conversionStatus(), conversionStatus()] }),
      ['p1', 'p2'],
    );

    expect(outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
    ]);
  });

  it('reports per-conversion errors of a partial failure', () => {
    const statuses = [
      conversionStatus(),
      conversionStatus([{ code: 'NOT_FOUND', message: 'unknown match id' }]),
      conversionStatus([{ code: 'INTERNAL', message: 'try again' }]),
    ];
    const outcomes = readInsertResponse(response(200, { hasFailures: true, status: statuses }), [
      'p1',
      'p2',
      'p3',
    ]);

    expect(outcomes).toEqual([
      { key: 'p1', status: 'added' },
      {
        key: 'p2',
        status: 'error',
        category: 'partner_error',
        retryable: false,
        partnerCode: 'NOT_FOUND',
        partnerMessage: 'unknown match id',
        httpStatus: 200,
      },
      {
        key: 'p3',
        status: 'error',
        category: 'partner_error',
        retryable: true,
        partnerCode: 'INTERNAL',
        partnerMessage: 'try again',
        httpStatus: 200,
      },
    ]);
  });

  it('trusts hasFailures false without statuses', () => {
    const outcomes = readInsertResponse(response(200, { hasFailures: false }), ['p1']);

    expect(outcomes).toEqual([{ key: 'p1', status: 'added' }]);
  });

  it.each([
    ['a body that is not JSON', '<html></html>'],
    ['a JSON array', []],
    ['too few statuses', { hasFailures: true, status: [conversionStatus()] }],
    ['no statuses and no hasFailures', {}],
  ])('retries all conversions for %s', (_case, body) => {
    const outcomes = readInsertResponse(response(200, body), ['p1', 'p2']);

    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'error', category: 'other', retryable: true });
    }
    expect(outcomes.map((outcome) => outcome.key)).toEqual(['p1', 'p2']);
  });

  it('gives a request error to every conversion', () => {
    const body = { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } };
    const outcomes = readInsertResponse(response(429, body, { 'retry-after': '90' }), ['p1', 'p2']);

    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome).toEqual({
        key: outcome.key,
        status: 'error',
        category: 'partner_error',
        retryable: true,
        partnerCode: '429/RESOURCE_EXHAUSTED',
        partnerMessage: 'Quota exceeded',
        httpStatus: 429,
        retryAfterSeconds: 90,
      });
    }
  });
});
