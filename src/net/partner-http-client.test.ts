import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutboundDispatcher,
  createPartnerHttpClient,
  PartnerRequestError,
} from './partner-http-client.js';

let target: http.Server;
let targetPort: number;
let proxy: net.Server;
let proxyPort: number;
const tunnels: string[] = [];

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  target = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ path: request.url }));
  });
  targetPort = await listen(target);
  // A minimal CONNECT proxy: records each tunnel, then pipes bytes both ways.
  proxy = net.createServer((client) => {
    client.once('data', (head) => {
      const [, authority] = head.toString('latin1').split(' ');
      tunnels.push(authority ?? '');
      const [host, port] = (authority ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
    });
  });
  proxyPort = await listen(proxy);
});

afterAll(() => {
  target.close();
  proxy.close();
});

describe('partner HTTP client', () => {
  it('rejects a host name that resolves to a loopback address', async () => {
    const client = createPartnerHttpClient({
      baseUrl: `http://localhost:${targetPort}`,
      timeoutMs: 2000,
      dispatcher: createOutboundDispatcher({ allowPrivateDestinations: false }),
      allowPrivateDestinations: false,
    });

    await expect(client.send({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      kind: 'destination_rejected',
    });
  });

  it('rejects a loopback address literal before connecting', async () => {
    const client = createPartnerHttpClient({
      baseUrl: `http://127.0.0.1:${targetPort}`,
      timeoutMs: 2000,
      dispatcher: createOutboundDispatcher({ allowPrivateDestinations: false }),
      allowPrivateDestinations: false,
    });

    await expect(client.send({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(
      PartnerRequestError,
    );
  });

  it('sends through the configured proxy', async () => {
    tunnels.length = 0;
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const client = createPartnerHttpClient({
      baseUrl: `http://localhost:${targetPort}/prefix`,
      timeoutMs: 2000,
      dispatcher: createOutboundDispatcher({
        allowPrivateDestinations: false,
        httpProxy: proxyUrl,
        httpsProxy: proxyUrl,
      }),
      allowPrivateDestinations: false,
      viaProxy: true,
    });
    const response = await client.send({ method: 'GET', path: '/x', query: { a: '1' } });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ path: '/prefix/x?a=1' });
    expect(tunnels).toEqual([`localhost:${targetPort}`]);
  });

  it('goes direct for a NO_PROXY host', async () => {
    tunnels.length = 0;
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const client = createPartnerHttpClient({
      baseUrl: `http://localhost:${targetPort}`,
      timeoutMs: 2000,
      dispatcher: createOutboundDispatcher({
        allowPrivateDestinations: true,
        httpProxy: proxyUrl,
        noProxy: 'localhost',
      }),
      allowPrivateDestinations: true,
      viaProxy: true,
    });
    const response = await client.send({ method: 'GET', path: '/direct' });

    expect(response.status).toBe(200);
    expect(tunnels).toEqual([]);
  });

  it('reports a slow answer as a timeout', async () => {
    const silent = net.createServer(() => {});
    const port = await listen(silent);
    const client = createPartnerHttpClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 200,
      dispatcher: createOutboundDispatcher({ allowPrivateDestinations: true }),
      allowPrivateDestinations: true,
    });

    await expect(client.send({ method: 'GET', path: '/' })).rejects.toMatchObject({
      kind: 'timeout',
    });
    silent.close();
  });

  it('returns a redirect instead of following it to another host', async () => {
    let reachedOther = 0;
    const other = http.createServer((_request, response) => {
      reachedOther += 1;
      response.end('{}');
    });
    const otherPort = await listen(other);
    const redirecting = http.createServer((_request, response) => {
      response.writeHead(302, { location: `http://localhost:${otherPort}/stolen` });
      response.end();
    });
    const port = await listen(redirecting);
    const client = createPartnerHttpClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 2_000,
      dispatcher: createOutboundDispatcher({ allowPrivateDestinations: true }),
      allowPrivateDestinations: true,
    });

    const response = await client.send({ method: 'POST', path: '/upload', body: '{}' });

    expect(response.status).toBe(302);
    expect(reachedOther).toBe(0);
    redirecting.close();
    other.close();
  });
});
