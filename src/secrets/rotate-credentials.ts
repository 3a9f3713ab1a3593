import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SecretBox } from './secret-box.js';

/**
 * Re-encrypts every connector's credentials with the box's current key, in one transaction:
 * either all connectors move to the new key or none does. Values already under the current key
 * are left as they are, so running it again after an interruption is safe. Returns how many
 * connectors were re-encrypted and how many were current already.
 */
export async function reencryptCredentials(
  db: Kysely<Database>,
  box: SecretBox,
): Promise<{ reencrypted: number; current: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('connectors').select(['id', 'credentials']).execute();
    let reencrypted = 0;
    for (const row of rows) {
      if (box.isCurrent(row.credentials)) continue;
      let credentials: unknown;
      try {
        credentials = box.open(row.credentials);
      } catch {
        throw new Error(
          `The credentials of connector ${row.id} fail to decrypt with the current or previous ` +
            'keys; nothing was changed. Restore the key file that sealed them and run again.',
        );
      }
      await trx
        .updateTable('connectors')
        .set({ credentials: box.seal(credentials) })
        .where('id', '=', row.id)
        .execute();
      reencrypted += 1;
    }

    return { reencrypted, current: rows.length - reencrypted };
  });
}
