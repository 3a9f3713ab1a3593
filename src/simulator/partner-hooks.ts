import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  MARKED_VALUE_FAULT_MODES,
  type ActiveFault,
  type FaultSettings,
} from './fault-schedule.js';
import type { PartnerError, PartnerErrorProfile } from './partner-error.js';
import type { RecordedRequest } from './request-log.js';
import type { SimulatorState } from './simulator-state.js';

export interface PartnerHookOptions {
  state: SimulatorState;
  profile: PartnerErrorProfile;
  /** Signal aborted when the simulator closes, so that delayed requests end at once. */
  closing: AbortSignal;
  /**
   * Returns the data cells of an audience upload, or `undefined` for any other request.
   * `reject_marked` and `invalid_marked` faults apply only to requests with a cell equal to
   * their `value`, so without this function they never apply.
   */
  readUploadCells?: (request: FastifyRequest) => readonly string[] | undefined;
}

/** The value of the `invalid_marked` fault applied to each request. */
const invalidRowValues = new WeakMap<FastifyRequest, string>();

/**
 * Returns the value of the `invalid_marked` fault applied to this request, if any. The route
 * counts every upload row with a cell equal to it as an invalid entry and leaves the row out.
 */
export function findInvalidRowValue(request: FastifyRequest): string | undefined {
  return invalidRowValues.get(request);
}

const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
  '<body><h1>502 Bad Gateway</h1><p>The upstream server returned an invalid response.</p>' +
  '</body></html>\n';

/**
 * Adds the hooks every partner route scope needs: each request is recorded in the request log,
 * and the next scheduled fault for the partner, if any, responds in place of the route.
 * Faults run after body parsing, so the log also contains the bodies of faulted requests.
 */
export function addPartnerHooks(scope: FastifyInstance, options: PartnerHookOptions): void {
  const { state, profile } = options;
  const records = new WeakMap<FastifyRequest, RecordedRequest>();

  scope.addHook('onRequest', async (request) => {
    const record = state.requests.record({
      partner: profile.partner,
      method: request.method,
      path: request.url.split('?', 1)[0] ?? request.url,
      query: request.query,
      headers: request.headers,
    });
    records.set(request, record);
  });

  scope.addHook('preHandler', async (request, reply) => {
    const record = records.get(request);
    if (record && request.body !== undefined) {
      state.requests.attachBody(record, request.body, bodySizeOf(request));
    }

    const fault = state.faults.take(profile.partner, matchesMarkedValue(request, options));
    if (!fault) return;

    if (record) record.fault = fault.mode;
    request.log.info({ faultId: fault.id, mode: fault.mode }, 'Simulator fault applied');
    await applyFault(fault, request, reply, options);
    if (reply.sent) return reply;
  });

  scope.addHook('onResponse', async (request, reply) => {
    const record = records.get(request);
    if (record) record.status = reply.statusCode;
  });
}

/**
 * Returns a check that passes every fault without a marked value, and a `reject_marked` or
 * `invalid_marked` fault only when the request is an upload with a cell equal to its `value`.
 */
function matchesMarkedValue(
  request: FastifyRequest,
  options: PartnerHookOptions,
): (fault: FaultSettings) => boolean {
  let cells: ReadonlySet<string> | undefined;

  return (fault) => {
    if (!MARKED_VALUE_FAULT_MODES.has(fault.mode)) return true;
    if (fault.value === undefined) return false;

    cells ??= new Set(options.readUploadCells?.(request) ?? []);
    return cells.has(fault.value);
  };
}

/**
 * Sends the fault's response. A `delay` fault only waits, and an `invalid_marked` fault only marks
 * the request, and then the route responds.
 */
async function applyFault(
  fault: ActiveFault,
  request: FastifyRequest,
  reply: FastifyReply,
  options: PartnerHookOptions,
): Promise<void> {
  const { profile } = options;
  switch (fault.mode) {
    case 'delay':
      await delayRequest(fault.delayMs ?? 0, request, reply, options.closing);
      return;
    case 'reset':
      resetConnection(request, reply);
      return;
    case 'html':
      reply.code(502).type('text/html; charset=utf-8').send(HTML_ERROR_PAGE);
      return;
    case 'status':
      setRetryAfter(fault, reply);
      sendStatusFault(fault, reply, profile);
      return;
    case 'partner_error':
      setRetryAfter(fault, reply);
      sendPartnerError(reply, profile, {
        status: fault.status ?? profile.defaultErrorStatus,
        code: fault.code ?? 1,
        subcode: fault.subcode,
        message: fault.message ?? simulatedErrorMessage(fault.code ?? 1),
      });
      return;
    case 'expired_token':
      sendPartnerError(reply, profile, profile.expiredTokenError);
      return;
    case 'missing_permission':
      sendPartnerError(reply, profile, profile.missingPermissionError);
      return;
    case 'reject_marked':
      sendPartnerError(reply, profile, profile.invalidDataError);
      return;
    case 'invalid_marked':
      if (fault.value !== undefined) invalidRowValues.set(request, fault.value);
      return;
  }
}

function setRetryAfter(fault: ActiveFault, reply: FastifyReply): void {
  if (fault.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(fault.retryAfterSeconds));
  }
}

async function delayRequest(
  delayMs: number,
  request: FastifyRequest,
  reply: FastifyReply,
  closing: AbortSignal,
): Promise<void> {
  try {
    await sleep(delayMs, undefined, { signal: closing });
  } catch (error) {
    if (!closing.aborted) throw error;

    // The simulator is closing: drop the connection so that close() does not wait for the delay.
    resetConnection(request, reply);
  }
}

/** Destroys the connection without sending a response, as a crashed proxy would. */
function resetConnection(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  request.raw.socket.destroy();
}

/** Sends the fault's status with the partner's error body when it has a code, else plain text. */
function sendStatusFault(
  fault: ActiveFault,
  reply: FastifyReply,
  profile: PartnerErrorProfile,
): void {
  const status = fault.status ?? 500;
  if (fault.code !== undefined && status >= 400) {
    sendPartnerError(reply, profile, {
      status,
      code: fault.code,
      subcode: fault.subcode,
      message: fault.message ?? simulatedErrorMessage(fault.code),
    });
    return;
  }

  reply
    .code(status)
    .type('text/plain; charset=utf-8')
    .send(STATUS_CODES[status] ?? 'Error');
}

function sendPartnerError(reply: FastifyReply, profile: PartnerErrorProfile, error: PartnerError) {
  reply.code(error.status).type('application/json; charset=utf-8').send(profile.formatError(error));
}

function simulatedErrorMessage(code: number): string {
  return `Simulated partner error with code ${code}.`;
}

function bodySizeOf(request: FastifyRequest): number {
  const contentLength = Number(request.headers['content-length']);
  if (Number.isInteger(contentLength) && contentLength >= 0) return contentLength;

  return Buffer.byteLength(JSON.stringify(request.body) ?? '');
}
