import { buildSimulator } from '../../simulator/simulator-server.js';

/** The partner simulator as the fault suite uses it. */
export interface FaultSimulator {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  /** Clears audiences, faults, token states and the request log. */
  reset(): Promise<void>;
  /** Creates a Meta custom audience and returns its id. */
  createAudience(name: string): Promise<string>;
  /** Rows the audience received as adds, repeats included, and its distinct members. */
  audienceCounts(audienceId: string): Promise<{ addsReceived: number; memberCount: number }>;
  /** Stops the simulator and drops every open connection. */
  close(): Promise<void>;
}

/**
 * Starts the partner simulator on a free port of 127.0.0.1.
 *
 * Unlike `startTestSimulator`, `close()` destroys connections that are still open. A request
 * that the client gave up on during a `delay` fault can leave a keep-alive connection that the
 * server never counts as idle, so a plain close waits for it without end.
 */
export async function startFaultSimulator(): Promise<FaultSimulator> {
  const app = buildSimulator();
  app.addHook('preClose', async () => app.server.closeAllConnections());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;

  const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${url}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 400) {
      throw new Error(
        `simulator ${method} ${path} failed: HTTP ${response.status} ${await response.text()}`,
      );
    }

    return (await response.json()) as Record<string, unknown>;
  };

  return {
    url,
    reset: async () => {
      await control('POST', '/reset');
    },
    createAudience: async (name) =>
      String((await control('POST', '/audiences', { partner: 'meta', name })).id),
    audienceCounts: async (audienceId) => {
      const counts = await control('GET', `/audiences/${audienceId}/counts`);

      return {
        addsReceived: Number(counts.addsReceived),
        memberCount: Number(counts.memberCount),
      };
    },
    close: () => app.close(),
  };
}
