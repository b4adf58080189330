import type { ItemSource } from '../recommendations/recommendation.ts';
import { compareText } from '../shared/compare-text.ts';
import { divideOrNull, readRecord, readStringField, roundTo, weekStartOf } from './event-fields.ts';
import { WeeklyCells } from './figure-weeks.ts';
import { type OpenPersonalPart, readPersonalRecord, type ScoredEvent } from './personal-part.ts';

/** The events the outcome figures read: the outcomes, and the objections that take them out. */
export const OUTCOME_FIGURE_EVENT_TYPES = ['outcome.recorded', 'objection.recorded'] as const;

/** Approved items published in the period by one model version, or added by counselors. */
export interface PublishedItemCount {
  /** The model that suggested the courses; null for the courses counselors added. */
  model: { id: string; version: string } | null;
  source: ItemSource;
  items: number;
}

/** What became of the courses one model version suggested, or counselors added, as recorded in the period. */
export interface OutcomeRow {
  /** The model that suggested the courses; null for the courses counselors added. */
  model: { id: string; version: string } | null;
  source: ItemSource;
  /** Approved items published in the period (sets retracted since left out). */
  publishedItems: number;
  /** Outcomes recorded in the period (the last of a week per person and course). */
  outcomesKnown: number;
  /** Job seekers with an outcome recorded in the period. */
  people: number;
  /** True when no week may be shown: each rests on the outcomes of fewer job seekers than the minimum. */
  withheld: boolean;
  /** Weeks left out of the shares for resting on too few job seekers. */
  withheldWeeks: number;
  /** The outcomes the entry share rests on: those of the weeks shown. */
  outcomesShown: number;
  /** Share of `outcomesShown` where the person entered the course. */
  enteredShare: number | null;
  /** Outcomes with employment known, of the weeks where those rest on enough job seekers. */
  employmentKnown: number;
  /** Weeks left out of the employment share and mean score: too few job seekers with employment known. */
  employmentWithheldWeeks: number;
  /** Share of `employmentKnown` employed within six months. */
  employedShare: number | null;
  /** The model's mean predicted score over `employmentKnown` (calibration); null for additions. */
  meanPredictedScore: number | null;
}

/** One row's totals over one week of recording. */
interface WeekTotals {
  outcomesKnown: number;
  entered: number;
  employmentKnown: number;
  employed: number;
  scoreSum: number;
  scored: number;
  /** The job seekers whose outcomes the week's entry share would give back. */
  people: Set<string>;
  /** Those of them whose employment is known: the employment share and mean score would give theirs back. */
  employmentPeople: Set<string>;
}

interface RowTotals {
  model: OutcomeRow['model'];
  source: ItemSource;
  publishedItems: number;
  weeks: WeeklyCells<WeekTotals>;
}

/**
 * The outcome figures per model version and source, from the `outcome.recorded` events of the log
 * (`events`: those and the `objection.recorded` events in seq order, from the period's start up to
 * the head). Each outcome counts in the week it was recorded, with the values recorded then (sealed
 * with the person's key, the predicted score too), so a week already over never changes when an
 * outcome is recorded or replaced later; within a week, the last write per person and course counts.
 * An outcome followed by an objection of its person is left out (the objection ends this
 * processing); one recorded after a withdrawal counts again. An erased person's can no longer be
 * opened: left out. A week whose outcomes are those of fewer than `minPeople` job seekers is left
 * out of the entry share, and one whose outcomes with employment known are those of fewer than
 * `minPeople` out of the employment share and mean score (see `figurePeriodOf` for why weeks).
 */
export async function computeOutcomeStats(
  events: AsyncIterable<ScoredEvent> | Iterable<ScoredEvent>,
  period: { from?: string; to?: string },
  published: readonly PublishedItemCount[],
  openPersonal: OpenPersonalPart,
  minPeople: number,
): Promise<OutcomeRow[]> {
  const rows = new Map<string, RowTotals>();
  const rowOf = (source: ItemSource, model: OutcomeRow['model']) => {
    const key = JSON.stringify([source, model?.id ?? null, model?.version ?? null]);
    let row = rows.get(key);
    if (row === undefined) {
      row = { model, source, publishedItems: 0, weeks: new WeeklyCells(emptyWeek) };
      rows.set(key, row);
    }
    return row;
  };
  for (const count of published) rowOf(count.source, count.model).publishedItems += count.items;
  for (const event of await collectCountedOutcomes(events, period)) {
    const payload = readRecord(event.payload);
    const source: ItemSource = readStringField(payload, 'source') === 'counselor' ? 'counselor' : 'model';
    const model = readRecord(payload?.model);
    const modelId = readStringField(model, 'id');
    const row = rowOf(
      source,
      modelId === undefined ? null : { id: modelId, version: readStringField(model, 'version') ?? 'unknown' },
    );
    const personal = await readPersonalRecord(event.personal, openPersonal);
    if (personal === undefined || personal === 'shredded' || typeof personal.entered !== 'boolean') continue;
    const week = row.weeks.cellOf(event.occurredAt);
    const subject = event.subject ?? '';
    week.outcomesKnown += 1;
    week.people.add(subject);
    if (personal.entered) week.entered += 1;
    const employed = personal.employedWithinSixMonths;
    if (typeof employed !== 'boolean') continue;
    week.employmentKnown += 1;
    week.employmentPeople.add(subject);
    if (employed) week.employed += 1;
    if (typeof personal.predictedScore === 'number') {
      week.scoreSum += personal.predictedScore;
      week.scored += 1;
    }
  }
  return [...rows.values()].sort(compareRows).map((row) => toOutcomeRow(row, minPeople));
}

/**
 * The `outcome.recorded` events of the period that count: the last of each week per person and
 * course, none a later objection of the person took out.
 */
async function collectCountedOutcomes(
  events: AsyncIterable<ScoredEvent> | Iterable<ScoredEvent>,
  period: { from?: string; to?: string },
): Promise<ScoredEvent[]> {
  const counted = new Map<string, ScoredEvent>();
  const end = period.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(period.to);
  for await (const event of events) {
    const subject = event.subject ?? '';
    if (event.type === 'objection.recorded') {
      for (const [key, outcome] of counted) if ((outcome.subject ?? '') === subject) counted.delete(key);
      continue;
    }
    if (event.type !== 'outcome.recorded' || Date.parse(event.occurredAt) >= end) continue;
    const courseId = readStringField(readRecord(event.payload), 'courseId') ?? '';
    const key = JSON.stringify([weekStartOf(Date.parse(event.occurredAt)), subject, courseId]);
    // Deleted first so that the map keeps the order of the last writes.
    counted.delete(key);
    counted.set(key, event);
  }
  return [...counted.values()];
}

function emptyWeek(): WeekTotals {
  return {
    outcomesKnown: 0,
    entered: 0,
    employmentKnown: 0,
    employed: 0,
    scoreSum: 0,
    scored: 0,
    people: new Set(),
    employmentPeople: new Set(),
  };
}

/** The model's rows by model id and version, then the counselors' additions. */
function compareRows(a: RowTotals, b: RowTotals): number {
  if (a.model === null || b.model === null) return a.model === null ? (b.model === null ? 0 : 1) : -1;
  return compareText(a.model.id, b.model.id) || compareText(a.model.version, b.model.version);
}

function toOutcomeRow({ model, source, publishedItems, weeks }: RowTotals, minPeople: number): OutcomeRow {
  const { shown, withheldWeeks } = weeks.split(minPeople);
  // The employment figures rest on fewer people than the entry share: their own minimum, week by week.
  const employmentShown = shown.filter((week) => week.employmentPeople.size >= minPeople);
  const employmentWithheldWeeks = shown.filter(
    (week) => week.employmentPeople.size > 0 && week.employmentPeople.size < minPeople,
  ).length;
  const sumOf = (cells: WeekTotals[], count: (week: WeekTotals) => number) =>
    cells.reduce((sum, week) => sum + count(week), 0);
  const outcomesShown = sumOf(shown, (week) => week.outcomesKnown);
  const employmentKnown = sumOf(employmentShown, (week) => week.employmentKnown);
  return {
    model,
    source,
    publishedItems,
    outcomesKnown: weeks.sum((week) => week.outcomesKnown),
    people: weeks.countPeople(),
    withheld: shown.length === 0,
    withheldWeeks,
    outcomesShown,
    enteredShare: roundTo(
      divideOrNull(
        sumOf(shown, (week) => week.entered),
        outcomesShown,
      ),
      4,
    ),
    employmentKnown,
    employmentWithheldWeeks,
    employedShare: roundTo(
      divideOrNull(
        sumOf(employmentShown, (week) => week.employed),
        employmentKnown,
      ),
      4,
    ),
    meanPredictedScore: roundTo(
      divideOrNull(
        sumOf(employmentShown, (week) => week.scoreSum),
        sumOf(employmentShown, (week) => week.scored),
      ),
      4,
    ),
  };
}
