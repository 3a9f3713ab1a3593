import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildStringToSign, signSharedKey } from './shared-key.js';

// Expected strings below are written out by hand from the rules of "Authorize with Shared Key"
// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key), not
// produced by the code under test.

const ACCOUNT = 'myaccount';
const ACCOUNT_KEY = Buffer.from('0123456789abcdef0123456789abcdef', 'ascii').toString('base64');

/** Reference signature, computed here without the code under test. */
function referenceSignature(stringToSign: string): string {
  return createHmac('sha256', Buffer.from(ACCOUNT_KEY, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64');
}

const putBlobRequest = {
  method: 'PUT',
  path: '/mycontainer/exports/2025/01/27/1000-add-abc.ndjson',
  query: {},
  headers: {
    Accept: 'application/xml',
    'Content-Length': '58',
    'Content-Type': 'application/x-ndjson',
    'If-None-Match': '*',
    'x-ms-version': '2025-01-05',
    'X-MS-Date': 'Mon, 27 Jan 2025 10:00:00 GMT',
    'x-ms-blob-type': 'BlockBlob',
  },
};

const PUT_BLOB_STRING_TO_SIGN = [
  'PUT',
  '', // Content-Encoding
  '', // Content-Language
  '58', // Content-Length
  '', // Content-MD5
  'application/x-ndjson',
  '', // Date
  '', // If-Modified-Since
  '', // If-Match
  '*', // If-None-Match
  '', // If-Unmodified-Since
  '', // Range
  'x-ms-blob-type:BlockBlob',
  'x-ms-date:Mon, 27 Jan 2025 10:00:00 GMT',
  'x-ms-version:2025-01-05',
  '/myaccount/mycontainer/exports/2025/01/27/1000-add-abc.ndjson',
].join('\n');

describe('buildStringToSign', () => {
  it('builds Put Blob string to sign', () => {
    expect(buildStringToSign(ACCOUNT, putBlobRequest)).toBe(PUT_BLOB_STRING_TO_SIGN);
  });

  it('sorts query parameters into the resource', () => {
    const stringToSign = buildStringToSign(ACCOUNT, {
      method: 'get',
      path: '/mycontainer',
      query: { restype: 'container', COMP: 'metadata', timeout: '20' },
      headers: { 'content-length': '0', 'x-ms-date': 'Mon, 27 Jan 2025 10:00:00 GMT' },
    });

    expect(stringToSign).toBe(
      'GET\n\n\n\n\n\n\n\n\n\n\n\n' +
        'x-ms-date:Mon, 27 Jan 2025 10:00:00 GMT\n' +
        '/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20',
    );
  });

  it('writes zero Content-Length as empty', () => {
    const stringToSign = buildStringToSign(ACCOUNT, {
      method: 'PUT',
      path: '/c/b',
      query: {},
      headers: { 'content-length': '0' },
    });

    expect(stringToSign.split('\n')[3]).toBe('');
  });

  it('folds whitespace in x-ms- header values', () => {
    const stringToSign = buildStringToSign(ACCOUNT, {
      method: 'GET',
      path: '/c',
      query: {},
      headers: { 'x-ms-meta-note': '  two   spaces\there ' },
    });

    expect(stringToSign).toContain('\nx-ms-meta-note:two spaces here\n');
  });

  it('keeps the encoded path of the request', () => {
    const stringToSign = buildStringToSign(ACCOUNT, {
      method: 'GET',
      path: '/azure/c/a%20b',
      query: {},
      headers: {},
    });

    expect(stringToSign.endsWith('\n/myaccount/azure/c/a%20b')).toBe(true);
  });
});

describe('signSharedKey', () => {
  it('signs with HMAC-SHA256 of the decoded key', () => {
    expect(signSharedKey(ACCOUNT, ACCOUNT_KEY, putBlobRequest)).toBe(
      `SharedKey myaccount:${referenceSignature(PUT_BLOB_STRING_TO_SIGN)}`,
    );
  });
});
