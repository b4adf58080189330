import type { Knex } from 'knex';
import { readRecord, readStringField } from '../audit/event-fields.ts';
import { type OpenPersonalPart, readPersonalRecord } from '../audit/personal-part.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import {
  OBJECTION_EVENT_TYPES,
  type ObjectionChannel,
  readKeptObjection,
  type StandingObjection,
  toStandingObjection,
} from './objection.ts';

/** One time the person's objection to AI processing was recorded or withdrawn. */
export interface ObjectionHistoryEntry {
  action: 'recorded' | 'withdrawn';
  at: string;
  /** The person themselves (in the portal), or their counselor on their behalf. */
  by: 'job_seeker' | 'counselor';
  /** How the person expressed it; null for a withdrawal. */
  channel: ObjectionChannel | null;
  /**
   * The comment kept with it (the person's words, or what the counselor wrote when recording it),
   * opened with the person's key; null when none was given, or when it can no longer be read (its
   * key destroyed by an erasure).
   */
  comment: string | null;
}

const OBJECTION_TYPES: ReadonlySet<string> = new Set(OBJECTION_EVENT_TYPES);

/**
 * Every time the person's objection was recorded or withdrawn, oldest first, as the decision log
 * keeps them: read as the access record reads the person's events (as recorded, nothing in them
 * trusted), their comments opened with `openPersonal`. The log is never deleted from, so an
 * objection withdrawn long ago is still there. Read in `trx` when given.
 *
 * An erasure ends that history: the log keeps the events before it, under the person's pseudonym,
 * but the person's file starts again at it (record 0006). What it keeps is only the objection that
 * stood, which an erasure never withdraws: a profile enrolled again lists it first, as recorded then
 * (when, by whom, how; its comment went with the erasure), and nothing else from before.
 */
export async function listObjectionHistory(
  log: Pick<DecisionLog, 'listEventsAbout'>,
  openPersonal: OpenPersonalPart,
  seekerId: string,
  trx?: Knex.Transaction,
): Promise<ObjectionHistoryEntry[]> {
  let history: ObjectionHistoryEntry[] = [];
  let latest: ObjectionHistoryEntry | undefined;
  for (const event of await log.listEventsAbout(seekerId, trx)) {
    if (event.type === 'subject.erased') {
      const payload = readRecord(event.payload) ?? {};
      // An erasure logged before erasures kept the objection did not withdraw it either: the
      // person's latest objection event before it says what stood.
      const kept =
        'standingObjection' in payload
          ? toKeptEntry(readKeptObjection(payload.standingObjection))
          : latest?.action === 'recorded'
            ? { ...latest, comment: null }
            : undefined;
      history = kept === undefined ? [] : [kept];
      continue;
    }
    if (!OBJECTION_TYPES.has(event.type)) continue;
    const personal = await readPersonalRecord(event.personal, openPersonal);
    const comment = personal === 'shredded' ? undefined : readStringField(personal, 'comment');
    const { recordedAt, recordedBy, channel } = toStandingObjection(
      event.occurredAt,
      event.actor.role,
      readRecord(event.payload)?.channel,
    );
    const recorded = event.type === 'objection.recorded';
    latest = {
      action: recorded ? 'recorded' : 'withdrawn',
      at: recordedAt,
      by: recordedBy,
      channel: recorded ? channel : null,
      comment: comment ?? null,
    };
    history.push(latest);
  }
  return history;
}

/** The objection an erasure kept, as the history lists it: its comment went with the erasure. */
function toKeptEntry(kept: StandingObjection | undefined): ObjectionHistoryEntry | undefined {
  return kept === undefined
    ? undefined
    : { action: 'recorded', at: kept.recordedAt, by: kept.recordedBy, channel: kept.channel, comment: null };
}
