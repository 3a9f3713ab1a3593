import { describe, expect, it } from 'vitest';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import {
  type DestinationStatus,
  readDestinationStatus,
  toConfirmationStatus,
} from './request-status.js';

function response(body: unknown): PartnerResponse {
  return { status: 200, headers: {}, text: JSON.stringify(body), durationMs: 1 };
}

const KEYS = ['p1', 'p2', 'p3'];

describe('readDestinationStatus', () => {
  it('reads status, record count and error counts', () => {
    const status = readDestinationStatus(
      response({
        requestStatusPerDestination: [
          {
            destination: { productDestinationId: '1' },
            requestStatus: 'PARTIAL_SUCCESS',
            errorInfo: {
              errorCounts: [{ recordCount: '2', reason: 'PROCESSING_ERROR_REASON_INVALID_FORMAT' }],
            },
            audienceMembersIngestionStatus: {
              userDataIngestionStatus: { recordCount: '3', userIdentifierCount: '4' },
            },
          },
        ],
      }),
    );

    expect(status).toEqual({
      requestStatus: 'PARTIAL_SUCCESS',
      recordCount: 3,
      errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_INVALID_FORMAT', recordCount: 2 }],
    });
  });

  it('reads the record count of a removal', () => {
    const status = readDestinationStatus(
      response({
        requestStatusPerDestination: [
          {
            requestStatus: 'SUCCESS',
            audienceMembersRemovalStatus: { userDataRemovalStatus: { recordCount: 5 } },
          },
        ],
      }),
    );

    expect(status).toEqual({ requestStatus: 'SUCCESS', recordCount: 5, errorCounts: [] });
  });

  it.each([{}, { requestStatusPerDestination: [] }, { requestStatusPerDestination: 'x' }])(
    'returns undefined for %j',
    (body) => {
      expect(readDestinationStatus(response(body))).toBeUndefined();
    },
  );
});

describe('toConfirmationStatus', () => {
  const status = (fields: Partial<DestinationStatus>): DestinationStatus => ({
    requestStatus: 'SUCCESS',
    errorCounts: [],
    ...fields,
  });

  it.each(['PROCESSING', 'REQUEST_STATUS_UNKNOWN', 'SOMETHING_NEW'])(
    'waits while %s',
    (requestStatus) => {
      expect(toConfirmationStatus(status({ requestStatus }), KEYS, 'add')).toEqual({
        done: false,
        retryAfterSeconds: 30,
      });
    },
  );

  it.each([
    ['add', 'added'],
    ['remove', 'removed'],
  ] as const)('accepts every profile of a successful %s', (operation, accepted) => {
    expect(toConfirmationStatus(status({}), KEYS, operation)).toEqual({
      done: true,
      result: { outcomes: KEYS.map((key) => ({ key, status: accepted })) },
    });
  });

  it('counts failed records of a partial success as invalid entries', () => {
    const partial = status({
      requestStatus: 'PARTIAL_SUCCESS',
      recordCount: 3,
      errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_UNKNOWN_CONSENT', recordCount: 1 }],
    });

    expect(toConfirmationStatus(partial, KEYS, 'add')).toEqual({
      done: true,
      result: { outcomes: KEYS.map((key) => ({ key, status: 'added' })), invalidEntries: 1 },
    });
  });

  it('fails every profile when all records failed', () => {
    const failed = status({
      requestStatus: 'PARTIAL_SUCCESS',
      recordCount: 3,
      errorCounts: [
        { reason: 'PROCESSING_ERROR_REASON_UNKNOWN_CONSENT', recordCount: 1 },
        { reason: 'PROCESSING_ERROR_REASON_DENIED_CONSENT', recordCount: 2 },
      ],
    });
    const result = toConfirmationStatus(failed, KEYS, 'add');
    const outcomes = result.done ? result.result.outcomes : [];

    expect(result.done).toBe(true);
    expect(outcomes).toEqual(
      KEYS.map((key) => ({
        key,
        status: 'error',
        category: 'partner_error',
        retryable: false,
        partnerCode: 'PROCESSING_ERROR_REASON_DENIED_CONSENT',
        partnerMessage: expect.stringContaining('3 of 3 records'),
      })),
    );
  });

  it('retries a FAILED status without counts', () => {
    const result = toConfirmationStatus(status({ requestStatus: 'FAILED' }), KEYS, 'remove');
    const outcomes = result.done ? result.result.outcomes : [];

    expect(result.done).toBe(true);
    expect(outcomes[0]).toMatchObject({
      status: 'error',
      partnerCode: 'FAILED',
      retryable: true,
    });
  });

  it('retries records that failed with an internal error', () => {
    const failed = status({
      requestStatus: 'FAILED',
      errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_INTERNAL_ERROR', recordCount: 3 }],
    });
    const result = toConfirmationStatus(failed, KEYS, 'add');
    const outcomes = result.done ? result.result.outcomes : [];

    expect(result.done).toBe(true);
    expect(outcomes[0]).toMatchObject({ retryable: true });
  });
});
