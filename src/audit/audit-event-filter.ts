import type { DecisionEventType } from '../decision-log/decision-event.ts';

/** Which decision-log events an auditor asks for; every criterion given must hold. */
export interface AuditEventFilter {
  /** `occurredAt` at or after this instant (ISO 8601 in UTC, as the log writes it). */
  from?: string;
  /** `occurredAt` before this instant. */
  to?: string;
  types?: readonly DecisionEventType[];
  /** The actor's pseudonym (usually a counselor's). */
  actor?: string;
  /** The job seeker's pseudonym. */
  subject?: string;
  /**
   * A model version: the events that name it (`recommendation.generated`, `model.registered`, and
   * `service.started`, each start that served it as the active model), the events of its models by
   * id (`model.activated`, naming it as the model activated or as the one it retired, and
   * `model.recalled`), and every event about a recommendation set it generated (opening, decisions,
   * publication, the people's answers on its items…).
   */
  modelVersion?: string;
  /**
   * One registered model, by its exact id: its events as a version's are found (a version is unique
   * per model name only, so `modelVersion` may span models of several names). With `modelVersion`,
   * both hold.
   */
  modelId?: string;
  /**
   * One recommendation set's trail, by its id: the events about the set (`setId`: its creation,
   * opening, decisions, publication, the person's answers on its items…) and the events that name it
   * otherwise, which ended or replaced it or owe it something: see {@link SET_NAMING_MEMBERS}. Not
   * with `modelVersion` or `modelId` (refused before).
   */
  setId?: string;
}

/**
 * The payload members other than `setId` that name a set, by the event types that write them: the
 * event that withdrew the set (`withdrawnSetIds`: a new set for the person, a blind-first shortlist,
 * an objection, a change of counselor, a recall), retracted it (`retractedSetIds`: a recall), replaced
 * it in front of the person (`replacesSetId`: the next publication), took over the second review it
 * owed (`secondReviewOwedBy`), or reported an incident about it (`setIds`). An addition's
 * `earlierModelSetId` is left out: it names another set in which the model had suggested the course,
 * and tells about the addition, not about that set.
 */
export const SET_NAMING_MEMBERS = {
  'recommendation.generated': [
    { member: 'withdrawnSetIds', list: true },
    { member: 'secondReviewOwedBy', list: false },
  ],
  'recommendation.created_manually': [
    { member: 'withdrawnSetIds', list: true },
    { member: 'secondReviewOwedBy', list: false },
  ],
  'shortlist.submitted': [{ member: 'withdrawnSetIds', list: true }],
  'second_review.requested': [{ member: 'secondReviewOwedBy', list: false }],
  'recommendation.published': [{ member: 'replacesSetId', list: false }],
  'objection.recorded': [{ member: 'withdrawnSetIds', list: true }],
  'job_seeker.upserted': [{ member: 'withdrawnSetIds', list: true }],
  'model.recalled': [
    { member: 'retractedSetIds', list: true },
    { member: 'withdrawnSetIds', list: true },
  ],
  'incident.recorded': [{ member: 'setIds', list: true }],
} as const satisfies Partial<Record<DecisionEventType, ReadonlyArray<{ member: string; list: boolean }>>>;

/**
 * The types of {@link SET_NAMING_MEMBERS} written about the person the set was made for (their
 * `subject`, that of the set's own events): a set withdrawn, replaced or owed by another of the
 * person's sets, shortlists, objections or syncs, and an answer on one of its items. A recall and an
 * incident name the sets of many people, and no person. The event catalogue is held to both lists
 * (test/decision-log/event-catalogue.test.ts): each member it documents naming another set is
 * read, and each type read here is documented with the person as its subject.
 */
export const SET_NAMING_TYPES_ABOUT_ITS_PERSON: ReadonlySet<DecisionEventType> = new Set([
  'recommendation.generated',
  'recommendation.created_manually',
  'shortlist.submitted',
  'second_review.requested',
  'recommendation.published',
  'objection.recorded',
  'job_seeker.upserted',
  'feedback.given',
]);
