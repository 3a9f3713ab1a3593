import { createHash } from 'node:crypto';
import type { AudienceMember } from '../audience-members.js';
import type { PartnerAudience, SimulatorState } from '../simulator-state.js';
import { ResetMarker } from '../clang/reset-marker.js';

/** A stored block blob. */
export interface StoredBlob {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

/**
 * Blobs of the simulated storage account, by container and name. A container is a partner
 * audience of `azure` whose id is the container name. `POST /_control/reset` clears the blobs.
 *
 * Each stored blob is also read as NDJSON profile records and applied to the container's
 * members: `"operation":"add"` adds `{ KEY, EXTERN_ID?, EMAIL?, PHONE?, MADID? }` with the first
 * value of each identifier type, and `"operation":"remove"` removes the members that share an
 * identifier with the record. Lines that are not such records are stored but not applied, as
 * Azure stores any bytes.
 */
export class BlobStore {
  #blobs = new Map<string, Map<string, StoredBlob>>();
  readonly #resetMarker: ResetMarker;

  constructor(private readonly state: SimulatorState) {
    this.#resetMarker = new ResetMarker(state, 'azure');
  }

  findContainer(name: string): PartnerAudience | undefined {
    return this.state.findPartnerAudience('azure', name);
  }

  get(container: string, name: string): StoredBlob | undefined {
    this.#clearAfterReset();

    return this.#blobs.get(container)?.get(name);
  }

  /** Stores a blob, replacing one of the same name, and applies its records to the members. */
  put(container: PartnerAudience, name: string, body: Buffer, contentType: string): StoredBlob {
    this.#clearAfterReset();
    const blob: StoredBlob = {
      body,
      contentType,
      etag: `"0x${createHash('sha256').update(body).digest('hex').slice(0, 15).toUpperCase()}"`,
      lastModified: new Date(),
    };
    const blobs = this.#blobs.get(container.id) ?? new Map<string, StoredBlob>();
    blobs.set(name, blob);
    this.#blobs.set(container.id, blobs);
    applyRecords(container, body.toString('utf8'));

    return blob;
  }

  #clearAfterReset(): void {
    if (this.#resetMarker.consumeReset()) this.#blobs = new Map();
  }
}

const IDENTIFIER_KEYS: Record<string, string> = {
  externalId: 'EXTERN_ID',
  email: 'EMAIL',
  phone: 'PHONE',
  maid: 'MADID',
};

function applyRecords(container: PartnerAudience, text: string): void {
  for (const line of text.split('\n')) {
    const record = parseRecord(line);
    if (record === undefined) continue;

    if (record.operation === 'add') container.members.add(record.row);
    else container.members.removeMatching(record.row);
  }
}

function parseRecord(
  line: string,
): { operation: 'add' | 'remove'; row: AudienceMember } | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;

  const { operation, key, identifiers } = value as Record<string, unknown>;
  if (operation !== 'add' && operation !== 'remove') return undefined;
  if (typeof identifiers !== 'object' || identifiers === null) return undefined;

  const row: AudienceMember = {};
  if (typeof key === 'string') row.KEY = key;
  for (const [type, memberKey] of Object.entries(IDENTIFIER_KEYS)) {
    const values = (identifiers as Record<string, unknown>)[type];
    const first = Array.isArray(values) ? values[0] : undefined;
    if (typeof first === 'string' && first !== '') row[memberKey] = first;
  }

  return { operation, row };
}
