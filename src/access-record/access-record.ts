import type { Principal } from '../auth/principal.ts';
import type { JobSeeker, JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import type { ManifestFeature } from '../model/manifest.ts';
import type { StandingObjection } from '../objection/objection.ts';
import type { CourseOutcome } from '../outcomes/course-outcome.ts';
import type { FeedbackInFile } from '../portal/feedback.ts';
import type { ContestReply } from '../recommendations/contest-reply.ts';
import {
  type Attribution,
  type AttributionMethodInfo,
  type CourseSnapshot,
  type EarlierModelSuggestion,
  type ItemDecision,
  type ItemSource,
  labelReasonCode,
  type ModelRef,
  type ProfileSnapshot,
  type RecommendationSet,
  type SeekerExplanation,
  type SetReplacement,
  type SetStatus,
  viewSetAt,
} from '../recommendations/recommendation.ts';
import { refuseIdInRequestReference } from '../screening/request-reference.ts';
import type { AccessRecordConsultations } from './consultations.ts';
import type { ProcessingStatement } from './processing-statement.ts';

/** A formal access request as the admin answers it: who answers, for whom, and its reference. */
export interface AccessRequest {
  admin: Principal;
  seekerId: string;
  /** The request's reference (a ticket or letter number), as `X-Access-Request` gives it. */
  reference: string;
}

/** Where the reference comes from, as a refusal names it. */
export const ACCESS_REQUEST_PLACE = { header: 'X-Access-Request' } as const;

/**
 * The request of `admin` answering `reference` for `seekerId`. The reference is recorded in the
 * public part of `subject.access_exported`, readable for as long as the log is kept: one holding the
 * person's id is refused here (`refuseIdInRequestReference`), and the service then checks it as
 * every text the log keeps readable.
 */
export function accessRequestFor(admin: Principal, seekerId: string, reference: string): AccessRequest {
  refuseIdInRequestReference(ACCESS_REQUEST_PLACE, reference, seekerId);
  return { admin, seekerId, reference };
}

/** A personal part of an event, opened with the person's key, or why it could not be. */
export type OpenedPart =
  | { status: 'readable'; value: unknown }
  | { status: 'shredded' }
  | { status: 'unreadable' };

/** A decision-log event about the person, as recorded, with its personal part opened. */
export interface AccessRecordEvent {
  seq: number;
  type: string;
  occurredAt: string;
  actor: { role: string; pseudonym: string };
  payload: unknown;
  /** Null when the event has no personal part. */
  personal: OpenedPart | null;
  hash: string;
}

/** A feature value the model read, named as its manifest names it. */
export interface NamedFeatureValue {
  feature: string;
  /** The French label; null when the model is no longer in the registry. */
  label: string | null;
  value: number;
}

/** One item of a set, with everything the model computed for it and what a counselor did with it. */
export interface AccessRecordItem {
  itemId: string;
  course: CourseSnapshot;
  rank: number | null;
  displayOrder: number | null;
  source: ItemSource;
  score: number | null;
  features: NamedFeatureValue[] | null;
  attributions: Attribution[];
  counselorExplanation: string;
  seekerExplanation: SeekerExplanation;
  decision: ItemDecision;
  reasonCode: string | null;
  /** The reason code in plain words (the published list). */
  reason: string | null;
  comment: string | null;
  /** Staff by their pseudonym in the decision log, here and below. */
  decidedBy: string | null;
  decidedAt: string | null;
  decisionSeconds: number | null;
  addedReason: string | null;
  earlierModelSuggestion: EarlierModelSuggestion | null;
}

/** One set made about the person, as stored, with every item. */
export interface AccessRecordSet {
  id: string;
  status: SetStatus;
  madeBy: 'model' | 'counselor';
  model: ModelRef | null;
  attributionMethod: AttributionMethodInfo | null;
  counselor: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  openedAt: string | null;
  publishedAt: string | null;
  publishedBy: string | null;
  closedAt: string | null;
  noCandidateReason: string | null;
  message: string | null;
  discardReason: string | null;
  /** Who retracted a published set (by pseudonym), when and why; null for a set not retracted. */
  retraction: { by: string; at: string; reason: string } | null;
  /** The later publication that took a published set out of the person's portal; null when none did. */
  replacedBy: SetReplacement | null;
  shortlist: RecommendationSet['shortlist'];
  secondReview: {
    required: boolean;
    firstReviewer: string | null;
    reviewer: string | null;
    /**
     * Who read the set awaiting its second review (by pseudonym), when each first did and in which
     * round (each time the set was handed on), every round's.
     */
    reads: Array<{ by: string; at: string; round: number }>;
    returned: { by: string; at: string; comment: string | null } | null;
    /** The approval that published the set, its reviewer by pseudonym. */
    approved: { by: string; at: string; comment: string | null } | null;
  };
  profileUsed: ProfileSnapshot | null;
  items: AccessRecordItem[];
}

/**
 * The profile as stored, without the staff member whose caseload holds the person: as the person's
 * own export gives it, where no staff member appears, even by pseudonym (a pseudonym the person
 * cannot read, which would tie a counselor they know to the decision log's name for them).
 */
export interface StoredProfile extends JobSeekerProfile {
  id: string;
  aiObjection: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toStoredProfile(profile: JobSeeker): StoredProfile {
  // The enrolment id is left out: a key of the service's own for telling enrolments apart, which says
  // nothing of the person that `createdAt` does not.
  const { counselorId: _counselorId, enrolmentId: _enrolmentId, ...rest } = profile;
  return rest;
}

/**
 * The profile as stored, the counselor holding the person by pseudonym: staff are not the
 * person's data (GDPR Art. 15(4)). Given in the access record.
 */
export interface AccessRecordProfile extends StoredProfile {
  counselor: string;
}

export function toAccessRecordProfile(
  profile: JobSeeker,
  pseudonymise: (id: string) => string,
): AccessRecordProfile {
  return { ...toStoredProfile(profile), counselor: pseudonymise(profile.counselorId) };
}

/** Everything held about one job seeker, as the answer to a formal access request. */
export interface AccessRecord {
  seekerId: string;
  /** The person's pseudonym in the decision log. */
  subject: string;
  accessRequest: string;
  producedAt: string;
  /** The seq of the `subject.access_exported` event; the record answers the log just before it. */
  exportSeq: number;
  profile: AccessRecordProfile | null;
  objection: StandingObjection | null;
  suggestionSets: AccessRecordSet[];
  feedback: FeedbackInFile[];
  /** The counselors' replies to the person's contests. */
  contestReplies: ContestReply[];
  /** What became of the courses proposed to the person, with the model and score of each proposal. */
  outcomes: CourseOutcome[];
  events: AccessRecordEvent[];
  /**
   * When and why the person's data was looked into, beyond the events about them: the auditors'
   * reads of the log that named them, and the incidents recorded about their sets.
   */
  consultations: AccessRecordConsultations;
  processing: ProcessingStatement;
}

/** What `subject.access_exported` records of an answer: counts, no personal data. */
export interface AccessRecordCounts {
  profiles: number;
  suggestionSets: number;
  items: number;
  feedback: number;
  contestReplies: number;
  outcomes: number;
  events: number;
  personalParts: { readable: number; shredded: number; unreadable: number };
  /** The auditors' reads naming the person, the staff reads of their file, and the incidents about their sets. */
  consultations: { logQueries: number; fileReads: number; incidents: number };
}

export function countAccessRecord(
  record: Pick<
    AccessRecord,
    'profile' | 'suggestionSets' | 'feedback' | 'contestReplies' | 'outcomes' | 'events' | 'consultations'
  >,
): AccessRecordCounts {
  const parts = record.events.flatMap((event) => (event.personal === null ? [] : [event.personal.status]));
  const partsWith = (status: OpenedPart['status']) => parts.filter((part) => part === status).length;
  return {
    profiles: record.profile === null ? 0 : 1,
    suggestionSets: record.suggestionSets.length,
    items: record.suggestionSets.reduce((sum, set) => sum + set.items.length, 0),
    feedback: record.feedback.length,
    contestReplies: record.contestReplies.length,
    outcomes: record.outcomes.length,
    events: record.events.length,
    personalParts: {
      readable: partsWith('readable'),
      shredded: partsWith('shredded'),
      unreadable: partsWith('unreadable'),
    },
    consultations: {
      logQueries: record.consultations.logQueries.length,
      fileReads: record.consultations.fileReads.length,
      incidents: record.consultations.incidents.length,
    },
  };
}

/** The features each registered model reads, in its column order, by model id. */
export type FeaturesByModel = ReadonlyMap<string, readonly ManifestFeature[]>;

/**
 * A stored set as the record gives it, as it stands at `now` (see `viewSetAt`), staff shown by
 * `pseudonymise`, feature values named by the model's manifest.
 */
export function toAccessRecordSet(
  stored: RecommendationSet,
  now: Date,
  pseudonymise: (id: string) => string,
  featuresByModel: FeaturesByModel,
): AccessRecordSet {
  const set = viewSetAt(stored, now);
  const staff = (id: string | null) => (id === null ? null : pseudonymise(id));
  const { secondReview } = set;
  const features = set.model === null ? undefined : featuresByModel.get(set.model.id);
  return {
    id: set.id,
    status: set.status,
    madeBy: set.model === null ? 'counselor' : 'model',
    model: set.model,
    attributionMethod: set.attributionMethod,
    counselor: pseudonymise(set.counselorId),
    createdBy: pseudonymise(set.createdBy),
    createdAt: set.createdAt,
    expiresAt: set.expiresAt,
    openedAt: set.openedAt,
    publishedAt: set.publishedAt,
    publishedBy: staff(set.publishedBy),
    closedAt: set.closedAt,
    noCandidateReason: set.noCandidateReason,
    message: set.message,
    discardReason: set.discardReason,
    retraction: set.retraction === null ? null : { ...set.retraction, by: pseudonymise(set.retraction.by) },
    replacedBy: set.replacedBy === null ? null : { ...set.replacedBy },
    shortlist: set.shortlist,
    secondReview: {
      required: secondReview.required,
      firstReviewer: staff(secondReview.firstReviewerId),
      reviewer: staff(secondReview.reviewerId),
      reads: secondReview.reads.map((read) => ({
        by: pseudonymise(read.by),
        at: read.at,
        round: read.round,
      })),
      returned:
        secondReview.returned === null
          ? null
          : {
              by: pseudonymise(secondReview.returned.by),
              at: secondReview.returned.at,
              comment: secondReview.returned.comment,
            },
      approved:
        secondReview.approved === null
          ? null
          : {
              by: pseudonymise(secondReview.approved.by),
              at: secondReview.approved.at,
              comment: secondReview.approved.comment,
            },
    },
    profileUsed: set.profileSnapshot,
    items: set.items.map((item) => ({
      itemId: item.id,
      course: item.course,
      rank: item.rank,
      displayOrder: item.displayOrder,
      source: item.source,
      score: item.score,
      features: item.features === null ? null : nameFeatureValues(item.features, features),
      attributions: item.attributions,
      counselorExplanation: item.counselorExplanation,
      seekerExplanation: item.seekerExplanation,
      decision: item.decision,
      reasonCode: item.reasonCode,
      reason: item.reasonCode === null ? null : labelReasonCode(item.reasonCode),
      comment: item.comment,
      decidedBy: staff(item.decidedBy),
      decidedAt: item.decidedAt,
      decisionSeconds: item.decisionSeconds,
      addedReason: item.addedReason,
      earlierModelSuggestion: item.earlierModelSuggestion,
    })),
  };
}

/** A feature vector with its names, or numbered columns when the manifest is unknown or does not fit. */
function nameFeatureValues(
  values: readonly number[],
  features: readonly ManifestFeature[] | undefined,
): NamedFeatureValue[] {
  const named = features !== undefined && features.length === values.length ? features : undefined;
  return values.map((value, index) => {
    const feature = named?.[index];
    return feature === undefined
      ? { feature: `column ${index + 1}`, label: null, value }
      : { feature: feature.name, label: feature.labelFr, value };
  });
}
