import type { Knex } from 'knex';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import { describeAcknowledgedTerms } from '../screening/acknowledged-terms.ts';
import type { ScreeningWarning } from '../screening/sensitive-terms.ts';
import type { RecommendationSet, SetRetraction } from './recommendation.ts';

/** A retraction's event, for the caller to append with its actor and the set's person. */
export type RetractionEvent = Omit<NewDecisionEvent, 'actor' | 'subjectId'>;

/** What a retraction did beyond the set: its event, and how many outcomes it deleted. */
export interface RecordedRetraction {
  event: RetractionEvent;
  /**
   * The outcomes deleted with the set: once the transaction has committed, the caller clears them
   * from the database files (`StorageScrubber`), as an erasure does.
   */
  outcomesDeleted: number;
}

/** The outcomes recorded for courses of a set (the outcome store). */
export interface RetractedSetOutcomes {
  /** Deletes those linked to the set's items; how many there were. */
  deleteForSet(trx: Knex.Transaction, setId: string): Promise<number>;
}

/**
 * Takes a published set back from the person (AI Act Art. 14(4)(d)): it becomes `retracted`, final,
 * with who, when and why; the person no longer sees its items, nor an older set in their place. The
 * one rule of a retraction, whoever takes it: the counselor holding the person's caseload, or an
 * admin recalling the model that made the set. The reason is part of the person's file: sealed in
 * the event. Then, in the caller's transaction, `recordRetraction`.
 */
export function retractSet(set: RecommendationSet, retraction: SetRetraction): void {
  set.status = 'retracted';
  // Never before its publication: dated by a process whose clock lags the publishing one's, the
  // portal and the data export told of a selection withdrawn before it was proposed (record 0013).
  const at = set.publishedAt !== null && set.publishedAt > retraction.at ? set.publishedAt : retraction.at;
  set.retraction = { ...retraction, at };
}

/**
 * What a retraction does beyond the set, in its transaction, and its event: the outcomes recorded
 * for the set's courses are deleted (what the person did with a proposal taken back says nothing
 * about it, and no new one is taken for it: kept, they would be held for no use), and counted.
 * `reasonWarnings`: the screening's warnings about a counselor's reason they confirmed, which the
 * event marks as such (`describeAcknowledgedTerms`).
 */
export async function recordRetraction(
  outcomes: RetractedSetOutcomes,
  trx: Knex.Transaction,
  set: RecommendationSet,
  reasonWarnings: readonly ScreeningWarning[] = [],
): Promise<RecordedRetraction> {
  if (set.retraction === null) throw new Error(`set ${set.id} is not retracted: retractSet comes first`);
  const acknowledged = describeAcknowledgedTerms('reason', set.retraction.reason, reasonWarnings);
  const outcomesDeleted = await outcomes.deleteForSet(trx, set.id);
  return {
    event: {
      type: 'recommendation.retracted',
      payload: {
        setId: set.id,
        retractedItemCount: set.items.filter((item) => item.decision === 'approved').length,
        outcomesDeleted,
        ...acknowledged.payload,
      },
      personal: acknowledged.personal,
    },
    outcomesDeleted,
  };
}
