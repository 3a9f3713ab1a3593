import type { Kysely, Transaction } from 'kysely';
import type { ErrorCategory } from '../connectors/connector-type.js';
import type { Database } from '../store/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Maximum error samples kept per connector. `append` deletes older ones. */
export const MAX_ERROR_SAMPLES = 100;

/**
 * Maximum length of a stored request or response, in characters. A longer string body is cut to
 * this length. A JSON value whose text is longer is cut as text, which then no longer parses, so
 * `list` returns that text as a string.
 */
export const MAX_SAMPLE_BODY_CHARS = 16_384;

/**
 * A failed delivery attempt to record. `request` and `response` must already be redacted (see
 * `redactSample`): this repository stores them as given.
 */
export interface ErrorSample {
  connectorId: string;
  at: Date;
  category: ErrorCategory;
  httpStatus?: number;
  partnerCode?: string;
  partnerMessage?: string;
  /** Profiles in the failed request. */
  batchSize: number;
  summary: string;
  fix: string;
  /** A JSON value, or text when the body was not JSON. */
  request: unknown;
  response: unknown;
}

/** An error sample as the errors API returns it. Optional fields without a value are omitted. */
export interface ErrorSampleView {
  at: string;
  category: string;
  httpStatus?: number;
  partnerCode?: string;
  partnerMessage?: string;
  batchSize: number;
  summary: string;
  fix: string;
  request: unknown;
  response: unknown;
}

/** The most recent delivery errors of each connector. */
export class ErrorSampleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts `sample`, then deletes the connector's samples beyond the newest `MAX_ERROR_SAMPLES`. */
  async append(executor: Executor, sample: ErrorSample): Promise<void> {
    await executor
      .insertInto('error_samples')
      .values({
        connector_id: sample.connectorId,
        at: sample.at.toISOString(),
        category: sample.category,
        http_status: sample.httpStatus ?? null,
        partner_code: sample.partnerCode ?? null,
        partner_message: sample.partnerMessage ?? null,
        batch_size: sample.batchSize,
        summary: sample.summary,
        fix: sample.fix,
        request: serializeBody(sample.request),
        response: serializeBody(sample.response),
      })
      .execute();

    const oldestKept = await executor
      .selectFrom('error_samples')
      .select('id')
      .where('connector_id', '=', sample.connectorId)
      .orderBy('id', 'desc')
      .offset(MAX_ERROR_SAMPLES - 1)
      .limit(1)
      .executeTakeFirst();
    if (!oldestKept) return;
    await executor
      .deleteFrom('error_samples')
      .where('connector_id', '=', sample.connectorId)
      .where('id', '<', oldestKept.id)
      .execute();
  }

  /** Returns the connector's samples, newest (last inserted) first. */
  async list(connectorId: string): Promise<ErrorSampleView[]> {
    const rows = await this.db
      .selectFrom('error_samples')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .orderBy('id', 'desc')
      .limit(MAX_ERROR_SAMPLES)
      .execute();

    return rows.map((row) => {
      const view: ErrorSampleView = {
        at: row.at,
        category: row.category,
        batchSize: row.batch_size,
        summary: row.summary,
        fix: row.fix,
        request: parseBody(row.request),
        response: parseBody(row.response),
      };
      if (row.http_status !== null) view.httpStatus = row.http_status;
      if (row.partner_code !== null) view.partnerCode = row.partner_code;
      if (row.partner_message !== null) view.partnerMessage = row.partner_message;

      return view;
    });
  }
}

/**
 * Stores every body as JSON text, so a string body comes back from `parseBody` as the same
 * string and not as the value it may spell.
 */
function serializeBody(body: unknown): string {
  if (typeof body === 'string') return JSON.stringify(cutText(body));

  return cutText(JSON.stringify(body ?? null));
}

function cutText(text: string): string {
  if (text.length <= MAX_SAMPLE_BODY_CHARS) return text;

  return `${text.slice(0, MAX_SAMPLE_BODY_CHARS - 1)}…`;
}

/** Parses stored JSON text; text that is not JSON (such as a cut body) is returned as is. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
