import { describe, expect, it } from 'vitest';
import type { Attribution } from '../../src/model/explanations.ts';
import type { ProfileSnapshot, RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { listSetCaveats } from '../../src/recommendations/set-caveats.ts';
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
    const [caveat, ...others] = listSetCaveats(aSetMatching([0, 0, 0]));
    expect(caveat).toEqual({ code: 'no_occupation_match', message: expect.stringContaining('(N9999)') });
    expect(others).toEqual([]);
  });

  it("flags a set whose model items train only for occupations of the same domain as the person's", () => {
    expect(listSetCaveats(aSetMatching([1, 1, 0])).map((caveat) => caveat.code)).toEqual([
      'no_occupation_match',
    ]);
  });

  it("says nothing of the model's items while blind-first hides them, and still flags an old profile", () => {
    const hidden = aSetMatching([0, 0], {
      status: 'awaiting_shortlist',
      blindFirst: true,
      profileSnapshot: snapshotSyncedDaysBefore(120),
    });
    expect(listSetCaveats(hidden).map((caveat) => caveat.code)).toEqual(['profile_not_recent']);
  });

  it("says nothing when one model item trains for a target occupation, or of the counselor's additions", () => {
    expect(listSetCaveats(aSetMatching([0, 2, 0]))).toEqual([]);
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
    expect(listSetCaveats(withAddition).map((caveat) => caveat.code)).toEqual(['no_occupation_match']);
  });

  it('flags a profile last synced more than 90 days before the suggestions, saying how long', () => {
    expect(listSetCaveats(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(90) }))).toEqual([]);
    expect(
      listSetCaveats(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(90.5) })).map(
        (caveat) => caveat.code,
      ),
    ).toEqual(['profile_not_recent']);
    expect(listSetCaveats(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(120) }))).toEqual([
      { code: 'profile_not_recent', message: expect.stringContaining('120 days') },
    ]);
  });

  it('has none for a set made by hand or one with no item', () => {
    expect(
      listSetCaveats(aSetMatching([0], { model: null, profileSnapshot: snapshotSyncedDaysBefore(400) })),
    ).toEqual([]);
    expect(listSetCaveats(aSetMatching([]))).toEqual([]);
  });

  it('flags the message of a set awaiting its second review that the screening flags, made by hand too', () => {
    const message = 'Pensez à votre traitement contre le diabète avant la formation.';
    const awaiting = { status: 'awaiting_second_review' as const, message };
    const expected = [
      {
        code: 'message_sensitive_terms',
        message: expect.stringContaining('(health)'),
        terms: ['diabete'],
      },
    ];
    expect(listSetCaveats(aSetMatching([2], awaiting))).toEqual(expected);
    expect(listSetCaveats(aSetMatching([2], { ...awaiting, model: null }))).toEqual(expected);
  });

  it('says nothing of a message the screening does not flag, or of a set not awaiting its second review', () => {
    const message = 'Pensez à votre traitement contre le diabète avant la formation.';
    expect(
      listSetCaveats(
        aSetMatching([2], { status: 'awaiting_second_review', message: 'Deux pistes pour jeudi.' }),
      ),
    ).toEqual([]);
    expect(listSetCaveats(aSetMatching([2], { status: 'published', message }))).toEqual([]);
  });
});
