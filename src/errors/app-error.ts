/**
 * Errors the service reports to API callers. Each has a stable code (`AREA_WHAT`) and the HTTP
 * status it is answered with; the message says what was expected and what to do.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** Extra top-level fields of the error body, such as `usage` on a delete guard. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function badRequest(message: string, code = 'REQUEST_INVALID'): AppError {
  return new AppError(code, 400, message);
}

export function notFound(what: string, id: string): AppError {
  return new AppError(`${what.toUpperCase()}_NOT_FOUND`, 404, `No ${what} with id '${id}' exists.`);
}

export function conflict(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): AppError {
  return new AppError(code, 409, message, details);
}

/** Raised at start when an environment variable holds an unusable value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
