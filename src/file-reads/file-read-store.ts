import type { Knex } from 'knex';
import type { Enrolment } from '../job-seekers/job-seeker.ts';
import type { FileRead } from './file-read.ts';

/**
 * What the read answered from, which must still be the person's file when its trace is written: the
 * enrolment whose profile it read, or a set it read. An erasure followed by a return of the same id
 * (`reEnrol`) leaves a profile under the id, but neither of these.
 */
export interface ReadFrom {
  enrolment?: Enrolment;
  setId?: string;
}

/**
 * Where the reads of people's files by staff are kept (the read trace). The erasure and retention
 * stores delete its rows, as they do every table's.
 */
export interface FileReadStore {
  /**
   * False, nothing written, when the person's profile is gone (erased since the read was allowed),
   * or when what the read answered from (`from`) is no longer theirs: the profile is another
   * enrolment's, or the set is gone.
   */
  insert(read: FileRead, from?: ReadFrom): Promise<boolean>;
  /** The person's reads, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]>;
}
