import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import { type OpenedPersonalPart, UnreadablePersonalPartError } from '../decision-log/subject-keyring.ts';
import { readRecord } from './event-fields.ts';

/** What the figures that need personal parts read of an event. */
export type ScoredEvent = Pick<
  RecordedDecisionEvent,
  'type' | 'subject' | 'occurredAt' | 'payload' | 'personal'
>;

/** Opens a sealed personal part (the subject keyring's `decryptPersonal`, or an opener of `openerForOneRead`). */
export type OpenPersonalPart = (sealed: string) => Promise<OpenedPersonalPart>;

/**
 * An event's personal part, opened: `shredded` once the job seeker was erased, undefined when
 * there is none or it cannot be read (tampered, or not a JSON object).
 */
export async function readPersonalRecord(
  sealed: string | null,
  openPersonal: OpenPersonalPart,
): Promise<Record<string, unknown> | 'shredded' | undefined> {
  if (sealed === null) return undefined;
  let opened: OpenedPersonalPart;
  try {
    opened = await openPersonal(sealed);
  } catch (error) {
    // Altered or malformed: nothing to read. Anything else (the database) is not the part's fault.
    if (error instanceof UnreadablePersonalPartError) return undefined;
    throw error;
  }
  return opened.status === 'shredded' ? 'shredded' : readRecord(opened.value);
}
