/**
 * What every creation of a set (suggestions, or a set by hand) shares: what it reads and writes
 * through, what the counselor asks and is answered, first and on a retry, and the person it is for.
 */
import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { isOnCaseloadOf, type JobSeeker, jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { ActiveModelSource } from '../scoring/active-model.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { RecommendationSet, SetView } from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import { listAllowedActions, type SetReader } from './set-actions.ts';
import { listCaveatOccupations, listSetCaveats } from './set-caveats.ts';
import { type WithdrawalWarning, warnAboutWithdrawnSets } from './withdrawal-warnings.ts';

/** What creating a set, and answering its retries, reads and writes through. */
export interface SetCreationDeps {
  store: RecommendationStore;
  jobSeekers: JobSeekerStore;
  courses: CourseStore;
  settings: SettingsStore;
  idempotency: IdempotencyStore;
  /** The labels of the occupations a set's caveats name. */
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
  decisionLog: DecisionLog;
  /**
   * The active model; whether a model was recalled, read in the transaction storing its set; and
   * whether any is active, read in the transaction of a refusal for want of one.
   */
  models: ActiveModelSource & {
    isRecalled(modelId: string, trx: Knex.Transaction): Promise<boolean>;
    hasActiveModel(trx: Knex.Transaction): Promise<boolean>;
  };
  /** The server's key of the second-review draw, which nobody reading a set holds (record 0003). */
  secondReviewDrawKey: Buffer;
  now: () => Date;
}

export interface CreateRequest {
  limit?: number;
  /** The caller's Idempotency-Key. */
  idempotencyKey: string;
}

export interface CreateResult extends SetView {
  /** True when this answers a retry with the same key and body. */
  replayed: boolean;
  /** The person's open sets the creation withdrew, one warning each (a retry says the same). */
  warnings: WithdrawalWarning[];
}

/** The job seeker, when they are on the counselor's caseload; "not found" otherwise. */
export async function findOnCaseload(
  deps: Pick<SetCreationDeps, 'jobSeekers'>,
  counselor: Principal,
  seekerId: string,
): Promise<JobSeeker> {
  const seeker = await deps.jobSeekers.findById(seekerId);
  if (seeker === undefined || !isOnCaseloadOf(seeker, counselor)) throw jobSeekerNotFound(seekerId);
  return seeker;
}

/**
 * The counselor whose caseload holds the person: who creates a set, and whom a retried creation is
 * answered (`findReplay` checks it).
 */
export function caseloadReader(counselor: Principal): SetReader {
  return { subject: counselor.subject, holdsCaseload: true };
}

/**
 * What the counselor may do with a set just created (`set` as stored then), and its caveats as of
 * then (see {@link viewNewSet}), the occupations they name labelled as the referential stands now:
 * read only for a set whose caveats name some.
 */
export async function viewCreatedSet(
  deps: Pick<SetCreationDeps, 'occupationLabels'>,
  set: RecommendationSet,
  counselor: Principal,
): Promise<Pick<SetView, 'allowedActions' | 'caveats'>> {
  return viewNewSet(set, counselor, await deps.occupationLabels.findLabels(listCaveatOccupations(set)));
}

/**
 * What the counselor may do with a set just created (`set` as stored then), and its caveats as of
 * then: neither the catalog nor the settings are asked, its courses having been read active as
 * candidates a moment before in the catalog as it still stood when the set was stored (a set by hand
 * has none yet; a catalog changed meanwhile is read instead), and a model's set being stored only
 * with suggestions on (a set by hand is never held).
 */
function viewNewSet(
  set: RecommendationSet,
  counselor: Principal,
  occupationLabels: ReadonlyMap<string, string>,
): Pick<SetView, 'allowedActions' | 'caveats'> {
  const context = { now: new Date(set.createdAt), aiEnabled: true };
  return {
    allowedActions: listAllowedActions(set, caseloadReader(counselor), {
      ...context,
      withdrawnCourseIds: new Set(),
      // A new set: nothing of it was given to the person, who contested nothing.
      unansweredContests: 0,
    }),
    caveats: listSetCaveats(set, { ...context, occupationLabels }),
  };
}

/**
 * The warnings about the sets a creation of `created` withdrew, read as they stand (a withdrawn set
 * never changes again; one erased since is left out).
 */
export async function warnAboutWithdrawals(
  deps: Pick<SetCreationDeps, 'store'>,
  created: RecommendationSet,
  withdrawnSetIds: readonly string[],
): Promise<WithdrawalWarning[]> {
  const withdrawn: RecommendationSet[] = [];
  for (const setId of withdrawnSetIds) {
    const set = await deps.store.findById(setId);
    if (set !== undefined) withdrawn.push(set);
  }
  return warnAboutWithdrawnSets(created, withdrawn);
}
