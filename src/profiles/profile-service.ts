import type { Readable } from 'node:stream';
import type { MembershipEvaluator } from '../audiences/membership-evaluator.js';
import { activationFor } from '../audiences/activation-for.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import type { DeliveryLedger } from '../delivery/delivery-ledger.js';
import { notFound } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { AudienceRepository } from '../store/audience-repository.js';
import type { JourneyRepository } from '../store/journey-repository.js';
import type { ProfileRepository } from '../store/profile-repository.js';
import type { Store } from '../store/store.js';
import type { ImportMapping } from './ingest/import-mapping.js';
import { normalizeImportRows } from './ingest/import-normalizer.js';
import { readImportBatches } from './ingest/import-reader.js';
import { normalizeProfile } from './ingest/normalize-profile.js';
import type { PhoneNumberParser } from './ingest/phone-number-thread.js';
import type { Profile, ProfileInput } from './profile.js';

/**
 * Minimum profiles stored per transaction during an import. A batch ends with the first chunk of
 * the input that reaches this size. Larger transactions write each page of the id index fewer
 * times: inserting 1,000,000 rows with random ids into SQLite took about half the time per row
 * in transactions of 20,000 as in transactions of 5,000 (one run of a standalone insert loop).
 */
const IMPORT_BATCH_SIZE = 20_000;

export interface ProfileRejection {
  index: number;
  id?: string;
  field: string;
  reason: string;
}

/** Summary of an import: rows read, profiles stored, and rejected values per reason. */
export interface ImportSummary {
  read: number;
  stored: number;
  rejected: Record<string, number>;
  /** The first rejected rows with their line numbers, for the operator to fix. */
  samples: { line: number; field: string; reason: string }[];
}

const MAX_IMPORT_SAMPLES = 20;

export interface ProfileServiceOptions {
  store: Store;
  profiles: ProfileRepository;
  audiences: AudienceRepository;
  journeys: JourneyRepository;
  ledger: DeliveryLedger;
  evaluator: MembershipEvaluator;
  engine: Pick<DeliveryEngine, 'enqueue'>;
  logger: Logger;
  now?: () => Date;
  /**
   * Starts the worker thread that parses the phone numbers of a large import, by default with
   * `PhoneNumberWorker.start()`. Returning undefined parses them on the calling thread.
   */
  startPhoneNumberWorker?: () => PhoneNumberParser | undefined;
}

/** Stores profiles and lets audiences react to every change. */
export class ProfileService {
  readonly #now: () => Date;

  constructor(private readonly options: ProfileServiceOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  /** Normalizes and stores profiles; invalid values are reported and the rest is kept. */
  async upsert(
    inputs: ProfileInput[],
  ): Promise<{ stored: number; rejections: ProfileRejection[] }> {
    const profiles: Profile[] = [];
    const rejections: ProfileRejection[] = [];
    for (const [index, input] of inputs.entries()) {
      const result = normalizeProfile(input);
      const id = typeof input?.id === 'string' ? input.id : undefined;
      if ('error' in result) {
        rejections.push({ index, id, field: 'id', reason: result.reason });
        continue;
      }
      profiles.push(result.profile);
      for (const rejection of result.rejections) rejections.push({ index, id, ...rejection });
    }
    await this.#store(profiles);

    return { stored: profiles.length, rejections };
  }

  /** Streams a CSV or NDJSON import into the store in batches. */
  async import(
    stream: Readable,
    options: { format: 'csv' | 'ndjson'; mapping?: ImportMapping },
  ): Promise<ImportSummary> {
    const summary: ImportSummary = { read: 0, stored: 0, rejected: {}, samples: [] };
    const keys = new Map<string, string>();
    const reject = (line: number, field: string, reason: string) => {
      // Reasons are snake_case values; as keys of the summary they are written in camelCase.
      let key = keys.get(reason);
      if (key === undefined) {
        key = reason.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
        keys.set(reason, key);
      }
      summary.rejected[key] = (summary.rejected[key] ?? 0) + 1;
      if (summary.samples.length < MAX_IMPORT_SAMPLES)
        summary.samples.push({ line, field, reason });
    };
    const rows = normalizeImportRows(readImportBatches(stream, options), {
      startWorker: this.options.startPhoneNumberWorker,
      onWorkerError: (error) => {
        this.options.logger.error(
          { err: error },
          'the phone number worker failed; the rest of the import is normalized without it',
        );
      },
    });
    let batch: Profile[] = [];
    try {
      for await (const normalized of rows) {
        for (const { row, result } of normalized) {
          summary.read += 1;
          if (result === undefined) {
            reject(row.line, 'row', 'invalid_row');
            continue;
          }
          if ('error' in result) {
            reject(row.line, 'id', result.reason);
            continue;
          }
          for (const rejection of result.rejections)
            reject(row.line, rejection.field, rejection.reason);
          batch.push(result.profile);
        }
        if (batch.length >= IMPORT_BATCH_SIZE) {
          const full = batch;
          batch = [];
          summary.stored += await this.#store(full);
        }
      }
    } catch (error) {
      // When reading stops the import, the rows read before are kept like earlier batches. When
      // storing failed, the batch was taken out first, so nothing is stored twice.
      await this.#store(batch).catch((storeError: unknown) => {
        this.options.logger.error(
          { err: storeError, profiles: batch.length },
          'storing the profiles read before a failed import failed',
        );
      });
      throw error;
    }
    summary.stored += await this.#store(batch);
    this.options.logger.info(
      { read: summary.read, stored: summary.stored },
      'profile import finished',
    );

    return summary;
  }

  async get(id: string): Promise<Profile> {
    const profile = await this.options.profiles.get(id);
    if (!profile) throw notFound('profile', id);

    return profile;
  }

  /**
   * Puts `value` first in the profile's `type` identifier, drops a repeat of it, keeps at most
   * `maxValues` values and stores the profile. Returns false when no such profile exists.
   * NOTE: the read and the write are separate steps, so an upsert of the same profile in between
   * is overwritten.
   */
  async addIdentifierValue(
    id: string,
    type: string,
    value: string,
    maxValues: number,
  ): Promise<boolean> {
    const profile = await this.options.profiles.get(id);
    if (!profile) return false;
    const others = (profile.identifiers[type] ?? []).filter((existing) => existing !== value);
    const identifiers = { ...profile.identifiers, [type]: [value, ...others].slice(0, maxValues) };
    await this.#store([{ ...profile, identifiers }]);

    return true;
  }

  /**
   * Forgets a profile: removes it at every destination the ledger lists for it, then deletes
   * its memberships, journey runs and the profile itself.
   */
  async delete(id: string): Promise<void> {
    const profile = await this.get(id);
    const held = await this.options.ledger.entriesOf(id);
    await this.options.engine.enqueue(
      held.map((entry) =>
        activationFor(
          {
            connectorId: entry.connectorId,
            settings: entry.destination,
            destinationKey: entry.destinationKey,
          },
          { ...profile, identifiers: entry.identifiers as Profile['identifiers'] },
          'remove',
        ),
      ),
    );
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.audiences.removeProfile(trx, id);
      await this.options.journeys.removeProfile(trx, id);
      await this.options.profiles.delete(trx, id);
    });
    this.options.logger.info({ profileId: id, destinations: held.length }, 'profile deleted');
  }

  async #store(profiles: Profile[]): Promise<number> {
    if (profiles.length === 0) return 0;
    // The last version of a profile sent twice in one batch wins.
    const unique = [...new Map(profiles.map((profile) => [profile.id, profile])).values()];
    const at = this.#now().toISOString();
    await this.options.store.db
      .transaction()
      .execute((trx) => this.options.profiles.upsertMany(trx, unique, at));
    await this.options.evaluator.profilesChanged(unique);

    return profiles.length;
  }
}
