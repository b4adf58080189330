import type { Knex } from 'knex';
import { engineOf } from '../db/engine.ts';
import { isForeignKeyViolation } from '../db/foreign-key-violation.ts';
import { runTransaction } from '../db/run-transaction.ts';
import { FILE_READ_ROLES, type FileRead, TRACED_READS } from './file-read.ts';
import type { FileReadStore, NewFileRead, ReadFrom } from './file-read-store.ts';

const TABLE = 'file_reads';
const COLUMNS = [
  'id',
  'seeker_id',
  'reader_id',
  'reader_role',
  'operation',
  'set_id',
  'read_at',
  'last_read_at',
  'read_count',
] as const;
/**
 * PostgreSQL's advisory lock class for one reader's reads of one file through one operation (the
 * second key is a hash of them). Two-key locks never meet the one-key locks of the startup's turns.
 */
const CONSULTATION_LOCK_CLASS = 2_026_122_601;

export class KnexFileReadStore implements FileReadStore {
  constructor(private readonly db: Knex) {}

  async record(read: NewFileRead, from: ReadFrom = {}): Promise<boolean> {
    try {
      return await runTransaction(this.db, async (trx) => {
        // Reads of the same consultation take turns, so that two at once neither both add a row nor
        // lose a count. PostgreSQL: an advisory lock of theirs alone, which no erasure waits for (an
        // erasure locks the trace's rows, then the profile). SQLite: the update below is the
        // transaction's first statement, a write, which takes the database's write lock at once.
        if (engineOf(trx) === 'postgres') {
          await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [
            CONSULTATION_LOCK_CLASS,
            [read.seekerId, read.readerId, read.readerRole, read.operation, read.setId ?? ''].join('\n'),
          ]);
        }
        if (await this.joinConsultation(trx, read, from)) return true;
        await this.insertConsultation(trx, read, from);
        return (await trx(TABLE).where({ id: read.id }).first('id')) !== undefined;
      });
    } catch (error) {
      // The person was erased (or purged as idle) since the read was allowed: nothing to trace.
      if (isForeignKeyViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Adds the read to the reader's consultation of the same file through the same operation whose
   * last read is at or after `read.joinsAfter`, if the file read is still the person's: one
   * statement, true when it found one.
   */
  private async joinConsultation(trx: Knex.Transaction, read: NewFileRead, from: ReadFrom): Promise<boolean> {
    const latest = trx(TABLE)
      .select('id')
      .where({
        seeker_id: read.seekerId,
        reader_id: read.readerId,
        reader_role: read.readerRole,
        operation: read.operation,
      })
      .where((set) => (read.setId === null ? set.whereNull('set_id') : set.where('set_id', read.setId)))
      .andWhere('last_read_at', '>=', read.joinsAfter)
      .orderBy([
        { column: 'last_read_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(1);
    const joined = await trx(TABLE)
      .where('id', latest)
      .whereExists((file) => {
        file
          .select(trx.raw('1'))
          .from('job_seekers')
          .whereRaw('?? = ??', ['job_seekers.id', `${TABLE}.seeker_id`]);
        whereStillTheFileRead(trx, file, from);
      })
      .update({
        // A read that waited its turn behind a later one leaves the later time.
        last_read_at: trx.raw('case when ?? < ? then ? else ?? end', [
          'last_read_at',
          read.readAt,
          read.readAt,
          'last_read_at',
        ]),
        read_count: trx.raw('?? + 1', ['read_count']),
      });
    return joined > 0;
  }

  /**
   * A consultation of one read, in one statement: written only if the file read is still the
   * person's when it is. On PostgreSQL the profile is locked for share meanwhile, so an erasure waits
   * for the trace (and deletes it with the rest) or goes first (and nothing is written).
   */
  private async insertConsultation(trx: Knex.Transaction, read: NewFileRead, from: ReadFrom): Promise<void> {
    const held = trx('job_seekers')
      .where('job_seekers.id', read.seekerId)
      .select(
        trx.raw('?', [read.id]),
        'job_seekers.id',
        trx.raw('?', [read.readerId]),
        trx.raw('?', [read.readerRole]),
        trx.raw('?', [read.operation]),
        trx.raw('?', [read.setId]),
        trx.raw('?', [read.readAt]),
        trx.raw('?', [read.readAt]),
        trx.raw('?', [1]),
      )
      .forShare();
    whereStillTheFileRead(trx, held, from);
    await trx.into(trx.raw(`?? (${COLUMNS.map(() => '??').join(', ')})`, [TABLE, ...COLUMNS])).insert(held);
  }

  async listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]> {
    const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(TABLE)
      .where({ seeker_id: seekerId })
      .orderBy([{ column: 'read_at' }, { column: 'id' }]);
    return rows.map(toFileRead);
  }
}

/**
 * Narrows a query on `job_seekers` to the profile the read answered from: the same enrolment (as
 * `sameEnrolment`: by the id, or by the creation time for a profile written without one), holding the
 * set read. An erasure followed by a return of the same id leaves a profile, but neither of these.
 */
function whereStillTheFileRead(
  db: Knex | Knex.Transaction,
  profile: Knex.QueryBuilder,
  from: ReadFrom,
): void {
  const { enrolment, setId } = from;
  if (enrolment !== undefined) {
    profile.where((same) =>
      enrolment.enrolmentId === null
        ? same.where('job_seekers.created_at', enrolment.createdAt)
        : same
            .where('job_seekers.enrolment_id', enrolment.enrolmentId)
            .orWhere((older) =>
              older
                .whereNull('job_seekers.enrolment_id')
                .andWhere('job_seekers.created_at', enrolment.createdAt),
            ),
    );
  }
  if (setId !== undefined) {
    profile.whereExists((set) =>
      set
        .select(db.raw('1'))
        .from('recommendation_sets')
        .where('recommendation_sets.id', setId)
        .whereRaw('?? = ??', ['recommendation_sets.seeker_id', 'job_seekers.id']),
    );
  }
}

function toFileRead(row: Record<string, unknown>): FileRead {
  const readAt = String(row.read_at);
  return {
    id: String(row.id),
    seekerId: String(row.seeker_id),
    readerId: String(row.reader_id),
    readerRole: readOneOf(FILE_READ_ROLES, row.reader_role),
    operation: readOneOf(TRACED_READS, row.operation),
    setId: row.set_id === null || row.set_id === undefined ? null : String(row.set_id),
    readAt,
    lastReadAt:
      row.last_read_at === null || row.last_read_at === undefined ? readAt : String(row.last_read_at),
    readCount: Number(row.read_count),
  };
}

function readOneOf<T extends string>(values: readonly T[], value: unknown): T {
  const found = values.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`file_reads holds an unknown value: ${String(value)}`);
  return found;
}
