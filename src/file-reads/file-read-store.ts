import type { Knex } from 'knex';
import type { FileRead } from './file-read.ts';

/**
 * Where the reads of people's files by staff are kept (the read trace). The erasure and retention
 * stores delete its rows, as they do every table's.
 */
export interface FileReadStore {
  insert(read: FileRead): Promise<void>;
  /** The person's reads, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]>;
}
