import { describe, expect, it } from 'vitest';
import type {
  Attribution,
  ProfileSnapshot,
  RecommendationSet,
  SetStatus,
} from '../../src/recommendations/recommendation.ts';
import { listCaveatOccupations, listSetCaveats } from '../../src/recommendations/set-caveats.ts';
import { aRecommendationSet, WORKFLOW_START } from '../support/workflow.ts';

const DAY_MS = 86_400_000;

/** Suggestions switched on, as the set is read at its creation; no occupation labelled. */
const SWITCHED_ON = { aiEnabled: true, now: WORKFLOW_START, occupationLabels: new Map<string, string>() };

function occupationMatch(value: number): Attribution[] {
  return [
    {
      feature: 'occupationMatch',
      label: 'Correspondance avec le métier visé',
      value,
      valueText: null,
      contribution: 0,
    },
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
    const [caveat, ...others] = listSetCaveats(aSetMatching([0, 0, 0]), SWITCHED_ON);
    expect(caveat).toEqual({ code: 'no_occupation_match', message: expect.stringContaining('(N9999)') });
    expect(others).toEqual([]);
  });

  it('names each target occupation by its code then its label, where the referential has one', () => {
    const set = aSetMatching([0, 1], {
      profileSnapshot: { ...snapshotSyncedDaysBefore(1), targetOccupations: ['J1501', 'N9999'] },
    });
    const occupationLabels = new Map([['J1501', 'Soins d’hygiène, de confort du patient']]);

    const [caveat] = listSetCaveats(set, { ...SWITCHED_ON, occupationLabels });

    expect(caveat?.message).toContain(
      "the person's target occupations (J1501 (Soins d’hygiène, de confort du patient), N9999): ",
    );
  });

  it('asks for the labels of the target occupations only of a set that the caveat flags', () => {
    expect(listCaveatOccupations(aSetMatching([0, 1]))).toEqual(['N9999']);
    expect(listCaveatOccupations(aSetMatching([0, 2]))).toEqual([]);
    expect(listCaveatOccupations(aSetMatching([0], { model: null }))).toEqual([]);
    expect(
      listCaveatOccupations(aSetMatching([0], { status: 'awaiting_shortlist', blindFirst: true })),
    ).toEqual([]);
  });

  it("flags a set whose model items train only for occupations of the same domain as the person's", () => {
    expect(listSetCaveats(aSetMatching([1, 1, 0]), SWITCHED_ON).map((caveat) => caveat.code)).toEqual([
      'no_occupation_match',
    ]);
  });

  it("says nothing of the model's items while blind-first hides them, and still flags an old profile", () => {
    const hidden = aSetMatching([0, 0], {
      status: 'awaiting_shortlist',
      blindFirst: true,
      profileSnapshot: snapshotSyncedDaysBefore(120),
    });
    expect(listSetCaveats(hidden, SWITCHED_ON).map((caveat) => caveat.code)).toEqual(['profile_not_recent']);
  });

  it("says nothing when one model item trains for a target occupation, or of the counselor's additions", () => {
    expect(listSetCaveats(aSetMatching([0, 2, 0]), SWITCHED_ON)).toEqual([]);
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
    expect(listSetCaveats(withAddition, SWITCHED_ON).map((caveat) => caveat.code)).toEqual([
      'no_occupation_match',
    ]);
  });

  it('flags a profile last synced more than 90 days before the suggestions, saying how long', () => {
    expect(
      listSetCaveats(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(90) }), SWITCHED_ON),
    ).toEqual([]);
    expect(
      listSetCaveats(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(90.5) }), SWITCHED_ON).map(
        (caveat) => caveat.code,
      ),
    ).toEqual(['profile_not_recent']);
    expect(
      listSetCaveats(aSetMatching([2], { profileSnapshot: snapshotSyncedDaysBefore(120) }), SWITCHED_ON),
    ).toEqual([{ code: 'profile_not_recent', message: expect.stringContaining('120 days') }]);
  });

  it('has none for a set made by hand or one with no item', () => {
    expect(
      listSetCaveats(
        aSetMatching([0], { model: null, profileSnapshot: snapshotSyncedDaysBefore(400) }),
        SWITCHED_ON,
      ),
    ).toEqual([]);
    expect(listSetCaveats(aSetMatching([]), SWITCHED_ON)).toEqual([]);
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
    expect(listSetCaveats(aSetMatching([2], awaiting), SWITCHED_ON)).toEqual(expected);
    expect(listSetCaveats(aSetMatching([2], { ...awaiting, model: null }), SWITCHED_ON)).toEqual(expected);
  });

  it('says nothing of a message the screening does not flag, or of a set not awaiting its second review', () => {
    const message = 'Pensez à votre traitement contre le diabète avant la formation.';
    expect(
      listSetCaveats(
        aSetMatching([2], { status: 'awaiting_second_review', message: 'Deux pistes pour jeudi.' }),
        SWITCHED_ON,
      ),
    ).toEqual([]);
    expect(listSetCaveats(aSetMatching([2], { status: 'published', message }), SWITCHED_ON)).toEqual([]);
  });

  describe('while suggestions are switched off', () => {
    const SWITCHED_OFF = { ...SWITCHED_ON, aiEnabled: false };
    const switchCaveatOf = (set: RecommendationSet) =>
      listSetCaveats(set, SWITCHED_OFF).filter((caveat) => caveat.code === 'ai_disabled');

    it.each<[SetStatus, RegExp]>([
      ['awaiting_shortlist', /once your shortlist is in.*rejected but not approved.*picks may be approved/],
      ['pending_review', /may be approved, nor the set published.*rejecting them.*discarding the set/],
      ['awaiting_second_review', /not be approved in its second review.*return it to its counselor/],
    ])('says what the switch holds back in a set of the model %s, and what goes on', (status, said) => {
      expect(switchCaveatOf(aSetMatching([2], { status }))).toEqual([
        { code: 'ai_disabled', message: expect.stringMatching(said) },
      ]);
    });

    it('says nothing of the switch for a set made by hand, or while suggestions are on', () => {
      expect(switchCaveatOf(aSetMatching([2], { model: null }))).toEqual([]);
      expect(listSetCaveats(aSetMatching([2]), SWITCHED_ON)).toEqual([]);
    });

    it('says nothing of the switch once the review is over, its lifetime passed included', () => {
      for (const status of ['published', 'discarded', 'expired', 'retracted'] as const) {
        expect(switchCaveatOf(aSetMatching([2], { status }))).toEqual([]);
      }
      const due = aSetMatching([2], { expiresAt: WORKFLOW_START.toISOString() });
      expect(switchCaveatOf(due)).toEqual([]);
    });

    it('comes first, before what is said of the suggestions', () => {
      expect(listSetCaveats(aSetMatching([0]), SWITCHED_OFF).map((caveat) => caveat.code)).toEqual([
        'ai_disabled',
        'no_occupation_match',
      ]);
    });
  });
});
