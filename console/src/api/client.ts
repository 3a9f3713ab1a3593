import type {
  Audience,
  AuditEntry,
  CatalogEntry,
  ConnectionInput,
  Connector,
  ConnectorAlert,
  ConnectorUsage,
  CreateAudienceInput,
  CredentialTestResult,
  DailyStatistics,
  ErrorSample,
  Journey,
  JourneyDefinition,
  MemberChangeResult,
  StatisticsWindow,
} from './types';

/** A failed API call; `message` is the service's own sentence, or one written here. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The service's stable error code, such as `CONNECTOR_IN_USE`. */
    readonly code?: string,
    /** Present on a 409 from a delete guard. */
    readonly usage?: ConnectorUsage,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener | undefined;

/** Sets what happens when a call returns 401 because the session ended. */
export function setUnauthorizedListener(listener: UnauthorizedListener | undefined): void {
  onUnauthorized = listener;
}

interface ErrorBody {
  message?: unknown;
  code?: unknown;
  usage?: ConnectorUsage;
}

/** Reads the session's CSRF token, which the service sets as a cookie this script can read. */
function csrfToken(): string | undefined {
  const entry = document.cookie.split('; ').find((cookie) => cookie.startsWith('activator_csrf='));

  return entry ? decodeURIComponent(entry.slice('activator_csrf='.length)) : undefined;
}

function headersFor(method: string, body: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = method === 'GET' ? undefined : csrfToken();
  if (csrf) headers['x-activator-csrf'] = csrf;

  return headers;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, body),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(
      0,
      `The Activator service could not be reached (${reason}). Check that it is running, then try again.`,
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed as T;

  const errorBody = (parsed ?? {}) as ErrorBody;
  const message =
    typeof errorBody.message === 'string'
      ? errorBody.message
      : `The service returned HTTP ${response.status} ${response.statusText} without an error message.`;
  const code = typeof errorBody.code === 'string' ? errorBody.code : undefined;
  if (response.status === 401 && path !== '/session') onUnauthorized?.();
  throw new ApiError(response.status, message, code, errorBody.usage);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const encode = encodeURIComponent;

/** Every `/api/v1` call the console makes. The session cookie authenticates each one. */
export const api = {
  session: () => request<{ signedIn: boolean; actor: string }>('GET', '/session'),
  signIn: (token: string) =>
    request<{ signedIn: boolean; actor: string }>('POST', '/session', { token }),
  signOut: () => request<void>('DELETE', '/session'),

  catalog: async () => (await request<{ items: CatalogEntry[] }>('GET', '/catalog')).items,

  connectors: async () => (await request<{ items: Connector[] }>('GET', '/connectors')).items,
  connector: (id: string) => request<Connector>('GET', `/connectors/${encode(id)}`),
  createConnector: (body: {
    type: string;
    name: string;
    settings: Record<string, unknown>;
    credentials: Record<string, unknown>;
  }) => request<Connector>('POST', '/connectors', body),
  patchConnector: (
    id: string,
    patch: {
      name?: string;
      settings?: Record<string, unknown>;
      credentials?: Record<string, unknown>;
    },
  ) => request<Connector>('PATCH', `/connectors/${encode(id)}`, patch),
  deactivateConnector: (id: string) =>
    request<Connector>('POST', `/connectors/${encode(id)}/deactivate`),
  activateConnector: (id: string) =>
    request<Connector>('POST', `/connectors/${encode(id)}/activate`),
  deleteConnector: (id: string) => request<void>('DELETE', `/connectors/${encode(id)}`),
  testConnector: (id: string) =>
    request<CredentialTestResult>('POST', `/connectors/${encode(id)}/test`),
  statistics: (id: string, days: StatisticsWindow) =>
    request<DailyStatistics>('GET', `/connectors/${encode(id)}/stats?days=${days}`),
  errorSamples: async (id: string) =>
    (await request<{ items: ErrorSample[] }>('GET', `/connectors/${encode(id)}/errors`)).items,
  alerts: async (connectorId: string) =>
    (
      await request<{ items: ConnectorAlert[] }>(
        'GET',
        `/alerts?connectorId=${encode(connectorId)}`,
      )
    ).items,

  audiences: async () => (await request<{ items: Audience[] }>('GET', '/audiences')).items,
  audience: (id: string) => request<Audience>('GET', `/audiences/${encode(id)}`),
  createAudience: (body: CreateAudienceInput) => request<Audience>('POST', '/audiences', body),
  addConnection: (audienceId: string, connection: ConnectionInput) =>
    request<Audience>('POST', `/audiences/${encode(audienceId)}/connections`, connection),
  removeConnection: (audienceId: string, connectorId: string) =>
    request<void>('DELETE', `/audiences/${encode(audienceId)}/connections/${encode(connectorId)}`),
  changeMembers: (audienceId: string, change: { add?: string[]; remove?: string[] }) =>
    request<MemberChangeResult>('POST', `/audiences/${encode(audienceId)}/members`, change),

  journeys: async () => (await request<{ items: Journey[] }>('GET', '/journeys')).items,
  journey: (id: string) => request<Journey>('GET', `/journeys/${encode(id)}`),
  createJourney: (definition: JourneyDefinition) =>
    request<Journey>('POST', '/journeys', definition),
  saveJourneyDraft: (id: string, definition: JourneyDefinition) =>
    request<Journey>('PUT', `/journeys/${encode(id)}/draft`, definition),
  publishJourney: (id: string) => request<Journey>('POST', `/journeys/${encode(id)}/publish`),

  audit: async (entityId?: string) => {
    const query = entityId ? `?entityId=${encode(entityId)}` : '';

    return (await request<{ items: AuditEntry[] }>('GET', `/audit${query}`)).items;
  },
};

/** Returns the message to show for any error thrown by an API call. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;

  return `Unexpected error: ${String(error)}`;
}
