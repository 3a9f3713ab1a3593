import { describe, expect, it } from 'vitest';
import {
  classifyConversionErrors,
  classifyRequestError,
  classifyTokenError,
  explainCm360Error,
  redactPartnerMessage,
} from './error-codes.js';

const NOW_MS = Date.UTC(2026, 11, 4, 12, 0, 0);

function googleError(code: number, status: string | undefined, reason?: string, extra = {}) {
  return {
    error: {
      code,
      message: `Simulated ${status ?? 'error'}`,
      ...(status === undefined ? {} : { status }),
      ...(reason === undefined ? {} : { errors: [{ domain: 'global', reason, message: 'x' }] }),
      ...extra,
    },
  };
}

describe('classifyConversionErrors', () => {
  it.each([
    ['INVALID_ARGUMENT', 'partner_error', false],
    ['NOT_FOUND', 'partner_error', false],
    ['PERMISSION_DENIED', 'partner_error', false],
    ['INTERNAL', 'partner_error', true],
    ['SOMETHING_NEW', 'partner_error', true],
  ])('maps %s to %s, retryable %s', (code, category, retryable) => {
    const classified = classifyConversionErrors([{ code, message: `about ${code}` }]);

    expect(classified?.category).toBe(category);
    expect(classified?.retryable).toBe(retryable);
    expect(classified?.partnerCode).toBe(code);
    expect(classified?.partnerMessage).toBe(`about ${code}`);
  });

  it.each([[undefined], [[]], ['not a list']])('treats %o as inserted', (errors) => {
    expect(classifyConversionErrors(errors)).toBeUndefined();
  });

  it('lets a final error win over a retryable one', () => {
    const classified = classifyConversionErrors([{ code: 'INTERNAL' }, { code: 'NOT_FOUND' }]);

    expect(classified?.partnerCode).toBe('NOT_FOUND');
    expect(classified?.retryable).toBe(false);
  });

  it('names an error without code UNKNOWN', () => {
    expect(classifyConversionErrors([{ message: 'x' }])?.partnerCode).toBe('UNKNOWN');
  });
});

describe('classifyRequestError', () => {
  it.each([
    [401, 'UNAUTHENTICATED', undefined, '401/UNAUTHENTICATED', 'invalid_credentials', false],
    [403, 'PERMISSION_DENIED', 'forbidden', '403/PERMISSION_DENIED', 'invalid_credentials', false],
    [429, 'RESOURCE_EXHAUSTED', undefined, '429/RESOURCE_EXHAUSTED', 'partner_error', true],
    [
      429,
      'RESOURCE_EXHAUSTED',
      'rateLimitExceeded',
      '429/RESOURCE_EXHAUSTED',
      'partner_error',
      true,
    ],
    [
      403,
      'PERMISSION_DENIED',
      'userRateLimitExceeded',
      '403/userRateLimitExceeded',
      'partner_error',
      true,
    ],
    [403, undefined, 'dailyLimitExceeded', '403/dailyLimitExceeded', 'partner_error', true],
    [400, 'INVALID_ARGUMENT', 'invalid', '400/INVALID_ARGUMENT', 'partner_error', false],
    [404, 'NOT_FOUND', undefined, '404/NOT_FOUND', 'partner_error', false],
    [500, 'INTERNAL', undefined, '500/INTERNAL', 'partner_error', true],
    [503, 'UNAVAILABLE', undefined, '503/UNAVAILABLE', 'partner_error', true],
    [504, undefined, undefined, '504/DEADLINE_EXCEEDED', 'partner_error', true],
    [418, 'TEAPOT', undefined, '418/TEAPOT', 'partner_error', false],
    [502, 'NEW_STATUS', undefined, '502/NEW_STATUS', 'partner_error', true],
    [413, undefined, undefined, '413/NO_STATUS', 'partner_error', false],
  ])('maps %i %s (%s) to %s', (httpStatus, status, reason, code, category, retryable) => {
    const classified = classifyRequestError(httpStatus, googleError(httpStatus, status, reason));

    expect(classified.partnerCode).toBe(code);
    expect(classified.category).toBe(category);
    expect(classified.retryable).toBe(retryable);
    expect(classified.httpStatus).toBe(httpStatus);
  });

  it('reads a JSON body given as text', () => {
    const text = JSON.stringify(googleError(429, 'RESOURCE_EXHAUSTED'));

    expect(classifyRequestError(429, text).partnerCode).toBe('429/RESOURCE_EXHAUSTED');
  });

  it('waits at least 30 s after RESOURCE_EXHAUSTED', () => {
    const classified = classifyRequestError(
      429,
      googleError(429, 'RESOURCE_EXHAUSTED'),
      '5',
      NOW_MS,
    );

    expect(classified.retryAfterSeconds).toBe(30);
  });

  it('takes a longer Retry-After', () => {
    const classified = classifyRequestError(
      429,
      googleError(429, 'RESOURCE_EXHAUSTED'),
      '120',
      NOW_MS,
    );

    expect(classified.retryAfterSeconds).toBe(120);
  });

  it('reads RetryInfo delay from details', () => {
    const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.5s' }];
    const body = googleError(503, 'UNAVAILABLE', undefined, { details });

    expect(classifyRequestError(503, body).retryAfterSeconds).toBe(46);
  });

  it('clamps a huge Retry-After to one hour', () => {
    const classified = classifyRequestError(503, googleError(503, 'UNAVAILABLE'), '999999', NOW_MS);

    expect(classified.retryAfterSeconds).toBe(3_600);
  });

  it('ignores Retry-After on a final error', () => {
    const classified = classifyRequestError(
      400,
      googleError(400, 'INVALID_ARGUMENT'),
      '60',
      NOW_MS,
    );

    expect(classified.retryAfterSeconds).toBeUndefined();
  });

  it('reads a quota reason from ErrorInfo details', () => {
    const details = [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'rateLimitExceeded' },
    ];
    const body = googleError(403, 'PERMISSION_DENIED', undefined, { details });

    expect(classifyRequestError(403, body).partnerCode).toBe('403/rateLimitExceeded');
  });

  it.each([
    [401, 'invalid_credentials', false],
    [403, 'invalid_credentials', false],
    [429, 'other', true],
    [502, 'other', true],
    [404, 'other', false],
  ])('classifies HTTP %i without Google body as %s', (httpStatus, category, retryable) => {
    const classified = classifyRequestError(httpStatus, '<html><body>Bad Gateway</body></html>');

    expect(classified.category).toBe(category);
    expect(classified.retryable).toBe(retryable);
    expect(classified.partnerCode).toBeUndefined();
    expect(classified.httpStatus).toBe(httpStatus);
  });
});

describe('classifyTokenError', () => {
  it.each([
    [400, 'invalid_grant', 'invalid_credentials', false],
    [401, 'invalid_client', 'invalid_credentials', false],
    [400, 'unauthorized_client', 'invalid_credentials', false],
    [400, 'invalid_scope', 'invalid_credentials', false],
    [400, 'invalid_request', 'partner_error', false],
    [400, 'unsupported_grant_type', 'partner_error', false],
    [503, 'temporarily_unavailable', 'partner_error', true],
    [400, 'brand_new_error', 'partner_error', false],
  ])('maps %i %s to %s', (httpStatus, error, category, retryable) => {
    const body = { error, error_description: `about ${error}` };
    const classified = classifyTokenError(httpStatus, body);

    expect(classified.partnerCode).toBe(error);
    expect(classified.category).toBe(category);
    expect(classified.retryable).toBe(retryable);
    expect(classified.partnerMessage).toBe(`about ${error}`);
  });

  it('retries a 500 without OAuth body', () => {
    const classified = classifyTokenError(500, 'Internal Server Error');

    expect(classified.category).toBe('other');
    expect(classified.retryable).toBe(true);
    expect(classified.partnerMessage).toMatch(/^The token endpoint responded with HTTP 500/);
  });
});

describe('explainCm360Error', () => {
  it.each([
    ['NOT_FOUND', /Floodlight activity/],
    ['429/RESOURCE_EXHAUSTED', /quota/],
    ['403/userRateLimitExceeded', /queries per second/],
    ['invalid_grant', /refresh token/],
    ['500/NEW_STATUS', /does not know/],
  ])('explains %s', (code, summary) => {
    expect(explainCm360Error(code)?.summary).toMatch(summary);
  });

  it('returns undefined for a code of no table', () => {
    expect(explainCm360Error('190')).toBeUndefined();
  });
});

describe('redactPartnerMessage', () => {
  it.each([
    ['token ya29.a0AfB_secret-part here', 'token [redacted] here'],
    ['user a.b@example.com failed', 'user [redacted] failed'],
    ['device 6D92078A-8246-4BA4-AE5B-76104861E7DC', 'device [redacted]'],
    [`hash ${'ab'.repeat(32)}`, 'hash [redacted]'],
  ])('redacts %s', (message, expected) => {
    expect(redactPartnerMessage(message)).toBe(expected);
  });

  it('cuts long messages to 500 characters', () => {
    expect(redactPartnerMessage('x'.repeat(2_000))).toHaveLength(500);
  });
});
