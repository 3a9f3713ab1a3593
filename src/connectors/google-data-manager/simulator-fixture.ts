import { Agent } from 'undici';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import {
  GOOGLE_PREFIX,
  startGoogleTestSimulator,
} from '../../simulator/google/google-test-server.js';
import type { ConnectorContext } from '../connector-type.js';
import { createAccessTokenSource } from './client.js';
import type { DataManagerCommonSettings, DataManagerCredentials } from './schemas.js';

/** Credentials that the simulated token endpoint accepts. */
export const SIMULATOR_CREDENTIALS: DataManagerCredentials = {
  clientId: 'activator-test.apps.googleusercontent.com',
  clientSecret: 'client-secret',
  refreshToken: 'refresh-token-ok',
};

/** A recorded simulator request, as `GET /_control/requests` returns it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body?: unknown;
  status?: number;
}

/**
 * A Google simulator on a free port of 127.0.0.1 with helpers for its `/_control` API and for
 * connector contexts that point at it. For the tests of the Data Manager types.
 */
export interface GoogleSimulatorFixture {
  url: string;
  close(): Promise<void>;
  /** Calls the `/_control` API and returns the JSON body; throws on an error status. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Schedules a fault for partner `google`. */
  fault(fault: Record<string, unknown>): Promise<void>;
  createUserList(id: string): Promise<void>;
  members(userListId: string): Promise<Record<string, string>[]>;
  /** Requests the simulator received below `/google`, oldest first. */
  requests(): Promise<RecordedRequest[]>;
  /** Returns a context with `baseUrl` and `tokenUrl` on the simulator. */
  context<Settings extends DataManagerCommonSettings>(
    settings: Settings,
    options?: { timeoutMs?: number; credentials?: DataManagerCredentials },
  ): ConnectorContext<
    Settings & Required<Pick<DataManagerCommonSettings, 'baseUrl' | 'tokenUrl'>>,
    DataManagerCredentials
  >;
  /** Fetches and caches an access token, so that later faults hit Data Manager calls only. */
  primeToken(
    context: ConnectorContext<DataManagerCommonSettings, DataManagerCredentials>,
  ): Promise<string>;
}

export async function startGoogleSimulatorFixture(): Promise<GoogleSimulatorFixture> {
  const simulator = await startGoogleTestSimulator();
  const dispatcher = new Agent();
  const baseUrl = `${simulator.url}${GOOGLE_PREFIX}`;

  const clientFor = (clientBaseUrl: string, timeoutMs = 5_000) =>
    createPartnerHttpClient({
      baseUrl: clientBaseUrl,
      timeoutMs,
      dispatcher,
      allowPrivateDestinations: true,
    });

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${simulator.url}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 400) {
      throw new Error(
        `Simulator ${method} ${path} failed: ${response.status} ${await response.text()}`,
      );
    }

    return response.status === 204 ? undefined : response.json();
  };

  return {
    url: simulator.url,
    close: async () => {
      await dispatcher.close();
      await simulator.close();
    },
    control,
    fault: async (fault) => {
      await control('POST', '/faults', { partner: 'google', ...fault });
    },
    createUserList: async (id) => {
      await control('POST', '/audiences', { partner: 'google', id, name: `User list ${id}` });
    },
    members: async (userListId) => {
      const body = (await control('GET', `/audiences/${userListId}`)) as {
        members: Record<string, string>[];
      };

      return body.members;
    },
    requests: async () => {
      const body = (await control('GET', '/requests')) as { items: RecordedRequest[] };

      return body.items;
    },
    context: (settings, options = {}) => ({
      settings: { ...settings, baseUrl, tokenUrl: `${baseUrl}/token` },
      credentials: options.credentials ?? SIMULATOR_CREDENTIALS,
      http: clientFor(baseUrl, options.timeoutMs),
      httpFor: (otherBaseUrl) => clientFor(otherBaseUrl, options.timeoutMs),
    }),
    primeToken: (context) => createAccessTokenSource(context).get(),
  };
}
