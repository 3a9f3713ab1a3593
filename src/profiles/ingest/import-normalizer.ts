import { resolveRegion } from './country.js';
import type { PhoneNumberLookup } from './identifiers.js';
import type { ImportRow } from './import-row.js';
import { normalizeProfile, type ProfileNormalization } from './normalize-profile.js';
import type { PhoneNumberResult } from './phone-number.js';
import { PhoneNumberWorker, type PhoneNumberParser } from './phone-number-thread.js';
import { isPlainObject } from './plain-object.js';

/** A row of an import and its normalized profile; `result` is undefined when `row.error` is set. */
export interface NormalizedRow {
  row: ImportRow;
  result?: ProfileNormalization;
}

export interface ImportNormalizerOptions {
  /** Starts the phone number worker, by default with `PhoneNumberWorker.start()`. */
  startWorker?: () => PhoneNumberParser | undefined;
  /** Called once when the worker fails. The rows after it are normalized on this thread. */
  onWorkerError?: (error: unknown) => void;
}

/** Rows whose phone numbers go to the worker in one message. */
const ROWS_PER_REQUEST = 2_000;

/**
 * Rows normalized without the worker at the start of an import. Starting a worker and loading
 * its phone number metadata takes longer than normalizing a small import.
 */
const ROWS_BEFORE_WORKER = 10_000;

/**
 * Requests sent to the worker before their rows are needed. Storing a batch of 20,000 profiles
 * keeps the calling thread busy for a while, and 8,000 rows of phone numbers keep the worker busy
 * for about as long. Each request ahead added about 15 MB to the peak resident memory of a
 * 200,000-row import, so the bound also keeps memory flat whatever the size of the input.
 */
const REQUESTS_AHEAD = 4;

interface Request {
  rows: ImportRow[];
  /** Undefined when the phone numbers are to be parsed on this thread. */
  phoneNumbers: Promise<PhoneNumberLookup | undefined>;
}

/**
 * Normalizes import rows with `normalizeProfile` and yields them in input order. After the first
 * rows, the phone numbers of each request are parsed on a worker thread while this thread
 * normalizes and stores the rows before them. The worker stops when iteration ends. When reading
 * `batches` fails, the rows read before the error are yielded and then the error is thrown.
 */
export async function* normalizeImportRows(
  batches: AsyncIterable<ImportRow[]>,
  options: ImportNormalizerOptions = {},
): AsyncGenerator<NormalizedRow[]> {
  const startWorker = options.startWorker ?? (() => PhoneNumberWorker.start());
  const requests: Request[] = [];
  let worker: PhoneNumberParser | undefined;
  let workerRequested = false;
  let workerFailed = false;
  let stopping = false;
  let rowsSent = 0;
  let waiting: ImportRow[] = [];

  const parseOnWorker = async (
    active: PhoneNumberParser,
    rows: ImportRow[],
  ): Promise<PhoneNumberLookup | undefined> => {
    const { values, regions } = collectPhoneNumbers(rows);
    try {
      return lookupOf(values, regions, await active.normalize(values, regions));
    } catch (error) {
      // Stopping the worker rejects the requests still waiting, which is no failure to report.
      if (!workerFailed && !stopping) {
        workerFailed = true;
        options.onWorkerError?.(error);
      }
      return undefined;
    }
  };
  const send = (rows: ImportRow[]): void => {
    if (!workerRequested && rowsSent >= ROWS_BEFORE_WORKER) {
      workerRequested = true;
      worker = startWorker();
    }
    rowsSent += rows.length;
    const active = workerFailed ? undefined : worker;
    const phoneNumbers =
      active === undefined ? Promise.resolve(undefined) : parseOnWorker(active, rows);
    requests.push({ rows, phoneNumbers });
  };
  const takeOldest = async (): Promise<NormalizedRow[]> => {
    const request = requests.shift() as Request;
    const phoneNumbers = await request.phoneNumbers;
    return request.rows.map((row) =>
      row.input === undefined
        ? { row }
        : { row, result: normalizeProfile(row.input, { phoneNumbers }) },
    );
  };
  const capacity = (): number => (worker === undefined || workerFailed ? 1 : REQUESTS_AHEAD);

  try {
    let failure: { error: unknown } | undefined;
    try {
      for await (const rows of batches) {
        waiting = waiting.length === 0 ? rows : waiting.concat(rows);
        if (waiting.length >= ROWS_PER_REQUEST) {
          send(waiting);
          waiting = [];
        }
        while (requests.length >= capacity()) {
          yield await takeOldest();
        }
      }
    } catch (error) {
      failure = { error };
    }
    if (waiting.length > 0) {
      send(waiting);
    }
    while (requests.length > 0) {
      yield await takeOldest();
    }
    if (failure !== undefined) {
      throw failure.error;
    }
  } finally {
    stopping = true;
    await worker?.stop();
  }
}

/**
 * Collects the phone numbers of the rows with the region that `normalizeProfile` gives them.
 * A number missed here is parsed on the calling thread, so this only has to find most of them.
 */
function collectPhoneNumbers(rows: ImportRow[]): {
  values: string[];
  regions: (string | undefined)[];
} {
  const values: string[] = [];
  const regions: (string | undefined)[] = [];
  for (const { input } of rows) {
    const identifiers: unknown = input?.identifiers;
    const phones = isPlainObject(identifiers) ? identifiers['phone'] : undefined;
    if (phones === undefined) continue;

    const attributes: unknown = input?.attributes;
    const country = isPlainObject(attributes) ? attributes['country'] : undefined;
    const region = typeof country === 'string' ? resolveRegion(country) : undefined;
    for (const phone of Array.isArray(phones) ? phones : [phones]) {
      const trimmed = typeof phone === 'string' ? phone.trim() : '';
      if (trimmed === '') continue;
      values.push(trimmed);
      regions.push(region);
    }
  }
  return { values, regions };
}

function lookupOf(
  values: string[],
  regions: (string | undefined)[],
  results: PhoneNumberResult[],
): PhoneNumberLookup {
  const known = new Map<string, PhoneNumberResult>();
  results.forEach((result, index) => {
    known.set(phoneKey(values[index] as string, regions[index]), result);
  });
  return (value, region) => known.get(phoneKey(value, region));
}

/** Builds the lookup key. A region is empty or two letters, so the first `|` always ends it. */
function phoneKey(value: string, region: string | undefined): string {
  return `${region ?? ''}|${value}`;
}
