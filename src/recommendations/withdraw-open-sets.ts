import type { Knex } from 'knex';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { closeSet, countPending, isOpen, type RecommendationSet } from './recommendation.ts';
import type { RecommendationStore, SetMaker } from './recommendation-store.ts';
import { retrySetChange } from './retry-set-change.ts';

type Actor = NewDecisionEvent['actor'];

/** Who withdraws sets unless told: the application itself. */
const WITHDRAWAL_ACTOR: Actor = { role: 'system', id: 'withdrawal' };

export interface SetWithdrawalDeps {
  store: Pick<RecommendationStore, 'findById' | 'save'>;
  decisionLog: Pick<DecisionLog, 'append'>;
  now: () => Date;
}

/**
 * Discards the job seeker's sets still open for review, in the caller's transaction, so that none
 * of them can be published any more; returns their ids for the caller's log event. Used when the
 * person moves to another counselor (every open set), when they object to AI processing (the
 * model's sets: a set made by hand is the path their objection leaves open), and when a new set is
 * made for them, suggestions asked for or a set started by hand (every open set but the new one, so
 * that the person has one set under review whatever made it).
 */
export async function withdrawOpenSets(
  deps: SetWithdrawalDeps & { store: Pick<RecommendationStore, 'findOpenForSeeker'> },
  trx: Knex.Transaction,
  seekerId: string,
  /**
   * `reason` is in French: the counselor reads it as the set's discard reason, the person in their
   * data export. `keepSetId`: an open set left open (the new set that takes over).
   */
  withdrawal: { reason: string; madeBy?: SetMaker; keepSetId?: string },
): Promise<string[]> {
  const sets = await deps.store.findOpenForSeeker(seekerId, trx, {
    madeBy: withdrawal.madeBy,
    exceptSetId: withdrawal.keepSetId,
  });
  return withdrawSets(deps, trx, sets, { reason: withdrawal.reason });
}

/**
 * Discards each of `sets` still open, in the caller's transaction, each with its own
 * `recommendation.discarded` event (by `actor`: the application unless told); returns the ids of
 * those it discarded. Also used when an admin recalls the model that made them. The clock is read
 * once: every set closes, and its event is logged, at that instant (the caller's too, when it
 * gives one `now` for its own change).
 */
export async function withdrawSets(
  deps: SetWithdrawalDeps,
  trx: Knex.Transaction,
  sets: readonly RecommendationSet[],
  /** `reason`: the set's discard reason, in French; also the event's `withdrawnBecause`. */
  withdrawal: { reason: string; actor?: Actor },
): Promise<string[]> {
  const { store, decisionLog } = deps;
  const withdrawn: string[] = [];
  const at = deps.now();
  for (const found of sets) {
    const set = await retrySetChange(store, trx, found, isOpen, (open) => {
      closeSet(open, 'discarded', at.toISOString());
      open.discardReason = withdrawal.reason;
    });
    if (set === undefined) continue;
    // Each set's end is logged as its own discard, so that an auditor following a set (or a model
    // version's sets) sees it end; the reason is the application's (or a recall's, screened), not
    // a counselor's free text.
    await decisionLog.append(trx, {
      type: 'recommendation.discarded',
      actor: withdrawal.actor ?? WITHDRAWAL_ACTOR,
      subjectId: set.seekerId,
      payload: { setId: set.id, pendingItems: countPending(set), withdrawnBecause: withdrawal.reason },
      at,
    });
    withdrawn.push(set.id);
  }
  return withdrawn;
}
