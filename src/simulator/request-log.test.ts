import { describe, expect, it } from 'vitest';
import {
  MAX_RECORDED_BODY_BYTES,
  MAX_RECORDED_REQUESTS,
  REDACTED,
  redactSecrets,
  RequestLog,
  type ReceivedRequest,
} from './request-log.js';

function received(path: string): ReceivedRequest {
  return { partner: 'meta', method: 'POST', path, query: {}, headers: {} };
}

describe('RequestLog', () => {
  it('keeps the last 1,000 requests', () => {
    const log = new RequestLog();

    for (let i = 0; i < MAX_RECORDED_REQUESTS + 5; i += 1) log.record(received(`/r${i}`));

    const items = log.list();
    expect(items).toHaveLength(MAX_RECORDED_REQUESTS);
    expect(items[0]?.path).toBe('/r5');
    expect(items.at(-1)?.path).toBe(`/r${MAX_RECORDED_REQUESTS + 4}`);
  });

  it('drops the oldest bodies past the size cap', () => {
    const log = new RequestLog();
    const halfCap = MAX_RECORDED_BODY_BYTES / 2;
    const first = log.record(received('/first'));
    log.attachBody(first, { n: 1 }, halfCap);
    const second = log.record(received('/second'));
    log.attachBody(second, { n: 2 }, halfCap);
    const third = log.record(received('/third'));

    log.attachBody(third, { n: 3 }, 1);

    expect(first.body).toBeUndefined();
    expect(first.bodyOmitted).toBe(true);
    expect(second.body).toEqual({ n: 2 });
    expect(third.body).toEqual({ n: 3 });
  });

  it('redacts tokens in query and headers', () => {
    const log = new RequestLog();

    const request = log.record({
      partner: 'meta',
      method: 'GET',
      path: '/v25.0/act_1',
      query: { access_token: 'secret', fields: 'id' },
      headers: { Authorization: 'Bearer secret', accept: '*/*' },
    });

    expect(request.query).toEqual({ access_token: REDACTED, fields: 'id' });
    expect(request.headers).toEqual({ Authorization: REDACTED, accept: '*/*' });
  });
});

describe('redactSecrets', () => {
  it('redacts nested access tokens', () => {
    const body = { access_token: 'a', batch: [{ access_token: 'b', name: 'n' }] };

    expect(redactSecrets(body)).toEqual({
      access_token: REDACTED,
      batch: [{ access_token: REDACTED, name: 'n' }],
    });
    expect(body.access_token).toBe('a');
  });
});
