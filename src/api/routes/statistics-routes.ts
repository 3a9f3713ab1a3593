import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { badRequest, notFound } from '../../errors/app-error.js';
import type { ErrorSampleRepository } from '../../statistics/error-sample-repository.js';
import type { StatisticsRepository } from '../../statistics/statistics-repository.js';
import { connectorIdParams, errorSchema } from '../schemas/connector-schemas.js';

export interface StatisticsRouteDependencies {
  statistics: StatisticsRepository;
  samples: ErrorSampleRepository;
  connectorExists(id: string): Promise<boolean>;
  /** Activations of the connector that wait for another attempt. */
  pendingRetry(connectorId: string): Promise<number>;
  /** Clock that sets the end of the window. Tests pass a fixed time. */
  now?: () => Date;
}

const DAY_WINDOWS = { '7': 7, '30': 30, '90': 90 } as const;
const HOUR_WINDOWS = ['24'] as const;

const statsQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Enum(['7', '30', '90'], {
        description: 'Number of UTC days ending with today. Send days or hours, not both.',
      }),
    ),
    hours: Type.Optional(
      Type.Enum([...HOUR_WINDOWS], {
        description:
          'Number of UTC hours ending with the current hour. Send days or hours, not both.',
      }),
    ),
  },
  { additionalProperties: false },
);

const count = Type.Integer({ minimum: 0 });

const deliveryCountFields = {
  added: count,
  removed: count,
  errors: Type.Object({
    other: count,
    invalidCredentials: count,
    timeout: count,
    partner: Type.Record(Type.String(), count, {
      description: 'Failed attempts per partner error code, such as "190" or "100/33".',
    }),
  }),
  failed: count,
  skipped: Type.Object({
    noIdentifier: count,
    invalidIdentifier: count,
    deactivated: count,
    noConsent: count,
  }),
};

const pendingRetry = Type.Integer({
  minimum: 0,
  description: 'Activations waiting for another attempt.',
});

const dailyStatsResponse = Type.Object({
  days: Type.Array(
    Type.Object({
      date: Type.String({ description: 'UTC day, YYYY-MM-DD.' }),
      ...deliveryCountFields,
    }),
  ),
  totals: Type.Object(deliveryCountFields),
  pendingRetry,
});

const hourlyStatsResponse = Type.Object({
  hours: Type.Array(
    Type.Object({
      hour: Type.String({ description: 'Start of the UTC hour, YYYY-MM-DDTHH:00:00Z.' }),
      ...deliveryCountFields,
    }),
  ),
  totals: Type.Object(deliveryCountFields),
  pendingRetry,
});

const errorSampleListResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String({ description: 'Time of the failed attempt, ISO 8601 UTC.' }),
      category: Type.String(),
      httpStatus: Type.Optional(Type.Integer()),
      partnerCode: Type.Optional(Type.String()),
      partnerMessage: Type.Optional(Type.String()),
      batchSize: Type.Integer(),
      summary: Type.String(),
      fix: Type.String(),
      request: Type.Unknown({ description: 'Redacted request: JSON, or text.' }),
      response: Type.Unknown({ description: 'Redacted response: JSON, or text.' }),
    }),
  ),
});

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

/** Delivery statistics and recent error samples of a connector. */
export function statisticsRoutes(
  dependencies: StatisticsRouteDependencies,
): FastifyPluginAsyncTypebox {
  const { statistics, samples } = dependencies;
  const now = dependencies.now ?? (() => new Date());

  async function requireConnector(id: string): Promise<void> {
    if (!(await dependencies.connectorExists(id))) throw notFound('connector', id);
  }

  return async (app) => {
    const tags = ['statistics'];

    app.get(
      '/connectors/:id/stats',
      {
        schema: {
          tags,
          params: connectorIdParams,
          querystring: statsQuery,
          response: { 200: Type.Union([dailyStatsResponse, hourlyStatsResponse]), ...errors },
        },
        // Runs before schema validation, so an invalid window gets a message listing the
        // allowed values whichever schema error formatter the server uses.
        preValidation: async (request) => {
          validateStatsWindow(request.query as Record<string, unknown>);
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireConnector(id);
        const at = now();
        const { days } = request.query;
        const report =
          days !== undefined
            ? await statistics.days(id, DAY_WINDOWS[days], at)
            : await statistics.hours(id, 24, at);

        return { ...report, pendingRetry: await dependencies.pendingRetry(id) };
      },
    );

    app.get(
      '/connectors/:id/errors',
      {
        schema: {
          tags,
          params: connectorIdParams,
          response: { 200: errorSampleListResponse, ...errors },
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireConnector(id);

        return { items: await samples.list(id) };
      },
    );
  };
}

/** Throws a 400 unless the query has exactly one valid window: `days` or `hours`. */
function validateStatsWindow(query: Record<string, unknown>): void {
  const { days, hours } = query;
  if (days !== undefined && hours !== undefined) {
    throw badRequest(
      'querystring has both days and hours. Send only one: days=7, 30 or 90, or hours=24.',
    );
  }
  if (days === undefined && hours === undefined) {
    throw badRequest('querystring.days is required. Send days=7, 30 or 90, or hours=24.');
  }
  if (days !== undefined && !(typeof days === 'string' && Object.hasOwn(DAY_WINDOWS, days))) {
    throw badRequest(
      `querystring.days must be one of: 7, 30, 90 (got ${quoteInput(days)}). Use hours=24 for hourly counts.`,
    );
  }
  if (hours !== undefined && !(HOUR_WINDOWS as readonly unknown[]).includes(hours)) {
    throw badRequest(
      `querystring.hours must be 24 (got ${quoteInput(hours)}). Use days=7, 30 or 90 for daily counts.`,
    );
  }
}

/** Quotes a query value for an error message, cut to 40 characters. */
function quoteInput(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);

  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
