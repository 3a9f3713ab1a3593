import { describe, expect, it } from 'vitest';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { CLANG_ERROR_RULES, classifyClangFault, classifyClangHttpStatus } from './error-codes.js';
import { readCallResponse } from './soap-call.js';

function response(status: number, text: string, headers = {}): PartnerResponse {
  return { status, text, headers, durationMs: 1 };
}

function fault(code: string, message: string): string {
  return (
    '<SOAP-ENV:Envelope><SOAP-ENV:Body><SOAP-ENV:Fault>' +
    `<faultcode>${code}</faultcode><faultstring>${message}</faultstring>` +
    '</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}

describe('classifyClangFault', () => {
  it.each([
    // code, message, category, retryable
    ['105', 'Size must be between 1 and 50', 'partner_error', false],
    ['107', 'customer already member of group', 'partner_error', false],
    ['213', 'Customer not found', 'partner_error', false],
    ['Server', 'Internal error', 'partner_error', true],
    ['Client', 'Bad Request', 'partner_error', false],
    ['VersionMismatch', 'Wrong version', 'partner_error', false],
    ['MustUnderstand', 'Header not understood', 'partner_error', false],
    ['101', 'Invalid uuid', 'invalid_credentials', false],
    ['999', 'The UUID is not valid', 'invalid_credentials', false],
    ['999', 'Something unknown', 'partner_error', false],
  ])('classifies code %s with message %j', (code, message, category, retryable) => {
    const result = classifyClangFault(code, message);

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBe(code);
    expect(result.partnerMessage).toBe(message);
  });

  it('cuts long message to 500 characters', () => {
    expect(classifyClangFault('1', 'x'.repeat(2000)).partnerMessage).toHaveLength(500);
  });
});

describe('classifyClangHttpStatus', () => {
  it.each([
    [401, 'invalid_credentials', false],
    [403, 'invalid_credentials', false],
    [429, 'other', true],
    [502, 'other', true],
    [503, 'other', true],
    [404, 'other', false],
    [400, 'other', false],
  ])('classifies HTTP %i', (status, category, retryable) => {
    const result = classifyClangHttpStatus(status, 'the body is not XML');

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBeUndefined();
  });
});

describe('readCallResponse', () => {
  it('classifies fault whatever the HTTP status', () => {
    const result = readCallResponse(response(500, fault('213', 'Customer not found')));

    expect(result).toMatchObject({
      ok: false,
      faultCode: '213',
      error: { category: 'partner_error', partnerCode: '213', httpStatus: 500, retryable: false },
    });
  });

  it('treats non-zero result code as error', () => {
    const text = '<Envelope><Body><x><code>3</code><msg>false</msg></x></Body></Envelope>';

    expect(readCallResponse(response(200, text))).toMatchObject({
      ok: false,
      error: { category: 'partner_error', partnerCode: '3', retryable: false },
    });
  });

  it('retries 200 response with unreadable body', () => {
    expect(readCallResponse(response(200, '<html>proxy</html>'))).toMatchObject({
      ok: false,
      error: { category: 'other', retryable: true, httpStatus: 200 },
    });
  });

  it('keeps Retry-After only on retried errors', () => {
    const retried = readCallResponse(
      response(500, fault('Server', 'busy'), { 'retry-after': '9' }),
    );
    const final = readCallResponse(response(500, fault('213', 'gone'), { 'retry-after': '9' }));

    expect(retried).toMatchObject({ ok: false, error: { retryAfterSeconds: 9 } });
    expect(final).toMatchObject({ ok: false, error: { partnerCode: '213' } });
    expect(final).not.toHaveProperty('error.retryAfterSeconds');
  });
});

describe('CLANG_ERROR_RULES', () => {
  it.each([...CLANG_ERROR_RULES.entries()])(
    'gives rule %s an explanation and fix',
    (_code, rule) => {
      expect(rule.explanation).toMatch(/\S/);
      expect(rule.fix).toMatch(/\S/);
    },
  );
});
