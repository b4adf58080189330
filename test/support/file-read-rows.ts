import type { Knex } from 'knex';

/** The read trace's rows (record 0022), oldest first, as a test compares them. */
export async function readFileReadRows(db: Knex) {
  return (await db('file_reads').orderBy([{ column: 'read_at' }, { column: 'id' }])).map((row) => ({
    seekerId: row.seeker_id,
    readerId: row.reader_id,
    readerRole: row.reader_role,
    operation: row.operation,
    setId: row.set_id,
    readAt: row.read_at,
    lastReadAt: row.last_read_at,
    readCount: Number(row.read_count),
  }));
}
