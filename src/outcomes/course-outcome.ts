import {
  type ItemSource,
  publishedLatestFirst,
  type RecommendationItem,
  type RecommendationSet,
} from '../recommendations/recommendation.ts';
import { ConflictError, InvalidInputError, problemType } from '../shared/errors.ts';

/** What the case-management system reports about a course proposed to a person. */
export interface CourseOutcomeInput {
  /** Whether the person entered (began) the course. */
  entered: boolean;
  /**
   * Whether they were in employment within six months (of the course's end when they entered it, of
   * the proposal when they did not); null until known.
   */
  employedWithinSixMonths: boolean | null;
  /** The day the outcome was observed (`YYYY-MM-DD`). */
  observedAt: string;
}

/** The proposal an outcome is about: an approved item of one of the person's published sets. */
export interface OutcomeProposal {
  setId: string;
  itemId: string;
  source: ItemSource;
  /** The model that suggested the course; null for a course a counselor added. */
  model: { id: string; version: string } | null;
  /** The model's score for the item, as predicted when it was suggested; null for an addition. */
  predictedScore: number | null;
}

/** What became of one course proposed to a person: one per person and course, replaced in place. */
export interface CourseOutcome extends CourseOutcomeInput {
  id: string;
  seekerId: string;
  courseId: string;
  proposal: OutcomeProposal;
  /** 1 when first recorded, one more at each replacement. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Whether the outcome held already says what `input` says, linked to the same proposal. */
export function isSameOutcome(
  held: CourseOutcome,
  input: CourseOutcomeInput,
  proposal: OutcomeProposal,
): boolean {
  return (
    held.entered === input.entered &&
    held.employedWithinSixMonths === input.employedWithinSixMonths &&
    held.observedAt === input.observedAt &&
    held.proposal.setId === proposal.setId &&
    held.proposal.itemId === proposal.itemId
  );
}

/**
 * The person's latest proposal of the course: of their sets still published (shown, or replaced by
 * a later publication), the one published last that approved it. A retracted set is left out: it
 * was taken back from the person, so what they did afterwards says nothing about it. Undefined when
 * Aiguillage never proposed the course to them.
 */
export function findLatestProposal(
  sets: readonly RecommendationSet[],
  courseId: string,
): OutcomeProposal | undefined {
  for (const set of listProposingSets(sets, courseId)) {
    const item = findApprovedItem(set, courseId);
    if (item === undefined) continue;
    const fromModel = item.source === 'model' && set.model !== null;
    return {
      setId: set.id,
      itemId: item.id,
      source: item.source,
      model: fromModel && set.model !== null ? { id: set.model.id, version: set.model.version } : null,
      predictedScore: fromModel ? item.score : null,
    };
  }
  return undefined;
}

/**
 * The person's sets still published that approved the course, the one published last first: the
 * proposals an outcome may be about.
 */
function listProposingSets(sets: readonly RecommendationSet[], courseId: string): RecommendationSet[] {
  return publishedLatestFirst(sets).filter((set) => findApprovedItem(set, courseId) !== undefined);
}

/**
 * The set that rejected the course after the person's latest proposal of it: of their sets still
 * published, the one published last that decided the course, when it rejected it. Undefined when
 * that set approved it, or none decided it.
 */
export function findRejectionSince(
  sets: readonly RecommendationSet[],
  courseId: string,
): RecommendationSet | undefined {
  const latest = publishedLatestFirst(sets).find((set) =>
    set.items.some((item) => item.course.id === courseId && item.decision !== 'pending'),
  );
  return latest === undefined || findApprovedItem(latest, courseId) !== undefined ? undefined : latest;
}

/** The set's item that approved the course, if any. */
function findApprovedItem(set: RecommendationSet, courseId: string): RecommendationItem | undefined {
  return set.items.find((item) => item.course.id === courseId && item.decision === 'approved');
}

/**
 * The instant the course was first published to the person, among their sets still published that
 * approved it; undefined when none did. Nothing can be observed about a proposal before it was made.
 */
export function findFirstProposalTime(
  sets: readonly RecommendationSet[],
  courseId: string,
): string | undefined {
  return listProposingSets(sets, courseId).at(-1)?.publishedAt ?? undefined;
}

/** An observation dated before the day the course was first published to the person, in France. */
export function observedBeforeProposal(courseId: string, proposedOn: string): InvalidInputError {
  return new InvalidInputError(
    `observedAt may not be before the day course ${courseId} was published to the person, ${proposedOn}: ` +
      'give the day the outcome was observed, on or after it',
    { field: 'observedAt', proposedOn },
  );
}

/**
 * An outcome for a course Aiguillage never proposed to the person, or proposed only in sets since
 * retracted (`sets` tells which, to say so). The caller, the case-management system's account, has
 * no listing of the proposals: the detail says who has one (the person's counselor, in their queue)
 * and that the same call answers the same until a published set approves the course.
 */
export function noProposal(
  seekerId: string,
  courseId: string,
  sets: readonly RecommendationSet[],
): ConflictError {
  const retracted = sets.some(
    (set) => set.status === 'retracted' && findApprovedItem(set, courseId) !== undefined,
  );
  const fact = retracted
    ? `course ${courseId} was proposed to job seeker ${seekerId} only in a set since retracted`
    : `course ${courseId} was not proposed to job seeker ${seekerId} in a published set`;
  const detail =
    `${fact}: no outcome is kept about it, and sending it again is refused alike until a set published to ` +
    `the person approves the course${retracted ? ' again' : ''}. Outcomes are kept only for the courses ` +
    "approved in the person's published sets, which this account cannot list: the person's counselor lists " +
    `those sets (GET /v1/recommendations?seekerId=${seekerId}&status=published) and reads each one's ` +
    'approved items (GET /v1/recommendations/{setId})';
  return new ConflictError(detail, {
    ...problemType('no-proposal'),
    courseId,
  });
}

/**
 * An outcome for a course the person's latest published set rejected after an earlier one proposed
 * it: linked to that earlier approval, it would count in the figures as a proposal still made.
 */
export function proposalRejectedSince(seekerId: string, courseId: string, rejectedIn: string): ConflictError {
  return new ConflictError(
    `course ${courseId} was proposed to job seeker ${seekerId} in an earlier set, but their latest published set ` +
      `${rejectedIn} rejected it: no outcome is kept about a proposal the counselor took back; send it again if a ` +
      'later set proposes the course',
    { ...problemType('proposal-rejected-since'), courseId, rejectedInSetId: rejectedIn },
  );
}

/**
 * An observation older than the one held: sent late (a retry, a queue drained out of order), it
 * would replace what is known now with what was known before.
 */
export function observationOutdated(courseId: string, heldObservedAt: string): ConflictError {
  return new ConflictError(
    `the outcome held for course ${courseId} was observed on ${heldObservedAt}, after this one: it is kept`,
    { ...problemType('observation-outdated'), courseId, heldObservedAt },
  );
}

/** An outcome for a person whose objection to AI processing stands: none is kept while it does. */
export function outcomeRefusedByObjection(seekerId: string): ConflictError {
  return new ConflictError(
    `job seeker ${seekerId} objected to AI processing: no outcome of the courses proposed to them is kept while the objection stands`,
    problemType('objection-stands'),
  );
}
