import { describe, expect, it } from 'vitest';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import {
  classifyXandrFailure,
  readCreatedJob,
  readJob,
  readLogin,
  readUpload,
  type ReadResult,
} from './api-response.js';

function response(
  status: number,
  body: unknown,
  headers: PartnerResponse['headers'] = {},
): PartnerResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);

  return { status, headers, text, durationMs: 1 };
}

/** Returns the value of a successful read, and fails the test with the error otherwise. */
function valueOf<T>(result: ReadResult<T>): T {
  if (!result.ok)
    throw new Error(`expected a successful read, got ${JSON.stringify(result.error)}`);

  return result.value;
}

function apiError(errorId: string, error = 'Simulated'): unknown {
  return { response: { status: 'ERROR', error_id: errorId, error } };
}

describe('classifyXandrFailure', () => {
  it.each([
    ['NOAUTH', 'invalid_credentials', false],
    ['NOAUTH_DISABLED', 'invalid_credentials', false],
    ['NOAUTH_EXPIRED', 'invalid_credentials', false],
    ['UNAUTH', 'invalid_credentials', false],
    ['SYNTAX', 'partner_error', false],
    ['INTEGRITY', 'partner_error', false],
    ['LIMIT', 'partner_error', false],
    ['SYSTEM', 'partner_error', true],
    ['SOMETHING_NEW', 'partner_error', false],
  ])('maps error_id %s to %s', (errorId, category, retryable) => {
    const error = classifyXandrFailure(response(400, apiError(errorId, 'text')));

    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    expect(error.partnerCode).toBe(errorId);
    expect(error.partnerMessage).toBe('text');
    expect(error.httpStatus).toBe(400);
  });

  it('reads the upload host form', () => {
    const body = {
      response: {
        status: 'ERROR',
        error_code: 'RATE_LIMIT_EXCEEDED',
        errors: ['Member exceeds maximum allowed bytes per day'],
      },
    };
    const error = classifyXandrFailure(response(200, body));

    expect(error).toEqual({
      category: 'partner_error',
      retryable: true,
      partnerCode: 'RATE_LIMIT_EXCEEDED',
      partnerMessage: 'Member exceeds maximum allowed bytes per day',
      httpStatus: 200,
      retryAfterSeconds: 1_800,
    });
  });

  it('prefers Retry-After over the rule delay', () => {
    const body = { response: { status: 'ERROR', error_code: 'RATE_LIMIT_EXCEEDED' } };
    const error = classifyXandrFailure(response(429, body, { 'retry-after': '12' }));

    expect(error.retryAfterSeconds).toBe(12);
  });

  it('keeps FILESIZE_LIMIT_EXCEEDED final', () => {
    const body = { response: { status: 'ERROR', error_code: 'FILESIZE_LIMIT_EXCEEDED' } };

    expect(classifyXandrFailure(response(413, body))).toMatchObject({
      category: 'partner_error',
      retryable: false,
      partnerCode: 'FILESIZE_LIMIT_EXCEEDED',
    });
  });

  it.each([
    [429, {}, true, 'other'],
    [503, { 'x-ratelimit-code': '503', 'retry-after': '4' }, true, 'other'],
    [503, {}, true, 'other'],
    [500, {}, true, 'other'],
    [401, {}, false, 'invalid_credentials'],
    [403, {}, false, 'invalid_credentials'],
    [404, {}, false, 'other'],
  ])('classifies HTTP %i without a code', (status, headers, retryable, category) => {
    const error = classifyXandrFailure(response(status, 'Bad gateway', headers));

    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    expect(error.partnerCode).toBeUndefined();
    expect(error.httpStatus).toBe(status);
  });

  it('reads Retry-After of a throttled request', () => {
    const error = classifyXandrFailure(
      response(429, '', { 'retry-after': '9', 'x-ratelimit-code': '429' }),
    );

    expect(error.retryAfterSeconds).toBe(9);
    expect(error.partnerMessage).toContain('x-ratelimit-code 429');
  });

  it('caps a long message', () => {
    const error = classifyXandrFailure(response(400, apiError('SYNTAX', 'x'.repeat(2_000))));

    expect(error.partnerMessage).toHaveLength(500);
  });
});

describe('read functions', () => {
  it('reads the login token', () => {
    expect(readLogin(response(200, { response: { status: 'OK', token: 'h20h' } }))).toEqual({
      ok: true,
      value: 'h20h',
    });
  });

  it('retries a 2xx body without status OK', () => {
    const result = readLogin(response(200, '<html></html>'));

    expect(result).toMatchObject({ ok: false, error: { category: 'other', retryable: true } });
  });

  it('reads a created job', () => {
    const body = {
      response: {
        status: 'OK',
        batch_segment_upload_job: { job_id: 'J1', upload_url: 'https://x/segment-upload/J1' },
      },
    };

    expect(readCreatedJob(response(200, body))).toEqual({
      ok: true,
      value: { jobId: 'J1', uploadUrl: 'https://x/segment-upload/J1' },
    });
  });

  it('rejects a created job without upload_url', () => {
    const body = { response: { status: 'OK', batch_segment_upload_job: { job_id: 'J1' } } };

    expect(readCreatedJob(response(200, body)).ok).toBe(false);
  });

  it('reads the upload confirmation', () => {
    const body = { response: { segment_upload: { job_id: 'J1' }, status: 'OK' } };

    expect(readUpload(response(200, body))).toEqual({ ok: true, value: undefined });
  });

  it('reads a job given as a one-element array', () => {
    const body = {
      response: {
        status: 'OK',
        batch_segment_upload_job: [
          {
            job_id: 'J1',
            phase: 'completed',
            error_code: null,
            num_valid: '3',
            num_invalid_user: 2,
            error_log_lines: 'num_invalid_user-1;5:0',
          },
        ],
      },
    };
    const job = valueOf(readJob(response(200, body)));

    expect(job).toMatchObject({
      jobId: 'J1',
      phase: 'completed',
      errorCode: undefined,
      numValid: 3,
      errorLogLines: 'num_invalid_user-1;5:0',
    });
    expect(job?.counts.num_invalid_user).toBe(2);
  });

  it('returns no job for an empty listing', () => {
    const body = { response: { status: 'OK', count: 0, batch_segment_upload_job: null } };

    expect(readJob(response(200, body))).toEqual({ ok: true, value: undefined });
  });
});
