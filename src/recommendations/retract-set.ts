import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { RecommendationSet, SetRetraction } from './recommendation.ts';

/** A retraction's event, for the caller to append with its actor and the set's person. */
export type RetractionEvent = Omit<NewDecisionEvent, 'actor' | 'subjectId'>;

/**
 * Takes a published set back from the person (AI Act Art. 14(4)(d)): it becomes `retracted`, final,
 * with who, when and why; the person no longer sees its items, nor an older set in their place. The
 * one rule of a retraction, whoever takes it: the counselor holding the person's caseload, or an
 * admin recalling the model that made the set. The reason is part of the person's file: sealed in
 * the event.
 */
export function retractSet(set: RecommendationSet, retraction: SetRetraction): RetractionEvent {
  set.status = 'retracted';
  set.retraction = { ...retraction };
  return {
    type: 'recommendation.retracted',
    payload: {
      setId: set.id,
      retractedItemCount: set.items.filter((item) => item.decision === 'approved').length,
    },
    personal: { reason: retraction.reason },
  };
}
