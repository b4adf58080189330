import type { Knex } from 'knex';
import { engineOf } from '../db/engine.ts';
import { readBoolean, readNumber } from '../db/row-values.ts';
import type { ScrubOutcome } from './erasure.ts';
import type { StorageScrubber } from './storage-scrubber.ts';

/** Tables from which erasure and retention delete a person's data. */
export const PERSONAL_DATA_TABLES: readonly string[] = [
  'job_seekers',
  'recommendation_sets',
  'recommendation_items',
  'feedback',
  'contest_replies',
  'course_outcomes',
  'file_reads',
  'idempotency_keys',
  'subject_keys',
];

/**
 * How long resetting an emptied table's statistics may wait for its lock: the table is empty, so a
 * wait means another transaction is using it, and the next scrub can do it instead.
 */
const RESET_LOCK_TIMEOUT = '2s';

/** The last scrub started of each database (PostgreSQL), which the next waits for. */
const scrubsInTurn = new WeakMap<Knex, Promise<unknown>>();

/**
 * SQLite: connections run with `secure_delete` (src/db/database.ts), so a deleted row is
 * overwritten with zeros in the pages it leaves, but the write-ahead log still holds the earlier
 * frames that carried it. A TRUNCATE checkpoint copies the zeroed pages into the main file and
 * empties the WAL file. The application never runs ANALYZE; when an operator has (`sqlite_stat4`
 * exists: SQLite then keeps sampled index entries, values included), the tables are analyzed again
 * first, so that the samples are of the rows left.
 *
 * PostgreSQL: a deleted row stays in its page as a dead tuple until VACUUM removes it; VACUUM
 * frees the space without zeroing it, and WAL segments, replicas and backups keep their copies
 * until recycled. The planner's column statistics (`pg_stats`: most common values, histogram
 * bounds), which autovacuum samples on its own, hold values of the rows too: the tables are
 * analyzed again from the rows left (`VACUUM (ANALYZE)`). ANALYZE leaves a table with no row left
 * as it was, statistics included: those are reset, as an owner can, by setting each analyzed
 * column's type to the type it has (the statistics of a column whose type is set are dropped).
 * Vacuuming is what can be done online; the decision log's personal parts rely on crypto-shredding
 * instead.
 *
 * A scrub that cannot finish now throws or reports itself incomplete; its callers run it through
 * `scrubAfterCommit`, so that it never fails the change it follows, and the next one (the next
 * erasure, purge, objection, retraction or recall) does it.
 */
export class KnexStorageScrubber implements StorageScrubber {
  constructor(
    private readonly db: Knex,
    private readonly tables: readonly string[] = PERSONAL_DATA_TABLES,
  ) {}

  async scrubDeletedRows(): Promise<ScrubOutcome> {
    if (engineOf(this.db) !== 'postgres') return this.scrubSqlite();
    // One scrub of a database at a time in a process, the next once the one before has ended: two
    // VACUUMs of the same tables at once (an erasure's and the retention run's) each wait up to
    // five seconds a table for the lock that truncates its emptied pages, which the other holds,
    // and the erasure was answered twenty seconds later.
    const before = scrubsInTurn.get(this.db) ?? Promise.resolve();
    const scrub = before.then(
      () => this.scrubPostgres(),
      () => this.scrubPostgres(),
    );
    scrubsInTurn.set(
      this.db,
      scrub.catch(() => undefined),
    );
    return scrub;
  }

  private async scrubPostgres(): Promise<ScrubOutcome> {
    const { db, tables } = this;
    const notOwned = await this.findTablesNotOwned();
    // VACUUM cannot run inside a transaction block: it runs on a pooled connection of its own.
    await db.raw(`vacuum (analyze) ${tables.map(() => '??').join(', ')}`, [...tables]);
    if (notOwned.length > 0) {
      return {
        complete: false,
        detail:
          `PostgreSQL skipped vacuuming ${notOwned.join(', ')} (a warning, no error): the user DATABASE_URL ` +
          'names owns neither these tables nor the database, so their deleted rows stay in the files until ' +
          'autovacuum reaches them; connect as the database\'s owner (README, "A first production deployment")',
      };
    }
    const reset = await this.resetStatisticsOfEmptiedTables();
    return {
      complete: true,
      detail:
        `vacuumed and analyzed ${tables.join(', ')}` +
        (reset.length === 0 ? '' : `; statistics of the emptied tables reset: ${reset.join(', ')}`),
    };
  }

  /**
   * The tables this session may not vacuum: VACUUM takes a table's owner, the database's or a
   * superuser (each as a role this user has the privileges of), and skips any other table with a
   * warning only, which would leave the scrub reported done.
   */
  private async findTablesNotOwned(): Promise<string[]> {
    const { rows } = (await this.db.raw(
      `select c.relname::text as name from pg_class c
        where c.oid in (select to_regclass(name) from unnest(?::text[]) as name)
          and not pg_has_role(current_user, c.relowner, 'USAGE')
          and not pg_has_role(current_user,
                (select datdba from pg_database where datname = current_database()), 'USAGE')
        order by c.relname`,
      [[...this.tables]],
    )) as { rows: Array<{ name: string }> };
    return rows.map((row) => row.name);
  }

  /** The tables analyzed with no row left, their statistics dropped; their names. */
  private async resetStatisticsOfEmptiedTables(): Promise<string[]> {
    const { db } = this;
    const { rows } = (await db.raw(
      `select tablename, array_agg(attname::text order by attname) as columns from pg_stats
        where schemaname = current_schema() and tablename in (${this.tables.map(() => '?').join(', ')})
        group by tablename order by tablename`,
      [...this.tables],
    )) as { rows: Array<{ tablename: string; columns: string[] }> };
    const reset: string[] = [];
    for (const { tablename: table, columns } of rows) {
      const held = await db.raw('select exists (select 1 from ??) as held', [table]);
      if (readBoolean((held as { rows: Array<{ held: unknown }> }).rows[0]?.held)) continue;
      await db.transaction(async (trx) => {
        await trx.raw(`set local lock_timeout = '${RESET_LOCK_TIMEOUT}'`);
        // The type as the catalog spells it, and the column's own collation when it is not the
        // type's: the column stays exactly as it was, its statistics dropped.
        const { rows: types } = (await trx.raw(
          `select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type,
                  case when a.attcollation <> t.typcollation
                    then quote_ident(n.nspname) || '.' || quote_ident(c.collname) end as collation
             from pg_attribute a
             join pg_type t on t.oid = a.atttypid
             left join pg_collation c on c.oid = a.attcollation
             left join pg_namespace n on n.oid = c.collnamespace
            where a.attrelid = ?::regclass and a.attname = any(?) and not a.attisdropped
            order by a.attnum`,
          [table, columns],
        )) as { rows: Array<{ name: string; type: string; collation: string | null }> };
        if (types.length === 0) return;
        await trx.raw(
          `alter table ?? ${types
            .map(
              ({ type, collation }) =>
                `alter column ?? type ${type}${collation === null ? '' : ` collate ${collation}`}`,
            )
            .join(', ')}`,
          [table, ...types.map(({ name }) => name)],
        );
      });
      reset.push(table);
    }
    return reset;
  }

  private async scrubSqlite(): Promise<ScrubOutcome> {
    const { db } = this;
    const stat4 = await db('sqlite_master').where({ type: 'table', name: 'sqlite_stat4' }).first('name');
    // Analyzed again only where statistics are kept already: running ANALYZE otherwise would start
    // keeping samples where there were none.
    if (stat4 !== undefined) {
      for (const table of this.tables) await db.raw('analyze ??', [table]);
    }
    const rows = (await db.raw('pragma wal_checkpoint(TRUNCATE)')) as Array<Record<string, unknown>>;
    const busy = readNumber(rows[0]?.busy ?? 1);
    return busy === 0
      ? {
          complete: true,
          detail: `${stat4 === undefined ? '' : 'statistics sampled again; '}write-ahead log checkpointed and truncated`,
        }
      : {
          complete: false,
          detail:
            'another connection was reading: the write-ahead log keeps older frames until the next checkpoint',
        };
  }
}
