import { areItemsHidden, type RecommendationSet } from './recommendation.ts';

export type SetCaveatCode = 'no_occupation_match' | 'profile_not_recent';

export interface SetCaveat {
  code: SetCaveatCode;
  message: string;
}

/** A profile synced longer ago than this before the suggestions is flagged. */
export const PROFILE_RECENT_DAYS = 90;

const DAY_MS = 86_400_000;

/** `occupationMatch` for a course that trains for one of the person's target occupations. */
const EXACT_OCCUPATION_MATCH = 2;

/**
 * What a counselor should know about a set's suggestions before weighing them: a model that ranks
 * courses for none of the person's target occupations, or ranks them on a profile not synced for
 * months, still gives confident-looking scores. Derived from what the set keeps, so that every
 * reading of the set says the same. While blind-first hides the model's items, nothing is said of
 * them (it would anchor the counselor's own shortlist).
 */
export function listSetCaveats(set: RecommendationSet): SetCaveat[] {
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
