import type { Knex } from 'knex';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { isOpen, type RecommendationSet } from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import { type RetractedSetOutcomes, recordRetraction, retractSet } from './retract-set.ts';
import { retrySetChange } from './retry-set-change.ts';
import { ACTION_STATUSES } from './set-actions.ts';
import { withdrawSets } from './withdraw-open-sets.ts';
import { writeRecallReason } from './withdrawal-reasons.ts';

/** The sets a recall took back: retracted from the people shown them, and withdrawn from review. */
export interface ModelSetsWithdrawn {
  retractedSetIds: string[];
  withdrawnSetIds: string[];
  /** The outcomes the retractions deleted, to be cleared from the files once the recall commits. */
  outcomesDeleted: number;
}

/** A model's recall, as its sets are taken back: the admin who recalled it, when, and why. */
export interface SetsRecall {
  adminId: string;
  at: Date;
  /** Screened by the caller: it is kept readable in the log, and each person reads it in their file. */
  reason: string;
}

/**
 * Takes back, in the caller's transaction, every set model `modelId` made that is still in play:
 * each published set is retracted as its counselor would retract it (the same rule,
 * `recommendation.retracted`, the admin as actor and the recall's reason, after the application's words
 * (`writeRecallReason`), in the person's file),
 * the one in front of the person and those a later publication replaced alike, since the person
 * keeps a replaced set's suggestions (explanations, feedback, data export); each set still open is
 * withdrawn as the product withdraws open sets (`recommendation.discarded`). A set a counselor
 * keeps changing meanwhile is read again (see `retrySetChange`).
 */
export async function withdrawModelSets(
  deps: {
    store: Pick<RecommendationStore, 'findOutstandingForModel' | 'findById' | 'save'>;
    decisionLog: Pick<DecisionLog, 'append'>;
    outcomes: RetractedSetOutcomes;
  },
  trx: Knex.Transaction,
  modelId: string,
  recall: SetsRecall,
): Promise<ModelSetsWithdrawn> {
  const actor: NewDecisionEvent['actor'] = { role: 'admin', id: recall.adminId };
  const sets = await deps.store.findOutstandingForModel(modelId, trx);
  const retractedSetIds: string[] = [];
  let outcomesDeleted = 0;
  const reason = writeRecallReason(recall.reason);
  const retraction = { by: recall.adminId, at: recall.at.toISOString(), reason };
  for (const found of sets.filter((set) => !isOpen(set))) {
    const set = await retrySetChange(deps.store, trx, found, isRetractable, (published) =>
      retractSet(published, retraction),
    );
    if (set === undefined) continue;
    const recorded = await recordRetraction(deps.outcomes, trx, set);
    await deps.decisionLog.append(trx, { ...recorded.event, actor, subjectId: set.seekerId });
    retractedSetIds.push(set.id);
    outcomesDeleted += recorded.outcomesDeleted;
  }
  const withdrawnSetIds = await withdrawSets({ ...deps, now: () => recall.at }, trx, sets.filter(isOpen), {
    reason,
    actor,
  });
  return { retractedSetIds, withdrawnSetIds, outcomesDeleted };
}

/** A set in a state the review's rules let a retraction take (published), replaced or not. */
function isRetractable(set: RecommendationSet): boolean {
  return ACTION_STATUSES.retract.includes(set.status);
}
