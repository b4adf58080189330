import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RankedScore, selectTopScores } from '../../src/scoring/select-top-scores.ts';
import { compareText } from '../../src/shared/compare-text.ts';

interface Row extends RankedScore {
  position: number;
}

/**
 * The ranking as first written: every row whose score is a probability sorted, best score first, then
 * course id; the first `limit`.
 */
function sortAndSlice(rows: readonly Row[], limit: number): Row[] {
  return [...rows]
    .filter((row) => row.score >= 0 && row.score <= 1)
    .sort((a, b) => b.score - a.score || compareText(a.courseId, b.courseId))
    .slice(0, limit);
}

const aRow = fc.record({
  courseId: fc.constantFrom('a', 'b', 'C', 'c', 'é', 'e', 'c-10', 'c-9'),
  // Few distinct scores, so that ties on score, and on score and id, are common.
  score: fc.oneof(
    fc.constantFrom(0.25, 0.5, 0.75),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1.5, -0.25),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ),
});
const someRows = fc
  .array(aRow, { maxLength: 60 })
  .map((rows) => rows.map((row, position): Row => ({ ...row, position })));

describe('selectTopScores', () => {
  it('keeps the same rows in the same order as sorting every row, ties included', () => {
    fc.assert(
      fc.property(someRows, fc.integer({ min: 0, max: 70 }), (rows, limit) => {
        expect(selectTopScores(rows, limit)).toEqual(sortAndSlice(rows, limit));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads an odd limit as slice would', () => {
    fc.assert(
      fc.property(
        someRows,
        fc.constantFrom(-3, 2.7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        (rows, limit) => {
          expect(selectTopScores(rows, limit)).toEqual(sortAndSlice(rows, limit));
        },
      ),
    );
  });

  it('returns the best rows first and leaves out rows without a finite score', () => {
    const rows = [
      { courseId: 'c-low', score: 0.2 },
      { courseId: 'c-none', score: Number.NaN },
      { courseId: 'c-high', score: 0.9 },
      { courseId: 'c-mid', score: 0.5 },
    ];
    expect(selectTopScores(rows, 3).map((row) => row.courseId)).toEqual(['c-high', 'c-mid', 'c-low']);
  });

  it('leaves out rows whose score is not a probability, as it leaves out NaN: a model scoring 2 suggests nothing with it', () => {
    const rows = [
      { courseId: 'c-double', score: 1.8 },
      { courseId: 'c-high', score: 0.9 },
      { courseId: 'c-negative', score: -0.1 },
      { courseId: 'c-one', score: 1 },
      { courseId: 'c-zero', score: 0 },
    ];
    expect(selectTopScores(rows, 5).map((row) => row.courseId)).toEqual(['c-one', 'c-high', 'c-zero']);
    expect(selectTopScores(rows, 1).map((row) => row.courseId)).toEqual(['c-one']);
  });
});
