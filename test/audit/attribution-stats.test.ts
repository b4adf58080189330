import { describe, expect, it } from 'vitest';
import {
  computeAttributionStats,
  readAttributionWeek,
  summariseAttributions,
  tallyAttributions,
} from '../../src/audit/attribution-stats.ts';
import { weekStartOf } from '../../src/audit/event-fields.ts';
import type { ScoredEvent } from '../../src/audit/personal-part.ts';
import {
  type OpenedPersonalPart,
  UnreadablePersonalPartError,
} from '../../src/decision-log/subject-keyring.ts';

type Contributions = Record<string, number>;

/** Monday 23 November 2026, noon (UTC): every set falls in one week unless it says otherwise. */
const A_MONDAY = '2026-11-23T12:00:00.000Z';

/** A set as the service records it now: the public items name courses only, the attributions are sealed. */
function aSealedSet(
  items: Contributions[],
  options: { version?: string; sealed?: string; subject?: string; occurredAt?: string } = {},
): ScoredEvent {
  const ids = items.map((_, i) => `item-${i}`);
  return {
    type: 'recommendation.generated',
    subject: options.subject ?? 'P1',
    occurredAt: options.occurredAt ?? A_MONDAY,
    payload: {
      setId: 's',
      model: { id: `ebm-${options.version ?? '1.0.0'}`, version: options.version ?? '1.0.0' },
      items: ids.map((itemId, i) => ({ itemId, courseId: `C${i}`, rank: i + 1 })),
    },
    personal:
      options.sealed ??
      JSON.stringify({
        featureVectors: ids.map((itemId) => ({ itemId, features: [1, 2] })),
        attributions: items.map((contributions, i) => ({ itemId: ids[i], score: 0.5, contributions })),
      }),
  };
}

/** A set recorded before scores and attributions were sealed: they sit in the public items. */
function anOlderSet(items: Contributions[], sealed = JSON.stringify({ featureVectors: [] })): ScoredEvent {
  return {
    type: 'recommendation.generated',
    subject: 'P0',
    occurredAt: A_MONDAY,
    payload: {
      setId: 'old',
      model: { id: 'ebm-1.0.0', version: '1.0.0' },
      items: items.map((contributions, i) => ({
        itemId: `old-${i}`,
        rank: i + 1,
        score: 0.5,
        contributions,
      })),
    },
    personal: sealed,
  };
}

/** Stands in for the keyring: `erased` marks a shredded key, `tampered` a part that fails to open. */
async function open(sealed: string): Promise<OpenedPersonalPart> {
  if (sealed === 'erased') return { status: 'shredded' };
  if (sealed === 'tampered') throw new UnreadablePersonalPartError('the tag does not match');
  return { status: 'readable', value: JSON.parse(sealed) };
}

describe('attribution figures', () => {
  it('withholds the features of a model when fewer job seekers than the minimum were read: their means would give the values back', async () => {
    const sets = ['P1', 'P2', 'P3'].map((subject) => aSealedSet([{ distanceKm: -0.4 }], { subject }));
    const [withheld] = await computeAttributionStats(
      [...sets, aSealedSet([{ distanceKm: 1 }], { subject: 'P4', sealed: 'erased' })],
      open,
      4,
    );
    expect(withheld).toMatchObject({ sets: 4, items: 3, people: 3, withheld: true, features: [] });
    const [shown] = await computeAttributionStats(sets, open, 3);
    expect(shown).toMatchObject({ people: 3, withheld: false, features: [{ feature: 'distanceKm' }] });
    // The same person many times is still one person.
    const [onePerson] = await computeAttributionStats(
      ['P1', 'P1', 'P1'].map((subject) => aSealedSet([{ distanceKm: -0.4 }], { subject })),
      open,
      2,
    );
    expect(onePerson).toMatchObject({ sets: 3, people: 1, withheld: true, features: [] });
  });

  it('leaves out a week whose sets were made for fewer job seekers than the minimum, and counts it', async () => {
    const firstWeek = ['P1', 'P2', 'P3'].map((subject) =>
      aSealedSet([{ distanceKm: -0.4 }], { subject, occurredAt: '2026-11-23T09:00:00.000Z' }),
    );
    // One person the next week: with the first week's three people, the whole would pass a minimum
    // of three, and subtracting the first week's figures would give this person's values.
    const alone = aSealedSet([{ distanceKm: 2 }], { subject: 'P9', occurredAt: '2026-11-30T00:00:00.000Z' });
    const [model] = await computeAttributionStats([...firstWeek, alone], open, 3);
    expect(model).toMatchObject({ sets: 4, people: 4, withheld: false, withheldWeeks: 1 });
    expect(model?.features).toEqual([
      { feature: 'distanceKm', meanAbsContribution: 0.4, meanContribution: -0.4 },
    ]);
  });

  it('keeps the sums of a week under the minimum, so that a lower minimum read later gives it', async () => {
    const sets = ['P1', 'P2'].map((subject) => aSealedSet([{ distanceKm: -0.4 }], { subject }));
    const tally = await tallyAttributions(sets, open);
    const frozen = new Map(
      [...tally.weeks].map(([week, totals]) => [
        week,
        readAttributionWeek(JSON.parse(JSON.stringify(totals))),
      ]),
    );
    const weeks = new Map([...frozen].flatMap(([week, read]) => (read === undefined ? [] : [[week, read]])));
    expect(summariseAttributions({ ...tally, weeks }, 3)).toEqual([
      expect.objectContaining({ people: 2, withheld: true, withheldWeeks: 1, features: [] }),
    ]);
    expect(summariseAttributions({ ...tally, weeks }, 2)).toEqual([
      expect.objectContaining({
        withheld: false,
        features: [expect.objectContaining({ feature: 'distanceKm' })],
      }),
    ]);
  });

  it('keeps withheld a week frozen without its sums, whatever the minimum', () => {
    const week = readAttributionWeek({
      rows: [
        {
          modelId: 'ebm-1.0.0',
          modelVersion: '1.0.0',
          sets: 2,
          items: 2,
          erasedSets: 0,
          unreadableSets: 0,
          people: 2,
        },
      ],
    });
    if (week === undefined) throw new Error('the week could not be read');
    const tally = {
      weeks: new Map([[0, week]]),
      people: new Map([[JSON.stringify(['ebm-1.0.0', '1.0.0']), 2]]),
    };
    expect(summariseAttributions(tally, 2)).toEqual([
      expect.objectContaining({ sets: 2, withheld: true, withheldWeeks: 1, features: [] }),
    ]);
  });

  it('averages the attributions sealed with each set, per model version, heaviest feature first', async () => {
    const [model] = await computeAttributionStats(
      [
        aSealedSet([
          { distanceKm: -0.4, funded: 0.1 },
          { distanceKm: 0.2, funded: 0.3 },
        ]),
      ],
      open,
      1,
    );
    expect(model).toEqual({
      modelId: 'ebm-1.0.0',
      modelVersion: '1.0.0',
      sets: 1,
      items: 2,
      erasedSets: 0,
      unreadableSets: 0,
      people: 1,
      withheld: false,
      withheldWeeks: 0,
      features: [
        { feature: 'distanceKm', meanAbsContribution: 0.3, meanContribution: -0.1 },
        { feature: 'funded', meanAbsContribution: 0.2, meanContribution: 0.2 },
      ],
    });
  });

  it('reads the attributions of sets recorded before they were sealed from their public items', async () => {
    const [model] = await computeAttributionStats(
      [anOlderSet([{ distanceKm: -0.4 }]), aSealedSet([{ distanceKm: 0.2 }])],
      open,
      1,
    );
    expect(model).toMatchObject({
      sets: 2,
      items: 2,
      features: [{ feature: 'distanceKm', meanContribution: -0.1 }],
    });
  });

  it('counts an older set of an erased job seeker as erased, its clear attributions unused', async () => {
    const [model] = await computeAttributionStats([anOlderSet([{ distanceKm: -0.4 }], 'erased')], open, 1);
    expect(model).toMatchObject({ sets: 1, items: 0, erasedSets: 1, features: [] });
  });

  it('skips and counts the sets of erased job seekers, and those whose sealed part does not open', async () => {
    const models = await computeAttributionStats(
      [
        aSealedSet([{ distanceKm: 1 }]),
        aSealedSet([{ distanceKm: 5 }], { sealed: 'erased' }),
        aSealedSet([{ distanceKm: 5 }], { sealed: 'tampered' }),
        aSealedSet([{ distanceKm: 7 }], { version: '2.0.0', sealed: 'erased' }),
      ],
      open,
      1,
    );
    expect(models).toEqual([
      expect.objectContaining({ modelVersion: '1.0.0', sets: 3, items: 1, erasedSets: 1, unreadableSets: 1 }),
      expect.objectContaining({ modelVersion: '2.0.0', sets: 1, items: 0, erasedSets: 1, features: [] }),
    ]);
    expect(models[0]?.features).toEqual([
      { feature: 'distanceKm', meanAbsContribution: 1, meanContribution: 1 },
    ]);
  });

  it('opens the sets of a week given before only until each of its people is known to count', async () => {
    const nextWeek = '2026-11-30T09:00:00.000Z';
    const sets = [
      ...['P1', 'P1', 'P1'].map((subject) => aSealedSet([{ distanceKm: -0.4 }], { subject })),
      aSealedSet([{ distanceKm: 1 }], { subject: 'P2', sealed: 'erased' }),
      aSealedSet([{ distanceKm: 1 }], { subject: 'P3', sealed: 'tampered' }),
      aSealedSet([{ distanceKm: 1 }], { subject: 'P3' }),
      ...['P1', 'P4'].map((subject) => aSealedSet([{ distanceKm: 2 }], { subject, occurredAt: nextWeek })),
    ];
    let opened = 0;
    const counting = (sealed: string) => {
      opened += 1;
      return open(sealed);
    };
    // The week of 23 November is frozen with its sums: it is given as stored.
    const givenWeek = weekStartOf(Date.parse(A_MONDAY));
    const tally = await tallyAttributions(sets, counting, {
      has: (week, key) => week === givenWeek && key === JSON.stringify(['ebm-1.0.0', '1.0.0']),
    });
    // P1's first set, P2's (erased), both of P3's (the first unreadable), and the next week's two.
    expect(opened).toBe(6);
    expect([...tally.people.values()]).toEqual([3]);
    expect([...tally.weeks.keys()]).toEqual([weekStartOf(Date.parse(nextWeek))]);
    expect(tally.weeks.get(weekStartOf(Date.parse(nextWeek)))?.rows).toEqual([
      expect.objectContaining({ sets: 2, people: 2 }),
    ]);
  });
});
