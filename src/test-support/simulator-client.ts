import { startSimulator } from '../simulator/simulator-server.js';

/** A simulator on a free port with small helpers for its `/_control` API. */
export async function startTestSimulator() {
  const simulator = await startSimulator({ port: 0 });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${simulator.url}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 400) {
      throw new Error(
        `simulator ${method} ${path} failed: ${response.status} ${await response.text()}`,
      );
    }

    return response.status === 204
      ? undefined
      : ((await response.json()) as Record<string, unknown>);
  };

  return {
    url: simulator.url,
    close: () => simulator.close(),
    reset: () => control('POST', '/reset'),
    fault: (fault: Record<string, unknown>) =>
      control('POST', '/faults', { partner: 'meta', ...fault }),
    clearFaults: () => control('DELETE', '/faults'),
    async createAudience(name = 'Test audience'): Promise<string> {
      const created = await control('POST', '/audiences', { partner: 'meta', name });

      return String(created?.id);
    },
    async members(audienceId: string): Promise<Record<string, string>[]> {
      const body = await control('GET', `/audiences/${audienceId}`);

      return body?.members as Record<string, string>[];
    },
    /** Rows the audience received as adds, repeats included, and its distinct members. */
    async audienceCounts(
      audienceId: string,
    ): Promise<{ addsReceived: number; memberCount: number }> {
      const body = await control('GET', `/audiences/${audienceId}/counts`);

      return { addsReceived: Number(body?.addsReceived), memberCount: Number(body?.memberCount) };
    },
    async requests(): Promise<{ method: string; path: string; body?: unknown; at: string }[]> {
      const body = await control('GET', '/requests');

      return body?.items as { method: string; path: string; body?: unknown; at: string }[];
    },
  };
}

export type TestSimulator = Awaited<ReturnType<typeof startTestSimulator>>;

/** Polls `check` until it returns true or `timeoutMs` passes; throws with `what` on timeout. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
