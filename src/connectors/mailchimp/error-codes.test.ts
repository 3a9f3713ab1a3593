import { describe, expect, it } from 'vitest';
import {
  MAILCHIMP_ERROR_RULES,
  classifyMailchimpError,
  classifyMemberError,
  codeFromTitle,
  findMailchimpErrorRule,
  redactPartnerMessage,
} from './error-codes.js';

function problemBody(title: string, status: number, detail = 'Something went wrong.') {
  return { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail };
}

describe('classifyMailchimpError with problem body', () => {
  it.each([
    // title, status, category, retryable, partnerCode
    ['Bad Request', 400, 'partner_error', false, 'BadRequest'],
    ['Invalid Action', 400, 'partner_error', false, 'InvalidAction'],
    ['Invalid Resource', 400, 'partner_error', false, 'InvalidResource'],
    ['JSON Parse Error', 400, 'partner_error', false, 'JSONParseError'],
    ['API Key Missing', 401, 'invalid_credentials', false, 'APIKeyMissing'],
    ['API Key Invalid', 401, 'invalid_credentials', false, 'APIKeyInvalid'],
    ['Forbidden', 403, 'invalid_credentials', false, 'Forbidden'],
    ['User Disabled', 403, 'invalid_credentials', false, 'UserDisabled'],
    ['Wrong Datacenter', 403, 'invalid_credentials', false, 'WrongDatacenter'],
    ['Resource Not Found', 404, 'partner_error', false, 'ResourceNotFound'],
    ['Method Not Allowed', 405, 'partner_error', false, 'MethodNotAllowed'],
    ['Resource Nesting Too Deep', 414, 'partner_error', false, 'ResourceNestingTooDeep'],
    ['Invalid Method Override', 422, 'partner_error', false, 'InvalidMethodOverride'],
    ['Requested Fields Invalid', 422, 'partner_error', false, 'RequestedFieldsInvalid'],
    ['Too Many Requests', 429, 'partner_error', true, 'TooManyRequests'],
    ['Internal Server Error', 500, 'partner_error', true, 'InternalServerError'],
    ['Compliance Related', 503, 'partner_error', true, 'ComplianceRelated'],
    ['Member Exists', 400, 'partner_error', false, 'MemberExists'],
    ['Brand New Outage', 502, 'partner_error', true, 'BrandNewOutage'],
    ['Brand New Throttle', 429, 'partner_error', true, 'BrandNewThrottle'],
  ])('classifies title %j', (title, status, category, retryable, partnerCode) => {
    const result = classifyMailchimpError(status, problemBody(title, status));

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBe(partnerCode);
  });

  it('reads compact title as the same code', () => {
    expect(classifyMailchimpError(401, problemBody('APIKeyInvalid', 401)).partnerCode).toBe(
      'APIKeyInvalid',
    );
  });

  it('parses body from response text', () => {
    const text = JSON.stringify(problemBody('Resource Not Found', 404));

    expect(classifyMailchimpError(404, text).partnerCode).toBe('ResourceNotFound');
  });

  it('marks Invalid Resource bisectable', () => {
    expect(classifyMailchimpError(400, problemBody('Invalid Resource', 400)).bisectable).toBe(true);
  });

  it.each([['Bad Request'], ['Resource Not Found'], ['API Key Invalid'], ['Too Many Requests']])(
    'leaves %s unbisectable',
    (title) => {
      expect(classifyMailchimpError(400, problemBody(title, 400)).bisectable).toBeUndefined();
    },
  );

  it('delays retry after compliance hold', () => {
    expect(
      classifyMailchimpError(503, problemBody('Compliance Related', 503)).retryDelaySeconds,
    ).toBe(3600);
  });

  it('joins detail and field errors in message', () => {
    const body = {
      ...problemBody('Invalid Resource', 400, 'The resource submitted could not be validated.'),
      errors: [{ field: 'members.0.status', message: 'Unknown status.' }],
    };

    expect(classifyMailchimpError(400, body).partnerMessage).toBe(
      'The resource submitted could not be validated. members.0.status: Unknown status.',
    );
  });

  it('redacts address in detail', () => {
    const body = problemBody('Invalid Resource', 400, 'jane@example.com is already a member.');

    expect(classifyMailchimpError(400, body).partnerMessage).toBe(
      '[redacted] is already a member.',
    );
  });
});

describe('classifyMailchimpError without problem title', () => {
  it.each([
    // status, body, category, retryable
    [429, undefined, 'other', true],
    [500, '<html>Internal Server Error</html>', 'other', true],
    [503, '<html>Request Blocked</html>', 'other', true],
    [502, '', 'other', true],
    [401, undefined, 'invalid_credentials', false],
    [403, '<html>Forbidden</html>', 'invalid_credentials', false],
    [404, { detail: 'no title here' }, 'other', false],
    [400, 'not json', 'other', false],
    [400, { title: '   ' }, 'other', false],
  ])('classifies HTTP %i with body %j', (status, body, category, retryable) => {
    const result = classifyMailchimpError(status, body);

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBeUndefined();
  });

  it('names HTTP status in explanation', () => {
    expect(classifyMailchimpError(502, undefined).explanation).toContain('502');
  });
});

describe('classifyMemberError', () => {
  it('classifies contact exists', () => {
    const result = classifyMemberError({
      error: 'a@example.com is already a list member.',
      error_code: 'ERROR_CONTACT_EXISTS',
    });

    expect(result.partnerCode).toBe('ERROR_CONTACT_EXISTS');
    expect(result.category).toBe('partner_error');
    expect(result.retryable).toBe(false);
    expect(result.partnerMessage).toBe('[redacted] is already a list member.');
  });

  it('classifies generic error', () => {
    const result = classifyMemberError({ error: 'looks fake', error_code: 'ERROR_GENERIC' });

    expect(result.partnerCode).toBe('ERROR_GENERIC');
    expect(result.retryable).toBe(false);
  });

  it('takes missing code as generic', () => {
    expect(classifyMemberError({ error: 'rejected' }).partnerCode).toBe('ERROR_GENERIC');
  });

  it('keeps unknown code', () => {
    const result = classifyMemberError({ error: 'new', error_code: 'ERROR_SOMETHING_NEW' });

    expect(result.partnerCode).toBe('ERROR_SOMETHING_NEW');
    expect(result.category).toBe('partner_error');
    expect(result.retryable).toBe(false);
  });
});

describe('codeFromTitle', () => {
  it.each([
    ['API Key Invalid', 'APIKeyInvalid'],
    ['JSON Parse Error', 'JSONParseError'],
    ['Forgotten Email Not Subscribed', 'ForgottenEmailNotSubscribed'],
    ['  ', undefined],
  ])('turns %j into %j', (title, code) => {
    expect(codeFromTitle(title)).toBe(code);
  });
});

describe('MAILCHIMP_ERROR_RULES', () => {
  it.each([...MAILCHIMP_ERROR_RULES.entries()])(
    'gives %s an explanation and fix',
    (_code, rule) => {
      expect(rule.explanation).toMatch(/\S/);
      expect(rule.fix).toMatch(/\S/);
    },
  );

  it('maps every glossary name', () => {
    const glossary = [
      'BadRequest',
      'InvalidAction',
      'InvalidResource',
      'JSONParseError',
      'APIKeyMissing',
      'APIKeyInvalid',
      'Forbidden',
      'UserDisabled',
      'WrongDatacenter',
      'ResourceNotFound',
      'MethodNotAllowed',
      'ResourceNestingTooDeep',
      'InvalidMethodOverride',
      'RequestedFieldsInvalid',
      'TooManyRequests',
      'InternalServerError',
      'ComplianceRelated',
    ];

    expect(glossary.filter((name) => !MAILCHIMP_ERROR_RULES.has(name))).toEqual([]);
  });

  it('explains unknown code', () => {
    expect(findMailchimpErrorRule('SomethingNew').explanation).toBe(
      'Mailchimp returned an error title that Activator does not know.',
    );
  });
});

describe('redactPartnerMessage', () => {
  it('redacts API key', () => {
    expect(redactPartnerMessage('Key 0123456789abcdef0123456789abcdef-us6 is disabled')).toBe(
      'Key [redacted] is disabled',
    );
  });

  it('cuts long message to 500 characters', () => {
    expect(redactPartnerMessage('x'.repeat(2000))).toHaveLength(500);
  });
});
