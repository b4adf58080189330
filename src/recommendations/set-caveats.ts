import { describeOccupationByCode } from '../occupations/occupation-label.ts';
import { listSensitiveTermCategories, screenText } from '../screening/sensitive-terms.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';
import { manualSetPathOf } from './manual-path.ts';
import { areItemsHidden, type RecommendationSet, viewSetAt } from './recommendation.ts';
import { isHeldBySwitch } from './set-actions.ts';

export type SetCaveatCode =
  | 'no_occupation_match'
  | 'profile_not_recent'
  | 'message_sensitive_terms'
  | 'ai_disabled';

export interface SetCaveat {
  code: SetCaveatCode;
  message: string;
  /** For `message_sensitive_terms`, the terms found, as a `sensitive_term` warning lists them. */
  terms?: string[];
}

/** A profile synced longer ago than this before the suggestions is flagged. */
export const PROFILE_RECENT_DAYS = 90;

/** `occupationMatch` for a course that trains for one of the person's target occupations. */
const EXACT_OCCUPATION_MATCH = 2;

/**
 * What besides the set decides its caveats: the kill switch, the time the set is shown at, and the
 * labels of the occupations they name.
 */
export interface CaveatContext {
  /** False while suggestions are switched off. */
  aiEnabled: boolean;
  now: Date;
  /** The referential's labels of the codes of {@link listCaveatOccupations}, by code (`findLabels`). */
  occupationLabels: ReadonlyMap<string, string>;
}

/**
 * What a counselor should know about a set before weighing it. Derived from what the set keeps and
 * from the kill switch as read with it, so that every reading of the set at one moment says the
 * same, whoever reads it and whatever answer shows it.
 */
export function listSetCaveats(set: RecommendationSet, context: CaveatContext): SetCaveat[] {
  return [...listSwitchCaveats(set, context), ...listModelCaveats(set, context), ...listMessageCaveats(set)];
}

/**
 * What the kill switch holds back in each status of a set still under review (no other has anything
 * left to hold), and what goes on meanwhile: the rules `allowedActions` and the review's refusals
 * follow (`isHeldBySwitch`, `releasesModelOutput`), told before the counselor tries. A blind-first
 * pick the model suggested too is its item, held with the others; the way to give the person courses
 * meanwhile is a set by hand, which only the set's counselor (not a second reviewer) starts.
 */
function describeSwitchHold(set: RecommendationSet): string | undefined {
  const byHand = `to give the person courses meanwhile, start a set by hand (POST ${manualSetPathOf(set.seekerId)}), which withdraws this one`;
  switch (set.status) {
    case 'awaiting_shortlist':
      return (
        'once your shortlist is in, the model’s suggestions in this set may be rejected but not approved, nor the set ' +
        'published, until an admin switches suggestions back on; your shortlist’s picks may be approved meanwhile, ' +
        `but for those the model suggested too (its items), and the set discarded; ${byHand}`
      );
    case 'pending_review': {
      const picks =
        set.shortlist === null ? '' : 'approving your shortlist’s picks the model did not suggest, ';
      return (
        'none of the model’s suggestions in this set may be approved, nor the set published, until an admin switches ' +
        `suggestions back on; rejecting them, adding courses of your own, ${picks}and discarding the set still go; ${byHand}`
      );
    }
    case 'awaiting_second_review':
      return (
        'this set of the model’s suggestions may not be approved in its second review, which would publish it, until ' +
        'an admin switches suggestions back on; a second reviewer may return it to its counselor meanwhile'
      );
    default:
      return undefined;
  }
}

/**
 * A set of the model's suggestions still under review while suggestions are switched off (AI Act
 * Art. 14(4)(e)): the switch holds it back, which its counselor and a second reviewer learned only
 * from a 409 or from a button missing in `allowedActions`. A set made by hand is never held, and a
 * set whose review is over (its lifetime passed included) has nothing left for the switch to hold.
 */
function listSwitchCaveats(set: RecommendationSet, { aiEnabled, now }: CaveatContext): SetCaveat[] {
  const current = viewSetAt(set, now);
  const held = describeSwitchHold(current);
  if (held === undefined || !isHeldBySwitch(current, aiEnabled)) return [];
  return [{ code: 'ai_disabled', message: `suggestions are switched off (kill switch): ${held}` }];
}

/**
 * A set awaiting its second review whose message to the person the screening flags: its first
 * reviewer confirmed it (`acknowledgeSensitiveTerms`), and the second reviewer's approval is what
 * publishes it, so they are told before approving, as the first reviewer was before handing it on.
 */
function listMessageCaveats(set: RecommendationSet): SetCaveat[] {
  if (set.status !== 'awaiting_second_review') return [];
  const [warning] = screenText('message', set.message);
  if (warning === undefined) return [];
  return [
    {
      code: 'message_sensitive_terms',
      message:
        `the message to the person seems to mention sensitive information (${listSensitiveTermCategories(set.message).join(', ')}), ` +
        'confirmed as written by its first reviewer: the second review’s approval publishes it to the person as it ' +
        'is, and a return sends it back to be rephrased',
      terms: warning.terms,
    },
  ];
}

/**
 * The occupation codes the set's caveats name, whose labels they are to be given: the person's target
 * occupations when none of the model's suggestions trains for one (`no_occupation_match`), none
 * otherwise, so that a set without that caveat reads no label.
 */
export function listCaveatOccupations(set: RecommendationSet): string[] {
  return lacksOccupationMatch(set) ? [...(set.profileSnapshot?.targetOccupations ?? [])] : [];
}

/**
 * A model's set none of whose suggestions trains for one of the person's target occupations, said
 * only while the model's items are shown: while blind-first hides them, nothing is said of them (it
 * would anchor the counselor's own shortlist).
 */
function lacksOccupationMatch(set: RecommendationSet): boolean {
  if (set.model === null || areItemsHidden(set)) return false;
  const modelItems = set.items.filter((item) => item.source === 'model');
  return (
    modelItems.length > 0 &&
    modelItems.every(
      (item) =>
        item.attributions.find((attribution) => attribution.feature === 'occupationMatch')?.value !==
        EXACT_OCCUPATION_MATCH,
    )
  );
}

/**
 * A model that ranks courses for none of the person's target occupations (named with their labels),
 * or ranks them on a profile not synced for months, still gives confident-looking scores.
 */
function listModelCaveats(set: RecommendationSet, { occupationLabels }: CaveatContext): SetCaveat[] {
  const caveats: SetCaveat[] = [];
  if (set.model === null) return caveats;
  if (lacksOccupationMatch(set)) {
    const occupations = (set.profileSnapshot?.targetOccupations ?? [])
      .map((code) => describeOccupationByCode(code, occupationLabels))
      .join(', ');
    caveats.push({
      code: 'no_occupation_match',
      message:
        `none of the model's suggestions trains for the person's target occupations (${occupations}): ` +
        'the catalog may have no course for them, or a code may be wrong; check the profile',
    });
  }
  // Days on the calendar in France, as the counselor counts them: in 24-hour spans, a profile synced
  // 90 days before at the same hour read as synced more than 90 days before across the autumn clock
  // change, and was said synced « 90 days before ».
  const syncedAt = Date.parse(set.profileSnapshot?.updatedAt ?? '');
  const days = Number.isNaN(syncedAt)
    ? Number.NaN
    : parisDayNumberOf(new Date(set.createdAt)) - parisDayNumberOf(new Date(syncedAt));
  if (days > PROFILE_RECENT_DAYS) {
    caveats.push({
      code: 'profile_not_recent',
      message: `the profile the model saw was last synced ${days} days before the suggestions: check it with the person`,
    });
  }
  return caveats;
}
