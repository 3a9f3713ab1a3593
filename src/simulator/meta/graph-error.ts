import { randomBytes } from 'node:crypto';
import type { PartnerError } from '../partner-error.js';

/** Body of a Graph API error response. */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    fbtrace_id: string;
  };
}

/** A Graph API error that the route error handler sends as the Meta error envelope. */
export class GraphApiError extends Error implements PartnerError {
  readonly status: number;
  readonly code: number;
  readonly subcode: number | undefined;

  constructor(error: PartnerError) {
    super(error.message);
    this.name = 'GraphApiError';
    this.status = error.status;
    this.code = error.code;
    this.subcode = error.subcode;
  }
}

/** Returns the Meta error envelope for an error. Graph API errors all have type OAuthException. */
export function formatGraphError(error: PartnerError): GraphErrorBody {
  const body: GraphErrorBody = {
    error: {
      message: error.message,
      type: 'OAuthException',
      code: error.code,
      fbtrace_id: newFbtraceId(),
    },
  };
  if (error.subcode !== undefined) body.error.error_subcode = error.subcode;

  return body;
}

/** Code 100: a parameter is missing or invalid. */
export function invalidParameter(message: string): GraphApiError {
  return new GraphApiError({ status: 400, code: 100, message: `(#100) ${message}` });
}

/**
 * Code 100, subcode 33: the object does not exist, the token may not see it, or it does not
 * support the method. Meta returns this error for an unknown custom audience id.
 */
export function unsupportedRequest(method: string, objectId: string): GraphApiError {
  return new GraphApiError({
    status: 400,
    code: 100,
    subcode: 33,
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, ` +
      'cannot be loaded due to missing permissions, or does not support this operation.',
  });
}

/**
 * Code 2500 with HTTP 400: the path names an edge that does not exist. Source: error reports
 * from Graph API client users, such as https://github.com/arsduo/koala/issues/611.
 */
export function unknownPath(path: string): GraphApiError {
  const message = `Unknown path components: ${path}`;

  return new GraphApiError({ status: 400, code: 2500, message });
}

/** Returns a random trace id in the style of Meta's `fbtrace_id`. */
function newFbtraceId(): string {
  return randomBytes(8).toString('base64url');
}
