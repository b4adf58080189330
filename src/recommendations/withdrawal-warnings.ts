import type { RecommendationSet } from './recommendation.ts';

/**
 * A set of the person's, still open, that a new set's creation withdrew (record 0003: a set by hand
 * and the model's suggestions are not open side by side for one person): what the counselor had
 * done in it is not carried over, and is read there.
 */
export interface WithdrawalWarning {
  code: 'open_set_withdrawn';
  /** The person the creation is for: the path's `seekerId`. */
  field: 'seekerId';
  setId: string;
  message: string;
}

/**
 * One warning per set the creation of `created` withdrew (`withdrawn`, as they stand: a withdrawn set
 * never changes again, so a retried creation says the same), saying what was done in it and how to
 * take it into the new set.
 */
export function warnAboutWithdrawnSets(
  created: Pick<RecommendationSet, 'id' | 'status'>,
  withdrawn: readonly RecommendationSet[],
): WithdrawalWarning[] {
  return withdrawn.map((set) => {
    const into =
      created.status === 'awaiting_shortlist'
        ? `name in your shortlist for this set those that still suit (POST /v1/recommendations/${created.id}/shortlist)`
        : `add to this set ${set.model === null ? 'those' : 'the courses of it'} that still suit (POST /v1/recommendations/${created.id}/items)`;
    return {
      code: 'open_set_withdrawn',
      field: 'seekerId',
      setId: set.id,
      message:
        set.model === null
          ? `set ${set.id} made by hand, still open for the person, was withdrawn: once suggestions can be asked for, they take over from a set by hand. Its courses are kept there (${set.items.length} added: GET /v1/recommendations/${set.id}); ${into}`
          : `set ${set.id} of the model's suggestions, still open for the person, was withdrawn: one person's suggestions and a set by hand are not reviewed side by side. Its decisions are kept there (${countDecided(set)} of its ${set.items.length} items decided: GET /v1/recommendations/${set.id}); ${into}`,
    };
  });
}

function countDecided(set: RecommendationSet): number {
  return set.items.filter((item) => item.decision !== 'pending').length;
}
