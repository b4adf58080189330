/**
 * A creation sent again with its Idempotency-Key: what the key keeps of the first answer, and the
 * answer to the retry (that first answer again, or the refusal once the model is barred).
 */
import type { Principal } from '../auth/principal.ts';
import { type IdempotentRequest, matchFirstAnswer } from '../idempotency/idempotent-request.ts';
import { isOnCaseloadOf, jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import { ConflictError } from '../shared/errors.ts';
import { findWhatBarsModel } from './manual-path.ts';
import {
  firstAnswerOf,
  NO_CONTESTS,
  type RecommendationSet,
  type SetStatus,
  viewSetAt,
} from './recommendation.ts';
import { refuseSuggestions } from './refuse-suggestions.ts';
import { setNotFound, viewSetFor } from './set-access.ts';
import {
  type CreateResult,
  caseloadReader,
  type SetCreationDeps,
  viewCreatedSet,
  warnAboutWithdrawals,
} from './set-creation.ts';

/**
 * What an Idempotency-Key keeps of a creation: which set it made, in which state and until when,
 * from which the first answer is rebuilt (`firstAnswerOf`), rather than a second copy of the
 * person's scores and attributions under the counselor's key. Keys written as whole sets read the
 * same way.
 */
export interface StoredCreation {
  id: string;
  seekerId: string;
  status: SetStatus;
  /** The lifetime the creation answered, which a second review renews on the set; absent from keys stored before it was kept. */
  expiresAt?: string;
  /** The person's open sets the creation withdrew, when any; absent from keys stored before they were kept. */
  withdrawnSetIds?: string[];
  /**
   * Whether the set was created drawn for a second review (or owing one), which a publication taking
   * over another set's owed review changes on the set; its counselor is not told it before publishing
   * (the answer's `secondReview.required` is null then); absent from keys stored before it was kept.
   */
  secondReviewRequired?: boolean;
}

/** A creation retried with its Idempotency-Key: its first answer, and whether the set moved on since. */
interface Replay {
  firstAnswer: RecommendationSet;
  /** The set as it stands now. */
  setNow: RecommendationSet;
  changedSince: boolean;
  /** The sets its creation withdrew. */
  withdrawnSetIds: readonly string[];
}

/**
 * The answer to a creation sent again with its Idempotency-Key, whether the first request was
 * answered already or is the concurrent one that stored its set first (this request lost the race
 * to it); undefined when the key is new. It is the first answer, unless that answer was the
 * model's suggestions and the model is barred for the person now (their objection, suggestions
 * switched off). Then it is refused as a new request is, the refusal logged and naming the manual
 * path, and told what became of the set the first request made (`createdSetId`,
 * `createdSetStatus`): the model's suggestions for a person it is barred for are no one's to act on.
 */
export async function answerRetry(
  deps: SetCreationDeps,
  counselor: Principal,
  key: string,
  creation: IdempotentRequest,
): Promise<CreateResult | undefined> {
  const replay = await findReplay(deps, counselor, key, creation);
  if (replay === undefined) return undefined;
  if (replay.setNow.model === null) return answerReplay(deps, replay, counselor);
  const seeker = await deps.jobSeekers.findById(replay.setNow.seekerId);
  const barred = seeker === undefined ? undefined : findWhatBarsModel(await deps.settings.get(), seeker);
  if (seeker === undefined || barred === undefined) return answerReplay(deps, replay, counselor);
  const refusal = await refuseSuggestions(deps, counselor, seeker, barred);
  // The bar lifted before the refusal could be logged: the first answer, as though it never stood.
  if (refusal === undefined) return answerReplay(deps, replay, counselor);
  const set = viewSetAt(replay.setNow, deps.now());
  const fate =
    set.status === 'discarded'
      ? `was withdrawn on ${set.closedAt ?? 'a date not kept'}`
      : `is ${set.status}, its suggestions no longer to be approved`;
  throw new ConflictError(
    `${refusal.message}. The set of suggestions this Idempotency-Key created, ${set.id}, ${fate}`,
    { ...refusal.details, createdSetId: set.id, createdSetStatus: set.status },
  );
}

/**
 * A retried creation's answer: the first one again. While the set has not changed since, its
 * ETag still holds and its actions are the set's now (suggestions switched off, a course
 * withdrawn or the lifetime passed show); once it has, the ETag is stale, and so are the actions
 * and caveats that answer listed, replayed as they were: acting on them is refused (412). The
 * person's contests are of a set published since, which the first answer was not: none, as it
 * answered.
 */
async function answerReplay(
  deps: SetCreationDeps,
  replay: Replay,
  counselor: Principal,
): Promise<CreateResult> {
  const { firstAnswer } = replay;
  const view = await viewSetFor(deps, firstAnswer, caseloadReader(counselor), { now: deps.now() });
  return {
    ...view,
    contests: NO_CONTESTS,
    warnings: await warnAboutWithdrawals(deps, firstAnswer, replay.withdrawnSetIds),
    ...(replay.changedSince ? await viewCreatedSet(deps, firstAnswer, counselor) : {}),
    replayed: true,
  };
}

async function findReplay(
  deps: SetCreationDeps,
  counselor: Principal,
  key: string,
  creation: IdempotentRequest,
): Promise<Replay | undefined> {
  const previous = matchFirstAnswer(await deps.idempotency.find(counselor.subject, key), creation);
  if (previous === undefined) return undefined;
  const stored = JSON.parse(previous.responseBody) as StoredCreation;
  const set = await deps.store.findById(stored.id);
  // Erasure deletes the key with the set; a key outliving its set has nothing left to replay.
  if (set === undefined) throw setNotFound(stored.id);
  // A retry answers as a new request would once the person has moved to another caseload.
  if (!isOnCaseloadOf(await deps.jobSeekers.findById(set.seekerId), counselor)) {
    throw jobSeekerNotFound(set.seekerId);
  }
  // Keys stored before the lifetime was kept answer the set's lifetime as it is now.
  const firstAnswer = firstAnswerOf(set, {
    status: stored.status,
    expiresAt: stored.expiresAt ?? set.expiresAt,
    secondReviewRequired: stored.secondReviewRequired ?? set.secondReview.required,
  });
  return {
    firstAnswer,
    setNow: set,
    changedSince: set.version !== firstAnswer.version,
    withdrawnSetIds: stored.withdrawnSetIds ?? [],
  };
}
