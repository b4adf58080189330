import { describe, expect, it } from 'vitest';
import type { Attribution } from '../../src/model/explanations.ts';
import type { ProfileSnapshot, RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { caveatsOf } from '../../src/recommendations/set-caveats.ts';
import { aRecommendationSet, WORKFLOW_START } from '../support/workflow.ts';

const DAY_MS = 86_400_000;

function occupationMatch(value: number): Attribution[] {
  return [
    { feature: 'occupationMatch', label: 'Correspondance avec le métier visé', value, contribution: 0 },
  ];
}

function snapshotSyncedDaysBefore(days: number): ProfileSnapshot {
  return {
    targetOccupations: ['N9999'],
    educationLevel: 4,
    skills: [],
    yearsExperience: 2,
    monthsUnemployed: 6,
    location: null,
    communeCode: null,
    mobilityRadiusKm: 30,
    remoteOk: true,
    availableFrom: null,
    updatedAt: new Date(WORKFLOW_START.getTime() - days * DAY_MS).toISOString(),
  };
}

/** A model set whose items have the given occupation match levels. */
function aSetMatching(levels: number[], overrides: Partial<RecommendationSet> = {}): RecommendationSet {
  const base = aRecommendationSet();
  const [item] = base.items;
  if (item === undefined) throw new Error('the builder gives one item');
  return {
    ...base,
    profileSnapshot: snapshotSyncedDaysBefore(1),
    items: levels.map((level, index) => ({
      ...item,
      id: `item-${index}`,
      attributions: occupationMatch(level),
    })),
    ...overrides,
  };
}

describe("a set's caveats", () => {
  it("flags a set none of whose model items trains for the person's target occupations, naming them", () => {
    const [caveat, ...others] = caveatsOf(aSetMatching([0, 0, 0]));
    expect(caveat).toEqual({ code: 'no_occupation_match', message: expect.stringContaining('(N9999)') });
    expect(others).toEqual([]);
  });

  it("says nothing when one model item trains for a target occupation, or of the counselor's additions", () => {
    expect(caveatsOf(aSetMatching([0, 2, 0]))).toEqual([]);
    const base = aSetMatching([0]);
    const withAddition = {
      ...base,
      items: [
        ...base.items,
        {
          ...(base.items[0] as RecommendationSet['items'][number]),
          id: 'added',
          source: 'counselor' as const,
          attributions: occupationMatch(2),
        },
      ],
    };
    expect(caveatsOf(withAddition).map((caveat) => caveat.code)).toEqual(['no_occupation_match']);
  });

  it('flags a profile last synced more than 90 days before the suggestions, saying how long', () => {
    expect(caveatsOf(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(90) }))).toEqual([]);
    expect(caveatsOf(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(120) }))).toEqual([
      { code: 'profile_not_recent', message: expect.stringContaining('120 days') },
    ]);
  });

  it('has none for a set made by hand or one with no item', () => {
    expect(
      caveatsOf(aSetMatching([0], { model: null, profileSnapshot: snapshotSyncedDaysBefore(400) })),
    ).toEqual([]);
    expect(caveatsOf(aSetMatching([]))).toEqual([]);
  });
});
