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
 * A read to record: as the trace keeps a consultation of one read, with `joinsAfter`, the time at or
 * after which the last read of a consultation by the same reader, of the same file through the same
 * operation, makes this read part of it.
 */
export interface NewFileRead extends Omit<FileRead, 'lastReadAt' | 'readCount'> {
  joinsAfter: string;
}

/**
 * Where the reads of people's files by staff are kept (the read trace). The erasure and retention
 * stores delete its rows, as they do every table's.
 */
export interface FileReadStore {
  /**
   * Records the read: it joins the reader's consultation of the same file through the same operation
   * (and of the same set) whose last read is at or after `read.joinsAfter`, which gains its time and
   * one more read, or is a consultation of its own. Two reads at once take turns: neither adds a row
   * the other's joins, nor is a count lost. False, nothing written, when the person's profile is gone
   * (erased since the read was allowed), or when what the read answered from (`from`) is no longer
   * theirs: the profile is another enrolment's, or the set is gone.
   */
  record(read: NewFileRead, from?: ReadFrom): Promise<boolean>;
  /** The person's consultations, oldest first (by their first read), read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FileRead[]>;
}
