/**
 * The staff operations whose every answer is traced: each reads one person's file (their profile
 * and contests, one of their sets, the answers to a set, the list of their sets). A list of many
 * people's sets (the queue unfiltered) is not one person's file and is not traced.
 */
export const TRACED_READS = [
  'getJobSeeker',
  'getRecommendationSet',
  'listSetFeedback',
  'listRecommendations',
] as const;
export type TracedRead = (typeof TRACED_READS)[number];

/**
 * Who the reader is to the person: their counselor now (`counselor`), or a counselor giving a
 * second review of one of their sets (`second_reviewer`).
 */
export const FILE_READ_ROLES = ['counselor', 'second_reviewer'] as const;
export type FileReaderRole = (typeof FILE_READ_ROLES)[number];

/**
 * How long after a reader's last read of a file a new read of it, by them, through the same
 * operation (and of the same set), is the same consultation: it joins the row instead of adding one
 * (record 0022). A counselor's tool that fetches a set again and again, or a page reloaded while
 * reviewing, is one consultation, not one per request; a read after a pause this long is another.
 */
export const CONSULTATION_WINDOW_MS = 10 * 60_000;

/**
 * One consultation of a person's file by a staff member, as the trace keeps it: a read, joined by
 * the same reader's reads of it through the same operation within {@link CONSULTATION_WINDOW_MS} of
 * the last one.
 */
export interface FileRead {
  id: string;
  seekerId: string;
  /** The reader's id (the token's subject): kept for the controller's checks, never given to the person. */
  readerId: string;
  readerRole: FileReaderRole;
  operation: TracedRead;
  /** The set read, when the read is of a set (or of its answers); null for the profile and the list. */
  setId: string | null;
  /** When, by the app's clock: the consultation's first read. */
  readAt: string;
  /** Its latest read; `readAt` for a consultation of one read. */
  lastReadAt: string;
  /** How many reads it holds, 1 and more. */
  readCount: number;
}

/**
 * A read as the person is told of it in their export: when, and what was consulted; never who. Not
 * why either: no reason is recorded for a read, and the sentence says only what was read, and whether
 * by their counselor or by a second reviewer.
 */
export interface FileReadForPerson {
  readAt: string;
  lastReadAt: string;
  readCount: number;
  /** What was consulted, in French. */
  description: string;
  setId: string | null;
}

/** A read as the access record gives it: as the person's export does, with the operation called. */
export interface AccessRecordFileRead extends FileReadForPerson {
  operation: TracedRead;
}

/** What each read consulted, told in French by who the reader is to the person. */
const DESCRIPTIONS: Record<FileReaderRole, Record<TracedRead, string>> = {
  counselor: {
    getJobSeeker: 'Votre conseiller a consulté votre dossier : votre profil et vos contestations.',
    getRecommendationSet: 'Votre conseiller a consulté des suggestions de formations faites pour vous.',
    listSetFeedback: 'Votre conseiller a consulté vos réponses aux formations proposées.',
    listRecommendations: 'Votre conseiller a consulté la liste des suggestions faites pour vous.',
  },
  second_reviewer: {
    getJobSeeker: 'Un autre conseiller, pour un second avis, a consulté votre dossier.',
    getRecommendationSet:
      'Un autre conseiller, pour un second avis, a consulté des suggestions de formations faites pour vous.',
    listSetFeedback:
      'Un autre conseiller, pour un second avis, a consulté vos réponses aux formations proposées.',
    listRecommendations:
      'Un autre conseiller, pour un second avis, a consulté la liste des suggestions faites pour vous.',
  },
};

/** The read as the person may know it: the reader's identity left out (GDPR Art. 15; CJEU C-579/21). */
export function describeFileRead(read: FileRead): FileReadForPerson {
  return {
    readAt: read.readAt,
    lastReadAt: read.lastReadAt,
    readCount: read.readCount,
    description: DESCRIPTIONS[read.readerRole][read.operation],
    setId: read.setId,
  };
}

/** The read as the access record gives it: the person's description, with the operation called. */
export function describeFileReadForRecord(read: FileRead): AccessRecordFileRead {
  const { readAt, lastReadAt, readCount, description, setId } = describeFileRead(read);
  return { readAt, lastReadAt, readCount, operation: read.operation, description, setId };
}
