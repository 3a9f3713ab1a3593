import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImportCommand } from './import-command.js';
import { readImportDefaults, serviceUrl } from './import-defaults.js';
import type { ImportIo } from './run-import.js';

const TOKEN = 'command-token-0123456789';

interface Received {
  search: URLSearchParams;
  authorization: string | undefined;
}

let server: Server;
let serverUrl: string;
let directory: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let lines = 0;
    for await (const chunk of req)
      lines += (chunk as Buffer).toString('utf8').split('\n').length - 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    received.push({ search: url.searchParams, authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ read: lines - 1, stored: lines - 1, rejected: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  directory = await mkdtemp(path.join(tmpdir(), 'activator-import-command-'));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(directory, { recursive: true, force: true });
});

function captureIo() {
  const output = { stdout: '', stderr: '' };
  const io: ImportIo = {
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
  };

  return { io, output };
}

function buildTestProgram(defaults: Parameters<typeof registerImportCommand>[1], io: ImportIo) {
  // Commander copies these settings into subcommands when they are created, so they come first.
  const program = new Command('activator').exitOverride().configureOutput({ writeErr: () => {} });
  registerImportCommand(program, defaults, io);

  return program;
}

describe('import command', () => {
  it('passes repeated --map flags and defaults', async () => {
    const file = path.join(directory, 'rows.csv');
    await writeFile(file, 'Email,Country\nana@example.com,Netherlands\n');
    const { io, output } = captureIo();
    const program = buildTestProgram({ url: serverUrl, token: TOKEN }, io);
    received.length = 0;

    await program.parseAsync(
      ['import', file, '--map', 'Email=identifiers.email', '--map', 'Country=attributes.country'],
      { from: 'user' },
    );

    expect(output.stderr).toBe('');
    expect(output.stdout).toContain('read      1');
    expect(received[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(received[0]?.search.get('mapping') ?? 'null')).toEqual({
      Email: 'identifiers.email',
      Country: 'attributes.country',
    });
  });

  it('prefers flags over defaults', async () => {
    const file = path.join(directory, 'flags.csv');
    await writeFile(file, 'Email\nana@example.com\n');
    const { io, output } = captureIo();
    let defaultsRead = false;
    const program = buildTestProgram(() => {
      defaultsRead = true;
      return { url: 'http://127.0.0.1:1', token: 'unused-default-token' };
    }, io);
    received.length = 0;

    await program.parseAsync(['import', file, '--url', serverUrl, '--token', TOKEN], {
      from: 'user',
    });

    expect(output.stderr).toBe('');
    expect(defaultsRead).toBe(false);
    expect(received[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('rejects an unknown --format', async () => {
    const { io } = captureIo();
    const program = buildTestProgram({ url: serverUrl }, io);

    await expect(
      program.parseAsync(['import', 'rows.txt', '--format', 'xml'], { from: 'user' }),
    ).rejects.toThrow(/Allowed choices are csv, ndjson/);
  });

  it('keeps the default token out of the help', () => {
    const { io } = captureIo();
    const program = buildTestProgram({ url: serverUrl, token: TOKEN }, io);
    const help = program.commands.find((command) => command.name() === 'import')?.helpInformation();

    expect(help).toContain('--map <header=target>');
    expect(help).not.toContain(TOKEN);
  });
});

describe('readImportDefaults', () => {
  it('reads the token file in the data directory', async () => {
    const dataDir = await mkdtemp(path.join(directory, 'data-'));
    await writeFile(path.join(dataDir, 'api-token'), 'file-token-0123456789\n');

    const defaults = readImportDefaults({ host: '127.0.0.1', port: 8080, dataDir });

    expect(defaults).toEqual({ url: 'http://127.0.0.1:8080', token: 'file-token-0123456789' });
  });

  it('prefers the configured token', async () => {
    const dataDir = await mkdtemp(path.join(directory, 'data-'));
    await writeFile(path.join(dataDir, 'api-token'), 'file-token-0123456789\n');

    const defaults = readImportDefaults({
      host: '127.0.0.1',
      port: 8080,
      dataDir,
      apiToken: 'environment-token-0123456789',
    });

    expect(defaults.token).toBe('environment-token-0123456789');
  });

  it('leaves the token unset without a token file', async () => {
    const dataDir = await mkdtemp(path.join(directory, 'data-'));

    const defaults = readImportDefaults({ host: '127.0.0.1', port: 9000, dataDir });

    expect(defaults.token).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', 8080, 'http://127.0.0.1:8080'],
    ['0.0.0.0', 8080, 'http://127.0.0.1:8080'],
    ['::', 8081, 'http://[::1]:8081'],
    ['::1', 8082, 'http://[::1]:8082'],
    ['example.internal', 80, 'http://example.internal:80'],
  ])('builds the URL for host %s', (host, port, url) => {
    expect(serviceUrl(host, port)).toBe(url);
  });
});
