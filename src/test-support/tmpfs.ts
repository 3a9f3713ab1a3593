import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A small tmpfs file system mounted for one test, to run out of space or go read-only. */
export interface Tmpfs {
  path: string;
  /** Remounts it read-only, which fails while a process has a file on it open for writing. */
  remountReadOnly(): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `sizeBytes` on a new temporary directory. Returns undefined when this
 * process may not mount, which needs root (CAP_SYS_ADMIN) and a container that allows it.
 */
export function mountTmpfs(sizeBytes: number): Tmpfs | undefined {
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'activator-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', mountPoint], {
      stdio: 'ignore',
    });
  } catch {
    rmSync(mountPoint, { recursive: true, force: true });

    return undefined;
  }
  let mounted = true;

  return {
    path: mountPoint,
    remountReadOnly() {
      execFileSync('mount', ['-o', 'remount,ro', mountPoint], { stdio: 'pipe' });
    },
    unmount() {
      if (!mounted) return;
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
      mounted = false;
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}

/** Checks whether `mountTmpfs` works here by mounting and unmounting a probe. */
export function canMountTmpfs(): boolean {
  const probe = mountTmpfs(64 * 1024);
  probe?.unmount();

  return probe !== undefined;
}

/** Writes zeros to `filePath` until the file system reports ENOSPC, then keeps the file. */
export function fillFileSystem(filePath: string): void {
  const descriptor = openSync(filePath, 'a');
  try {
    for (const size of [1024 * 1024, 4096, 512]) {
      const zeros = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(descriptor, zeros);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(descriptor);
  }
}
