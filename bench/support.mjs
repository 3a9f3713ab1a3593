// Shared pieces of the benchmark scenarios: a simulator in its own process, a service on a
// temporary data directory, timing and memory sampling.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createService } from '../dist/app/service.js';
import { loadConfig } from '../dist/config/config.js';
import { createLogger } from '../dist/log/logger.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/** Starts the partner simulator in a child process, so it does not share the service's CPU. */
export async function startSimulatorProcess() {
  const child = spawn(
    process.execPath,
    // The simulator keeps every audience member in memory: ten million need more than V8's
    // default heap limit.
    ['--max-old-space-size=12288', path.join(ROOT, 'bin/activator.js'), 'simulator', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'info' },
    },
  );
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.msg === 'simulator started') resolve(entry.url);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return {
    ...simulatorClient(url),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** Calls the simulator's control API at `url` (a simulator started by another process). */
export function simulatorClient(url) {
  const control = async (method, route, body) => {
    const response = await fetch(`${url}/_control${route}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status >= 400) throw new Error(`simulator ${route}: ${await response.text()}`);

    return response.status === 204 ? undefined : response.json();
  };

  return { url, control };
}

/** Starts a service on a fresh data directory (or DATABASE_URL when given), with quiet logs. */
export async function startBenchService(env = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ACTIVATOR_API_TOKEN: BENCH_TOKEN,
    ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
    ...env,
  });
  const service = await createService(config, createLogger('warn'));
  const api = async (method, url, payload, headers = {}) => {
    const response = await service.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...headers },
      payload,
    });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.body}`);

    return response.statusCode === 204 ? undefined : response.json();
  };

  return {
    service,
    api,
    dataDir,
    async stop() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Samples the process's resident memory every 50 ms and keeps the peak, in bytes. */
export function trackPeakRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);

  return {
    stop() {
      clearInterval(timer);

      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export async function waitUntil(check, timeoutMs, what, pollMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function percentile(sorted, fraction) {
  if (sorted.length === 0) return NaN;

  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

export const mb = (bytes) => Math.round(bytes / 1_048_576);
