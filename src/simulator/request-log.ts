import type { FaultMode } from './fault-schedule.js';
import type { SimulatorPartner } from './simulator-partners.js';

/** Maximum number of partner requests the log keeps. The oldest are dropped first. */
export const MAX_RECORDED_REQUESTS = 1_000;

/**
 * Total request body size, in bytes, that the log keeps. A Meta upload of 10,000 rows is a few
 * MB, so 1,000 such bodies would not fit in memory. Past this size the oldest bodies are dropped
 * and their entries keep `bodyOmitted: true`.
 */
export const MAX_RECORDED_BODY_BYTES = 64 * 1024 * 1024;

/** Replacement for every token in a recorded request. */
export const REDACTED = '***';

const SECRET_FIELDS = new Set(['access_token', 'password', 'client_secret', 'refresh_token']);
const SECRET_HEADERS = new Set(['authorization']);

/** A partner request as `GET /_control/requests` returns it, with tokens redacted. */
export interface RecordedRequest {
  at: string;
  partner: SimulatorPartner;
  method: string;
  path: string;
  query: unknown;
  headers: Record<string, unknown>;
  body: unknown;
  bodyOmitted?: true;
  /** HTTP status of the response, unless the request is still open or a fault reset it. */
  status?: number;
  /** Fault mode applied to the request, if any. */
  fault?: FaultMode;
}

/** Request fields as received, before `record` redacts them. */
export interface ReceivedRequest {
  partner: SimulatorPartner;
  method: string;
  path: string;
  query: unknown;
  headers: Record<string, unknown>;
}

interface LogEntry {
  request: RecordedRequest;
  bodyBytes: number;
}

/** The last partner requests, newest last, with tokens redacted and a cap on body memory. */
export class RequestLog {
  #entries: LogEntry[] = [];
  #bodyBytes = 0;

  /** Stores a request without its body, which arrives later through `attachBody`. */
  record(received: ReceivedRequest, at = new Date()): RecordedRequest {
    const request: RecordedRequest = {
      at: at.toISOString(),
      partner: received.partner,
      method: received.method,
      path: received.path,
      query: redactSecrets(received.query),
      headers: redactHeaders(received.headers),
      body: undefined,
    };
    this.#entries.push({ request, bodyBytes: 0 });
    if (this.#entries.length > MAX_RECORDED_REQUESTS) {
      const dropped = this.#entries.splice(0, this.#entries.length - MAX_RECORDED_REQUESTS);
      for (const entry of dropped) this.#bodyBytes -= entry.bodyBytes;
    }

    return request;
  }

  /** Stores the redacted body of a recorded request. `bodyBytes` is its size on the wire. */
  attachBody(request: RecordedRequest, body: unknown, bodyBytes: number): void {
    const entry = this.#entries.findLast((candidate) => candidate.request === request);
    if (!entry) return;

    entry.request.body = redactSecrets(body);
    entry.bodyBytes = bodyBytes;
    this.#bodyBytes += bodyBytes;
    this.#dropOldBodies();
  }

  list(): RecordedRequest[] {
    return this.#entries.map((entry) => entry.request);
  }

  clear(): void {
    this.#entries = [];
    this.#bodyBytes = 0;
  }

  #dropOldBodies(): void {
    for (const entry of this.#entries) {
      if (this.#bodyBytes <= MAX_RECORDED_BODY_BYTES) return;
      if (entry.bodyBytes === 0) continue;

      this.#bodyBytes -= entry.bodyBytes;
      entry.bodyBytes = 0;
      entry.request.body = undefined;
      entry.request.bodyOmitted = true;
    }
  }
}

/** Returns a copy of a JSON value with every `access_token` field, at any depth, redacted. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;

  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_FIELDS.has(key) ? REDACTED : redactSecrets(field);
  }

  return copy;
}

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }

  return copy;
}
