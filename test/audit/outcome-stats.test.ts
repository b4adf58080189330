import { describe, expect, it } from 'vitest';
import { readOutcomeWeek, summariseOutcomes, tallyOutcomes } from '../../src/audit/outcome-stats.ts';
import type { ScoredEvent } from '../../src/audit/personal-part.ts';
import type { OpenedPersonalPart } from '../../src/decision-log/subject-keyring.ts';

const MODEL = { id: 'ebm-1.0.0', version: '1.0.0' };

/** An outcome recorded on Monday 23 November 2026, its values sealed as their own text. */
function anOutcome(
  subject: string,
  values: { entered: boolean; employedWithinSixMonths?: boolean },
): ScoredEvent {
  return {
    type: 'outcome.recorded',
    subject,
    occurredAt: '2026-11-23T12:00:00.000Z',
    payload: { source: 'model', model: MODEL, courseId: 'C1' },
    personal: JSON.stringify({ ...values, predictedScore: 0.5 }),
  };
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
});
