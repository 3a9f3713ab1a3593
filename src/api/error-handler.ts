import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { describeStoreFault, storeFaultOf } from '../store/store-faults.js';

/** Error body shape of every API error: Fastify's, plus a stable `code`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  [detail: string]: unknown;
}

function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}

const FASTIFY_MESSAGES: Record<string, (error: FastifyError) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    'The body is larger than this endpoint accepts; send less data per request.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (error) =>
    `${error.message}; send Content-Type: application/json.`,
};

/**
 * Maps every error to the API error shape. A full disk or a read-only store is logged and sent
 * as 507 or 503 with a message for the operator. Other unexpected errors are logged and sent as
 * 500.
 */
export function handleApiError(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof AppError) {
    request.log.info({ code: error.code, statusCode: error.statusCode }, 'request rejected');

    return reply
      .status(error.statusCode)
      .send({ ...errorBody(error.statusCode, error.code, error.message), ...error.details });
  }
  if (error.validation) {
    request.log.info({ code: 'REQUEST_INVALID' }, 'request failed validation');

    return reply.status(400).send(errorBody(400, 'REQUEST_INVALID', error.message));
  }
  const fault = storeFaultOf(error);
  if (fault) {
    const response = describeStoreFault(fault);
    request.log.error(
      { err: error, code: response.code },
      'request failed because of a store fault',
    );

    return reply
      .status(response.statusCode)
      .send(errorBody(response.statusCode, response.code, response.message));
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) {
    const describe = error.code ? FASTIFY_MESSAGES[error.code] : undefined;
    request.log.info({ code: error.code, statusCode }, 'request rejected');

    return reply
      .status(statusCode)
      .send(
        errorBody(
          statusCode,
          error.code ?? 'REQUEST_INVALID',
          describe ? describe(error) : error.message,
        ),
      );
  }
  request.log.error({ err: error }, 'request failed');

  return reply
    .status(500)
    .send(
      errorBody(
        500,
        'INTERNAL',
        `The request failed inside the service; the log has the details under request id ${request.id}.`,
      ),
    );
}
