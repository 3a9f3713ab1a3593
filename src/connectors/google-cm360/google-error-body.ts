/** The fields of a Google API error body that classification reads. */
export interface GoogleErrorBody {
  /** `error.status`, the `google.rpc.Code` name such as `RESOURCE_EXHAUSTED`. */
  status?: string;
  message?: string;
  /**
   * Reasons from the legacy `error.errors[].reason` list (`userRateLimitExceeded`) and from
   * `google.rpc.ErrorInfo` details (`ACCESS_TOKEN_SCOPE_INSUFFICIENT`), in body order.
   */
  reasons: string[];
  /** Delay from a `google.rpc.RetryInfo` detail, in whole seconds rounded up. */
  retryDelaySeconds?: number;
}

const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * Reads a Google API error body `{ error: { code, message, status, errors?, details? } }`, the
 * JSON form of `google.rpc.Status` with the legacy `errors` list that older APIs add. Returns
 * `undefined` when `body` is not such an object, as for an HTML page from a proxy.
 */
export function readGoogleErrorBody(body: unknown): GoogleErrorBody | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const error = body.error;
  const status = typeof error.status === 'string' && error.status !== '' ? error.status : undefined;
  const message = typeof error.message === 'string' ? error.message : undefined;
  if (status === undefined && message === undefined && typeof error.code !== 'number') {
    return undefined;
  }

  const reasons: string[] = [];
  let retryDelaySeconds: number | undefined;
  for (const item of Array.isArray(error.errors) ? error.errors : []) {
    if (isRecord(item) && typeof item.reason === 'string') reasons.push(item.reason);
  }
  for (const detail of Array.isArray(error.details) ? error.details : []) {
    if (!isRecord(detail)) continue;
    if (detail['@type'] === ERROR_INFO_TYPE && typeof detail.reason === 'string') {
      reasons.push(detail.reason);
    }
    if (detail['@type'] === RETRY_INFO_TYPE) {
      retryDelaySeconds = readDurationSeconds(detail.retryDelay) ?? retryDelaySeconds;
    }
  }

  const parsed: GoogleErrorBody = { reasons };
  if (status !== undefined) parsed.status = status;
  if (message !== undefined) parsed.message = message;
  if (retryDelaySeconds !== undefined) parsed.retryDelaySeconds = retryDelaySeconds;

  return parsed;
}

/**
 * Returns the `google.rpc.Code` name that Google's HTTP mapping gives a status, for error bodies
 * without `status`. 500 maps to INTERNAL, although UNKNOWN and DATA_LOSS share it.
 */
export function statusForHttpStatus(httpStatus: number): string | undefined {
  return STATUS_BY_HTTP_STATUS.get(httpStatus);
}

const STATUS_BY_HTTP_STATUS = new Map<number, string>([
  [400, 'INVALID_ARGUMENT'],
  [401, 'UNAUTHENTICATED'],
  [403, 'PERMISSION_DENIED'],
  [404, 'NOT_FOUND'],
  [409, 'ABORTED'],
  [429, 'RESOURCE_EXHAUSTED'],
  [499, 'CANCELLED'],
  [500, 'INTERNAL'],
  [501, 'UNIMPLEMENTED'],
  [503, 'UNAVAILABLE'],
  [504, 'DEADLINE_EXCEEDED'],
]);

/** Reads a protobuf JSON duration such as `"30s"` or `"1.5s"` as whole seconds, rounded up. */
function readDurationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,9})(\.\d{1,9})?s$/.exec(value);
  if (match === null) return undefined;

  return Math.ceil(Number(`${match[1]}${match[2] ?? ''}`));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
