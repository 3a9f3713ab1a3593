import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the compiled CLI, which `npm test` builds first, on a data directory of its own.
const BIN = path.resolve('bin/activator.js');
const run = promisify(execFile);
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-tokens-'));
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function tokens(...args: string[]) {
  return run(process.execPath, [BIN, 'tokens', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' },
  });
}

describe('activator tokens', () => {
  it('creates, lists and revokes a named token', async () => {
    const created = await tokens('create', '--name', 'grafana', '--role', 'viewer');
    const listed = await tokens('list');
    await tokens('revoke', 'grafana');
    const afterRevoke = await tokens('list');

    expect(created.stdout).toMatch(/^act_[\w-]{43}\n$/);
    expect(created.stderr).toContain("Created the viewer token 'grafana'");
    expect(listed.stdout).toMatch(/^grafana\tviewer\tcreated .*\tlast used never\tlive$/m);
    expect(listed.stdout).not.toContain(created.stdout.trim());
    expect(afterRevoke.stdout).toMatch(/^grafana\tviewer\t.*\trevoked /m);
  });

  it('rejects an unknown role and names the choices', async () => {
    const failed = tokens('create', '--name', 'x', '--role', 'owner');

    await expect(failed).rejects.toMatchObject({
      stderr: expect.stringContaining('expected one of admin, viewer'),
    });
  });

  it('says which name it could not revoke', async () => {
    await expect(tokens('revoke', 'nobody')).rejects.toMatchObject({
      stderr: expect.stringContaining("No live token is named 'nobody'"),
    });
  });
});
