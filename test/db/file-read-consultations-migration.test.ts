import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { FileReadService } from '../../src/file-reads/file-read-service.ts';
import { KnexFileReadStore } from '../../src/file-reads/knex-file-read-store.ts';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import { indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261226010000_add_last_read_to_file_reads';
const CREATED_AT = '2026-12-02T08:00:00.000Z';
const EARLY_READ = '2026-12-02T09:00:00.000Z';
const LATE_READ = '2026-12-03T09:00:00.000Z';

/** A staff read in the columns file_reads had before consultations were kept. */
function aReadRowAsBefore(id: string, readAt: string) {
  return {
    id,
    seeker_id: 'js-a',
    reader_id: 'c-001',
    reader_role: 'counselor',
    operation: 'getJobSeeker',
    set_id: null,
    read_at: readAt,
  };
}

/** The reads traced before a reader's reads in quick succession were joined into one consultation. */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('makes each read traced before a consultation of one read, which the retention run purges by its time and a later read joins', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, 'js-a', CREATED_AT);
    await db('file_reads').insert([
      aReadRowAsBefore('00000000-0000-7000-8000-000000000001', EARLY_READ),
      aReadRowAsBefore('00000000-0000-7000-8000-000000000002', LATE_READ),
    ]);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const rows = await db('file_reads').orderBy('read_at').select('read_at', 'last_read_at', 'read_count');
    expect(rows.map((row) => ({ ...row, read_count: Number(row.read_count) }))).toEqual([
      { read_at: EARLY_READ, last_read_at: EARLY_READ, read_count: 1 },
      { read_at: LATE_READ, last_read_at: LATE_READ, read_count: 1 },
    ]);
    const purged = await db.transaction((trx) =>
      new KnexRetentionStore(db).purgeFileReads(trx, '2026-12-03T00:00:00.000Z'),
    );
    expect(purged).toBe(1);
    const reads = new FileReadService({
      store: new KnexFileReadStore(db),
      now: () => new Date(Date.parse(LATE_READ) + 60_000),
    });
    expect(
      await reads.recordRead(
        { subject: 'c-001', roles: ['counselor'] },
        { seekerId: 'js-a', role: 'counselor', operation: 'getJobSeeker' },
      ),
    ).toBe(true);
    expect(await db('file_reads').select('read_at', 'last_read_at', 'read_count')).toEqual([
      { read_at: LATE_READ, last_read_at: '2026-12-03T09:01:00.000Z', read_count: expect.anything() },
    ]);
    expect(Number((await db('file_reads').first('read_count')).read_count)).toBe(2);
  });

  it('purges by its time a read an older release still running traced after the migration, with no last read', async () => {
    const { db } = opened;
    await db('file_reads').delete();
    // The older release's process, left serving through the upgrade, writes the columns it knows.
    await db('file_reads').insert([
      aReadRowAsBefore('00000000-0000-7000-8000-000000000003', EARLY_READ),
      aReadRowAsBefore('00000000-0000-7000-8000-000000000004', LATE_READ),
    ]);
    const purged = await db.transaction((trx) =>
      new KnexRetentionStore(db).purgeFileReads(trx, '2026-12-03T00:00:00.000Z'),
    );
    expect(purged, 'the read older than the retention period is purged').toBe(1);
    expect(await db('file_reads').select('read_at')).toEqual([{ read_at: LATE_READ }]);
  });
});
