import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.js';
import { writeSecretKeyFile } from '../../secrets/secret-key.js';
import { startTestService, type TestService } from '../../test-support/test-service.js';

// Runs the compiled CLI, which `npm test` builds first, on a test service's data directory.
const BIN = path.resolve('bin/activator.js');
const run = promisify(execFile);
const CREDENTIALS = { accessToken: 'rotate-key-test-access-token', appSecret: 'rotate-key-app' };
let service: TestService | undefined;

afterEach(async () => {
  await service?.dispose();
  service = undefined;
});

async function serviceWithConnector(): Promise<{ dataDir: string; keyFile: string }> {
  service = await startTestService();
  const created = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: {
      type: 'meta-custom-audiences',
      name: 'Meta',
      settings: { adAccountId: '12' },
      credentials: CREDENTIALS,
    },
  });
  expect(created.statusCode).toBe(201);
  await service.store.close();

  return { dataDir: service.dataDir, keyFile: path.join(service.dataDir, 'secret.key') };
}

function keysIn(keyFile: string): Buffer[] {
  return readFileSync(keyFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Buffer.from(line, 'base64'));
}

function storedCredentials(dataDir: string): string {
  const sqlite = new SQLite(path.join(dataDir, 'activator.sqlite'), { readonly: true });
  try {
    const row = sqlite.prepare('select credentials from connectors').get() as {
      credentials: string;
    };

    return row.credentials;
  } finally {
    sqlite.close();
  }
}

function rotate(dataDir: string, env: Record<string, string> = {}, ...args: string[]) {
  return run(process.execPath, [BIN, 'rotate-key', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', ...env },
  });
}

describe('activator rotate-key', () => {
  it('re-encrypts the credentials and leaves only the new key in the file', async () => {
    const { dataDir, keyFile } = await serviceWithConnector();
    const [oldKey] = keysIn(keyFile);
    const sealedBefore = storedCredentials(dataDir);

    const result = await rotate(dataDir);
    const keys = keysIn(keyFile);
    const sealedAfter = storedCredentials(dataDir);

    expect(result.stdout).toContain('Re-encrypted the credentials of 1 connector(s)');
    expect(keys).toHaveLength(1);
    expect(keys[0]!.equals(oldKey!)).toBe(false);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(sealedAfter).not.toBe(sealedBefore);
    expect(new SecretBox(keys[0]!).open(sealedAfter)).toEqual(CREDENTIALS);
    expect(() => new SecretBox(oldKey!).open(sealedAfter)).toThrow(/failed to decrypt/);
  });

  it('keeps the old key on request', async () => {
    const { dataDir, keyFile } = await serviceWithConnector();
    const [oldKey] = keysIn(keyFile);

    await rotate(dataDir, {}, '--keep-previous');
    const keys = keysIn(keyFile);

    expect(keys).toHaveLength(2);
    expect(keys[1]!.equals(oldKey!)).toBe(true);
  });

  it('reads credentials of an interrupted rotation with either key', async () => {
    const { dataDir, keyFile } = await serviceWithConnector();
    const [oldKey] = keysIn(keyFile);
    // Interrupted after the new key was written, before the credentials moved.
    writeSecretKeyFile(keyFile, [randomBytes(32), oldKey!]);
    service = await startTestService({ DATA_DIR: dataDir });
    const list = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors',
      headers: service.auth,
    });
    const id = (list.json() as { items: { id: string }[] }).items[0]!.id;
    const patched = await service.app.inject({
      method: 'PATCH',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
      payload: { credentials: { appSecret: 'rotated-app-secret' } },
    });

    expect(patched.statusCode).toBe(200);
  });

  it('asks for ACTIVATOR_NEW_SECRET_KEY when the key comes from the environment', async () => {
    const { dataDir } = await serviceWithConnector();
    const failed = rotate(dataDir, { ACTIVATOR_SECRET_KEY: randomBytes(32).toString('base64') });

    await expect(failed).rejects.toMatchObject({
      stderr: expect.stringContaining('ACTIVATOR_NEW_SECRET_KEY'),
    });
  });
});
