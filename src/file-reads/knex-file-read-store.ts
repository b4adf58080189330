import type { Knex } from 'knex';
import { isForeignKeyViolation } from '../db/foreign-key-violation.ts';
import { FILE_READ_ROLES, type FileRead, TRACED_READS } from './file-read.ts';
import type { FileReadStore } from './file-read-store.ts';

const TABLE = 'file_reads';

export class KnexFileReadStore implements FileReadStore {
  constructor(private readonly db: Knex) {}

  async insert(read: FileRead): Promise<boolean> {
    try {
      await this.db(TABLE).insert({
        id: read.id,
        seeker_id: read.seekerId,
        reader_id: read.readerId,
        reader_role: read.readerRole,
        operation: read.operation,
        set_id: read.setId,
        read_at: read.readAt,
      });
      return true;
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
