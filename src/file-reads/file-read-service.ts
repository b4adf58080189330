import type { Principal } from '../auth/principal.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { CONSULTATION_WINDOW_MS, type FileReaderRole, type TracedRead } from './file-read.ts';
import type { FileReadStore, ReadFrom } from './file-read-store.ts';

/** A read to trace: whose file, in which role, through which operation, which set. */
export interface FileReadRequest {
  seekerId: string;
  role: FileReaderRole;
  operation: TracedRead;
  setId?: string;
  /**
   * What the answer was read from, beyond the set read (`setId`, always checked): the profile's
   * enrolment, or one of the sets listed.
   */
  from?: ReadFrom;
}

/**
 * The read trace (record 0022): every read of a person's file by staff is recorded, saying who read
 * whose file, when, through which operation; a reader's reads in quick succession are one
 * consultation, a row with its first and last read and their count (GDPR Art. 32; CNIL's
 * recommendation on logging, 2021).
 * Services call it once the answer is ready, before it is sent: a read whose trace cannot be written
 * fails as any failed request, never leaves untraced. A refused read (404, 403) never gets here.
 * Reads are not activity: they keep no profile from its retention period.
 */
export class FileReadService {
  constructor(private readonly deps: { store: Pick<FileReadStore, 'record'>; now: () => Date }) {}

  /**
   * Records `reader`'s read now, by the app's clock. False when the person's file is gone since the
   * read was allowed (an erasure, an idle profile's purge, in another request): the caller answers as
   * for a file that does not exist, and nothing is sent untraced. False too when the person was
   * erased and enrolled again meanwhile: the answer was read from the file erased (its profile, its
   * set), which the trace may not tie to the new one. A read within {@link CONSULTATION_WINDOW_MS} of
   * the reader's last one of the same file through the same operation is part of that consultation,
   * not one more.
   */
  async recordRead(reader: Principal, read: FileReadRequest): Promise<boolean> {
    const now = this.deps.now();
    return this.deps.store.record(
      {
        id: createTimeOrderedId(now.getTime()),
        seekerId: read.seekerId,
        readerId: reader.subject,
        readerRole: read.role,
        operation: read.operation,
        setId: read.setId ?? null,
        readAt: now.toISOString(),
        joinsAfter: new Date(now.getTime() - CONSULTATION_WINDOW_MS).toISOString(),
      },
      { ...read.from, ...(read.setId === undefined ? {} : { setId: read.setId }) },
    );
  }
}

/** What a service that answers reads of people's files needs of the trace. */
export type FileReadTracer = Pick<FileReadService, 'recordRead'>;
