import crypto from 'node:crypto';
import type { Course, Modality } from '../courses/course.ts';
import type { JobSeeker, JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import type { JobSeekerReason, Attribution as ModelAttribution } from '../model/explanations.ts';
import type { Settings } from '../settings/settings.ts';
import { compareText } from '../shared/compare-text.ts';
import type { GeoPoint } from '../shared/geo.ts';
import type { SetCaveat } from './set-caveats.ts';

export const SET_STATUSES = [
  'awaiting_shortlist',
  'pending_review',
  'awaiting_second_review',
  'published',
  'discarded',
  'expired',
  'retracted',
] as const;
export type SetStatus = (typeof SET_STATUSES)[number];

/** States in which a set can still change; the others are final. */
export const OPEN_STATUSES: readonly SetStatus[] = [
  'awaiting_shortlist',
  'pending_review',
  'awaiting_second_review',
];

/**
 * States of a set that was given to the person: still published, or retracted since by its
 * counselor. The latest of them that no publication replaced is what the person's portal answers
 * about, items or none.
 */
export const GIVEN_STATUSES: readonly SetStatus[] = ['published', 'retracted'];

/**
 * What a counselor can do to a set, one action per operation of the contract that acts on it:
 * deciding an item, adding a course, ordering the approved items, submitting a blind-first
 * shortlist, publishing, giving a second review (an approval or a return), discarding, retracting,
 * and replying to the person's contests of its courses (which changes the person's file, not the
 * set). Which of them a counselor may take on a set now is ruled in `set-actions.ts`.
 */
export const SET_ACTIONS = [
  'decide_item',
  'add_item',
  'order_items',
  'submit_shortlist',
  'publish',
  'second_review',
  'discard',
  'retract',
  'reply_to_contest',
] as const;
export type SetAction = (typeof SET_ACTIONS)[number];

export type ItemSource = 'model' | 'counselor';
export type ItemDecision = 'pending' | 'approved' | 'rejected';

/** One feature's share in a suggestion (log-odds, relative to the manifest baseline), as kept with it. */
export interface Attribution extends ModelAttribution {
  /**
   * The value in the words of the counselor's explanation (`describeAttributionValues`), written with it;
   * null for a suggestion kept before the words were.
   */
  valueText: string | null;
}

/** How the attributions of a set were obtained. */
export interface AttributionMethodInfo {
  method: 'exact-additive' | 'sampled-shapley';
  samples?: number;
  errorEstimate?: number;
}

/** The model that produced a set. */
export interface ModelRef {
  id: string;
  version: string;
  sha256: string;
}

/** The course as it was when suggested: later catalog edits do not rewrite what was reviewed. */
export interface CourseSnapshot {
  id: string;
  title: string;
  provider: string;
  modality: Modality;
  nextSessionStart: string | null;
  city: string | null;
  location: GeoPoint | null;
  returnToEmploymentRate: number | null;
}

/** The snapshot of a catalog course kept with a suggestion. */
export function snapshotCourse(course: Course): CourseSnapshot {
  return {
    id: course.id,
    title: course.title,
    provider: course.provider,
    modality: course.modality,
    nextSessionStart: course.nextSessionStart,
    city: course.city,
    location: course.location,
    returnToEmploymentRate: course.returnToEmploymentRate,
  };
}

/**
 * The profile as the model saw it when a set was made: a later update of the profile does not
 * rewrite the data the person is told their suggestions were based on: the fields the features and the
 * hard filters read, which is the whole profile kept.
 */
export interface ProfileSnapshot extends JobSeekerProfile {
  /** When the profile had last been updated before the set was made. */
  updatedAt: string;
}

/** The snapshot of a job seeker's profile kept with a set: the profile fields only, no ids. */
export function snapshotProfile(seeker: JobSeeker): ProfileSnapshot {
  return {
    targetOccupations: [...seeker.targetOccupations],
    educationLevel: seeker.educationLevel,
    skills: [...seeker.skills],
    yearsExperience: seeker.yearsExperience,
    monthsUnemployed: seeker.monthsUnemployed,
    location: seeker.location === null ? null : { ...seeker.location },
    mobilityRadiusKm: seeker.mobilityRadiusKm,
    remoteOk: seeker.remoteOk,
    availableFrom: seeker.availableFrom,
    updatedAt: seeker.updatedAt,
  };
}

/** The job seeker's explanation, written when the suggestion was made and never recomputed. */
export interface SeekerExplanation {
  summary: string;
  reasons: JobSeekerReason[];
}

export interface RecommendationItem {
  id: string;
  course: CourseSnapshot;
  /** The model's rank (1 = best); null for a counselor's addition. */
  rank: number | null;
  /** Position shown to the job seeker; set for approved items. */
  displayOrder: number | null;
  score: number | null;
  /** The feature vector the model saw; null for additions. */
  features: number[] | null;
  attributions: Attribution[];
  counselorExplanation: string;
  seekerExplanation: SeekerExplanation;
  source: ItemSource;
  decision: ItemDecision;
  reasonCode: string | null;
  comment: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionSeconds: number | null;
  addedReason: string | null;
  /**
   * For a course the counselor put in the set (added, or shortlisted in blind-first mode): the
   * decision log's head seq, read under its lock, as they did. The courses the model did not rank
   * are listed in that order, which no process's clock decides. Null for the model's items, and for
   * a course put in before it was kept.
   */
  addedAtSeq: number | null;
  /**
   * For a course the counselor added: the person's latest other set, made by the time of the
   * addition (older or newer than the set added to), in which the model had suggested the same
   * course. Null otherwise (and for the model's own items).
   */
  earlierModelSuggestion: EarlierModelSuggestion | null;
}

/** Where and when the model had suggested a course the counselor added later. */
export interface EarlierModelSuggestion {
  setId: string;
  /** When that set was made. */
  suggestedAt: string;
}

export interface Shortlist {
  courseIds: string[];
  submittedAt: string;
  /** How many shortlisted courses the model also suggested. */
  overlap: number;
}

/**
 * The last time a second reviewer sent a set back to its counselor, kept on the set so that the
 * counselor reads why. A counselor-to-counselor note: the job seeker sees it only in their data
 * export, once the set's review is over.
 */
export interface SecondReviewReturn {
  /** The second reviewer. */
  by: string;
  at: string;
  comment: string | null;
}

/**
 * A second reviewer's approval, which published the set, kept on the set with its comment so that
 * the set's counselors read it, and the person in their data export (without who approved it), as a
 * return's is. The reviewer is the set's `reviewerId`.
 */
export type SecondReviewApproval = SecondReviewReturn;

/**
 * A published set its counselor took back from the person (AI Act Art. 14(4)(d)): who, when and why.
 * The reason is part of the person's file, as a discard reason is.
 */
export interface SetRetraction {
  by: string;
  at: string;
  reason: string;
}

/**
 * A published set a later publication took out of the person's sight (their portal shows the
 * latest set given only): the set that replaced it, and when that set was published.
 */
export interface SetReplacement {
  setId: string;
  at: string;
}

/** Whether a set needs a second counselor's approval, who reviewed it, and its last return. */
export interface SecondReview {
  required: boolean;
  firstReviewerId: string | null;
  reviewerId: string | null;
  /**
   * How many times the set was handed to a second review: 0 before the first, 1 then, one more each
   * time its counselor hands it on again after a return.
   */
  round: number;
  /**
   * Each counselor's first read of the set in each round of its second review, oldest first, every
   * round kept (the access record lists them all) until the retention run removes those older than
   * the read trace's period (`RETENTION_READ_TRACE_DAYS`), but for the current round's of a set still
   * awaiting its second review. Those of the current round (`round`) say who may
   * approve it, whoever read it after them: an approval needs its reviewer's own read of the set as
   * handed on.
   */
  reads: SecondReviewRead[];
  /** The last return to its counselor; null when it was never returned. */
  returned: SecondReviewReturn | null;
  /** The approval that published the set; null before it, and for a set approved before approvals were kept. */
  approved: SecondReviewApproval | null;
}

/** A counselor's read of a set awaiting its second review: who, when they first read it, in which round. */
export interface SecondReviewRead {
  by: string;
  at: string;
  round: number;
}

export interface RecommendationSet {
  id: string;
  seekerId: string;
  /** The counselor whose caseload held the person when the set was made; the set's owner. */
  counselorId: string;
  status: SetStatus;
  /** The model that suggested the items; null for a set the counselor makes by hand (the manual path). */
  model: ModelRef | null;
  attributionMethod: AttributionMethodInfo | null;
  createdBy: string;
  createdAt: string;
  /**
   * The decision log's head seq, read under its lock, as the set was made: every event up to it came
   * before. With `publishedAtSeq`, the log's order of the person's sets, which their clocks cannot
   * give when two acts share a millisecond or processes' clocks differ. 0 for a set made before it was
   * kept.
   */
  createdAtSeq: number;
  expiresAt: string;
  openedAt: string | null;
  publishedAt: string | null;
  /** The log's head seq, read under its lock, as the set was published; null before (0: published before it was kept). */
  publishedAtSeq: number | null;
  publishedBy: string | null;
  /**
   * When the review ended (published, discarded, expired or withdrawn); null while open, and for
   * sets discarded before this was kept. A retraction comes after the review and leaves it as it
   * was: its own time is in `retraction`.
   */
  closedAt: string | null;
  /**
   * When its counselor last put the approved items in order; null when never (or before this was
   * kept). An act on the set, from which the next decision is timed (`secondsSincePreviousAct`).
   */
  orderedAt: string | null;
  /** Bumped by every change; the ETag. */
  version: number;
  noCandidateReason: string | null;
  message: string | null;
  discardReason: string | null;
  /**
   * The counselor who discarded the set (its own counselor, the only one who may); null while it is
   * not discarded, when the application withdrew it (the reason says why), and for sets discarded
   * before this was kept.
   */
  discardedBy: string | null;
  /** For a `retracted` set, its retraction; null otherwise. */
  retraction: SetRetraction | null;
  /**
   * For a set published and then replaced by a later publication, while the person was still shown
   * it: that publication. Null otherwise; kept if the set is retracted afterwards. The status stays
   * `published`.
   */
  replacedBy: SetReplacement | null;
  secondReview: SecondReview;
  /** Made in blind-first mode: the counselor's own shortlist was awaited before the model's items. */
  blindFirst: boolean;
  shortlist: Shortlist | null;
  items: RecommendationItem[];
  /**
   * The profile the model saw. Personal data shown to the job seeker only, never in the
   * counselor's view of the set (its caveats are said from it). Null on sets made before
   * snapshots were kept.
   */
  profileSnapshot: ProfileSnapshot | null;
}

/**
 * A set as shown to a counselor, with what the catalog says of its courses now (the ids of those it
 * no longer offers) and what that counselor may do with it now. Read whenever the set is shown,
 * never stored: the items keep their courses as they were reviewed.
 */
export interface SetView {
  set: RecommendationSet;
  /** The counselor it is shown to: whose own second-review read the set shows. */
  readerId: string;
  withdrawnCourseIds: ReadonlySet<string>;
  /**
   * The ids of the items the person would read as no longer available (`findCourseOffers`, the
   * portal's own rule): their course withdrawn, or its session cancelled or starting today or before.
   */
  unavailableItemIds: ReadonlySet<string>;
  /** The actions the counselor it is shown to may take on it now, in `SET_ACTIONS` order. */
  allowedActions: readonly SetAction[];
  /** What the counselor should know before weighing it, as of the same moment (`listSetCaveats`). */
  caveats: readonly SetCaveat[];
  /** The person's contests of the set's courses, read with the set. */
  contests: SetContests;
}

/**
 * The person's contests of a set's courses (their answers `contest`, which tell them their counselor
 * will look at the course again): how many, when the latest was given (null when none), and how many
 * no reply of the counselor answered yet (each reply answers those kept when it was written). Shown in
 * the counselor's queue and on the set, so that a contest reaches them without their reading every
 * set's answers, a replaced set's included.
 */
export interface SetContests {
  count: number;
  lastAt: string | null;
  unanswered: number;
}

/** A set no one contested yet (a new set, say). */
export const NO_CONTESTS: SetContests = { count: 0, lastAt: null, unanswered: 0 };

/**
 * What a new set is made of before the settings give it its status, its second review and its
 * lifetime; the rest starts empty (nothing opened, reviewed or published).
 */
export type NewSetFields = Pick<
  RecommendationSet,
  | 'id'
  | 'seekerId'
  | 'counselorId'
  | 'model'
  | 'attributionMethod'
  | 'createdBy'
  | 'noCandidateReason'
  | 'items'
  | 'profileSnapshot'
>;

/** The settings that shape a new set. */
export type NewSetSettings = Pick<Settings, 'blindFirst' | 'secondReviewRate' | 'setTtlHours'>;

/** A set's version as it is created; each change adds one (its ETag names it). */
export const FIRST_SET_VERSION = 1;

/** A set's review fields as it is created: nothing opened, shortlisted or published, at its first version. */
const UNREVIEWED = {
  openedAt: null,
  orderedAt: null,
  publishedAt: null,
  publishedAtSeq: null,
  publishedBy: null,
  closedAt: null,
  version: FIRST_SET_VERSION,
  message: null,
  discardReason: null,
  discardedBy: null,
  retraction: null,
  replacedBy: null,
  shortlist: null,
} as const satisfies Partial<RecommendationSet>;

/** When a lifetime of `ttlHours` started at `now` ends. */
export function computeExpiry(now: Date, ttlHours: number): string {
  return new Date(now.getTime() + ttlHours * 3_600_000).toISOString();
}

/**
 * A set as its creation stores it, made at `made.at` with the log's head at `made.headSeq`, under
 * `settings`: awaiting the counselor's shortlist in blind-first mode when it has items to hide (a set
 * by hand has none), drawn for a second review by its id under `drawKey` (`isSampledForSecondReview`),
 * open for `setTtlHours`. The settings are the ones read in the transaction that stores it, under the
 * log's lock (record 0004), so that a set stored after a change of the settings is made under the
 * change.
 */
export function buildNewSet(
  fields: NewSetFields,
  settings: NewSetSettings,
  made: { at: Date; headSeq: number },
  drawKey: Buffer,
): RecommendationSet {
  const blindFirst = settings.blindFirst && fields.items.length > 0;
  return {
    ...fields,
    ...UNREVIEWED,
    status: blindFirst ? 'awaiting_shortlist' : 'pending_review',
    blindFirst,
    createdAt: made.at.toISOString(),
    createdAtSeq: made.headSeq,
    expiresAt: computeExpiry(made.at, settings.setTtlHours),
    secondReview: {
      required: isSampledForSecondReview(fields.id, settings.secondReviewRate, drawKey),
      firstReviewerId: null,
      reviewerId: null,
      round: 0,
      reads: [],
      returned: null,
      approved: null,
    },
  };
}

/**
 * Whether the counselor is shown none of the set's items: a blind-first set whose shortlist was never
 * given, while it is awaited and for good once the set ended without one (discarded or expired), so
 * that discarding it is no way to see the model's choice before shortlisting in the next set.
 */
export function areItemsHidden(set: Pick<RecommendationSet, 'blindFirst' | 'shortlist'>): boolean {
  return set.blindFirst && set.shortlist === null;
}

/** A model item's review fields as the set is created: nothing decided, no order chosen. */
export const UNDECIDED = {
  displayOrder: null,
  decision: 'pending',
  reasonCode: null,
  comment: null,
  decidedBy: null,
  decidedAt: null,
  decisionSeconds: null,
} as const satisfies Partial<RecommendationItem>;

/**
 * The set as its creation answered it, rebuilt from the set as it is now: the model's items in
 * rank order and undecided, nothing opened, added, reviewed or published yet, at version 1. The
 * model's items and the profile snapshot (from which the caveats are said) are never rewritten, so
 * this is the first answer exactly; a retried creation gets it back, with the status, lifetime and
 * second review the set was created with (`creation`: a second review renews the lifetime since, and
 * a publication may take over another set's owed second review).
 */
export function firstAnswerOf(
  set: RecommendationSet,
  creation: Pick<RecommendationSet, 'status' | 'expiresAt'> & { secondReviewRequired: boolean },
): RecommendationSet {
  const modelItems = set.items
    .filter((item) => item.source === 'model')
    .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  return {
    ...set,
    ...UNREVIEWED,
    status: creation.status,
    expiresAt: creation.expiresAt,
    secondReview: {
      required: creation.secondReviewRequired,
      firstReviewerId: null,
      reviewerId: null,
      round: 0,
      reads: [],
      returned: null,
      approved: null,
    },
    items: modelItems.map((item) => ({ ...item, ...UNDECIDED })),
  };
}

/**
 * The reason for rejecting an item whose course the catalog withdrew after it was suggested or
 * added, and for no other: it says the catalog decided, not the counselor.
 */
export const COURSE_UNAVAILABLE_REASON = 'course_unavailable';

/**
 * Seconds since the previous act on the set (its creation, first read or blind-first shortlist, a
 * decision, an addition or an order of the approved items, or a second reviewer's return, before
 * which its counselor could not decide): the time a decision took, as the oversight figures count it
 * (`src/audit/set-review.ts`, which reads it from `item.decided`). Null when unknown, as
 * {@link measureSecondsSince} says.
 */
export function secondsSincePreviousAct(set: RecommendationSet, now: Date): number | null {
  const acts = [
    set.createdAt,
    set.openedAt,
    set.shortlist?.submittedAt ?? null,
    set.secondReview.returned?.at ?? null,
    // A minute spent ordering the approved items is no minute spent on the next decision.
    set.orderedAt,
    ...set.items.map((item) => item.decidedAt),
  ];
  // A loop, not Math.max(...): a set's items have no fixed bound, and a call's arguments do.
  let last = Number.NEGATIVE_INFINITY;
  for (const at of acts) if (at !== null) last = Math.max(last, Date.parse(at));
  return countSecondsFrom(last, now);
}

/**
 * Whether the set's counselor saw it as a set before deciding in it, as the oversight figures count
 * it (record 0008): opened (`GET /v1/recommendations/{setId}`), or made by hand, whose items the
 * counselor chose themselves. A set decided from the creation's answer stays unopened, whatever read
 * comes after.
 */
export function isOpenedForFigures(set: RecommendationSet): boolean {
  return set.openedAt !== null || set.model === null;
}

/**
 * Seconds from `since` (an instant the service recorded) to `now`; null when `now` is earlier: a
 * clock set back in between (an NTP correction) or another process's clock ahead of this one's. The
 * time is then unknown, and never 0: a duration nobody measured must not count as a fast decision.
 */
export function measureSecondsSince(since: string, now: Date): number | null {
  return countSecondsFrom(Date.parse(since), now);
}

/** Null when the set was not opened, or when the time since is unknown (`measureSecondsSince`). */
export function secondsSinceOpened(set: RecommendationSet, now: Date): number | null {
  return set.openedAt === null ? null : measureSecondsSince(set.openedAt, now);
}

function countSecondsFrom(time: number, now: Date): number | null {
  const elapsed = now.getTime() - time;
  // NaN (an unreadable instant) is no measure either.
  return elapsed >= 0 ? elapsed / 1000 : null;
}

/**
 * The reason for rejecting a suggestion the counselor takes for the model's mistake: counted per
 * model version in the oversight figures, for the provider's monitoring; for the model's items only.
 */
export const MODEL_FAULT_REASON = 'model_output_inappropriate';

/** Rejection reasons counselors choose from (the published list). */
export const REASON_CODES = [
  {
    code: 'not_matching_project',
    label: 'Ne correspond pas au projet professionnel',
    commentRequired: false,
  },
  { code: 'prerequisites_not_met', label: 'Prérequis non remplis en pratique', commentRequired: false },
  { code: 'too_far', label: 'Trop éloignée ou mobilité insuffisante', commentRequired: false },
  { code: 'schedule_incompatible', label: 'Dates ou rythme incompatibles', commentRequired: false },
  { code: 'already_trained', label: 'Formation déjà suivie ou équivalente', commentRequired: false },
  { code: 'person_declined', label: 'La personne ne souhaite pas cette formation', commentRequired: false },
  { code: 'better_alternative', label: 'Une autre formation convient mieux', commentRequired: false },
  {
    code: 'quality_concern',
    label: 'Doute sur la qualité ou les résultats de la formation',
    commentRequired: false,
  },
  {
    code: MODEL_FAULT_REASON,
    label: 'Proposition manifestement inadaptée (erreur apparente de l’outil)',
    commentRequired: false,
  },
  // For a course the catalog withdrew after it was suggested: such an item can only be rejected.
  {
    code: COURSE_UNAVAILABLE_REASON,
    label: 'Formation plus proposée (retirée du catalogue)',
    commentRequired: false,
  },
  { code: 'other', label: 'Autre motif (commentaire obligatoire)', commentRequired: true },
] as const;

export function findReasonCode(code: string) {
  return REASON_CODES.find((reason) => reason.code === code);
}

/** A reason code in plain words; a code no longer in the published list, as it was recorded. */
export function labelReasonCode(code: string): string {
  return findReasonCode(code)?.label ?? code;
}

/**
 * Who discarded the set and when, for its read and for the refusal of an action on it: the
 * counselor, or null when the application withdrew it. The discarder can only be the set's
 * counselor, whom the set's read already names (`counselorId`) to whoever may read it: nothing more
 * is revealed. Both null for a set in another status.
 */
export function describeDiscard(set: RecommendationSet): {
  discardedBy: string | null;
  discardedAt: string | null;
} {
  return set.status === 'discarded'
    ? { discardedBy: set.discardedBy, discardedAt: set.closedAt }
    : { discardedBy: null, discardedAt: null };
}

/** Ends a set's review: it becomes `status`, final, at `at`. */
export function closeSet(
  set: RecommendationSet,
  status: 'published' | 'discarded' | 'expired',
  at: string,
): void {
  set.status = status;
  set.closedAt = at;
}

/**
 * When a set published at `now` is published: never before the set given to the person before it,
 * in the portal's order (`publishedAt`, then `id`), so that the latest publication is the set the
 * person sees even when two come in the same millisecond, or from API processes whose clocks
 * disagree. Then a millisecond after that set's.
 */
export function settlePublicationTime(
  now: Date,
  setId: string,
  given: Pick<RecommendationSet, 'id' | 'publishedAt'> | undefined,
): string {
  const at = now.toISOString();
  if (given === undefined || given.publishedAt === null) return at;
  if (at > given.publishedAt || (at === given.publishedAt && setId > given.id)) return at;
  return new Date(Date.parse(given.publishedAt) + 1).toISOString();
}

/**
 * The sets still published (the one shown, and those a later publication replaced), the latest
 * publication first (ties by id, the later first).
 */
export function publishedLatestFirst(sets: readonly RecommendationSet[]): RecommendationSet[] {
  return sets
    .filter((set) => set.status === 'published')
    .sort((a, b) => compareText(b.publishedAt ?? '', a.publishedAt ?? '') || compareText(b.id, a.id));
}

export function isOpen(set: Pick<RecommendationSet, 'status'>): boolean {
  return OPEN_STATUSES.includes(set.status);
}

/** An open set whose lifetime has passed; it can only become `expired`. */
export function isDue(set: Pick<RecommendationSet, 'status' | 'expiresAt'>, now: Date): boolean {
  return isOpen(set) && now.getTime() >= Date.parse(set.expiresAt);
}

/**
 * The set as it stands at `now`: one whose lifetime has passed is expired, at the end of its
 * lifetime, even when nobody has read it since (which is what records the expiry).
 */
export function viewSetAt<T extends Pick<RecommendationSet, 'status' | 'expiresAt' | 'closedAt'>>(
  set: T,
  now: Date,
): T {
  return isDue(set, now) ? { ...set, status: 'expired', closedAt: set.expiresAt } : set;
}

export function countPending(set: RecommendationSet): number {
  return set.items.filter((item) => item.decision === 'pending').length;
}

/** The strong ETag of a set's current version. */
export function etagOf(set: Pick<RecommendationSet, 'version'>): string {
  return `"${set.version}"`;
}

/**
 * Whether the counselors reading a set are told if it goes to a second review: once its counselor
 * asked to publish it (it was handed to a second review, or published). Before, the draw is theirs to
 * find out by publishing: a counselor who knew which sets nobody would check could approve those
 * without reading them (record 0003). A set never handed on (discarded, withdrawn, expired) keeps it
 * unsaid, since the person's next set may owe its second review.
 */
export function isSecondReviewDrawTold(
  set: Pick<RecommendationSet, 'secondReview' | 'publishedAt'>,
): boolean {
  return set.secondReview.round > 0 || set.publishedAt !== null;
}

/**
 * Whether a set is sampled for a second review: a share `rate` of sets is drawn, by an HMAC of its id
 * under the server's draw key (`deriveSecondReviewDrawKey`), so that nobody without the key, its
 * counselor included, can tell from the id whether a set is drawn. The draw is kept on the set and
 * sealed in its creation event: an auditor reads it there, not by computing it again.
 */
export function isSampledForSecondReview(setId: string, rate: number, drawKey: Buffer): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const draw =
    crypto.createHmac('sha256', drawKey).update(`second-review:${setId}`).digest().readUInt32BE(0) / 2 ** 32;
  return draw < rate;
}
