import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import { buildSegmentFile, normalizeXandrUid, uploadPathBelow, uploadTargetOf } from './mapping.js';
import { createAjv } from '../../validation/schema-validator.js';
import { xandrSettingsSchema } from './schemas.js';

const FORMAT = { separator1: ';', separator3: ':' };

function profile(key: string, identifiers: BatchProfile['identifiers']): BatchProfile {
  return { key, identifiers };
}

describe('normalizeXandrUid', () => {
  it.each([
    ['7652266028043224430', '7652266028043224430'],
    [' 12345 ', '12345'],
    ['000123', '123'],
    ['18446744073709551615', '18446744073709551615'],
    ['1', '1'],
  ])('accepts %j as %j', (value, expected) => {
    expect(normalizeXandrUid(value)).toBe(expected);
  });

  it.each([
    ['0'],
    ['18446744073709551616'],
    ['123456789012345678901'],
    ['-5'],
    ['12a'],
    ['1e5'],
    [''],
    ['AEBE52E7-03EE-455A-B3C4-E57283966239'],
    ['12;34'],
  ])('rejects %j', (value) => {
    expect(normalizeXandrUid(value)).toBeUndefined();
  });
});

describe('buildSegmentFile', () => {
  it('writes uid, segment and expiration per line', () => {
    const file = buildSegmentFile([profile('p1', { xandrUid: ['111'] })], {
      segmentId: 5848,
      operation: 'add',
      expirationMinutes: 1_440,
      format: FORMAT,
    });

    expect(file.text).toBe('111;5848:1440\n');
    expect(file.lineCount).toBe(1);
  });

  it('writes -1 for a removal', () => {
    const file = buildSegmentFile([profile('p1', { xandrUid: ['111'] })], {
      segmentId: 5847,
      operation: 'remove',
      expirationMinutes: 1_440,
      format: FORMAT,
    });

    expect(file.text).toBe('111;5847:-1\n');
  });

  it('uses the configured separators', () => {
    const file = buildSegmentFile([profile('p1', { xandrUid: ['111'] })], {
      segmentId: 10000,
      operation: 'add',
      expirationMinutes: 0,
      format: { separator1: ',', separator3: '\t' },
    });

    expect(file.text).toBe('111,10000\t0\n');
  });

  it('writes each user id once across profiles', () => {
    const file = buildSegmentFile(
      [profile('p1', { xandrUid: ['111', '222', '111'] }), profile('p2', { xandrUid: ['0222'] })],
      { segmentId: 1, operation: 'add', expirationMinutes: 0, format: FORMAT },
    );

    expect(file.text).toBe('111;1:0\n222;1:0\n');
    expect(file.lineCount).toBe(2);
    expect(file.uidsByKey).toEqual(
      new Map([
        ['p1', ['111', '222']],
        ['p2', ['222']],
      ]),
    );
  });

  it('keeps valid ids of a profile with some invalid ones', () => {
    const file = buildSegmentFile([profile('p1', { xandrUid: ['abc', '333'] })], {
      segmentId: 1,
      operation: 'add',
      expirationMinutes: 0,
      format: FORMAT,
    });

    expect(file.uidsByKey.get('p1')).toEqual(['333']);
    expect(file.skipped).toEqual([]);
  });

  it.each([
    ['no identifiers', {}, 'no_identifier'],
    ['only an email', { email: ['a@example.com'] }, 'no_identifier'],
    ['an empty id list', { xandrUid: [] }, 'no_identifier'],
    ['only invalid ids', { xandrUid: ['abc', '0'] }, 'invalid_identifier'],
  ])('skips a profile with %s', (_case, identifiers, reason) => {
    const file = buildSegmentFile([profile('p1', identifiers)], {
      segmentId: 1,
      operation: 'add',
      expirationMinutes: 0,
      format: FORMAT,
    });

    expect(file.skipped).toEqual([{ key: 'p1', status: 'skipped', reason }]);
    expect(file.text).toBe('');
    expect(file.lineCount).toBe(0);
  });
});

describe('uploadPathBelow', () => {
  it.each([
    [
      'http://127.0.0.1:9090/xandr',
      'http://127.0.0.1:9090/xandr/segment-upload/J1',
      '/segment-upload/J1',
    ],
    [
      'https://api.appnexus.com',
      'https://api.appnexus.com/segment-upload/J1',
      '/segment-upload/J1',
    ],
    [
      'https://api.appnexus.com/',
      'https://api.appnexus.com/segment-upload/J1?x=1',
      '/segment-upload/J1?x=1',
    ],
  ])('accepts %s with %s', (baseUrl, uploadUrl, expected) => {
    expect(uploadPathBelow(baseUrl, uploadUrl)).toBe(expected);
  });

  it.each([
    ['https://api.appnexus.com', 'https://01.data-api.prod.adnxs.net/segment-upload/J1'],
    ['https://api.appnexus.com', 'http://api.appnexus.com/segment-upload/J1'],
    ['https://api.appnexus.com', 'https://api.appnexus.com:8443/segment-upload/J1'],
    ['https://api.appnexus.com', 'https://user:pass@api.appnexus.com/segment-upload/J1'],
    ['http://127.0.0.1:9090/xandr', 'http://127.0.0.1:9090/meta/segment-upload/J1'],
    ['http://127.0.0.1:9090/xandr', 'http://127.0.0.1:9090/xandrx/segment-upload/J1'],
    ['http://127.0.0.1:9090/xandr', 'http://169.254.169.254/latest/meta-data'],
    ['https://api.appnexus.com', 'not a url'],
  ])('rejects %s with %s', (baseUrl, uploadUrl) => {
    expect(uploadPathBelow(baseUrl, uploadUrl)).toBeUndefined();
  });
});

describe('uploadTargetOf', () => {
  it('keeps an upload URL below the base URL on the connector client', () => {
    const target = uploadTargetOf(
      'http://127.0.0.1:9090/xandr',
      'http://127.0.0.1:9090/xandr/segment-upload/J1',
    );

    expect(target).toEqual({ kind: 'base', path: '/segment-upload/J1' });
  });

  it.each([
    ['https://data-api-gslb.adnxs.net/segment-upload/J1', 'https://data-api-gslb.adnxs.net'],
    ['https://01.data-api.prod.adnxs.net/segment-upload/J1', 'https://01.data-api.prod.adnxs.net'],
    ['https://api.adnxs.com/segment-upload/J1', 'https://api.adnxs.com'],
    ['https://upload.appnexus.com:8443/segment-upload/J1', 'https://upload.appnexus.com:8443'],
  ])('sends %s to origin %s', (uploadUrl, origin) => {
    expect(uploadTargetOf('https://api.appnexus.com', uploadUrl)).toEqual({
      kind: 'xandr-host',
      origin,
      path: '/segment-upload/J1',
    });
  });

  it.each([
    ['http://data-api-gslb.adnxs.net/segment-upload/J1'],
    ['https://uploads.example.com/segment-upload/J1'],
    ['https://adnxs.net.example.com/segment-upload/J1'],
    ['https://evil-adnxs.net/segment-upload/J1'],
    ['https://user:pass@data-api-gslb.adnxs.net/segment-upload/J1'],
    ['https://169.254.169.254/latest/meta-data'],
    ['not a url'],
  ])('rejects %s', (uploadUrl) => {
    expect(uploadTargetOf('https://api.appnexus.com', uploadUrl)).toBeUndefined();
  });
});

describe('settings schema', () => {
  const validate = createAjv().compile(xandrSettingsSchema);

  it.each([[';'], [','], [':'], ['\t'], ['^'], ['~']])('accepts separator %j', (separator) => {
    expect(validate({ memberId: 958, separator1: separator, separator3: separator })).toBe(true);
  });

  it.each([['-'], ['|'], ['/'], ['\\'], ['['], ['$'], ['*'], ['7'], ['\n'], [';;'], ['']])(
    'rejects separator %j',
    (separator) => {
      expect(validate({ memberId: 958, separator1: separator })).toBe(false);
    },
  );

  it.each([
    [{ memberId: 0 }],
    [{ memberId: '958' }],
    [{ memberId: 958, expirationMinutes: 259_201 }],
    [{ memberId: 958, statusPollSeconds: 4 }],
    [{ memberId: 958, segmentId: 1 }],
  ])('rejects %j', (settings) => {
    expect(validate(settings)).toBe(false);
  });
});
