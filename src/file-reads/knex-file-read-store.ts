import type { Knex } from 'knex';
import { isForeignKeyViolation } from '../db/foreign-key-violation.ts';
import { FILE_READ_ROLES, type FileRead, TRACED_READS } from './file-read.ts';
import type { FileReadStore, ReadFrom } from './file-read-store.ts';

const TABLE = 'file_reads';
const COLUMNS = ['id', 'seeker_id', 'reader_id', 'reader_role', 'operation', 'set_id', 'read_at'] as const;

export class KnexFileReadStore implements FileReadStore {
  constructor(private readonly db: Knex) {}

  async insert(read: FileRead, from: ReadFrom = {}): Promise<boolean> {
    try {
      // One statement: the row is written only if the file read is still the person's when it is.
      // On PostgreSQL the profile is locked for share meanwhile, so an erasure waits for the trace
      // (and deletes it with the rest) or goes first (and nothing is written).
      const held = this.db('job_seekers')
        .where('job_seekers.id', read.seekerId)
        .select(
          this.db.raw('?', [read.id]),
          'job_seekers.id',
          this.db.raw('?', [read.readerId]),
          this.db.raw('?', [read.readerRole]),
          this.db.raw('?', [read.operation]),
          this.db.raw('?', [read.setId]),
          this.db.raw('?', [read.readAt]),
        )
        .forShare();
      const { enrolment, setId } = from;
      if (enrolment !== undefined) {
        // As `sameEnrolment`: by the id, or by the creation time for a profile written without one.
        held.where((same) =>
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
        held.whereExists((set) =>
          set
            .select(this.db.raw('1'))
            .from('recommendation_sets')
            .where('recommendation_sets.id', setId)
            .whereRaw('?? = ??', ['recommendation_sets.seeker_id', 'job_seekers.id']),
        );
      }
      await this.db.into(this.db.raw('?? (??, ??, ??, ??, ??, ??, ??)', [TABLE, ...COLUMNS])).insert(held);
      return (await this.db(TABLE).where({ id: read.id }).first('id')) !== undefined;
    } catch (error) {
      // The person was erased (or purged as idle) since the read was allowed: nothing to trace.
      if (isForeignKeyViolation(error)) return false;
      throw error;
    }
  }

  async listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]> {
    const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(TABLE)
      .where({ seeker_id: seekerId })
      .orderBy([{ column: 'read_at' }, { column: 'id' }]);
    return rows.map(toFileRead);
  }
}

function toFileRead(row: Record<string, unknown>): FileRead {
  return {
    id: String(row.id),
    seekerId: String(row.seeker_id),
    readerId: String(row.reader_id),
    readerRole: readOneOf(FILE_READ_ROLES, row.reader_role),
    operation: readOneOf(TRACED_READS, row.operation),
    setId: row.set_id === null || row.set_id === undefined ? null : String(row.set_id),
    readAt: String(row.read_at),
  };
}

function readOneOf<T extends string>(values: readonly T[], value: unknown): T {
  const found = values.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`file_reads holds an unknown value: ${String(value)}`);
  return found;
}
