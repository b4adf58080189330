import type { Knex } from 'knex';
import type { FileRead } from './file-read.ts';

/** Where the reads of people's files by staff are kept (the read trace). */
export interface FileReadStore {
  insert(read: FileRead): Promise<void>;
  /** The person's reads, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]>;
  /** Deletes the person's reads (their erasure); how many. */
  deleteForSeeker(trx: Knex.Transaction, seekerId: string): Promise<number>;
  /** Deletes the reads made before `before` (retention); how many. */
  purgeBefore(trx: Knex.Transaction, before: string): Promise<number>;
}
