import { describe, expect, it } from 'vitest';
import { normalizeIdentifier } from './identifiers.js';

const DIGEST = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('normalizeIdentifier phone', () => {
  // Raw values and countries come from rows of a generated sample CRM export.
  it.each([
    ['00 prefix ignores region', '001-315-224-3556', 'UA', { value: '+13152243556' }],
    ['00 prefix drops extension', '001-915-961-8896x5744', 'DO', { value: '+19159618896' }],
    ['00 prefix without region', '001-315-224-3556', undefined, { value: '+13152243556' }],
    ['00 prefix invalid area code', '001-184-153-9683x1497', 'MO', { reason: 'invalid_phone' }],
    ['plus prefix drops extension', '+1-605-640-1833x70183', 'SH', { value: '+16056401833' }],
    ['plus prefix invalid area code', '+1-134-348-0265x9132', 'SN', { reason: 'invalid_phone' }],
    ['dots in national number', '302.398.3833', 'MP', { value: '+13023983833' }],
    ['dashes in national number', '217-498-5903', 'BM', { value: '+12174985903' }],
    ['parentheses and extension', '(252)863-4103x848', 'CI', { value: '+2252528634103' }],
    ['digits only', '7104971640', 'GG', { value: '+447104971640' }],
    ['US number in Norway', '043-797-5229', 'NO', { reason: 'invalid_phone' }],
    ['US number in Andorra', '(209)172-7124x3651', 'AD', { reason: 'invalid_phone' }],
    ['fragment in Senegal', '-5361', 'SN', { reason: 'invalid_phone' }],
    ['fragment valid in Luxembourg', '-2441', 'LU', { value: '+3522441' }],
    ['national number without region', '8352752061', undefined, { reason: 'phone_without_region' }],
    ['region without phone metadata', '8352752061', 'AQ', { reason: 'phone_without_region' }],
    ['00 prefix with other region', '0031 6 12345678', 'US', { value: '+31612345678' }],
    ['national trunk prefix', '06 12345678', 'NL', { value: '+31612345678' }],
    ['text around number', 'call 201-555-0123', 'US', { reason: 'invalid_phone' }],
    ['surrounding whitespace', '  +31 6 12345678 ', undefined, { value: '+31612345678' }],
  ])('reads %s', (_name, raw, region, expected) => {
    expect(normalizeIdentifier('phone', raw, { region })).toEqual(expected);
  });
});

describe('normalizeIdentifier email', () => {
  it.each([
    ['lower-cases and trims', ' Jane.Doe@Example.COM ', { value: 'jane.doe@example.com' }],
    ['composes to NFC', 'rene\u0301@example.com', { value: 'ren\u00e9@example.com' }],
    ['keeps plus tag', 'jane+news@example.com', { value: 'jane+news@example.com' }],
    ['rejects missing at sign', 'jane.example.com', { reason: 'invalid_email' }],
    ['rejects two at signs', 'jane@doe@example.com', { reason: 'invalid_email' }],
    ['rejects domain without dot', 'jane@localhost', { reason: 'invalid_email' }],
    ['rejects empty domain label', 'jane@example..com', { reason: 'invalid_email' }],
    ['rejects inner space', 'jane doe@example.com', { reason: 'invalid_email' }],
    ['rejects empty local part', '@example.com', { reason: 'invalid_email' }],
    [
      'accepts 254 bytes',
      `${'a'.repeat(242)}@example.com`,
      { value: `${'a'.repeat(242)}@example.com` },
    ],
    ['rejects 255 bytes', `${'a'.repeat(243)}@example.com`, { reason: 'invalid_email' }],
    [
      'counts bytes not characters',
      `\u00e9${'a'.repeat(241)}@example.com`,
      { reason: 'invalid_email' },
    ],
  ])('%s', (_name, raw, expected) => {
    expect(normalizeIdentifier('email', raw, {})).toEqual(expected);
  });
});

describe('normalizeIdentifier maid', () => {
  it.each([
    [
      'lower-cases IDFA',
      'EA7583CD-A667-48BC-B806-42ECB2B48606',
      { value: 'ea7583cd-a667-48bc-b806-42ecb2b48606' },
    ],
    [
      'keeps AAID',
      '38400000-8cf0-11bd-b23e-10b96e40000d',
      { value: '38400000-8cf0-11bd-b23e-10b96e40000d' },
    ],
    ['rejects all-zero UUID', '00000000-0000-0000-0000-000000000000', { reason: 'invalid_maid' }],
    ['rejects missing dashes', 'ea7583cda66748bcb80642ecb2b48606', { reason: 'invalid_maid' }],
    ['rejects non-hex digit', 'ga7583cd-a667-48bc-b806-42ecb2b48606', { reason: 'invalid_maid' }],
  ])('%s', (_name, raw, expected) => {
    expect(normalizeIdentifier('maid', raw, {})).toEqual(expected);
  });
});

describe('normalizeIdentifier partner ids', () => {
  it.each([
    ['externalId', ' CRM-42 ', { value: 'CRM-42' }],
    ['xandrUid', '1234567890123456789', { value: '1234567890123456789' }],
    ['externalId', 'x'.repeat(256), { value: 'x'.repeat(256) }],
    ['externalId', '\u{1F600}'.repeat(256), { value: '\u{1F600}'.repeat(256) }],
    ['externalId', 'x'.repeat(257), { reason: 'invalid_externalId' }],
    ['googleGid', 'abc\u0000def', { reason: 'invalid_googleGid' }],
    ['xandrUid', 'abc\ndef', { reason: 'invalid_xandrUid' }],
  ])('normalizes %s %j', (type, raw, expected) => {
    expect(normalizeIdentifier(type, raw, {})).toEqual(expected);
  });
});

describe('normalizeIdentifier any type', () => {
  it.each(['email', 'phone', 'maid', 'externalId', 'xandrUid'])(
    'accepts upper-case digest as %s',
    (type) => {
      expect(normalizeIdentifier(type, ` ${DIGEST.toUpperCase()} `, {})).toEqual({ value: DIGEST });
    },
  );

  it.each([
    ['email', ''],
    ['phone', '   '],
    ['maid', '\t'],
    ['externalId', ' \n '],
    ['xandrUid', ''],
  ])('rejects blank %s as empty', (type, raw) => {
    expect(normalizeIdentifier(type, raw, { region: 'US' })).toEqual({ reason: 'empty' });
  });
});
