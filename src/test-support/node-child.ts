import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A Node.js child process with its stdout and stderr collected line by line. */
export interface NodeChild {
  process: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code, or null when a signal ended the process, once stdio closed. */
  exited: Promise<number | null>;
  /** Resolves with the first stdout line that `match` accepts. Rejects if the child exits first. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Sends SIGKILL (what `kill -9` sends) and waits until the process is gone. */
  kill(): Promise<void>;
}

/** Starts `node SCRIPT ...args` with the given environment added to this process's. */
export function startNodeChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'> = {},
): NodeChild {
  const child = spawn(process.execPath, [script, ...args], {
    ...options,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: string) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const listener of listeners) listener(line);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
  });

  return {
    process: child,
    stdout,
    stderr,
    exited,
    waitForLine(match, timeoutMs) {
      const seen = stdout.find(match);
      if (seen !== undefined) return Promise.resolve(seen);

      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching output line within ${timeoutMs} ms: ${tail(stderr)}`));
        }, timeoutMs);
        const listener = (line: string) => {
          if (!match(line)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        };
        listeners.add(listener);
        void exited.then((code) => {
          if (!listeners.has(listener)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          reject(new Error(`the child exited with ${code} first: ${tail(stderr)}`));
        });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function tail(lines: string[]): string {
  return lines.slice(-5).join('\n') || '(no stderr output)';
}
