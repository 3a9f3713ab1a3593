import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// These tests run the compiled CLI, as `npm start` does; `npm test` builds it first.
const BIN = path.resolve('bin/activator.js');
const run = promisify(execFile);
const children: ChildProcess[] = [];
const directories: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

/** Starts the CLI and resolves with the first log line whose `msg` matches. */
function startAndWaitFor(args: string[], env: Record<string, string>, msg: string) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });

  return {
    child,
    line: new Promise<Record<string, unknown>>((resolve, reject) => {
      lines.on('line', (text) => {
        const entry = JSON.parse(text) as Record<string, unknown>;
        if (entry.msg === msg) resolve(entry);
      });
      child.once('exit', (code) =>
        reject(new Error(`exited with ${code} before logging '${msg}'`)),
      );
    }),
  };
}

describe('activator CLI', () => {
  it('prints help listing serve and simulator', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);

    expect(stdout).toContain('serve');
    expect(stdout).toContain('simulator');
  });

  it('serves /health and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-cli-'));
    directories.push(dataDir);
    const { child, line } = startAndWaitFor(
      ['serve'],
      { PORT: '0', DATA_DIR: dataDir },
      'activator started',
    );
    const started = await line;
    const health = await fetch(`${String(started.url)}/health`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');

    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await exited).toBe(0);
  });

  it('stops with a message naming an invalid secret key', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-cli-'));
    directories.push(dataDir);
    const result = await run(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, DATA_DIR: dataDir, ACTIVATOR_SECRET_KEY: 'short' },
    }).catch((error: { code: number; stderr: string }) => error);

    expect('code' in result && result.code).toBe(2);
    expect('stderr' in result && result.stderr).toContain('ACTIVATOR_SECRET_KEY');
  });

  it.each([
    [['worker'], {}, 'DATABASE_URL'],
    [['serve', '--no-workers'], { DATABASE_URL: 'postgres://127.0.0.1:1/none' }, 'NATS_URL'],
  ])('refuses %j without the shared services', async (args, env, variable) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-cli-'));
    directories.push(dataDir);
    const result = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', ...env },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(variable);
    expect(result.stderr).toContain('Running at scale');
  });

  it('starts the simulator on the given port', async () => {
    const { line } = startAndWaitFor(['simulator', '--port', '0'], {}, 'simulator started');
    const started = await line;

    expect(String(started.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('rejects a simulator port that is not a number', async () => {
    const result = await run(process.execPath, [BIN, 'simulator', '--port', 'abc']).catch(
      (error: { stderr: string }) => error,
    );

    expect('stderr' in result && result.stderr).toContain('expected a port number');
  });
});
