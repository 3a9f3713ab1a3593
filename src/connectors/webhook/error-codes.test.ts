import { describe, expect, it } from 'vitest';
import {
  REJECTED_PROFILE_RULE,
  WEBHOOK_ERROR_RULES,
  classifyWebhookResponse,
  findWebhookErrorRule,
} from './error-codes.js';

describe('classifyWebhookResponse', () => {
  it.each([
    // status, category, retryable, partnerCode, bisectable
    [401, 'invalid_credentials', false, 'http_401', undefined],
    [403, 'invalid_credentials', false, 'http_403', undefined],
    [400, 'partner_error', false, 'http_400', undefined],
    [404, 'partner_error', false, 'http_404', undefined],
    [405, 'partner_error', false, 'http_405', undefined],
    [408, 'partner_error', true, 'http_408', undefined],
    [409, 'partner_error', false, 'http_409', undefined],
    [410, 'partner_error', false, 'http_410', undefined],
    [413, 'partner_error', false, 'http_413', true],
    [415, 'partner_error', false, 'http_415', undefined],
    [422, 'partner_error', false, 'http_422', true],
    [418, 'partner_error', false, 'http_418', undefined],
    [429, 'other', true, undefined, undefined],
    [500, 'other', true, undefined, undefined],
    [503, 'other', true, undefined, undefined],
    [301, 'other', false, undefined, undefined],
    [302, 'other', false, undefined, undefined],
  ])('classifies HTTP %i', (status, category, retryable, partnerCode, bisectable) => {
    const result = classifyWebhookResponse(status, undefined);

    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
    expect(result.partnerCode).toBe(partnerCode);
    expect(result.bisectable).toBe(bisectable);
  });

  it.each([
    [{ code: 'invalid_signature', message: 'Bad signature.' }, 'invalid_signature: Bad signature.'],
    [{ error: { code: 'x', message: 'Nested.' } }, 'x: Nested.'],
    [{ error: 'Plain error text.' }, 'Plain error text.'],
    [{ message: 'Only a message.' }, 'Only a message.'],
    ['{"code":"from_text"}', 'from_text'],
  ])('reads message from %j', (body, message) => {
    expect(classifyWebhookResponse(400, body).partnerMessage).toBe(message);
  });

  it.each([['<html><body>Bad Gateway</body></html>'], [''], [{ status: 'bad' }], [[1, 2]]])(
    'ignores body %j',
    (body) => {
      expect(classifyWebhookResponse(502, body).partnerMessage).toBeUndefined();
    },
  );

  it('names status in explanation', () => {
    expect(classifyWebhookResponse(502, undefined).explanation).toContain('502');
  });
});

describe('findWebhookErrorRule', () => {
  it('returns rule of listed status', () => {
    expect(findWebhookErrorRule('http_413')).toBe(WEBHOOK_ERROR_RULES.get('http_413'));
  });

  it('covers unlisted 4xx status', () => {
    expect(findWebhookErrorRule('http_451').explanation).toContain('client error');
  });

  it('treats any other code as profile rejection', () => {
    expect(findWebhookErrorRule('unknown_customer')).toBe(REJECTED_PROFILE_RULE);
  });

  it.each([...WEBHOOK_ERROR_RULES.entries()])('gives %s an explanation and fix', (_code, rule) => {
    expect(rule.explanation).toMatch(/\S/);
    expect(rule.fix).toMatch(/\S/);
  });
});
