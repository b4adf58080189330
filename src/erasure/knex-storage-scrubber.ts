import type { Knex } from 'knex';
import { engineOf } from '../db/database.ts';
import { readNumber } from '../db/row-values.ts';
import type { ScrubOutcome } from './erasure.ts';
import type { StorageScrubber } from './storage-scrubber.ts';

/** Tables from which erasure and retention delete a person's data. */
export const PERSONAL_DATA_TABLES: readonly string[] = [
  'job_seekers',
  'recommendation_sets',
  'recommendation_items',
  'feedback',
  'course_outcomes',
  'idempotency_keys',
  'subject_keys',
];

/**
 * SQLite: connections run with `secure_delete` (src/db/database.ts), so a deleted row is
 * overwritten with zeros in the pages it leaves, but the write-ahead log still holds the earlier
 * frames that carried it. A TRUNCATE checkpoint copies the zeroed pages into the main file and
 * empties the WAL file.
 *
 * PostgreSQL: a deleted row stays in its page as a dead tuple until VACUUM removes it; VACUUM
 * frees the space without zeroing it, and WAL segments, replicas and backups keep their copies
 * until recycled. Vacuuming is what can be done online; the decision log's personal parts rely on
 * crypto-shredding instead.
 */
export class KnexStorageScrubber implements StorageScrubber {
  constructor(
    private readonly db: Knex,
    private readonly tables: readonly string[] = PERSONAL_DATA_TABLES,
  ) {}

  async scrubDeletedRows(): Promise<ScrubOutcome> {
    if (engineOf(this.db) === 'postgres') {
      // VACUUM cannot run inside a transaction block: it runs on a pooled connection of its own.
      await this.db.raw(`vacuum ${this.tables.map(() => '??').join(', ')}`, [...this.tables]);
      return { complete: true, detail: `vacuumed ${this.tables.join(', ')}` };
    }
    const rows = (await this.db.raw('pragma wal_checkpoint(TRUNCATE)')) as Array<Record<string, unknown>>;
    const busy = readNumber(rows[0]?.busy ?? 1);
    return busy === 0
      ? { complete: true, detail: 'write-ahead log checkpointed and truncated' }
      : {
          complete: false,
          detail:
            'another connection was reading: the write-ahead log keeps older frames until the next checkpoint',
        };
  }
}
