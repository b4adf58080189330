import type { Knex } from 'knex';
import { readPersonalRecord } from '../audit/personal-part.ts';
import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { OpenedPersonalPart, SubjectKeyring } from '../decision-log/subject-keyring.ts';
import type { FileReadStore } from '../file-reads/file-read-store.ts';
import { INCIDENT_EVENT_TYPES } from '../incidents/incident.ts';
import { jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { RegisteredModel } from '../model-registry/registered-model.ts';
import { findStandingObjection } from '../objection/find-standing-objection.ts';
import type { CourseOutcomeStore } from '../outcomes/course-outcome-store.ts';
import type { FeedbackStore } from '../portal/feedback-store.ts';
import type { ContestReplyStore } from '../recommendations/contest-reply-store.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { LoggedTextCheck } from '../screening/refuse-sensitive-logged-text.ts';
import {
  ACCESS_REQUEST_PLACE,
  type AccessRecord,
  type AccessRecordEvent,
  type AccessRequest,
  countAccessRecord,
  type FeaturesByModel,
  type OpenedPart,
  toAccessRecordProfile,
  toAccessRecordSet,
} from './access-record.ts';
import { describeConsultations, listSetIdsOf } from './consultations.ts';
import { describeProcessing, listModelsInvolved, type RetentionPeriods } from './processing-statement.ts';

export interface AccessRecordServiceDeps {
  jobSeekers: Pick<JobSeekerStore, 'findById'>;
  recommendations: Pick<RecommendationStore, 'listForSeeker'>;
  feedback: Pick<FeedbackStore, 'listForSeeker'>;
  contestReplies: Pick<ContestReplyStore, 'listForSeeker'>;
  outcomes: Pick<CourseOutcomeStore, 'listForSeeker'>;
  /** The staff reads of the person's file (the read trace, record 0022). */
  fileReads: Pick<FileReadStore, 'listForSeeker'>;
  /** Reads the person's events and objection, and appends `subject.access_exported`. */
  decisionLog: DecisionLog;
  /** Opens the personal parts of the person's events. */
  keyring: Pick<SubjectKeyring, 'openerForOneRead'>;
  /** The decision log's pseudonyms: staff and the person appear in the record as the log shows them. */
  pseudonymise: (id: string) => string;
  /** The registry, read in the record's transaction: the models as the log stands at its head. */
  models: { listModels(trx: Knex.Transaction): Promise<RegisteredModel[]> };
  /** The retention periods configured, as the retention job applies them. */
  retention: RetentionPeriods;
  /** How to reach the data protection officer (`PRIVACY_CONTACT`), when configured. */
  privacyContact?: string;
  /** Checks the request's reference, which `subject.access_exported` keeps readable for good. */
  checkLoggedText: LoggedTextCheck;
  now: () => Date;
}

/**
 * The right of access (GDPR Art. 15; AI Act Art. 86) as a formal request is answered: everything
 * held about one person, what the model computed about them included, which their own export in the
 * portal leaves out (DESIGN principle 1).
 */
export class AccessRecordService {
  constructor(private readonly deps: AccessRecordServiceDeps) {}

  /**
   * The person's record, read in one transaction that holds the head of the decision log from its
   * start, and that appends `subject.access_exported` as its last write: the record answers the log
   * exactly as it stood before that event, and no record leaves without its trace. A personal part
   * that cannot be opened is marked so, never an error: the answer is whole or there is none.
   * Unknown (404) when nothing at all is held about the person.
   */
  async produceAccessRecord(request: AccessRequest): Promise<AccessRecord> {
    const { deps } = this;
    const { seekerId } = request;
    await deps.checkLoggedText(
      { actor: { role: 'admin', id: request.admin.subject }, operation: 'getAccessRecord' },
      ACCESS_REQUEST_PLACE,
      request.reference,
      'give the reference of the request',
    );
    return deps.decisionLog.withTransaction(async (trx) => {
      await deps.decisionLog.lockHead(trx);
      const profile = await deps.jobSeekers.findById(seekerId, trx);
      const sets = await deps.recommendations.listForSeeker(seekerId, trx);
      const feedback = await deps.feedback.listForSeeker(seekerId, trx);
      const contestReplies = await deps.contestReplies.listForSeeker(seekerId, trx);
      const outcomes = await deps.outcomes.listForSeeker(seekerId, trx);
      const recorded = await deps.decisionLog.listEventsAbout(seekerId, trx);
      if (profile === undefined && sets.length === 0 && feedback.length === 0 && recorded.length === 0) {
        throw jobSeekerNotFound(seekerId);
      }
      const objection = await findStandingObjection(deps.decisionLog, seekerId, trx);
      // Who looked into the person's data: the auditors' reads naming them, the staff reads of their
      // file, the incidents about their sets.
      const consultations = await describeConsultations(
        await deps.decisionLog.listQueriesNaming(seekerId, trx),
        await deps.fileReads.listForSeeker(seekerId, trx),
        await deps.decisionLog.listEventsOfTypes(INCIDENT_EVENT_TYPES, trx),
        listSetIdsOf(sets, recorded),
      );
      const events: AccessRecordEvent[] = [];
      const openPersonal = deps.keyring.openerForOneRead(trx);
      for (const event of recorded) events.push(await toAccessRecordEvent(event, openPersonal));
      // Behind the head's lock, as the sets: read before it, the registry could lack a model registered
      // meanwhile that a set names, or state active a model another activation has since retired.
      const registered = await deps.models.listModels(trx);
      const now = deps.now();
      const featuresByModel: FeaturesByModel = new Map(
        registered.map((model) => [model.id, model.manifest.features]),
      );
      const content = {
        profile: profile === undefined ? null : toAccessRecordProfile(profile, deps.pseudonymise),
        suggestionSets: sets.map((set) => toAccessRecordSet(set, now, deps.pseudonymise, featuresByModel)),
        feedback,
        contestReplies,
        outcomes,
        events,
        consultations,
      };
      // No personal part: it would need a key, and would create one for a person who has none.
      const exported = await deps.decisionLog.append(trx, {
        type: 'subject.access_exported',
        actor: { role: 'admin', id: request.admin.subject },
        subjectId: seekerId,
        payload: { accessRequest: request.reference, given: countAccessRecord(content) },
      });
      return {
        seekerId,
        subject: deps.pseudonymise(seekerId),
        accessRequest: request.reference,
        producedAt: exported.occurredAt,
        exportSeq: exported.seq,
        objection: objection ?? null,
        ...content,
        processing: describeProcessing(
          deps.retention,
          listModelsInvolved(registered, sets),
          deps.privacyContact,
        ),
      };
    });
  }
}

/** An event as recorded, its personal part opened; one that cannot be opened is marked `unreadable`. */
async function toAccessRecordEvent(
  event: RecordedDecisionEvent,
  openPersonal: (sealed: string) => Promise<OpenedPersonalPart>,
): Promise<AccessRecordEvent> {
  return {
    seq: event.seq,
    type: event.type,
    occurredAt: event.occurredAt,
    actor: { role: event.actor.role, pseudonym: event.actor.pseudonym },
    payload: event.payload,
    personal: event.personal === null ? null : await openPart(event.personal, openPersonal),
    hash: event.hash,
  };
}

async function openPart(
  sealed: string,
  openPersonal: (sealed: string) => Promise<OpenedPersonalPart>,
): Promise<OpenedPart> {
  const opened = await readPersonalRecord(sealed, openPersonal);
  if (opened === 'shredded') return { status: 'shredded' };
  return opened === undefined ? { status: 'unreadable' } : { status: 'readable', value: opened };
}
