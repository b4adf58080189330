import { describe, expect, it } from 'vitest';
import {
  type OutcomeTally,
  readOutcomeWeek,
  summariseOutcomes,
  tallyOutcomes,
} from '../../src/audit/outcome-stats.ts';
import type { ScoredEvent } from '../../src/audit/personal-part.ts';
import type { OpenedPersonalPart } from '../../src/decision-log/subject-keyring.ts';

const MODEL = { id: 'ebm-1.0.0', version: '1.0.0' };

/** An outcome recorded on Monday 23 November 2026, its values sealed as their own text. */
function anOutcome(
  subject: string,
  values: { entered: boolean; employedWithinSixMonths?: boolean },
  predictedScore = 0.5,
): ScoredEvent {
  return {
    type: 'outcome.recorded',
    subject,
    occurredAt: '2026-11-23T12:00:00.000Z',
    payload: { source: 'model', model: MODEL, courseId: 'C1' },
    personal: JSON.stringify({ ...values, predictedScore }),
  };
}

/** The tally's weeks as stored and read back, optionally as an older version stored them. */
function asStored(
  tally: OutcomeTally,
  strip: (row: Record<string, unknown>) => void = () => {},
): OutcomeTally {
  const weeks = new Map(
    [...tally.weeks].flatMap(([week, totals]) => {
      const stored = JSON.parse(JSON.stringify(totals)) as { rows: Array<Record<string, unknown>> };
      for (const row of stored.rows) strip(row);
      const read = readOutcomeWeek(stored);
      return read === undefined ? [] : [[week, read] as const];
    }),
  );
  return { ...tally, weeks };
}

async function open(sealed: string): Promise<OpenedPersonalPart> {
  return { status: 'readable', value: JSON.parse(sealed) };
}

describe('outcome figures', () => {
  it('keeps the totals of a week under the minimum, so that a lower minimum read later gives it', async () => {
    const outcomes = [
      anOutcome('P1', { entered: true, employedWithinSixMonths: true }),
      anOutcome('P2', { entered: false, employedWithinSixMonths: false }),
    ];
    const tally = await tallyOutcomes(outcomes, {}, open);
    const weeks = new Map(
      [...tally.weeks].flatMap(([week, totals]) => {
        const read = readOutcomeWeek(JSON.parse(JSON.stringify(totals)));
        return read === undefined ? [] : [[week, read] as const];
      }),
    );
    expect(summariseOutcomes({ ...tally, weeks }, [], 3)).toEqual([
      expect.objectContaining({ outcomesKnown: 2, withheld: true, enteredShare: null, employedShare: null }),
    ]);
    expect(summariseOutcomes({ ...tally, weeks }, [], 2)).toEqual([
      expect.objectContaining({
        withheld: false,
        enteredShare: 0.5,
        employmentKnown: 2,
        employedShare: 0.5,
        meanPredictedScore: 0.5,
      }),
    ]);
  });

  it('compares the predicted score with the employment of those who entered the course', async () => {
    const tally = await tallyOutcomes(
      [
        anOutcome('P1', { entered: true, employedWithinSixMonths: true }, 0.8),
        anOutcome('P2', { entered: true, employedWithinSixMonths: false }, 0.6),
        anOutcome('P3', { entered: false, employedWithinSixMonths: false }, 0.1),
        anOutcome('P4', { entered: false, employedWithinSixMonths: false }, 0.1),
      ],
      {},
      open,
    );
    expect(summariseOutcomes(asStored(tally), [], 2)).toEqual([
      expect.objectContaining({
        employmentKnown: 4,
        employedShare: 0.25,
        meanPredictedScore: 0.4,
        enteredEmploymentKnown: 2,
        enteredEmploymentWithheldWeeks: 0,
        enteredEmployedShare: 0.5,
        enteredMeanPredictedScore: 0.7,
      }),
    ]);
  });

  it('withholds the figures of those who entered a week where they are too few', async () => {
    const tally = await tallyOutcomes(
      [
        anOutcome('P1', { entered: true, employedWithinSixMonths: true }),
        anOutcome('P2', { entered: false, employedWithinSixMonths: false }),
        anOutcome('P3', { entered: false, employedWithinSixMonths: false }),
      ],
      {},
      open,
    );
    expect(summariseOutcomes(asStored(tally), [], 2)).toEqual([
      expect.objectContaining({
        employmentKnown: 3,
        enteredEmploymentKnown: 0,
        enteredEmploymentWithheldWeeks: 1,
        enteredEmployedShare: null,
        enteredMeanPredictedScore: null,
      }),
    ]);
  });

  it('withholds the figures of those who entered a week where those who did not are too few, whose employment the difference would give', async () => {
    const tally = await tallyOutcomes(
      [
        anOutcome('P1', { entered: true, employedWithinSixMonths: true }),
        anOutcome('P2', { entered: true, employedWithinSixMonths: false }),
        anOutcome('P3', { entered: false, employedWithinSixMonths: true }, 0.9),
      ],
      {},
      open,
    );
    const [row] = summariseOutcomes(asStored(tally), [], 2);
    expect(row).toMatchObject({ employmentKnown: 3, employedShare: 0.6667 });
    expect(row).toMatchObject({
      enteredEmploymentKnown: 0,
      enteredEmploymentWithheldWeeks: 1,
      enteredEmployedShare: null,
      enteredMeanPredictedScore: null,
    });
  });

  it('withholds the figures of those who entered a week frozen before they were kept, rather than guess them', async () => {
    const tally = await tallyOutcomes(
      [
        anOutcome('P1', { entered: true, employedWithinSixMonths: true }),
        anOutcome('P2', { entered: true, employedWithinSixMonths: false }),
      ],
      {},
      open,
    );
    // As the week was stored before the entrants' totals were kept.
    const older = asStored(tally, (row) => {
      for (const key of Object.keys(row))
        if (
          ![
            'model',
            'source',
            'outcomesKnown',
            'people',
            'entered',
            'employmentPeople',
            'employment',
          ].includes(key)
        )
          delete row[key];
    });
    expect(older.weeks.size).toBe(1);
    expect(summariseOutcomes(older, [], 2)).toEqual([
      expect.objectContaining({
        employmentKnown: 2,
        employedShare: 0.5,
        enteredEmploymentKnown: 0,
        enteredEmploymentWithheldWeeks: 1,
        enteredEmployedShare: null,
        enteredMeanPredictedScore: null,
      }),
    ]);
  });
});
