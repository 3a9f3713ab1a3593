import { describe, expect, it } from 'vitest';
import { ImportError } from './import-error.js';
import {
  DEFAULT_CRM_MAPPING,
  parseImportMapping,
  parseImportTarget,
  validateImportMapping,
} from './import-mapping.js';

describe('parseImportMapping', () => {
  it('parses two phone columns', () => {
    const json = '{"Id": "id", "Phone 1": "identifiers.phone", "Phone 2": "identifiers.phone"}';
    expect(parseImportMapping(json)).toEqual({
      Id: 'id',
      'Phone 1': 'identifiers.phone',
      'Phone 2': 'identifiers.phone',
    });
  });

  it('accepts null to ignore column', () => {
    expect(parseImportMapping('{"Id": "id", "Index": null}')).toEqual({ Id: 'id', Index: null });
  });

  it.each([
    ['invalid JSON', '{"Id": "id"', 'the mapping is not valid JSON'],
    ['array', '["id"]', 'the mapping must be a JSON object'],
    ['unknown target', '{"Id": "id", "City": "address.city"}', 'header "City" to "address.city"'],
    [
      'unknown purpose',
      '{"Id": "id", "Opt-in": "consents.sms"}',
      'header "Opt-in" to "consents.sms"',
    ],
    ['dotted name', '{"Id": "id", "A": "attributes.a.b"}', 'header "A" to "attributes.a.b"'],
    ['number target', '{"Id": "id", "Age": 3}', 'header "Age" to 3'],
    ['two id columns', '{"Id": "id", "Key": "id"}', 'columns "Id" and "Key" both map to "id"'],
    [
      'shared attribute',
      '{"Id": "id", "Town": "attributes.city", "City": "attributes.city"}',
      'columns "Town" and "City" both map to "attributes.city"',
    ],
    ['missing id', '{"Email": "identifiers.email"}', 'maps no header to "id"'],
  ])('rejects %s', (_name, json, message) => {
    expect(() => parseImportMapping(json)).toThrow(ImportError);
    expect(() => parseImportMapping(json)).toThrow(message);
  });
});

describe('validateImportMapping', () => {
  it('accepts default CRM mapping', () => {
    expect(validateImportMapping(DEFAULT_CRM_MAPPING)).toBe(DEFAULT_CRM_MAPPING);
  });

  it('maps both CRM phone columns', () => {
    expect(DEFAULT_CRM_MAPPING['Phone 1']).toBe('identifiers.phone');
    expect(DEFAULT_CRM_MAPPING['Phone 2']).toBe('identifiers.phone');
    expect(DEFAULT_CRM_MAPPING['Index']).toBeNull();
  });
});

describe('parseImportTarget', () => {
  it.each([
    ['id', { kind: 'id' }],
    ['identifiers.xandrUid', { kind: 'identifiers', name: 'xandrUid' }],
    ['attributes.firstName', { kind: 'attributes', name: 'firstName' }],
    ['consents.email', { kind: 'consents', name: 'email' }],
  ])('parses %s', (target, expected) => {
    expect(parseImportTarget(target)).toEqual(expected);
  });

  it.each([
    '',
    'ID',
    'identifiers',
    'identifiers.',
    'attributes.1st',
    'profile.id',
    'consents.sms',
  ])('rejects %j', (target) => {
    expect(parseImportTarget(target)).toBeUndefined();
  });
});
