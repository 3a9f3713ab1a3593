import { describe, expect, it } from 'vitest';
import {
  META_ERROR_RULES,
  classifyMetaError,
  findMetaErrorRule,
  redactPartnerMessage,
} from './error-codes.js';

function graphError(code: number, subcode?: number, message = 'An error occurred'): unknown {
  const error: Record<string, unknown> = {
    message,
    type: 'OAuthException',
    code,
    fbtrace_id: 'A1b2C3',
  };
  if (subcode !== undefined) error.error_subcode = subcode;
  return { error };
}

describe('classifyMetaError with Graph error envelope', () => {
  it.each([
    // code, subcode, category, retryable, partnerCode
    [190, undefined, 'invalid_credentials', false, '190'],
    [190, 463, 'invalid_credentials', false, '190/463'],
    [190, 999, 'invalid_credentials', false, '190/999'],
    [102, undefined, 'invalid_credentials', false, '102'],
    [10, undefined, 'invalid_credentials', false, '10'],
    [200, undefined, 'invalid_credentials', false, '200'],
    [250, undefined, 'invalid_credentials', false, '250'],
    [294, undefined, 'invalid_credentials', false, '294'],
    [299, undefined, 'invalid_credentials', false, '299'],
    [1, undefined, 'partner_error', true, '1'],
    [2, undefined, 'partner_error', true, '2'],
    [4, undefined, 'partner_error', true, '4'],
    [17, 2446079, 'partner_error', true, '17/2446079'],
    [341, undefined, 'partner_error', true, '341'],
    [613, 1487742, 'partner_error', true, '613/1487742'],
    [80003, undefined, 'partner_error', true, '80003'],
    [5000, undefined, 'partner_error', true, '5000'],
    [368, undefined, 'partner_error', true, '368'],
    [3, undefined, 'partner_error', false, '3'],
    [100, undefined, 'partner_error', false, '100'],
    [100, 33, 'partner_error', false, '100/33'],
    [100, 1713230, 'partner_error', false, '100/1713230'],
    [105, undefined, 'partner_error', false, '105'],
    [300, undefined, 'partner_error', false, '300'],
    [2650, undefined, 'partner_error', false, '2650'],
    [1487301, undefined, 'partner_error', false, '1487301'],
    [1487366, undefined, 'partner_error', false, '1487366'],
    [987654, undefined, 'partner_error', false, '987654'],
  ])('classifies code %i subcode %s', (code, subcode, category, retryable, partnerCode) => {
    const result = classifyMetaError(400, graphError(code, subcode));
    expect({
      category: result.category,
      retryable: result.retryable,
      partnerCode: result.partnerCode,
    }).toEqual({
      category,
      retryable,
      partnerCode,
    });
  });

  it('ignores HTTP status when code is present', () => {
    const result = classifyMetaError(500, graphError(100, 33));
    expect(result.retryable).toBe(false);
  });

  it('delays retry after policy block', () => {
    expect(classifyMetaError(400, graphError(368)).retryDelaySeconds).toBe(3600);
  });

  it.each([
    // code, subcode, bisectable
    [100, undefined, true],
    [100, 12345, true],
    [2650, undefined, true],
    [100, 33, undefined],
    [100, 1713230, undefined],
    [100, 1487366, undefined],
    [190, undefined, undefined],
    [613, undefined, undefined],
  ])('marks code %i subcode %s bisectable %s', (code, subcode, bisectable) => {
    expect(classifyMetaError(400, graphError(code, subcode)).bisectable).toBe(bisectable);
  });

  it('sets no retry delay for rate limits', () => {
    expect(classifyMetaError(400, graphError(613)).retryDelaySeconds).toBeUndefined();
  });

  it('explains unknown audience', () => {
    const result = classifyMetaError(400, graphError(100, 33));
    expect(result.fix).toBe(
      'Check the custom audience id and that the system user has access to the ad account.',
    );
  });

  it('explains audience subcode under parent code', () => {
    const result = classifyMetaError(400, graphError(100, 1487366));
    expect(result.explanation).toBe('The custom audience has been deleted.');
  });

  it('keeps parent code in partner code for audience subcode', () => {
    expect(classifyMetaError(400, graphError(100, 1487366)).partnerCode).toBe('100/1487366');
  });

  it('passes partner message through', () => {
    const result = classifyMetaError(400, graphError(100, 33, 'Unsupported post request.'));
    expect(result.partnerMessage).toBe('Unsupported post request.');
  });

  it('passes fbtrace id through', () => {
    expect(classifyMetaError(400, graphError(1)).fbtraceId).toBe('A1b2C3');
  });

  it('parses envelope from response text', () => {
    const result = classifyMetaError(400, JSON.stringify(graphError(190, 460)));
    expect(result.partnerCode).toBe('190/460');
  });

  it('reads code sent as digit string', () => {
    const result = classifyMetaError(400, { error: { code: '613', message: 'Calls limited' } });
    expect(result.partnerCode).toBe('613');
  });

  it('explains unknown code', () => {
    const result = classifyMetaError(400, graphError(424242));
    expect(result.explanation).toBe('Meta returned an error code that Activator does not know.');
  });
});

describe('classifyMetaError without envelope', () => {
  it.each([
    // status, body, category, retryable
    [429, undefined, 'other', true],
    [500, '<html>Internal Server Error</html>', 'other', true],
    [502, '', 'other', true],
    [503, { message: 'busy' }, 'other', true],
    [401, undefined, 'invalid_credentials', false],
    [403, '<html>Forbidden</html>', 'invalid_credentials', false],
    [400, 'not json', 'other', false],
    [404, { error: 'Not Found' }, 'other', false],
    [404, { error: { message: 'no code here' } }, 'other', false],
    [200, '<html>proxy login</html>', 'other', false],
  ])('classifies HTTP %i with body %j', (status, body, category, retryable) => {
    const result = classifyMetaError(status, body);
    expect({ category: result.category, retryable: result.retryable }).toEqual({
      category,
      retryable,
    });
  });

  it('sets no partner code', () => {
    expect(classifyMetaError(503, 'Service Unavailable').partnerCode).toBeUndefined();
  });

  it('names HTTP status in explanation', () => {
    expect(classifyMetaError(502, undefined).explanation).toContain('502');
  });
});

describe('META_ERROR_RULES', () => {
  it.each([...META_ERROR_RULES.entries()])(
    'gives rule %s an explanation and fix',
    (_code, rule) => {
      expect(rule.explanation).toMatch(/\S/);
      expect(rule.fix).toMatch(/\S/);
    },
  );
});

describe('findMetaErrorRule', () => {
  it('falls back from unknown subcode to code', () => {
    expect(findMetaErrorRule(100, 12345)).toBe(findMetaErrorRule(100));
  });

  it('treats code 199 as unknown', () => {
    expect(findMetaErrorRule(199).category).toBe('partner_error');
  });
});

describe('redactPartnerMessage', () => {
  it.each([
    [
      'access token',
      'Malformed access token EAABsbCS1iHgBAKZCZBOZD5s9Z',
      'Malformed access token [redacted]',
    ],
    [
      'email address',
      'Invalid value jane.doe+ads@example.co.uk in row 3',
      'Invalid value [redacted] in row 3',
    ],
    [
      'SHA-256 digest',
      'Bad hash 8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d.',
      'Bad hash [redacted].',
    ],
    [
      'mobile advertising id',
      'MADID 6d92078a-8246-4ba4-ae5b-76104861e7dc rejected',
      'MADID [redacted] rejected',
    ],
  ])('redacts %s', (_name, message, expected) => {
    expect(redactPartnerMessage(message)).toBe(expected);
  });

  it('keeps audience id', () => {
    const message = 'Object with ID 23851234567890123 does not exist';
    expect(redactPartnerMessage(message)).toBe(message);
  });

  it('cuts long message to 500 characters', () => {
    expect(redactPartnerMessage('x'.repeat(2000))).toHaveLength(500);
  });

  it('redacts token in classified message', () => {
    const result = classifyMetaError(
      400,
      graphError(190, undefined, 'Invalid OAuth access token EAAGm0PX4ZCpsBAMZB1ZA'),
    );
    expect(result.partnerMessage).toBe('Invalid OAuth access token [redacted]');
  });
});
