import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runImport, type ImportIo, type ImportOptions } from './run-import.js';

const TOKEN = 'test-token-0123456789abcdef';

/** One request as the fake import endpoint received it. */
interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Reply = { status: number; body: string };

/**
 * Plays `POST /api/v1/profiles/import`: checks the token, reads the whole streamed body, and
 * returns a summary whose counts come from the body lines. A line containing INVALID counts as
 * one `invalidPhone` rejection.
 */
function answerImport(request: ReceivedRequest): Reply {
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    return { status: 401, body: JSON.stringify({ statusCode: 401, message: 'Unauthorized' }) };
  }
  const lines = request.body
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  const records = request.headers['content-type'] === 'text/csv' ? lines.slice(1) : lines;
  const invalid = records.filter((line) => line.includes('INVALID')).length;
  const summary = {
    read: records.length,
    stored: records.length - invalid,
    rejected: invalid > 0 ? { invalidPhone: invalid } : {},
  };

  return { status: 200, body: JSON.stringify(summary) };
}

interface ImportServer {
  url: string;
  received: ReceivedRequest[];
  reply: (request: ReceivedRequest) => Reply;
  close: () => Promise<void>;
}

async function startImportServer(): Promise<ImportServer> {
  const state: ImportServer = {
    url: '',
    received: [],
    reply: answerImport,
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    state.received.push(request);
    const { status, body } = state.reply(request);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));

  return state;
}

function captureIo(progressStream?: NodeJS.WritableStream) {
  const output = { stdout: '', stderr: '' };
  const io: ImportIo = {
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
    progressStream,
  };

  return { io, output };
}

const CSV = [
  'Customer Id,Email,Phone 1,Country',
  'c1,ana@example.com,+31 6 12345678,Netherlands',
  'c2,ben@example.com,INVALID,Korea',
  'c3,cem@example.com,030-1234567,Germany',
  '',
].join('\n');

let server: ImportServer;
let directory: string;

beforeAll(async () => {
  server = await startImportServer();
  directory = await mkdtemp(path.join(tmpdir(), 'activator-import-'));
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

afterEach(() => {
  server.received.length = 0;
  server.reply = answerImport;
});

async function writeFixture(name: string, content: string | Buffer): Promise<string> {
  const filePath = path.join(directory, name);
  await writeFile(filePath, content);

  return filePath;
}

function options(overrides: Partial<ImportOptions> = {}): ImportOptions {
  return { url: server.url, token: TOKEN, ...overrides };
}

describe('runImport', () => {
  it('prints the summary table', async () => {
    const file = await writeFixture('customers.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(output.stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(output.stdout).toBe(
      [
        'read            3',
        'stored          2',
        'rejected, by reason:',
        '  invalidPhone  1',
        '',
      ].join('\n'),
    );
  });

  it('streams the file with the expected headers', async () => {
    const file = await writeFixture('headers.csv', CSV);
    const { io } = captureIo();

    await runImport(file, options(), io);
    const [request] = server.received;

    expect(server.received).toHaveLength(1);
    expect(request?.method).toBe('POST');
    expect(request?.url.pathname).toBe('/api/v1/profiles/import');
    expect(request?.headers['content-type']).toBe('text/csv');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(CSV)));
    expect(request?.body.toString('utf8')).toBe(CSV);
  });

  it('prints the raw summary with --json', async () => {
    const file = await writeFixture('json.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ json: true }), io);

    expect(exitCode).toBe(0);
    expect(JSON.parse(output.stdout)).toEqual({
      read: 3,
      stored: 2,
      rejected: { invalidPhone: 1 },
    });
  });

  it('prints zero rejections as one row', async () => {
    const file = await writeFixture('clean.csv', 'Email\nana@example.com\n');
    const { io, output } = captureIo();

    await runImport(file, options(), io);

    expect(output.stdout).toBe('read      1\nstored    1\nrejected  0\n');
  });

  it('merges the mapping file and --map flags into the query', async () => {
    const mappingFile = await writeFixture(
      'mapping.json',
      JSON.stringify({
        'Customer Id': 'id',
        Email: 'identifiers.email',
        'Phone 1': 'identifiers.phone',
        Website: 'attributes.website',
      }),
    );
    const file = await writeFixture('mapped.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(
      file,
      options({
        mapping: mappingFile,
        map: ['Website=null', 'Country=attributes.country', 'Phone 1=identifiers.phone2'],
      }),
      io,
    );
    const mapping = server.received[0]?.url.searchParams.get('mapping');

    expect(output.stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(JSON.parse(mapping ?? 'null')).toEqual({
      'Customer Id': 'id',
      Email: 'identifiers.email',
      'Phone 1': 'identifiers.phone2',
      Website: null,
      Country: 'attributes.country',
    });
  });

  it('sends --map flags without a mapping file', async () => {
    const file = await writeFixture('flags-only.csv', CSV);
    const { io } = captureIo();

    await runImport(file, options({ map: ['Email=identifiers.email'] }), io);
    const mapping = server.received[0]?.url.searchParams.get('mapping');

    expect(JSON.parse(mapping ?? 'null')).toEqual({ Email: 'identifiers.email' });
  });

  it('omits the mapping parameter when none is given', async () => {
    const file = await writeFixture('unmapped.csv', CSV);
    const { io } = captureIo();

    await runImport(file, options(), io);

    expect(server.received[0]?.url.search).toBe('');
  });

  it('keeps a path in the base URL', async () => {
    const file = await writeFixture('prefixed.csv', CSV);
    const { io } = captureIo();

    await runImport(file, options({ url: `${server.url}/activator/` }), io);

    expect(server.received[0]?.url.pathname).toBe('/activator/api/v1/profiles/import');
  });

  it.each([
    ['profiles.csv', 'text/csv'],
    ['PROFILES.CSV', 'text/csv'],
    ['profiles.ndjson', 'application/x-ndjson'],
    ['profiles.jsonl', 'application/x-ndjson'],
  ])('takes the format of %s from its extension', async (name, contentType) => {
    const file = await writeFixture(name, '{"id":"p1"}\n');
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(output.stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(server.received[0]?.headers['content-type']).toBe(contentType);
  });

  it('counts NDJSON lines as records', async () => {
    const file = await writeFixture('two.ndjson', '{"id":"p1"}\n{"id":"p2"}\n');
    const { io, output } = captureIo();

    await runImport(file, options({ json: true }), io);

    expect(JSON.parse(output.stdout)).toMatchObject({ read: 2, stored: 2 });
  });

  it('lets --format override the extension', async () => {
    const file = await writeFixture('export.txt', '{"id":"p1"}\n');
    const { io } = captureIo();

    const exitCode = await runImport(file, options({ format: 'ndjson' }), io);

    expect(exitCode).toBe(0);
    expect(server.received[0]?.headers['content-type']).toBe('application/x-ndjson');
  });

  it('rejects an unknown extension without --format', async () => {
    const file = await writeFixture('export.txt', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain(file);
    expect(output.stderr).toContain('--format csv');
    expect(server.received).toHaveLength(0);
  });

  it('reports a rejected token', async () => {
    const file = await writeFixture('token.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ token: 'wrong-token-0123456789' }), io);

    expect(exitCode).toBe(1);
    expect(output.stdout).toBe('');
    expect(output.stderr).toContain(
      'the token was rejected; pass --token or set ACTIVATOR_API_TOKEN',
    );
    expect(output.stderr).not.toContain('wrong-token');
  });

  it('reports a missing token', async () => {
    const file = await writeFixture('no-token.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ token: undefined }), io);

    expect(exitCode).toBe(1);
    expect(server.received[0]?.headers.authorization).toBeUndefined();
    expect(output.stderr).toContain('no API token was sent');
    expect(output.stderr).toContain('Pass --token or set ACTIVATOR_API_TOKEN');
  });

  it('reports a 401 sent before the body is read', async () => {
    const unreadServer = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 401, message: 'Unauthorized' }));
    });
    await new Promise<void>((resolve) => unreadServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(unreadServer.address() as AddressInfo).port}`;
    const file = await writeFixture('early-401.csv', Buffer.alloc(8 * 1024 * 1024, 'a'));
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ url }), io);
    await new Promise((resolve) => unreadServer.close(resolve));

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain('the token was rejected');
  });

  it('prints the message of a JSON error body', async () => {
    server.reply = () => ({
      status: 400,
      body: JSON.stringify({
        statusCode: 400,
        error: 'Bad Request',
        message: "mapping: 'Email' maps to an unknown target 'identifiers.mail'.",
      }),
    });
    const file = await writeFixture('bad-request.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain('HTTP 400');
    expect(output.stderr).toContain(
      "mapping: 'Email' maps to an unknown target 'identifiers.mail'.",
    );
  });

  it('shows the start of a non-JSON error body', async () => {
    server.reply = () => ({ status: 502, body: '<html>Bad Gateway</html>' });
    const file = await writeFixture('bad-gateway.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain('HTTP 502');
    expect(output.stderr).toContain('<html>Bad Gateway</html>');
  });

  it('rejects a 200 response without a summary', async () => {
    server.reply = () => ({ status: 200, body: JSON.stringify({ status: 'ok' }) });
    const file = await writeFixture('not-summary.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain('without an import summary');
  });

  it('reports an unreachable service', async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closedServer.address() as AddressInfo).port}`;
    await new Promise((resolve) => closedServer.close(resolve));
    const file = await writeFixture('unreachable.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ url }), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain(url);
    expect(output.stderr).toContain('ECONNREFUSED');
    expect(output.stderr).toContain('Is `activator serve` running?');
  });

  it('reports an invalid --url', async () => {
    const file = await writeFixture('bad-url.csv', CSV);
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ url: 'ftp://127.0.0.1' }), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain("invalid --url value 'ftp://127.0.0.1'");
  });

  it('reports a missing file by path', async () => {
    const file = path.join(directory, 'does-not-exist.csv');
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options(), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain(`file not found: ${file}`);
    expect(server.received).toHaveLength(0);
  });

  it('reports a directory in place of a file', async () => {
    const folder = path.join(directory, 'folder.csv');
    await mkdir(folder);
    const { io, output } = captureIo();

    const exitCode = await runImport(folder, options(), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain(`not a file: ${folder}`);
  });

  it.each(['Email', '=identifiers.email', 'Email=', 'Email=identity.email', 'Email=identifiers.'])(
    'rejects the --map value %j',
    async (value) => {
      const file = await writeFixture('bad-map.csv', CSV);
      const { io, output } = captureIo();

      const exitCode = await runImport(file, options({ map: [value] }), io);

      expect(exitCode).toBe(1);
      expect(output.stderr).toContain(`invalid --map value '${value}'`);
      expect(output.stderr).toContain('header=target');
      expect(server.received).toHaveLength(0);
    },
  );

  it('reports a missing mapping file', async () => {
    const file = await writeFixture('no-mapping.csv', CSV);
    const mappingFile = path.join(directory, 'missing-mapping.json');
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ mapping: mappingFile }), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain(`mapping file not found: ${mappingFile}`);
  });

  it('reports an invalid target in the mapping file', async () => {
    const file = await writeFixture('bad-target.csv', CSV);
    const mappingFile = await writeFixture('bad-target.json', '{"Email": "email"}');
    const { io, output } = captureIo();

    const exitCode = await runImport(file, options({ mapping: mappingFile }), io);

    expect(exitCode).toBe(1);
    expect(output.stderr).toContain(`header 'Email' maps to "email"`);
  });

  it('streams a large file and shows progress', async () => {
    const row = 'c1,ana@example.com,+31 6 12345678,Netherlands\n';
    const rowCount = 200_000;
    const content = 'Customer Id,Email,Phone 1,Country\n' + row.repeat(rowCount);
    const file = await writeFixture('large.csv', content);
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let progressText = '';
    terminal.on('data', (chunk: Buffer) => {
      progressText += chunk.toString('utf8');
    });
    const { io, output } = captureIo(terminal);

    const exitCode = await runImport(file, options({ json: true }), io);

    expect(output.stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({ read: rowCount, stored: rowCount });
    expect(server.received[0]?.body.length).toBe(Buffer.byteLength(content));
    expect(progressText).toContain('100%');
  });

  it('hides progress when it is turned off', async () => {
    const file = await writeFixture('quiet.csv', CSV);
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let progressText = '';
    terminal.on('data', (chunk: Buffer) => {
      progressText += chunk.toString('utf8');
    });
    const { io } = captureIo(terminal);

    await runImport(file, options({ progress: false }), io);

    expect(progressText).toBe('');
  });
});
