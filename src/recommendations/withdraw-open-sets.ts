import type { Knex } from 'knex';
import { ConflictError } from '../shared/errors.ts';
import { isOpen, type RecommendationSet } from './recommendation.ts';
import type { RecommendationStore, SetMaker } from './recommendation-store.ts';

/** Tries per set while a counselor keeps changing it. */
const WITHDRAW_ATTEMPTS = 3;

/**
 * Discards the job seeker's sets still open for review, in the caller's transaction, so that none
 * of them can be published any more; returns their ids for the caller's log event. Used when the
 * person moves to another counselor (every open set), when they object to AI processing (the
 * model's sets: a set made by hand is the path their objection leaves open), and when suggestions
 * are asked for them (the sets made by hand, which are for when the model may not be used).
 */
export async function withdrawOpenSets(
  store: Pick<RecommendationStore, 'findOpenForSeeker' | 'findById' | 'save'>,
  trx: Knex.Transaction,
  seekerId: string,
  withdrawal: { reason: string; madeBy?: SetMaker },
): Promise<string[]> {
  const withdrawn: string[] = [];
  for (const set of await store.findOpenForSeeker(seekerId, trx, withdrawal.madeBy)) {
    if (await withdrawSet(store, trx, set, withdrawal.reason)) withdrawn.push(set.id);
  }
  return withdrawn;
}

/**
 * Discards one open set. A counselor may change it meanwhile (on PostgreSQL the guarded save
 * then misses): read it again and retry while it is still open.
 */
async function withdrawSet(
  store: Pick<RecommendationStore, 'findById' | 'save'>,
  trx: Knex.Transaction,
  first: RecommendationSet,
  reason: string,
): Promise<boolean> {
  let set: RecommendationSet | undefined = first;
  for (let attempt = 0; attempt < WITHDRAW_ATTEMPTS; attempt += 1) {
    if (set === undefined || !isOpen(set)) return false;
    const version = set.version;
    set.status = 'discarded';
    set.discardReason = reason;
    if (await store.save(trx, set, version)) return true;
    set = await store.findById(first.id, trx);
  }
  throw new ConflictError('the suggestions of this job seeker are being changed right now; try again');
}
