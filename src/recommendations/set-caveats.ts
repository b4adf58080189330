import { listSensitiveTermCategories, screenText } from '../screening/sensitive-terms.ts';
import { areItemsHidden, type RecommendationSet } from './recommendation.ts';

export type SetCaveatCode = 'no_occupation_match' | 'profile_not_recent' | 'message_sensitive_terms';

export interface SetCaveat {
  code: SetCaveatCode;
  message: string;
  /** For `message_sensitive_terms`, the terms found, as a `sensitive_term` warning lists them. */
  terms?: string[];
}

/** A profile synced longer ago than this before the suggestions is flagged. */
export const PROFILE_RECENT_DAYS = 90;

const DAY_MS = 86_400_000;

/** `occupationMatch` for a course that trains for one of the person's target occupations. */
const EXACT_OCCUPATION_MATCH = 2;

/**
 * What a counselor should know about a set before weighing it. Derived from what the set keeps, so
 * that every reading of the set says the same.
 */
export function listSetCaveats(set: RecommendationSet): SetCaveat[] {
  return [...listModelCaveats(set), ...listMessageCaveats(set)];
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
 * A model that ranks courses for none of the person's target occupations, or ranks them on a
 * profile not synced for months, still gives confident-looking scores. While blind-first hides the
 * model's items, nothing is said of them (it would anchor the counselor's own shortlist).
 */
function listModelCaveats(set: RecommendationSet): SetCaveat[] {
  const caveats: SetCaveat[] = [];
  if (set.model === null) return caveats;
  const modelItems = set.items.filter((item) => item.source === 'model');
  const matches = modelItems.map(
    (item) => item.attributions.find((attribution) => attribution.feature === 'occupationMatch')?.value,
  );
  if (
    !areItemsHidden(set) &&
    modelItems.length > 0 &&
    matches.every((value) => value !== EXACT_OCCUPATION_MATCH)
  ) {
    const occupations = set.profileSnapshot?.targetOccupations.join(', ') ?? '';
    caveats.push({
      code: 'no_occupation_match',
      message:
        `none of the model's suggestions trains for the person's target occupations (${occupations}): ` +
        'the catalog may have no course for them, or a code may be wrong; check the profile',
    });
  }
  const syncedAt = set.profileSnapshot === null ? Number.NaN : Date.parse(set.profileSnapshot.updatedAt);
  const sinceSync = Date.parse(set.createdAt) - syncedAt;
  if (sinceSync > PROFILE_RECENT_DAYS * DAY_MS) {
    const days = Math.floor(sinceSync / DAY_MS);
    caveats.push({
      code: 'profile_not_recent',
      message: `the profile the model saw was last synced ${days} days before the suggestions: check it with the person`,
    });
  }
  return caveats;
}
