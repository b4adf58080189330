import type { DecisionEvent, DecisionEventType } from '../decision-log/decision-event.ts';

/** How a person may tell their counselor they object, for the counselor to record it. */
export const COUNSELOR_OBJECTION_CHANNELS = ['in_person', 'letter', 'phone', 'email'] as const;
export type CounselorObjectionChannel = (typeof COUNSELOR_OBJECTION_CHANNELS)[number];

/** How the person expressed their objection: in the portal themselves, or to their counselor. */
export type ObjectionChannel = 'portal' | CounselorObjectionChannel;

/** An objection to AI processing (GDPR Art. 21) that stands, as last recorded. */
export interface StandingObjection {
  recordedAt: string;
  /** The person themselves (in the portal), or their counselor on their behalf. */
  recordedBy: 'job_seeker' | 'counselor';
  channel: ObjectionChannel;
}

/**
 * The events that decide whether a person's objection stands: the latest of them about the
 * person. A withdrawal lifts it; an erasure keeps the one that stood (`standingObjection`).
 */
export const OBJECTION_DECIDING_EVENT_TYPES = [
  'objection.recorded',
  'objection.withdrawn',
  'subject.erased',
] as const satisfies readonly DecisionEventType[];

/** The events by which an objection is recorded or withdrawn: the person's word, or their counselor's for them. */
export const OBJECTION_EVENT_TYPES = [
  'objection.recorded',
  'objection.withdrawn',
] as const satisfies readonly DecisionEventType[];

/**
 * Whether `event` is an erasure logged before erasures kept the objection: its payload has no
 * `standingObjection` at all (null is an erasure that kept none). Such an erasure did not withdraw
 * an objection either, which only the person may do: what stood is the person's latest objection
 * event before it.
 */
export function isErasureBeforeObjectionsWereKept(event: Pick<DecisionEvent, 'type' | 'payload'>): boolean {
  return event.type === 'subject.erased' && !('standingObjection' in event.payload);
}

/**
 * The objection the person's latest deciding event leaves standing; undefined when none does. An
 * erasure from before erasures kept the objection reads as none here: `findStandingObjection` then
 * reads the person's objection events before it.
 */
export function readStandingObjection(
  latest: Pick<DecisionEvent, 'type' | 'occurredAt' | 'actor' | 'payload'> | undefined,
): StandingObjection | undefined {
  if (latest?.type === 'subject.erased') return readKeptObjection(latest.payload.standingObjection);
  if (latest?.type !== 'objection.recorded') return undefined;
  return toStandingObjection(latest.occurredAt, latest.actor.role, latest.payload.channel);
}

/** The objection an erasure kept, as its event records it (`standingObjection`); undefined for none. */
export function readKeptObjection(kept: unknown): StandingObjection | undefined {
  if (typeof kept !== 'object' || kept === null) return undefined;
  const { recordedAt, recordedBy, channel } = kept as Record<string, unknown>;
  return typeof recordedAt === 'string' ? toStandingObjection(recordedAt, recordedBy, channel) : undefined;
}

/**
 * An objection as an event or an erasure recorded it, read without trusting its shape: any actor but
 * a counselor is the person, and a channel that is not one a counselor records is the portal.
 */
export function toStandingObjection(
  recordedAt: string,
  recordedBy: unknown,
  channel: unknown,
): StandingObjection {
  return {
    recordedAt,
    recordedBy: recordedBy === 'counselor' ? 'counselor' : 'job_seeker',
    // Objections logged before the channel was recorded could only be made in the portal.
    channel: isCounselorObjectionChannel(channel) ? channel : 'portal',
  };
}

function isCounselorObjectionChannel(value: unknown): value is CounselorObjectionChannel {
  return typeof value === 'string' && (COUNSELOR_OBJECTION_CHANNELS as readonly string[]).includes(value);
}
