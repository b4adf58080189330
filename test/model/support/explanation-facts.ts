import type { ExplanationFacts } from '../../../src/model/features.ts';

/**
 * The facts of a suggestion whose places are both known (a course held somewhere, not followed at a
 * distance only) and whose course lists its skills, to a person who can travel 30 km, with the changes a
 * test makes to them.
 */
export function knownFacts(changes: Partial<ExplanationFacts> = {}): ExplanationFacts {
  return {
    unknownPlace: null,
    courseSkillCount: 4,
    mobilityRadiusKm: 30,
    courseRemoteOnly: false,
    ...changes,
  };
}
