import {
  type PartnerHttpClient,
  type PartnerRequest,
  type PartnerResponse,
  PartnerRequestError,
} from '../net/partner-http-client.js';

/** The last request of a batch and what came back, kept for the error sample. */
export interface PartnerExchange {
  request: { method: string; path: string; body?: unknown };
  response?: { status: number; body: string };
  error?: string;
}

/**
 * Remembers the last exchange of every client it wraps; values are redacted before they are
 * stored.
 */
export function recordExchanges(): {
  wrap(http: PartnerHttpClient): PartnerHttpClient;
  last(): PartnerExchange | undefined;
} {
  let last: PartnerExchange | undefined;

  return {
    wrap: (http) => ({
      async send(request: PartnerRequest): Promise<PartnerResponse> {
        last = {
          request: {
            method: request.method,
            path: request.path,
            body: request.json ?? request.body,
          },
        };
        try {
          const response = await http.send(request);
          last.response = { status: response.status, body: response.text };

          return response;
        } catch (error) {
          if (error instanceof PartnerRequestError) last.error = `${error.kind}: ${error.message}`;
          throw error;
        }
      },
    }),
    last: () => last,
  };
}
