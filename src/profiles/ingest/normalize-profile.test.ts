import { describe, expect, it } from 'vitest';
import type { ProfileInput } from '../profile.js';
import { normalizeProfile, type NormalizedProfile } from './normalize-profile.js';

const DIGEST = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

function normalizeStored(input: ProfileInput): NormalizedProfile {
  const result = normalizeProfile(input);
  if ('error' in result) {
    throw new Error(`expected a stored profile, got: ${result.error}`);
  }
  return result;
}

describe('normalizeProfile', () => {
  it('normalizes complete profile', () => {
    const result = normalizeStored({
      id: ' crm-1 ',
      identifiers: {
        email: ['Jane@Example.com', 'jane@example.com ', DIGEST.toUpperCase()],
        phone: '06 12345678',
        xandrUid: '123',
      },
      attributes: {
        country: 'Netherlands',
        dateOfBirth: '14-07-1990',
        gender: 'Female',
        subscribedAt: '26-08-2020',
        loyaltyPoints: 120,
        vip: true,
        nickname: null,
      },
      consents: { advertising: 'granted' },
    });

    expect(result.profile).toEqual({
      id: 'crm-1',
      identifiers: {
        email: ['jane@example.com', DIGEST],
        phone: ['+31612345678'],
        xandrUid: ['123'],
      },
      attributes: {
        country: 'Netherlands',
        countryCode: 'NL',
        dateOfBirth: '1990-07-14',
        gender: 'f',
        subscribedAt: '2020-08-26',
        loyaltyPoints: 120,
        vip: true,
        nickname: null,
      },
      consents: { advertising: 'granted', email: 'unknown' },
    });
    expect(result.rejections).toEqual([]);
  });

  it('defaults consents to unknown', () => {
    const result = normalizeStored({ id: 'p1' });
    expect(result.profile).toEqual({
      id: 'p1',
      identifiers: {},
      attributes: {},
      consents: { advertising: 'unknown', email: 'unknown' },
    });
  });

  it('keeps valid values beside rejected ones', () => {
    const result = normalizeStored({
      id: 'p1',
      identifiers: { phone: ['+31 6 12345678', '+12'], email: 'not-an-email' },
    });
    expect(result.profile.identifiers).toEqual({ phone: ['+31612345678'] });
    expect(result.rejections).toEqual([
      { field: 'identifiers.phone', reason: 'invalid_phone' },
      { field: 'identifiers.email', reason: 'invalid_email' },
    ]);
  });

  it.each<[string, ProfileInput['attributes'], string, string]>([
    ['ambiguous country', { country: 'Korea' }, 'identifiers.phone', 'phone_without_region'],
    ['missing country', {}, 'identifiers.phone', 'phone_without_region'],
    ['wrong country', { country: 'Norway' }, 'identifiers.phone', 'invalid_phone'],
  ])('rejects national phone with %s', (_name, attributes, field, reason) => {
    const result = normalizeStored({
      id: 'p1',
      identifiers: { phone: '201-555-0123' },
      attributes,
    });
    expect(result.rejections).toEqual([{ field, reason }]);
  });

  it('reads national phone with alpha-2 country', () => {
    const result = normalizeStored({
      id: 'p1',
      identifiers: { phone: '(201) 555-0123 x12' },
      attributes: { country: 'us' },
    });
    expect(result.profile.identifiers).toEqual({ phone: ['+12015550123'] });
    expect(result.profile.attributes['countryCode']).toBe('US');
  });

  it.each<[string, unknown, string, string]>([
    ['dateOfBirth', '1990-02-30', 'attributes.dateOfBirth', 'invalid_date'],
    ['dateOfBirth', '14/07/1990', 'attributes.dateOfBirth', 'invalid_date'],
    ['dateOfBirth', 19900714, 'attributes.dateOfBirth', 'invalid_date'],
    ['gender', 'x', 'attributes.gender', 'invalid_gender'],
    ['gender', 1, 'attributes.gender', 'invalid_gender'],
    ['country', 31, 'attributes.country', 'invalid_country'],
    ['subscribedAt', '31-02-2020', 'attributes.subscribedAt', 'invalid_date'],
    ['address', { street: 'Main' }, 'attributes.address', 'unsupported_value'],
    ['tags', ['a', 'b'], 'attributes.tags', 'unsupported_value'],
    ['score', Number.NaN, 'attributes.score', 'unsupported_value'],
    ['first.name', 'Jane', 'attributes.first.name', 'invalid_name'],
  ])('rejects attribute %s %j', (name, value, field, reason) => {
    const result = normalizeStored({ id: 'p1', attributes: { [name]: value } });
    expect(result.rejections).toEqual([{ field, reason }]);
    expect(result.profile.attributes).toEqual({});
  });

  it.each([
    ['M', 'm'],
    [' male ', 'm'],
    ['f', 'f'],
    ['FEMALE', 'f'],
  ])('reads gender %j', (value, expected) => {
    const result = normalizeStored({ id: 'p1', attributes: { gender: value } });
    expect(result.profile.attributes).toEqual({ gender: expected });
  });

  it.each([
    ['signupDate', '01-12-2021', '2021-12-01'],
    ['updatedAt', '2021-12-01T10:00:00Z', '2021-12-01T10:00:00Z'],
    ['updatedAt', '2021-12-01', '2021-12-01'],
    ['holiday', '01-12-2021', '01-12-2021'],
  ])('converts %s %j', (name, value, expected) => {
    const result = normalizeStored({ id: 'p1', attributes: { [name]: value } });
    expect(result.profile.attributes).toEqual({ [name]: expected });
  });

  it('keeps unresolved country without code', () => {
    const result = normalizeStored({ id: 'p1', attributes: { country: 'Congo' } });
    expect(result.profile.attributes).toEqual({ country: 'Congo' });
    expect(result.rejections).toEqual([]);
  });

  it('replaces given countryCode when country resolves', () => {
    const result = normalizeStored({
      id: 'p1',
      attributes: { country: 'Peru', countryCode: 'XX' },
    });
    expect(result.profile.attributes).toEqual({ country: 'Peru', countryCode: 'PE' });
  });

  it.each<[string, unknown, string, string]>([
    ['email', 'yes', 'consents.email', 'invalid_consent'],
    ['advertising', true, 'consents.advertising', 'invalid_consent'],
    ['sms', 'granted', 'consents.sms', 'unknown_purpose'],
  ])('rejects consent %s %j', (purpose, value, field, reason) => {
    const result = normalizeStored({
      id: 'p1',
      consents: { [purpose]: value } as ProfileInput['consents'],
    });
    expect(result.rejections).toEqual([{ field, reason }]);
    expect(result.profile.consents).toEqual({ advertising: 'unknown', email: 'unknown' });
  });

  it('reads consent in any case', () => {
    const consents = { email: ' Denied ' } as unknown as ProfileInput['consents'];
    const result = normalizeStored({ id: 'p1', consents });
    expect(result.profile.consents).toEqual({ advertising: 'unknown', email: 'denied' });
  });

  it.each<[string, unknown, string]>([
    ['empty string', '', 'missing_id'],
    ['blank string', '   ', 'missing_id'],
    ['absent id', undefined, 'missing_id'],
    ['number', 42, 'invalid_id'],
    ['201 characters', 'x'.repeat(201), 'invalid_id'],
    ['control character', 'a\u0007b', 'invalid_id'],
  ])('rejects whole profile for %s id', (_name, id, reason) => {
    const result = normalizeProfile({ id } as ProfileInput);
    expect(result).toMatchObject({ reason });
    expect(result).toHaveProperty('error');
  });

  it('accepts 200-character id', () => {
    expect(normalizeStored({ id: 'x'.repeat(200) }).profile.id).toBe('x'.repeat(200));
  });

  it('rejects non-object profile', () => {
    const result = normalizeProfile(null as unknown as ProfileInput);
    expect(result).toMatchObject({ reason: 'invalid_profile' });
  });

  it.each<[string, unknown, string, string]>([
    ['identifier of number', { phone: 31612345678 }, 'identifiers.phone', 'unsupported_value'],
    ['identifier array item', { email: ['a@b.co', 7] }, 'identifiers.email', 'unsupported_value'],
    ['identifier type name', { 'e-mail': 'a@b.co' }, 'identifiers.e-mail', 'invalid_name'],
    ['empty identifier', { externalId: ' ' }, 'identifiers.externalId', 'empty'],
    ['identifiers array', ['a@b.co'], 'identifiers', 'unsupported_value'],
  ])('rejects %s', (_name, identifiers, field, reason) => {
    const input = { id: 'p1', identifiers } as ProfileInput;
    expect(normalizeStored(input).rejections).toEqual([{ field, reason }]);
  });

  it('keeps __proto__ attribute out of prototype', () => {
    const attributes = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const result = normalizeStored({ id: 'p1', attributes });
    expect(result.rejections).toEqual([{ field: 'attributes.__proto__', reason: 'invalid_name' }]);
    expect(Object.getPrototypeOf(result.profile.attributes)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
