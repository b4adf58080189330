import { areItemsHidden, type RecommendationSet } from './recommendation.ts';

/**
 * A set of the person's, still open, that a new set's creation withdrew (record 0003: asking for
 * suggestions, or starting a set by hand, leaves the person one open set, the new one): what the
 * counselor had done in it is not carried over, and is read there.
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
 * never changes again, so a retried creation says the same), saying what was done in it and, when
 * anything was, how to take it into the new set.
 */
export function warnAboutWithdrawnSets(
  created: Pick<RecommendationSet, 'id' | 'status' | 'model'>,
  withdrawn: readonly RecommendationSet[],
): WithdrawalWarning[] {
  return withdrawn.map((set) => {
    const kept = describeWhatIsKept(set);
    const into =
      created.status === 'awaiting_shortlist'
        ? `name in your shortlist for this set those that still suit (POST /v1/recommendations/${created.id}/shortlist)`
        : `add to this set ${set.model === null ? 'those' : 'the courses of it'} that still suit (POST /v1/recommendations/${created.id}/items)`;
    return {
      code: 'open_set_withdrawn',
      field: 'seekerId',
      setId: set.id,
      message: `set ${set.id} ${set.model === null ? 'made by hand' : "of the model's suggestions"}, still open for the person, was withdrawn: ${explainWithdrawal(created, set)}. ${kept.text}${kept.toCarry ? `; ${into}` : ''}`,
    };
  });
}

/** Why the new set takes over from the withdrawn one. */
function explainWithdrawal(
  created: Pick<RecommendationSet, 'model'>,
  set: Pick<RecommendationSet, 'model'>,
): string {
  if (created.model === null) {
    return set.model === null
      ? 'a new set by hand takes over from an earlier one, so that the person has one set under review at a time'
      : "one person's suggestions and a set by hand are not reviewed side by side";
  }
  if (set.model === null) return 'once suggestions can be asked for, they take over from a set by hand';
  return 'new suggestions take over from earlier ones, so that the person has one set under review at a time';
}

/**
 * What the counselor had done in the withdrawn set, kept there; `toCarry` is false when nothing was
 * (a blind-first set whose suggestions were never shown, a set nobody added a course to that held
 * no suggestion).
 */
function describeWhatIsKept(set: RecommendationSet): { text: string; toCarry: boolean } {
  const where = `GET /v1/recommendations/${set.id}`;
  // Hidden suggestions are not counted: the counselor never saw them, and their number is the model's.
  if (areItemsHidden(set)) {
    return {
      text: `Its suggestions were never shown, no shortlist having been submitted in it, so nothing done in it is lost (${where})`,
      toCarry: false,
    };
  }
  const added = set.items.filter((item) => item.source === 'counselor').length;
  if (set.model === null || added === set.items.length) {
    if (added > 0) return { text: `Its courses are kept there (${added} added: ${where})`, toCarry: true };
    const held =
      set.model === null
        ? 'No course was added to it'
        : `It held no suggestion${set.noCandidateReason === null ? '' : ` (${set.noCandidateReason})`} and no course was added to it`;
    return { text: `${held}, so nothing done in it is lost (${where})`, toCarry: false };
  }
  const decided = `${countDecided(set)} of its ${set.items.length} items decided`;
  if (set.shortlist !== null) {
    return {
      text: `Its shortlist and decisions are kept there (${set.shortlist.courseIds.length} named in its shortlist, ${decided}: ${where})`,
      toCarry: true,
    };
  }
  return { text: `Its decisions are kept there (${decided}: ${where})`, toCarry: true };
}

function countDecided(set: RecommendationSet): number {
  return set.items.filter((item) => item.decision !== 'pending').length;
}
