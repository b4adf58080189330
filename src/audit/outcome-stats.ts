import type { PublishedItemOutcome } from '../outcomes/course-outcome.ts';
import type { ItemSource } from '../recommendations/recommendation.ts';
import { divideOrNull, roundTo } from './event-fields.ts';
import { WeeklyCells } from './figure-weeks.ts';

/** What became of the courses one model version suggested, or counselors added, and were published. */
export interface OutcomeRow {
  /** The model that suggested the courses; null for the courses counselors added. */
  model: { id: string; version: string } | null;
  source: ItemSource;
  /** Approved items published (sets retracted since left out). */
  publishedItems: number;
  /** Of those, the items with a recorded outcome. */
  outcomesKnown: number;
  /** Job seekers with a recorded outcome. */
  people: number;
  /** True when no week may be shown: each rests on the outcomes of fewer job seekers than the minimum. */
  withheld: boolean;
  /** Weeks left out of the shares for resting on too few job seekers. */
  withheldWeeks: number;
  /** The outcomes the shares rest on: those of the weeks shown. */
  outcomesShown: number;
  /** Share of `outcomesShown` where the person entered the course. */
  enteredShare: number | null;
  /** Of `outcomesShown`, those whose employment within six months is known. */
  employmentKnown: number;
  /** Share of `employmentKnown` employed within six months. */
  employedShare: number | null;
  /** The model's mean predicted score over `employmentKnown` (calibration); null for additions. */
  meanPredictedScore: number | null;
}

/** One row's totals over one week of publications. */
interface WeekTotals {
  publishedItems: number;
  outcomesKnown: number;
  entered: number;
  employmentKnown: number;
  employed: number;
  scoreSum: number;
  scored: number;
  /** The job seekers whose outcomes the week's shares would give back. */
  people: Set<string>;
}

interface RowTotals {
  model: OutcomeRow['model'];
  source: ItemSource;
  weeks: WeeklyCells<WeekTotals>;
}

/**
 * The outcome figures per model version and source, from every approved item published in the
 * period with its outcome, if recorded. An outcome is the person's data: totals are kept week by
 * week of publication, and a week whose outcomes are those of fewer than `minPeople` job seekers is
 * left out of the shares (see `figurePeriodOf` for why weeks), as the attribution and drift figures
 * are. The counts of items and outcomes cover every week: they tell nothing of anyone's outcome.
 */
export function computeOutcomeStats(items: readonly PublishedItemOutcome[], minPeople: number): OutcomeRow[] {
  const rows = new Map<string, RowTotals>();
  for (const item of items) {
    const key = JSON.stringify([item.source, item.model?.id ?? null, item.model?.version ?? null]);
    let row = rows.get(key);
    if (row === undefined) {
      row = { model: item.model, source: item.source, weeks: new WeeklyCells(emptyWeek) };
      rows.set(key, row);
    }
    const week = row.weeks.cellOf(item.publishedAt);
    week.publishedItems += 1;
    const { outcome } = item;
    if (outcome === null) continue;
    week.outcomesKnown += 1;
    week.people.add(item.seekerId);
    if (outcome.entered) week.entered += 1;
    if (outcome.employedWithinSixMonths === null) continue;
    week.employmentKnown += 1;
    if (outcome.employedWithinSixMonths) week.employed += 1;
    if (outcome.predictedScore !== null) {
      week.scoreSum += outcome.predictedScore;
      week.scored += 1;
    }
  }
  return [...rows.values()].sort(compareRows).map((row) => toOutcomeRow(row, minPeople));
}

function emptyWeek(): WeekTotals {
  return {
    publishedItems: 0,
    outcomesKnown: 0,
    entered: 0,
    employmentKnown: 0,
    employed: 0,
    scoreSum: 0,
    scored: 0,
    people: new Set(),
  };
}

/** The model's rows by model id and version, then the counselors' additions. */
function compareRows(a: RowTotals, b: RowTotals): number {
  if (a.model === null || b.model === null) return a.model === null ? (b.model === null ? 0 : 1) : -1;
  return a.model.id.localeCompare(b.model.id) || a.model.version.localeCompare(b.model.version);
}

function toOutcomeRow({ model, source, weeks }: RowTotals, minPeople: number): OutcomeRow {
  const { shown, withheldWeeks } = weeks.split(minPeople);
  const sumShown = (count: (week: WeekTotals) => number) => shown.reduce((sum, week) => sum + count(week), 0);
  const outcomesShown = sumShown((week) => week.outcomesKnown);
  const employmentKnown = sumShown((week) => week.employmentKnown);
  const scored = sumShown((week) => week.scored);
  return {
    model,
    source,
    publishedItems: weeks.sum((week) => week.publishedItems),
    outcomesKnown: weeks.sum((week) => week.outcomesKnown),
    people: weeks.countPeople(),
    withheld: shown.length === 0,
    withheldWeeks,
    outcomesShown,
    enteredShare: roundTo(
      divideOrNull(
        sumShown((week) => week.entered),
        outcomesShown,
      ),
      4,
    ),
    employmentKnown,
    employedShare: roundTo(
      divideOrNull(
        sumShown((week) => week.employed),
        employmentKnown,
      ),
      4,
    ),
    meanPredictedScore: roundTo(
      divideOrNull(
        sumShown((week) => week.scoreSum),
        scored,
      ),
      4,
    ),
  };
}
