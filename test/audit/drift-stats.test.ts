import { describe, expect, it } from 'vitest';
import {
  classifyPsi,
  computeDriftStats,
  computePsi,
  type DriftReference,
  type DriftWeek,
  readDriftWeek,
  summariseDrift,
  tallyDrift,
} from '../../src/audit/drift-stats.ts';
import { weekStartOf } from '../../src/audit/event-fields.ts';
import type { ScoredEvent } from '../../src/audit/personal-part.ts';
import {
  type OpenedPersonalPart,
  UnreadablePersonalPartError,
} from '../../src/decision-log/subject-keyring.ts';

const REFERENCE: DriftReference = {
  modelId: 'ebm-1.0.0',
  modelVersion: '1.0.0',
  active: true,
  recalledAt: null,
  distributions: [
    // Bins (-inf, 0], (0, 10], (10, +inf)
    { feature: 'distanceKm', edges: [0, 10], shares: [0.2, 0.5, 0.3] },
    { feature: 'funded', edges: [0], shares: [0.4, 0.6] },
  ],
};

/** A set of vectors sealed as the text of the vectors themselves; the fake keyring opens it. */
function aSet(
  vectors: unknown,
  modelId = 'ebm-1.0.0',
  subject = 'P1',
  occurredAt = '2026-11-23T12:00:00.000Z',
): ScoredEvent {
  return {
    type: 'recommendation.generated',
    subject,
    occurredAt,
    payload: { setId: 's', model: { id: modelId, version: '1.0.0' } },
    personal: JSON.stringify({ featureVectors: (vectors as unknown[]).map((features) => ({ features })) }),
  };
}

async function open(sealed: string): Promise<OpenedPersonalPart> {
  if (sealed.includes('erased')) return { status: 'shredded' };
  if (sealed.includes('tampered')) throw new UnreadablePersonalPartError('the tag does not match');
  return { status: 'readable', value: JSON.parse(sealed) };
}

describe('population stability index', () => {
  it('is zero for the same shares and grows with the shift', () => {
    expect(computePsi([0.2, 0.5, 0.3], [0.2, 0.5, 0.3])).toBe(0);
    expect(computePsi([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.4 * Math.log(1.8) + 0.4 * Math.log(5), 10);
    expect(computePsi([0.5, 0.5], [0.6, 0.4])).toBeLessThan(computePsi([0.5, 0.5], [0.9, 0.1]));
  });

  it('stays finite when a bin is empty on one side', () => {
    expect(Number.isFinite(computePsi([0, 1], [0.5, 0.5]))).toBe(true);
  });

  it('reads below 0.1 as stable, below 0.25 as moderate, above as significant', () => {
    expect([0.05, 0.1, 0.2, 0.25, 1].map(classifyPsi)).toEqual([
      'stable',
      'moderate',
      'moderate',
      'significant',
      'significant',
    ]);
  });
});

describe('drift figures', () => {
  it('bins each value as the model reads it, edges belonging to the bin below', async () => {
    // 2 of 10 at or below 0, 5 in (0, 10] (10 itself included), 3 above: the reference exactly.
    const distances = [-1, 0, 0.5, 3, 7, 9.99, 10, 10.01, 50, 400];
    const funded = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const vectors = distances.map((distance, i) => [distance, funded[i]]);
    const { models } = await computeDriftStats([aSet(vectors)], new Map([['ebm-1.0.0', REFERENCE]]), open, 1);
    expect(models[0]).toMatchObject({ sets: 1, vectors: 10, erasedSets: 0, unreadableSets: 0 });
    expect(models[0]?.features).toEqual([
      // Ten vectors: the reference exactly, and still too few to be read as no drift.
      { feature: 'distanceKm', psi: 0, minVectors: 40, level: 'too_few' },
      { feature: 'funded', psi: 0, minVectors: 20, level: 'too_few' },
    ]);
  });

  it('compares the ten best-ranked courses of each set, as the reference holds, however many the counselor asked for', async () => {
    // The ten best match the reference exactly; a counselor who asked for twenty also got ten far,
    // unfunded ones, which the reference (the top 10 the service would give) never holds.
    const distances = [-1, 0, 0.5, 3, 7, 9.99, 10, 10.01, 50, 400];
    const funded = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const best = distances.map((distance, i) => [distance, funded[i]]);
    const worse = Array.from({ length: 10 }, () => [400, 0]);
    const { models } = await computeDriftStats(
      [aSet([...best, ...worse])],
      new Map([['ebm-1.0.0', REFERENCE]]),
      open,
      1,
    );
    expect(models[0]).toMatchObject({ sets: 1, vectors: 10 });
    expect(models[0]?.features).toEqual([
      // Ten vectors: the reference exactly, and still too few to be read as no drift.
      { feature: 'distanceKm', psi: 0, minVectors: 40, level: 'too_few' },
      { feature: 'funded', psi: 0, minVectors: 20, level: 'too_few' },
    ]);
  });

  it('counts erased, unreadable and unknown-model sets without reading them', async () => {
    const report = await computeDriftStats(
      [
        aSet([[1, 1]]),
        { ...aSet([[1, 1]]), personal: 'erased' },
        { ...aSet([[1, 1]]), personal: 'tampered' },
        aSet([[1, 1, 1]]),
        aSet([['far', 1]]),
        { ...aSet([[1, 1]]), personal: null },
        aSet([[1, 1]], 'ebm-9.9.9'),
        {
          type: 'item.decided',
          subject: null,
          occurredAt: '2026-11-23T12:00:00.000Z',
          payload: {},
          personal: null,
        },
      ],
      new Map([['ebm-1.0.0', REFERENCE]]),
      open,
      1,
    );
    expect(report.unknownModelSets).toBe(1);
    expect(report.models[0]).toMatchObject({ sets: 6, vectors: 1, erasedSets: 1, unreadableSets: 4 });
  });

  it('leaves out of the indexes a week whose vectors come from fewer job seekers than the minimum', async () => {
    const inBin0 = ['P1', 'P2'].map((subject) => aSet([[-1, -1]], 'ebm-1.0.0', subject));
    const alone = aSet([[20, 1]], 'ebm-1.0.0', 'P9', '2026-12-01T08:00:00.000Z');
    const { models } = await computeDriftStats(
      [...inBin0, alone],
      new Map([['ebm-1.0.0', REFERENCE]]),
      open,
      2,
    );
    expect(models[0]).toMatchObject({ sets: 3, vectors: 3, people: 3, withheld: false, withheldWeeks: 1 });
    const firstWeekOnly = await computeDriftStats(inBin0, new Map([['ebm-1.0.0', REFERENCE]]), open, 2);
    expect(models[0]?.features).toEqual(firstWeekOnly.models[0]?.features);
  });

  it('gives no index for a model whose every set was erased', async () => {
    const { models } = await computeDriftStats(
      [{ ...aSet([[1, 1]]), personal: 'erased' }],
      new Map([['ebm-1.0.0', REFERENCE]]),
      open,
      1,
    );
    expect(models[0]?.features.every((feature) => feature.psi === null && feature.level === null)).toBe(true);
  });

  it('withholds every index when fewer job seekers than the minimum were read, however many vectors they had', async () => {
    const vectors = Array.from({ length: 50 }, () => [3, 1]);
    const references = new Map([['ebm-1.0.0', REFERENCE]]);
    const { models } = await computeDriftStats(
      [aSet(vectors, 'ebm-1.0.0', 'P1'), aSet(vectors, 'ebm-1.0.0', 'P2')],
      references,
      open,
      3,
    );
    // Each set of fifty counts its ten best-ranked.
    expect(models[0]).toMatchObject({ vectors: 20, people: 2, withheld: true });
    expect(models[0]?.features.every((feature) => feature.psi === null && feature.level === null)).toBe(true);
    const shown = await computeDriftStats(
      ['P1', 'P2', 'P3'].map((subject) => aSet(vectors, 'ebm-1.0.0', subject)),
      references,
      open,
      3,
    );
    expect(shown.models[0]).toMatchObject({ people: 3, withheld: false });
    expect(shown.models[0]?.features[0]?.psi).not.toBeNull();
  });

  it('gives the model version frozen with its weeks, and whether the model is active from the registry now', async () => {
    const tally = await tallyDrift([aSet([[1, 1]])], new Map([['ebm-1.0.0', REFERENCE]]), open);
    const frozen = new Map<number, DriftWeek>();
    for (const [week, totals] of tally.weeks) {
      const read = readDriftWeek(JSON.parse(JSON.stringify(totals)));
      if (read === undefined) throw new Error('the week could not be read back');
      frozen.set(week, read);
    }
    // Later, the registry tells another version for the id (a restored database), and the model is retired.
    const now = new Map([['ebm-1.0.0', { ...REFERENCE, modelVersion: '1.0.1', active: false }]]);
    const { models } = summariseDrift({ ...tally, weeks: frozen }, now, 1);
    expect(models).toEqual([
      expect.objectContaining({ modelId: 'ebm-1.0.0', modelVersion: '1.0.0', active: false, sets: 1 }),
    ]);
  });

  it('gives the registry version for a week frozen before the version was', () => {
    const week = readDriftWeek({
      unknownModelSets: 0,
      rows: [{ modelId: 'ebm-1.0.0', sets: 1, vectors: 1, erasedSets: 0, unreadableSets: 0, people: 1 }],
    });
    if (week === undefined) throw new Error('the week could not be read');
    const { models } = summariseDrift(
      { weeks: new Map([[0, week]]), people: new Map([['ebm-1.0.0', 1]]) },
      new Map([['ebm-1.0.0', REFERENCE]]),
      1,
    );
    expect(models).toEqual([expect.objectContaining({ modelVersion: '1.0.0', withheld: true })]);
  });

  it('opens the sets of a week given before only until each of its people is known to count', async () => {
    const given = '2026-11-23T12:00:00.000Z';
    const nextWeek = '2026-11-30T09:00:00.000Z';
    const sets = [
      ...['P1', 'P1', 'P1'].map((subject) => aSet([[1, 1]], 'ebm-1.0.0', subject, given)),
      aSet([['erased']], 'ebm-1.0.0', 'P2', given),
      aSet([['tampered']], 'ebm-1.0.0', 'P3', given),
      aSet([[5, 0]], 'ebm-1.0.0', 'P3', given),
      ...['P1', 'P4'].map((subject) => aSet([[20, 1]], 'ebm-1.0.0', subject, nextWeek)),
    ];
    let opened = 0;
    const counting = (sealed: string) => {
      opened += 1;
      return open(sealed);
    };
    // The week of 23 November is frozen with its counts: it is given as stored.
    const givenWeek = weekStartOf(Date.parse(given));
    const tally = await tallyDrift(sets, new Map([['ebm-1.0.0', REFERENCE]]), counting, {
      has: (week, key) => week === givenWeek && key === 'ebm-1.0.0',
    });
    // P1's first set, P2's (erased), both of P3's (the first unreadable), and the next week's two.
    expect(opened).toBe(6);
    expect(tally.people.get('ebm-1.0.0')).toBe(3);
    expect([...tally.weeks.keys()]).toEqual([weekStartOf(Date.parse(nextWeek))]);
    expect(tally.weeks.get(weekStartOf(Date.parse(nextWeek)))?.rows).toEqual([
      expect.objectContaining({ sets: 2, vectors: 2, people: 2 }),
    ]);
  });

  it('says when a model whose vectors it compares was recalled', async () => {
    const recalledAt = '2026-12-06T11:00:00.000Z';
    const { models } = await computeDriftStats(
      [aSet([[1, 1]])],
      new Map([['ebm-1.0.0', { ...REFERENCE, active: false, recalledAt }]]),
      open,
      1,
    );
    expect(models).toEqual([expect.objectContaining({ active: false, recalledAt })]);
  });
});
