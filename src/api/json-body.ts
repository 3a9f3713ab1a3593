import secureJson from 'secure-json-parse';

/** An error of a request body that `handleApiError` sends as 400 with its code and message. */
export class JsonBodyError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses a JSON request body. Unlike Fastify's default parser, which rejects every failure with
 * the same message, the error names the syntax problem and its position, or the key that is not
 * accepted. Keys that could replace an object's prototype (`__proto__`, `constructor.prototype`)
 * are rejected, as Fastify does.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new JsonBodyError(
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      'The body is empty; send a JSON object.',
    );
  }
  let parsed: unknown;
  try {
    // `safe` returns null for a forbidden key instead of an error that reads like a syntax error.
    parsed = secureJson.parse(text, undefined, {
      protoAction: 'error',
      constructorAction: 'error',
      safe: true,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new JsonBodyError(
      'FST_ERR_CTP_INVALID_JSON_BODY',
      `The body is not valid JSON: ${detail}. Fix the JSON and send it again.`,
    );
  }
  if (parsed === null && text.trim() !== 'null') {
    throw new JsonBodyError(
      'BODY_FORBIDDEN_KEY',
      'The body has a "__proto__" or "constructor.prototype" key, which the API rejects because ' +
        'it could change object prototypes; remove that key and send the body again.',
    );
  }

  return parsed;
}
