import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createService, type RunningService } from '../app/service.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { DEFAULT_CRM_MAPPING } from '../profiles/ingest/import-mapping.js';
import { startSimulator } from '../simulator/simulator-server.js';
import { writeSampleCsv } from './sample-data/generate-customers.js';

/** The demo audience: customers who subscribed since 2021, a bit under half of the sample. */
export const DEMO_RULE = { attribute: 'subscribedAt', op: 'after', value: '2021-01-01' };
const DEMO_TOKEN_NAME = 'demo';

/** Report that `activator demo --once` prints. */
export interface DemoReport {
  imported: { read: number; stored: number; rejected: Record<string, number> };
  audience: { id: string; memberCount: number; partnerAudienceId: string };
  delivery: {
    added: number;
    removed: number;
    errors: Record<string, unknown>;
    skipped: Record<string, number>;
  };
  serviceUrl: string;
  simulatorUrl: string;
}

export interface DemoSession {
  report: DemoReport;
  service: RunningService;
  close(): Promise<void>;
}

/**
 * Runs the main job end to end. It starts a partner simulator and the service on its own data
 * directory, with private destinations allowed for this process only. It then creates a Meta
 * connector pointed at the simulator, imports the file, connects a rule-based audience to a
 * partner audience it creates, and waits until delivery settles.
 */
export async function runDemo(options: {
  file?: string;
  config: Config;
  logger: Logger;
  port: number;
  settleTimeoutMs?: number;
}): Promise<DemoSession> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'activator-demo-'));
  const simulator = await startSimulator({ port: 0 });
  let service: RunningService | undefined;
  try {
    const config: Config = {
      ...options.config,
      dataDir: path.join(workDir, 'data'),
      port: options.port,
      apiToken: `${DEMO_TOKEN_NAME}-${Math.random().toString(36).slice(2)}-token`,
      allowPrivateDestinations: true,
    };
    const created = await createService(config, options.logger);
    const url = await created.app.listen({ port: config.port, host: config.host });
    service = { ...created, url };
    const call = callerFor(service, config.apiToken ?? '');

    const file = options.file ?? path.join(workDir, 'customers-sample.csv');
    if (!options.file) await writeSampleCsv(file);
    const connector = await call('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta (simulator)',
      settings: { adAccountId: '1000001', baseUrl: simulator.url },
      credentials: { accessToken: 'demo-access-token' },
    });
    const imported = await call(
      'POST',
      `/profiles/import?mapping=${encodeURIComponent(JSON.stringify(DEFAULT_CRM_MAPPING))}`,
      createReadStream(file),
      'text/csv',
    );
    const audience = await call('POST', '/audiences', {
      name: 'Subscribed since 2021',
      rule: DEMO_RULE,
      connections: [{ connectorId: connector.id, settings: { audienceName: 'Activator demo' } }],
    });
    await waitUntilSettled(service, options.settleTimeoutMs ?? 120_000);
    const stats = await call('GET', `/connectors/${connector.id}/stats?days=7`);
    const running = service;

    return {
      report: {
        imported: { read: imported.read, stored: imported.stored, rejected: imported.rejected },
        audience: {
          id: audience.id,
          memberCount: audience.memberCount,
          partnerAudienceId: audience.connections[0].settings.customAudienceId,
        },
        delivery: {
          added: stats.totals.added,
          removed: stats.totals.removed,
          errors: stats.totals.errors,
          skipped: stats.totals.skipped,
        },
        serviceUrl: url,
        simulatorUrl: simulator.url,
      },
      service: running,
      async close() {
        await running.close();
        await simulator.close();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await service?.close();
    await simulator.close();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

// The demo drives its own service through the HTTP API, as an operator would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function callerFor(service: RunningService, token: string) {
  return async (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    contentType?: string,
  ): Promise<Json> => {
    const response = await service.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    if (response.statusCode >= 400) {
      throw new Error(`demo step ${method} ${url} failed: ${response.statusCode} ${response.body}`);
    }

    return response.json();
  };
}

/** Waits until the queue is empty and no batch is in flight. */
async function waitUntilSettled(service: RunningService, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pending = await service.engine.pending();
    if (pending === 0 && service.engine.inFlight() === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`delivery did not settle within ${timeoutMs / 1000} s; see the service log`);
}
