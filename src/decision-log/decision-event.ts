import crypto from 'node:crypto';
import { ROLES, type Role } from '../auth/principal.ts';
import { canonicalJson } from './canonical-json.ts';

/** Every kind of event the log records (DESIGN.md, "The decision log"). */
export const DECISION_EVENT_TYPES = [
  'recommendation.generated',
  'recommendation.created_manually',
  'recommendation.opened',
  'shortlist.submitted',
  'item.decided',
  'item.added',
  'items.reordered',
  'second_review.requested',
  /** A second reviewer read the set awaiting their review: they approve only a set they read. */
  'second_review.opened',
  'second_review.completed',
  'recommendation.published',
  'recommendation.discarded',
  'recommendation.expired',
  'recommendation.retracted',
  'explanation.opened',
  'feedback.given',
  /**
   * The counselor answered the person's contests of a course (GDPR Art. 22(3): the human look the
   * explanation promised), with a message the person reads.
   */
  'contest.replied',
  /**
   * The case-management system reported what became of a course proposed to the person (entered,
   * employed within six months): the deployer's monitoring in operation (AI Act Art. 26(5), 72).
   */
  'outcome.recorded',
  'objection.recorded',
  'objection.withdrawn',
  'job_seeker.upserted',
  'course.upserted',
  'catalog.imported',
  /**
   * The referential of occupation labels job seekers read was loaded (an admin's whole load, or the
   * demo's labels added): how many codes it added, removed and renamed, and the list's hash.
   */
  'occupation_labels.loaded',
  'model.registered',
  'model.activated',
  /**
   * An admin recalled a model found faulty: the sets it made that people were shown are retracted,
   * those still open withdrawn, each with its own event, and the model is never activated again.
   */
  'model.recalled',
  'settings.changed',
  'subject.erased',
  'subject.access_exported',
  'retention.purged',
  'audit.queried',
  'log.signing_key_rotated',
  'log.master_key_rotated',
  /**
   * Suggestions asked for and refused, the manual path given instead (`reason`: objection,
   * switched_off, no_active_model, model_unavailable, shipped_model_not_registered). For a person
   * who objected it records that their objection was honoured: nothing of their data was processed.
   */
  'suggestion.refused',
  /** The deployer's record of an incident, a malfunction or a near miss (AI Act Art. 26(5), Art. 73). */
  'incident.recorded',
  /** The provider or the market surveillance authority was informed of a recorded incident. */
  'incident.notified',
  /**
   * A text the log would keep readable (an audit purpose, a reason, an incident's text, an access
   * request's reference) was refused for holding the id of a person the log names: the refusal
   * tells that the log names someone by it, so it leaves a trace (never the text nor the id).
   */
  'logged_text.refused',
  /**
   * The service began serving (`npm start`): with which software version, engine, active model and
   * settings, so that an auditor can tell when the system ran and with what.
   */
  'service.started',
] as const;

export type DecisionEventType = (typeof DECISION_EVENT_TYPES)[number];

/**
 * Events that record that a person was given their data, and nothing else: no processing of the
 * data, so none makes it, or the person's log key, kept any longer (retention), and none is
 * something held about them that an erasure could take (erasure).
 */
export const ACCESS_GIVEN_EVENT_TYPES = [
  'subject.access_exported',
] as const satisfies readonly DecisionEventType[];

export function isDecisionEventType(value: unknown): value is DecisionEventType {
  return typeof value === 'string' && (DECISION_EVENT_TYPES as readonly string[]).includes(value);
}

/** Who acted: a person through their role, or the application itself (expiry, retention). */
export type ActorRole = Role | 'system';

export function isActorRole(value: unknown): value is ActorRole {
  return value === 'system' || (ROLES as readonly unknown[]).includes(value);
}

/** The actor as recorded: the role and a pseudonym, never the id itself. */
export interface DecisionActor {
  role: ActorRole;
  pseudonym: string;
}

/** What a service hands to the log; the log pseudonymises ids and encrypts the personal part. */
export interface NewDecisionEvent {
  type: DecisionEventType;
  /** The caller's id (token subject). Kept in clear only for the `system` role. */
  actor: { role: ActorRole; id: string };
  /** The job seeker the event is about, if any; recorded as a pseudonym. */
  subjectId?: string | null;
  /**
   * The public part, readable by auditors: ids of sets, items, courses and models, staff
   * pseudonyms, codes, counts.
   * It must hold no direct identifier of a person, nor their values: scores and attributions, worked
   * out from those values, go in `personal` (record 0004).
   */
  payload: Record<string, unknown>;
  /**
   * The personal part (free-text comments, profile values…), encrypted with the subject's own
   * key so that erasing the subject makes it unreadable. Needs `subjectId`.
   */
  personal?: unknown;
  /**
   * When the change it records was made, for a service that read the clock once for the change and
   * its events alike: they then tell one time. The log stamps it unless the event before is later
   * (log time never goes back). Without it, the clock at the append.
   */
  at?: Date;
}

/**
 * An event as stored and exported, without trusting its shape: this is what verification
 * reads. `hash` is SHA-256 over `prevHash` followed by the canonical JSON of every other field.
 */
export interface RecordedDecisionEvent {
  seq: number;
  eventId: string;
  type: string;
  occurredAt: string;
  actor: { role: string; pseudonym: string };
  subject: string | null;
  payload: unknown;
  /** The sealed personal part (`p1.<keyId>.<iv>.<ciphertext>.<tag>`); the hash covers the ciphertext. */
  personal: string | null;
  prevHash: string;
  hash: string;
}

/** A logged event, as services and auditors see it. */
export interface DecisionEvent extends RecordedDecisionEvent {
  type: DecisionEventType;
  actor: DecisionActor;
  payload: Record<string, unknown>;
}

/** The `prevHash` of event 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hash an event must carry: SHA-256(prevHash ‖ canonical JSON of the event without its hash), hex. */
export function computeEventHash(event: Omit<RecordedDecisionEvent, 'hash'>): string {
  return hashEventText(event.prevHash, writeHashedText(event, canonicalJson(event.payload)));
}

/**
 * The canonical JSON of the event without its hash, written around `payloadText`, the canonical
 * JSON of its payload. Fields are picked one by one so that anything else an export carries
 * stays outside the hash.
 */
export function writeHashedText(
  event: Omit<RecordedDecisionEvent, 'hash' | 'payload'>,
  payloadText: string,
): string {
  return writeEventText(event, payloadText, undefined);
}

/**
 * An event's members in canonical order (`hash` among them when given), each written as
 * `canonicalJson` writes it, around the payload's text as given.
 */
export function writeEventText(
  event: Omit<RecordedDecisionEvent, 'hash' | 'payload'>,
  payloadText: string,
  hash: string | undefined,
): string {
  const hashMember = hash === undefined ? '' : `"hash":${json(hash)},`;
  return (
    `{"actor":{"pseudonym":${json(event.actor.pseudonym)},"role":${json(event.actor.role)}},` +
    `"eventId":${json(event.eventId)},${hashMember}"occurredAt":${json(event.occurredAt)},` +
    `"payload":${payloadText},"personal":${json(event.personal)},"prevHash":${json(event.prevHash)},` +
    `"seq":${json(event.seq)},"subject":${json(event.subject)},"type":${json(event.type)}}`
  );
}

/** One member's value as `canonicalJson` writes it; strings, the common case, directly. */
function json(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
}

/** SHA-256 over `prevHash` and the hashed text, hex. */
export function hashEventText(prevHash: string, hashedText: string): string {
  return crypto.createHash('sha256').update(prevHash, 'utf8').update(hashedText, 'utf8').digest('hex');
}
