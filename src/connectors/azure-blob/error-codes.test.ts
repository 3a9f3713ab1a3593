import { describe, expect, it } from 'vitest';
import { AZURE_ERROR_RULES, classifyAzureError, readErrorBody } from './error-codes.js';

function errorXml(code: string, message = 'Something failed.', detail?: string): string {
  const detailXml =
    detail === undefined ? '' : `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`;

  return `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message>${detailXml}</Error>`;
}

describe('classifyAzureError with error body', () => {
  it.each([
    // code, status, category, retryable
    ['NoAuthenticationInformation', 401, 'invalid_credentials', false],
    ['InvalidAuthenticationInfo', 401, 'invalid_credentials', false],
    ['AuthenticationFailed', 403, 'invalid_credentials', false],
    ['AuthorizationFailure', 403, 'invalid_credentials', false],
    ['AuthorizationPermissionMismatch', 403, 'invalid_credentials', false],
    ['AuthorizationServiceMismatch', 403, 'invalid_credentials', false],
    ['AuthorizationResourceTypeMismatch', 403, 'invalid_credentials', false],
    ['AuthorizationProtocolMismatch', 403, 'invalid_credentials', false],
    ['AuthorizationSourceIPMismatch', 403, 'invalid_credentials', false],
    ['InsufficientAccountPermissions', 403, 'invalid_credentials', false],
    ['AccountIsDisabled', 403, 'invalid_credentials', false],
    ['ContainerNotFound', 404, 'partner_error', false],
    ['ContainerBeingDeleted', 409, 'partner_error', false],
    ['ContainerDisabled', 409, 'partner_error', false],
    ['ResourceNotFound', 404, 'partner_error', false],
    ['BlobAlreadyExists', 409, 'partner_error', false],
    ['ConditionNotMet', 412, 'partner_error', false],
    ['InvalidHeaderValue', 400, 'partner_error', false],
    ['MissingRequiredHeader', 400, 'partner_error', false],
    ['InvalidQueryParameterValue', 400, 'partner_error', false],
    ['InvalidResourceName', 400, 'partner_error', false],
    ['InvalidUri', 400, 'partner_error', false],
    ['InvalidInput', 400, 'partner_error', false],
    ['RequestBodyTooLarge', 413, 'partner_error', false],
    ['Md5Mismatch', 400, 'partner_error', false],
    ['InternalError', 500, 'partner_error', true],
    ['OperationTimedOut', 500, 'partner_error', true],
    ['ServerBusy', 503, 'partner_error', true],
    ['SomethingNew', 400, 'partner_error', false],
    ['SomethingNew', 503, 'partner_error', true],
  ])('classifies %s with HTTP %i', (code, status, category, retryable) => {
    const result = classifyAzureError(status, errorXml(code), undefined);

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBe(code);
  });

  it('joins message and authentication detail', () => {
    const result = classifyAzureError(
      403,
      errorXml('AuthenticationFailed', 'Auth failed &amp; stopped.', 'Signature mismatch.'),
      undefined,
    );

    expect(result.partnerMessage).toBe('Auth failed & stopped. Signature mismatch.');
  });

  it('reads code from x-ms-error-code without body', () => {
    const result = classifyAzureError(503, '', 'ServerBusy');

    expect(result.partnerCode).toBe('ServerBusy');
    expect(result.retryable).toBe(true);
  });
});

describe('classifyAzureError without code', () => {
  it.each([
    [401, 'invalid_credentials', false],
    [403, 'invalid_credentials', false],
    [429, 'other', true],
    [500, 'other', true],
    [503, 'other', true],
    [404, 'other', false],
  ])('classifies HTTP %i', (status, category, retryable) => {
    const result = classifyAzureError(status, '<html>Error</html>', undefined);

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBeUndefined();
  });
});

describe('readErrorBody', () => {
  it('returns nothing for a body without Error element', () => {
    expect(readErrorBody('<html><Code>X</Code></html>')).toEqual({});
  });
});

describe('AZURE_ERROR_RULES', () => {
  it.each([...AZURE_ERROR_RULES.entries()])(
    'gives rule %s an explanation and fix',
    (_code, rule) => {
      expect(rule.explanation).toMatch(/\S/);
      expect(rule.fix).toMatch(/\S/);
    },
  );
});
