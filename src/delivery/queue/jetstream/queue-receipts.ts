import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../store/schema.js';

const CHUNK_SIZE = 1_000;

/**
 * Stream sequences whose outcome is recorded, written in the transaction that records it. A
 * message delivered again after a crash between that commit and its acknowledgement is then
 * acknowledged without a second send or a second count.
 */
export class QueueReceipts {
  constructor(
    private readonly db: Kysely<Database>,
    /** Names the stream and its creation, so a recreated stream's sequences start afresh. */
    private readonly stream: string,
  ) {}

  async record(trx: Transaction<Database>, seqs: number[], now: number): Promise<void> {
    for (let start = 0; start < seqs.length; start += CHUNK_SIZE) {
      await trx
        .insertInto('queue_receipts')
        .values(
          seqs
            .slice(start, start + CHUNK_SIZE)
            .map((seq) => ({ stream: this.stream, seq, settled_at: now })),
        )
        .onConflict((conflict) => conflict.columns(['stream', 'seq']).doNothing())
        .execute();
    }
  }

  async recorded(seqs: number[]): Promise<Set<number>> {
    const found = new Set<number>();
    for (let start = 0; start < seqs.length; start += CHUNK_SIZE) {
      const rows = await this.db
        .selectFrom('queue_receipts')
        .select('seq')
        .where('stream', '=', this.stream)
        .where('seq', 'in', seqs.slice(start, start + CHUNK_SIZE))
        .execute();
      for (const row of rows) found.add(Number(row.seq));
    }

    return found;
  }

  /** Deletes receipts older than `before` (epoch ms); redelivery happens within minutes. */
  async prune(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('queue_receipts')
      .where('settled_at', '<', before)
      .executeTakeFirst();

    return Number(result.numDeletedRows);
  }
}
