import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/app-error.js';
import { createLogger } from '../../log/logger.js';
import { loadSecretKey, SECRET_KEY_FILE } from '../../secrets/secret-key.js';
import { startNodeChild } from '../../test-support/node-child.js';
import { canMountTmpfs, fillFileSystem, mountTmpfs, type Tmpfs } from '../../test-support/tmpfs.js';
import { openSqliteStore, SQLITE_FILE } from '../sqlite/open-sqlite-store.js';

// `activator serve` runs from dist/, which `npm test` builds first.
const ACTIVATOR = path.resolve('bin/activator.js');
/** The user `nobody` on Debian and most Linux systems, for the checks that need another user. */
const OTHER_USER = 65_534;
const RUNS_AS_ROOT = process.getuid?.() === 0;
const TMPFS = canMountTmpfs();

const logger = createLogger('silent');
const mounts: Tmpfs[] = [];
const directories: string[] = [];

afterAll(() => {
  for (const mount of mounts) mount.unmount();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function newDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'activator-data-dir-'));
  directories.push(directory);

  return directory;
}

/**
 * Runs `activator serve` on `dataDir` and returns its exit code and stderr. As root it runs as
 * OTHER_USER, because root may write to every file regardless of its mode.
 */
async function serve(dataDir: string): Promise<{ exitCode: number | null; stderr: string }> {
  const child = startNodeChild(
    ACTIVATOR,
    ['serve'],
    { DATA_DIR: dataDir, PORT: '0', ACTIVATOR_API_TOKEN: 'data-dir-test-token-0123' },
    RUNS_AS_ROOT ? { uid: OTHER_USER, gid: OTHER_USER } : {},
  );
  const exitCode = await Promise.race([
    child.exited,
    new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000)),
  ]);
  await child.kill();
  if (exitCode === 'running') throw new Error('activator serve started instead of failing');

  return { exitCode, stderr: child.stderr.join('\n') };
}

describe.skipIf(!TMPFS)('DATA_DIR on a read-only file system', () => {
  it('names DATA_DIR and EROFS at start', async () => {
    const tmpfs = mountTmpfs(4 * 1024 * 1024)!;
    mounts.push(tmpfs);
    const dataDir = path.join(tmpfs.path, 'data');
    const store = await openSqliteStore(dataDir, logger);
    await store.close();
    chmodSync(tmpfs.path, 0o755);
    chmodSync(dataDir, 0o777);
    tmpfs.remountReadOnly();

    await expect(openSqliteStore(dataDir, logger)).rejects.toThrow(ConfigError);
    await expect(openSqliteStore(dataDir, logger)).rejects.toThrow(
      `DATA_DIR: ${dataDir} is on a read-only file system (EROFS)`,
    );
    await expect(openSqliteStore(path.join(tmpfs.path, 'new'), logger)).rejects.toThrow(
      'is on a read-only file system (EROFS)',
    );
    const started = await serve(dataDir);
    expect(started.exitCode).toBe(2);
    expect(started.stderr).toContain('activator: invalid configuration: DATA_DIR:');
    expect(started.stderr).toContain('Remount the file system read-write');
  });
});

describe.skipIf(!TMPFS)('DATA_DIR on a full disk', () => {
  it('names DATA_DIR when the store cannot grow', async () => {
    // Too small for the WAL that the first migrations write.
    const tmpfs = mountTmpfs(64 * 1024)!;
    mounts.push(tmpfs);

    await expect(openSqliteStore(path.join(tmpfs.path, 'data'), logger)).rejects.toThrow(
      /DATA_DIR: the disk that holds .* is full \(SQLITE_FULL\)/,
    );
  });

  it('leaves no empty key file behind', async () => {
    const tmpfs = mountTmpfs(64 * 1024)!;
    mounts.push(tmpfs);
    const dataDir = path.join(tmpfs.path, 'data');
    mkdirSync(dataDir);
    fillFileSystem(path.join(tmpfs.path, 'filler'));

    expect(() => loadSecretKey(undefined, dataDir)).toThrow(
      /DATA_DIR: the disk that holds .*secret\.key is full \(ENOSPC\)/,
    );
    expect(existsSync(path.join(dataDir, SECRET_KEY_FILE))).toBe(false);
  });
});

describe('DATA_DIR without write permission', () => {
  it('names DATA_DIR and EACCES at start', async () => {
    const parent = newDirectory();
    chmodSync(parent, 0o755);
    const dataDir = path.join(parent, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    // As root, the child runs as another user, and root's 0755 directory is read-only to it.
    if (!RUNS_AS_ROOT) chmodSync(dataDir, 0o555);

    const started = await serve(dataDir);

    expect(started.exitCode).toBe(2);
    expect(started.stderr).toContain(`DATA_DIR: this process (uid `);
    expect(started.stderr).toContain(`may not write to ${dataDir} (EACCES)`);
    expect(started.stderr).toContain('Give the user that runs Activator read and write access');
    // A DATA_DIR that does not exist yet names the parent it cannot be created in.
    const below = await serve(path.join(dataDir, 'below'));
    expect(below.exitCode).toBe(2);
    expect(below.stderr).toContain(`may not write to ${dataDir} (EACCES)`);
  });

  it('names the store file when only it is read-only', async () => {
    const parent = newDirectory();
    chmodSync(parent, 0o755);
    const dataDir = path.join(parent, 'data');
    const store = await openSqliteStore(dataDir, logger);
    await store.close();
    chmodSync(dataDir, 0o777);
    chmodSync(path.join(dataDir, SQLITE_FILE), 0o444);

    const started = await serve(dataDir);

    expect(started.exitCode).toBe(2);
    expect(started.stderr).toContain(`may not write to ${path.join(dataDir, SQLITE_FILE)}`);
  });
});
