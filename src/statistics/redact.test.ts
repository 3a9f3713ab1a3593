import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactSample, redactText } from './redact.js';

const EMAIL_HASH = createHash('sha256').update('jane@example.com').digest('hex');
const TOKEN = 'EAABsbCS1iHgBAKZCZBOZD5s9Z';

describe('redactSample', () => {
  it.each([
    ['access_token', { access_token: TOKEN }, { access_token: '***' }],
    ['accessToken', { accessToken: 'plain' }, { accessToken: '***' }],
    ['token', { token: 'abc' }, { token: '***' }],
    ['password', { password: 'hunter2' }, { password: '***' }],
    ['app_secret', { app_secret: 'abc' }, { app_secret: '***' }],
    ['appsecret_proof', { appsecret_proof: 'abc' }, { appsecret_proof: '***' }],
    ['Authorization', { Authorization: 'Bearer abc' }, { Authorization: '***' }],
    [
      'a nested secret object',
      { headers: { authorization: { scheme: 'Bearer', value: 'abc' } } },
      { headers: { authorization: '***' } },
    ],
    ['a null secret', { token: null }, { token: null }],
    [
      'a field that is not secret',
      { id: '123', count: 4, ok: true, none: null },
      { id: '123', count: 4, ok: true, none: null },
    ],
  ])('masks %s', (_case, body, expected) => {
    expect(redactSample(body)).toEqual(expected);
  });

  it('replaces Meta payload rows with their count', () => {
    const rows = Array.from({ length: 10_000 }, (_row, index) => [`${index}`, EMAIL_HASH]);
    const body = {
      payload: { schema: ['EXTERN_ID', 'EMAIL_SHA256'], data: rows },
      access_token: TOKEN,
    };

    expect(redactSample(body)).toEqual({
      payload: { schema: ['EXTERN_ID', 'EMAIL_SHA256'], data: '[10000 rows redacted]' },
      access_token: '***',
    });
  });

  it('replaces one payload row with "1 row"', () => {
    const body = { json: { payload: { schema: ['EXTERN_ID'], data: [['customer-42']] } } };

    expect(redactSample(body)).toEqual({
      json: { payload: { schema: ['EXTERN_ID'], data: '[1 row redacted]' } },
    });
  });

  it('replaces rows of a payload sent as JSON text', () => {
    const body = { payload: JSON.stringify({ schema: ['EXTERN_ID'], data: [['a'], ['b']] }) };

    expect(redactSample(body)).toEqual({
      payload: JSON.stringify({ schema: ['EXTERN_ID'], data: '[2 rows redacted]' }),
    });
  });

  it('redacts a JSON text body field by field', () => {
    const body = JSON.stringify({
      access_token: 'short',
      error: { message: 'for jane@example.com' },
    });

    expect(redactSample(body)).toBe(
      JSON.stringify({ access_token: '***', error: { message: 'for [redacted]' } }),
    );
  });

  it('redacts strings inside arrays', () => {
    expect(redactSample(['jane@example.com', 7])).toEqual(['[redacted]', 7]);
  });

  it('leaves the input unchanged', () => {
    const body = { access_token: TOKEN, payload: { data: [['a']] } };
    const copy = structuredClone(body);

    redactSample(body);

    expect(body).toEqual(copy);
  });

  it('keeps a "__proto__" field an ordinary field', () => {
    const body = JSON.parse('{"__proto__": {"token": "abc"}}') as unknown;

    const redacted = redactSample(body) as Record<string, unknown>;

    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(redacted, '__proto__')?.value).toEqual({
      token: '***',
    });
  });

  it('replaces values nested deeper than 32 levels', () => {
    let body: unknown = 'jane@example.com';
    for (let level = 0; level < 40; level++) body = { next: body };

    expect(JSON.stringify(redactSample(body))).not.toContain('jane@example.com');
  });
});

describe('redactText', () => {
  it.each([
    [
      'a Graph access token',
      `Invalid OAuth access token ${TOKEN}.`,
      'Invalid OAuth access token [redacted].',
    ],
    ['a token with dashes', 'token EAAB-secret-token-value here', 'token [redacted] here'],
    ['a SHA-256 digest', `row ${EMAIL_HASH} rejected`, 'row [redacted] rejected'],
    ['an upper-case digest', `row ${EMAIL_HASH.toUpperCase()}`, 'row [redacted]'],
    ['a digest inside a word', `hash_${EMAIL_HASH}_x`, 'hash_[redacted]_x'],
    ['an email address', 'user Jane.Doe+ads@mail.example.co.uk failed', 'user [redacted] failed'],
    ['a mobile advertising id', 'maid 6D92078A-8246-4BA4-AE5B-76104861E7DC', 'maid [redacted]'],
    ['a bearer credential', 'Authorization: Bearer abc.def', 'Authorization: Bearer [redacted]'],
    [
      'secret query parameters',
      '/v21.0/me?access_token=abc&appsecret_proof=def&fields=id',
      '/v21.0/me?access_token=***&appsecret_proof=***&fields=id',
    ],
  ])('redacts %s', (_case, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    ['a 32-digit hex id', 'a'.repeat(32)],
    ['a Graph error code', 'Error 100/33: Unsupported post request.'],
    ['an audience id', 'Audience 23851234567890123 not found'],
    ['a short word starting with EAA', 'EAAB'],
  ])('keeps %s', (_case, text) => {
    expect(redactText(text)).toBe(text);
  });
});
