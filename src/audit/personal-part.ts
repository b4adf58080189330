import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import type { OpenedPersonalPart } from '../decision-log/subject-keyring.ts';
import { readRecord } from './event-fields.ts';

/** What the figures that need personal parts read of an event. */
export type ScoredEvent = Pick<RecordedDecisionEvent, 'type' | 'subject' | 'payload' | 'personal'>;

/** Opens a sealed personal part (the subject keyring's `decryptPersonal`). */
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
  try {
    const opened = await openPersonal(sealed);
    return opened.status === 'shredded' ? 'shredded' : readRecord(opened.value);
  } catch {
    return undefined;
  }
}
