import type { Knex } from 'knex';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { ConflictError, problemType } from '../shared/errors.ts';
import { closeSet, countPending, isOpen, type RecommendationSet } from './recommendation.ts';
import type { RecommendationStore, SetMaker } from './recommendation-store.ts';

/** Tries per set while a counselor keeps changing it. */
const WITHDRAW_ATTEMPTS = 3;

/**
 * Discards the job seeker's sets still open for review, in the caller's transaction, so that none
 * of them can be published any more; returns their ids for the caller's log event. Used when the
 * person moves to another counselor (every open set), when they object to AI processing (the
 * model's sets: a set made by hand is the path their objection leaves open), when suggestions
 * are asked for them (the sets made by hand, which are for when the model may not be used), and when
 * a set by hand is started for them (the model's sets).
 */
export async function withdrawOpenSets(
  deps: {
    store: Pick<RecommendationStore, 'findOpenForSeeker' | 'findById' | 'save'>;
    decisionLog: Pick<DecisionLog, 'append'>;
    now: () => Date;
  },
  trx: Knex.Transaction,
  seekerId: string,
  /** `reason` is in French: the counselor reads it as the set's discard reason, the person in their data export. */
  withdrawal: { reason: string; madeBy?: SetMaker },
): Promise<string[]> {
  const { store, decisionLog } = deps;
  const withdrawn: string[] = [];
  const at = deps.now().toISOString();
  for (const found of await store.findOpenForSeeker(seekerId, trx, withdrawal.madeBy)) {
    const set = await withdrawSet(store, trx, found, { reason: withdrawal.reason, at });
    if (set === undefined) continue;
    // Each set's end is logged as its own discard, so that an auditor following a set (or a model
    // version's sets) sees it end; the reason is the application's, not free text.
    await decisionLog.append(trx, {
      type: 'recommendation.discarded',
      actor: { role: 'system', id: 'withdrawal' },
      subjectId: set.seekerId,
      payload: { setId: set.id, pendingItems: countPending(set), withdrawnBecause: withdrawal.reason },
    });
    withdrawn.push(set.id);
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
  withdrawal: { reason: string; at: string },
): Promise<RecommendationSet | undefined> {
  let set: RecommendationSet | undefined = first;
  for (let attempt = 0; attempt < WITHDRAW_ATTEMPTS; attempt += 1) {
    if (set === undefined || !isOpen(set)) return undefined;
    const version = set.version;
    closeSet(set, 'discarded', withdrawal.at);
    set.discardReason = withdrawal.reason;
    if (await store.save(trx, set, version)) return set;
    set = await store.findById(first.id, trx);
  }
  throw new ConflictError(
    'the suggestions of this job seeker are being changed right now; try again',
    problemType('try-again'),
  );
}
