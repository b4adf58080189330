import type { Knex } from 'knex';
import type { FileRead } from './file-read.ts';

/**
 * Where the reads of people's files by staff are kept (the read trace). The erasure and retention
 * stores delete its rows, as they do every table's.
 */
export interface FileReadStore {
  /** False, nothing written, when the person's profile is gone (erased since the read was allowed). */
  insert(read: FileRead): Promise<boolean>;
  /** The person's reads, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]>;
}
