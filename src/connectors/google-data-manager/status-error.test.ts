import { describe, expect, it } from 'vitest';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { DATA_MANAGER_ERROR_RULES, findDataManagerErrorRule } from './error-codes.js';
import {
  classifyGoogleErrorResponse,
  memberIndexOf,
  readGoogleStatusError,
  redactGoogleMessage,
} from './status-error.js';

function response(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): PartnerResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);

  return { status, headers, text, durationMs: 1 };
}

function googleError(
  status: number,
  canonical: string,
  reason?: string,
  domain = 'datamanager.googleapis.com',
) {
  const details =
    reason === undefined
      ? []
      : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain }];

  return {
    error: { code: status, message: `Simulated ${canonical}.`, status: canonical, details },
  };
}

describe('readGoogleStatusError', () => {
  it('reads reason, request id and field violations', () => {
    const parsed = readGoogleStatusError(
      JSON.stringify({
        error: {
          code: 400,
          message: 'Bad member.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'INVALID_SHA256_FORMAT',
              domain: 'datamanager.googleapis.com',
            },
            { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'req-1' },
            {
              '@type': 'type.googleapis.com/google.rpc.BadRequest',
              fieldViolations: [
                {
                  field: 'audience_members[2].user_data',
                  description: 'x',
                  reason: 'INVALID_SHA256_FORMAT',
                },
              ],
            },
          ],
        },
      }),
    );

    expect(parsed).toEqual({
      status: 'INVALID_ARGUMENT',
      message: 'Bad member.',
      reason: 'INVALID_SHA256_FORMAT',
      domain: 'datamanager.googleapis.com',
      requestId: 'req-1',
      violations: [
        {
          field: 'audience_members[2].user_data',
          description: 'x',
          reason: 'INVALID_SHA256_FORMAT',
        },
      ],
    });
  });

  it.each(['', '<html></html>', '{"error":"invalid_grant"}', '[]'])(
    'returns undefined for %j',
    (text) => {
      expect(readGoogleStatusError(text)).toBeUndefined();
    },
  );
});

describe('memberIndexOf', () => {
  it.each([
    ['audience_members[3].user_data.user_identifiers[0]', 3],
    ['audienceMembers[12].userData', 12],
    ['request.audience_members[0]', 0],
    ['destinations[0].product_destination_id', undefined],
    ['encoding', undefined],
  ])('reads %j as %j', (field, index) => {
    expect(memberIndexOf({ field })).toBe(index);
  });
});

describe('classifyGoogleErrorResponse', () => {
  it.each([
    [401, 'UNAUTHENTICATED', 'ACCESS_TOKEN_EXPIRED', 'invalid_credentials', false],
    [401, 'UNAUTHENTICATED', undefined, 'invalid_credentials', false],
    [403, 'PERMISSION_DENIED', 'PERMISSION_DENIED', 'invalid_credentials', false],
    [403, 'PERMISSION_DENIED', 'SERVICE_DISABLED', 'invalid_credentials', false],
    [403, 'PERMISSION_DENIED', 'SOME_NEW_REASON', 'invalid_credentials', false],
    [429, 'RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'partner_error', true],
    [429, 'RESOURCE_EXHAUSTED', 'RATE_LIMIT_EXCEEDED', 'partner_error', true],
    [500, 'INTERNAL', 'INTERNAL_ERROR', 'partner_error', true],
    [504, 'DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'partner_error', true],
    [503, 'UNAVAILABLE', undefined, 'partner_error', true],
    [400, 'INVALID_ARGUMENT', 'TOO_MANY_AUDIENCE_MEMBERS', 'partner_error', false],
    [400, 'INVALID_ARGUMENT', 'INVALID_SHA256_FORMAT', 'partner_error', false],
    [400, 'INVALID_ARGUMENT', 'TERMS_AND_CONDITIONS_NOT_SIGNED', 'partner_error', false],
    [404, 'NOT_FOUND', 'NOT_FOUND', 'partner_error', false],
  ] as const)('classifies %i %s/%s', (status, canonical, reason, category, retryable) => {
    const classified = classifyGoogleErrorResponse(
      response(status, googleError(status, canonical, reason)),
    );

    expect(classified.category).toBe(category);
    expect(classified.retryable).toBe(retryable);
    expect(classified.partnerCode).toBe(reason ?? canonical);
    expect(classified.httpStatus).toBe(status);
  });

  it('keeps an unknown reason as the partner code', () => {
    const classified = classifyGoogleErrorResponse(
      response(400, googleError(400, 'INVALID_ARGUMENT', 'BRAND_NEW')),
    );

    expect(classified).toMatchObject({
      category: 'partner_error',
      retryable: false,
      partnerCode: 'BRAND_NEW',
    });
  });

  it('waits at least 30 seconds after a 429', () => {
    const classified = classifyGoogleErrorResponse(
      response(429, googleError(429, 'RESOURCE_EXHAUSTED')),
    );

    expect(classified.retryAfterSeconds).toBe(30);
  });

  it('keeps a longer Retry-After and caps it at an hour', () => {
    const longer = classifyGoogleErrorResponse(
      response(429, googleError(429, 'RESOURCE_EXHAUSTED'), { 'retry-after': '120' }),
    );
    const huge = classifyGoogleErrorResponse(
      response(503, googleError(503, 'UNAVAILABLE'), { 'retry-after': '999999' }),
    );

    expect(longer.retryAfterSeconds).toBe(120);
    expect(huge.retryAfterSeconds).toBe(3_600);
  });

  it.each([
    [502, true],
    [429, true],
    [404, false],
  ])('classifies HTTP %i without a Google body as other', (status, retryable) => {
    const classified = classifyGoogleErrorResponse(response(status, '<html>Bad Gateway</html>'));

    expect(classified.category).toBe('other');
    expect(classified.retryable).toBe(retryable);
    expect(classified).not.toHaveProperty('partnerCode');
  });

  it('adds Google request id to the message', () => {
    const body = googleError(500, 'INTERNAL', 'INTERNAL_ERROR');
    (body.error.details as unknown[]).push({
      '@type': 'type.googleapis.com/google.rpc.RequestInfo',
      requestId: 'abc',
    });

    expect(classifyGoogleErrorResponse(response(500, body)).partnerMessage).toBe(
      'Simulated INTERNAL. (Google request id abc)',
    );
  });
});

describe('redactGoogleMessage', () => {
  it('removes tokens, emails and digests', () => {
    const digest = 'a'.repeat(64);
    const message = `Token ya29.a0AfB_byC-secret and 1//0gRefreshTokenValue for jane@example.com hash ${digest}`;

    expect(redactGoogleMessage(message)).toBe(
      'Token [redacted] and [redacted] for [redacted] hash [redacted]',
    );
  });

  it('cuts long messages', () => {
    expect(redactGoogleMessage('x'.repeat(600))).toHaveLength(500);
  });
});

describe('error rules', () => {
  it('maps every Data Manager ErrorReason', () => {
    const reasons = [
      'INTERNAL_ERROR',
      'DEADLINE_EXCEEDED',
      'RESOURCE_EXHAUSTED',
      'NOT_FOUND',
      'PERMISSION_DENIED',
      'INVALID_ARGUMENT',
      'REQUIRED_FIELD_MISSING',
      'INVALID_FORMAT',
      'INVALID_HEX_ENCODING',
      'INVALID_BASE64_ENCODING',
      'INVALID_SHA256_FORMAT',
      'INVALID_POSTAL_CODE',
      'INVALID_COUNTRY_CODE',
      'INVALID_ENUM_VALUE',
      'INVALID_USER_LIST_TYPE',
      'INVALID_AUDIENCE_MEMBER',
      'TOO_MANY_AUDIENCE_MEMBERS',
      'TOO_MANY_USER_IDENTIFIERS',
      'TOO_MANY_DESTINATIONS',
      'INVALID_DESTINATION',
      'DATA_PARTNER_USER_LIST_MUTATE_NOT_ALLOWED',
      'INVALID_MOBILE_ID_FORMAT',
      'INVALID_USER_LIST_ID',
      'MULTIPLE_DATA_TYPES_NOT_ALLOWED',
      'DIFFERENT_LOGIN_ACCOUNTS_NOT_ALLOWED_FOR_DATA_PARTNER',
      'TERMS_AND_CONDITIONS_NOT_SIGNED',
      'INVALID_REQUEST_ID',
    ];

    expect(reasons.filter((reason) => !DATA_MANAGER_ERROR_RULES.has(reason))).toEqual([]);
  });

  it('retries only temporary and throttling codes', () => {
    const retried = [...DATA_MANAGER_ERROR_RULES]
      .filter(([, rule]) => rule.retryable)
      .map(([code]) => code);

    expect(retried.sort()).toEqual(
      [
        'ABORTED',
        'DEADLINE_EXCEEDED',
        'FAILED',
        'INTERNAL',
        'INTERNAL_ERROR',
        'INVALID_REQUEST_ID',
        'PROCESSING_ERROR_REASON_INTERNAL_ERROR',
        'RATE_LIMIT_EXCEEDED',
        'RESOURCE_EXHAUSTED',
        'RESOURCE_QUOTA_EXCEEDED',
        'UNAVAILABLE',
        'UNKNOWN',
      ].sort(),
    );
  });

  it('gives unknown codes a final partner error', () => {
    expect(findDataManagerErrorRule('NEVER_SEEN')).toMatchObject({
      category: 'partner_error',
      retryable: false,
    });
  });
});
