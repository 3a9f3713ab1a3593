import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clangRoutes } from './clang-routes.js';
import { startPartnerTestSimulator, type RunningPartnerSimulator } from './partner-test-server.js';

let simulator: RunningPartnerSimulator;

beforeAll(async () => {
  simulator = await startPartnerTestSimulator(clangRoutes, '/clang');
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await control('POST', '/reset');
  await control('POST', '/audiences', { partner: 'clang', id: '42', name: 'Newsletter' });
});

const ENDPOINT = '/clang/app/api/soap/public/index.php?version=1.24&type=literal';

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();

  return text === '' ? undefined : JSON.parse(text);
}

/** Sends a SOAP call written the way a generic SOAP client writes it, with prefixed names. */
async function call(operation: string, parameters: string, uuid = 'secret-uuid') {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:ns1="https://secure.myclang.com/app/api/soap/public/index.php">\n' +
    `  <SOAP-ENV:Body><ns1:${operation}><ns1:uuid>${uuid}</ns1:uuid>${parameters}` +
    `</ns1:${operation}></SOAP-ENV:Body>\n</SOAP-ENV:Envelope>`;

  return post(envelope);
}

async function post(body: string, contentType = 'text/xml; charset=utf-8') {
  const response = await fetch(`${simulator.url}${ENDPOINT}`, {
    method: 'POST',
    headers: { 'content-type': contentType, soapaction: '""' },
    body,
  });

  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

async function insertCustomer(email: string): Promise<string> {
  const response = await call(
    'customer_insert',
    `<ns1:customer><ns1:emailAddress>${email}</ns1:emailAddress></ns1:customer>`,
  );
  const id = /<ns1:id>(\d+)<\/ns1:id>/.exec(response.text)?.[1];
  expect(id, response.text).toBeDefined();

  return id ?? '';
}

function membership(customerId: string, groupId = '42'): string {
  return `<ns1:group><ns1:id>${groupId}</ns1:id></ns1:group><ns1:customer><ns1:id>${customerId}</ns1:id></ns1:customer>`;
}

describe('clang simulator calls', () => {
  it('answers a call with code 0 and msg', async () => {
    const response = await call('customer_getTotalNumberOfCustomers', '');

    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/xml; charset=utf-8');
    expect(response.text).toContain(
      '<ns1:customer_getTotalNumberOfCustomersResponse><ns1:code>0</ns1:code><ns1:msg>0</ns1:msg>',
    );
  });

  it('answers unknown lookup with nil msg', async () => {
    const response = await call('customer_getByExternalId', '<ns1:externalId>x</ns1:externalId>');

    expect(response.text).toContain('<ns1:msg xsi:nil="true"/>');
  });

  it('adds a customer to a group once', async () => {
    const id = await insertCustomer('a@example.com');

    const first = await call('group_addMember', membership(id));
    const second = await call('group_addMember', membership(id));
    const group = await control('GET', '/audiences/42');

    expect(first.status).toBe(200);
    expect(second.status).toBe(500);
    expect(second.text).toContain('<faultcode>107</faultcode>');
    expect(group.members).toEqual([{ ID: id, EMAIL: 'a@example.com' }]);
  });

  it('removes a customer from a group', async () => {
    const id = await insertCustomer('a@example.com');
    await call('group_addMember', membership(id));

    const response = await call('group_removeMember', membership(id));
    const group = await control('GET', '/audiences/42');

    expect(response.text).toContain('<ns1:msg>true</ns1:msg>');
    expect(group.members).toEqual([]);
  });

  it('faults unknown customer with 213', async () => {
    const response = await call('group_addMember', membership('999999'));

    expect(response.status).toBe(500);
    expect(response.text).toContain('<faultcode>213</faultcode>');
  });

  it('faults unknown group', async () => {
    const id = await insertCustomer('a@example.com');

    const response = await call('group_addMember', membership(id, '7'));

    expect(response.text).toContain('<faultstring>Group not found</faultstring>');
  });

  it('updates customer and its member row', async () => {
    const id = await insertCustomer('old@example.com');
    await call('group_addMember', membership(id));

    await call(
      'customer_update',
      `<ns1:customer><ns1:id>${id}</ns1:id><ns1:emailAddress>new@example.com</ns1:emailAddress></ns1:customer>`,
    );
    const group = await control('GET', '/audiences/42');

    expect(group.members).toEqual([{ ID: id, EMAIL: 'new@example.com' }]);
  });

  it('forgets customers on reset', async () => {
    await insertCustomer('a@example.com');
    await control('POST', '/reset');

    const response = await call('customer_getTotalNumberOfCustomers', '');

    expect(response.text).toContain('<ns1:msg>0</ns1:msg>');
  });
});

describe('clang simulator rejections', () => {
  it('faults a call without uuid', async () => {
    const response = await call('customer_getTotalNumberOfCustomers', '', '');

    expect(response.text).toContain('<faultstring>Invalid uuid</faultstring>');
  });

  it('faults unknown operation as Client', async () => {
    const response = await call('customer_teleport', '');

    expect(response.status).toBe(500);
    expect(response.text).toContain('<faultcode>Client</faultcode>');
    expect(response.text).toContain('customer_teleport');
  });

  it('faults malformed XML as Client', async () => {
    const response = await post('<Envelope><Body>');

    expect(response.text).toContain('<faultcode>Client</faultcode>');
  });

  it('faults missing parameter as Client', async () => {
    const response = await call('customer_getByEmailAddress', '');

    expect(response.text).toContain('<faultcode>Client</faultcode>');
  });

  it('answers other paths with 404', async () => {
    const response = await fetch(`${simulator.url}/clang/app/api/rest`, { method: 'POST' });

    expect(response.status).toBe(404);
  });
});

describe('clang simulator faults and log', () => {
  it('sends partner_error fault as SOAP XML', async () => {
    await control('POST', '/faults', {
      partner: 'clang',
      mode: 'partner_error',
      code: 105,
      message: 'Size must be between 1 and 50',
      count: 1,
    });

    const response = await call('customer_getTotalNumberOfCustomers', '');

    expect(response.status).toBe(500);
    expect(response.contentType).toBe('text/xml; charset=utf-8');
    expect(response.text).toContain('<faultcode>105</faultcode>');
    expect(response.text).toContain('<faultstring>Size must be between 1 and 50</faultstring>');
  });

  it('records calls with the uuid redacted', async () => {
    await call('customer_getByEmailAddress', '<ns1:emailAddress>a@example.com</ns1:emailAddress>');
    const { items } = await control('GET', '/requests');

    expect(items[0].partner).toBe('clang');
    expect(items[0].body).toEqual({
      operation: 'customer_getByEmailAddress',
      parameters: { uuid: '***', emailAddress: 'a@example.com' },
    });
    expect(JSON.stringify(items)).not.toContain('secret-uuid');
  });
});
