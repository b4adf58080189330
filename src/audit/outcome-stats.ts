import type { ItemSource } from '../recommendations/recommendation.ts';
import { compareText } from '../shared/compare-text.ts';
import {
  divideOrNull,
  readNumberField,
  readNumberFields,
  readRecord,
  readStringField,
  roundTo,
  weekStartOf,
} from './event-fields.ts';
import {
  type FigureTally,
  type FigureWeek,
  type FigureWeekShape,
  readFigureWeek,
  splitWeekRows,
  sumOf,
  WeeklyCells,
} from './figure-weeks.ts';
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
  /**
   * True when no week may be shown: each rests on the outcomes of fewer job seekers than the minimum.
   * False when no outcome was recorded (nothing is withheld).
   */
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
  /**
   * The model's mean predicted score over `employmentKnown`, the course entered or not; null for
   * additions. Not the calibration figure: the model predicts employment after following the course.
   */
  meanPredictedScore: number | null;
  /**
   * Of `employmentKnown`, the outcomes of people who entered the course, of the weeks where they rest
   * on enough job seekers and where those who did not enter are none or enough too.
   */
  enteredEmploymentKnown: number;
  /**
   * Weeks shown for the entry share but left out of the entrants' figures: too few entrants or others
   * with employment known, or a week frozen before the entrants' totals were kept.
   */
  enteredEmploymentWithheldWeeks: number;
  /** Share of `enteredEmploymentKnown` employed within six months: what the model predicts. */
  enteredEmployedShare: number | null;
  /** The model's mean predicted score over `enteredEmploymentKnown` (calibration); null for additions. */
  enteredMeanPredictedScore: number | null;
}

/** Employment totals of one row over one week: the outcomes with employment known, and the scores of those. */
interface EmploymentTotals {
  known: number;
  employed: number;
  scoreSum: number;
  scored: number;
}

/** One row's totals over one week of recording. */
interface WeekTotals {
  outcomesKnown: number;
  entered: number;
  employment: EmploymentTotals;
  /** The same, of the outcomes where the person entered the course. */
  enteredEmployment: EmploymentTotals;
  /** The job seekers whose outcomes the week's entry share would give back. */
  people: Set<string>;
  /** Those of them whose employment is known: the employment share and mean score would give theirs back. */
  employmentPeople: Set<string>;
  /** Those whose employment is known for a course they entered. */
  enteredEmploymentPeople: Set<string>;
  /** Those whose employment is known for a course they did not enter: the difference between the two shares gives theirs. */
  notEnteredEmploymentPeople: Set<string>;
}

interface RowTotals {
  model: OutcomeRow['model'];
  source: ItemSource;
  weeks: WeeklyCells<WeekTotals>;
}

/** One row's totals over one week of recording, as frozen (see `FigureWeek`). */
export interface OutcomeWeekRow {
  model: OutcomeRow['model'];
  source: ItemSource;
  outcomesKnown: number;
  /** The job seekers whose outcomes the week's entry share would give back. */
  people: number;
  /** Absent from a row not given (see `FigureWeek`). */
  entered?: number;
  /** Those of them whose employment is known. */
  employmentPeople: number;
  /**
   * As `entered`, for the employment share and the mean score, on their own minimum: a row given
   * while its employment rests on fewer people is frozen without it, and it stays withheld.
   */
  employment?: EmploymentTotals;
  /**
   * Those whose employment is known for a course they entered, and for one they did not; absent from
   * a week frozen before they were kept, whose entrants' figures stay withheld (never guessed).
   */
  enteredEmploymentPeople?: number;
  notEnteredEmploymentPeople?: number;
  /** As `employment`, of the outcomes where the person entered the course, on its own minimum (see `mayGiveEntrants`). */
  enteredEmployment?: EmploymentTotals;
}

/** The outcome figures' weeks (see `FigureTally`). */
export type OutcomeTally = FigureTally<FigureWeek<OutcomeWeekRow>>;

/** The outcome figures per model version and source: see {@link tallyOutcomes}. */
export async function computeOutcomeStats(
  events: AsyncIterable<ScoredEvent> | Iterable<ScoredEvent>,
  period: { from?: string; to?: string },
  published: readonly PublishedItemCount[],
  openPersonal: OpenPersonalPart,
  minPeople: number,
): Promise<OutcomeRow[]> {
  return summariseOutcomes(await tallyOutcomes(events, period, openPersonal), published, minPeople);
}

/**
 * Totals the outcomes per model version, source and week from the `outcome.recorded` events of the
 * log (`events`: those and the `objection.recorded` events in seq order, from the period's start up
 * to the head). Each outcome counts in the week it was recorded, with the values recorded then
 * (sealed with the person's key, the predicted score too), so a week already over never changes
 * when an outcome is recorded or replaced later; within a week, the last write per person and
 * course counts. An outcome followed by an objection of its person is left out (the objection ends
 * this processing); one recorded after a withdrawal counts again. An erased person's can no longer
 * be opened: left out. Every week keeps its totals with its counts of people, whatever those
 * counts: the minimum in force when the figures are read leaves out the weeks below it (see
 * `figurePeriodOf` for why weeks).
 */
export async function tallyOutcomes(
  events: AsyncIterable<ScoredEvent> | Iterable<ScoredEvent>,
  period: { from?: string; to?: string },
  openPersonal: OpenPersonalPart,
): Promise<OutcomeTally> {
  const rows = new Map<string, RowTotals>();
  const rowOf = (source: ItemSource, model: OutcomeRow['model']) => {
    const key = keyOf({ source, model });
    let row = rows.get(key);
    if (row === undefined) {
      row = { model, source, weeks: new WeeklyCells(emptyWeek) };
      rows.set(key, row);
    }
    return row;
  };
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
    const score = typeof personal.predictedScore === 'number' ? personal.predictedScore : undefined;
    addEmployment(week.employment, employed, score);
    week.employmentPeople.add(subject);
    if (personal.entered) {
      addEmployment(week.enteredEmployment, employed, score);
      week.enteredEmploymentPeople.add(subject);
    } else {
      week.notEnteredEmploymentPeople.add(subject);
    }
  }
  const tally: OutcomeTally = { weeks: new Map(), people: new Map() };
  for (const [key, { model, source, weeks }] of rows) {
    tally.people.set(key, weeks.countPeople());
    for (const [start, week] of weeks.entries()) {
      const weekRows = tally.weeks.get(start)?.rows ?? [];
      weekRows.push({
        model,
        source,
        outcomesKnown: week.outcomesKnown,
        people: week.people.size,
        entered: week.entered,
        employmentPeople: week.employmentPeople.size,
        employment: week.employment,
        enteredEmploymentPeople: week.enteredEmploymentPeople.size,
        notEnteredEmploymentPeople: week.notEnteredEmploymentPeople.size,
        enteredEmployment: week.enteredEmployment,
      });
      tally.weeks.set(start, { rows: weekRows });
    }
  }
  return tally;
}

/**
 * The outcome figures per model version and source from the weeks' totals, beside the approved
 * items published in the period (`published`). A week resting on fewer than `minPeople` job seekers
 * is left out of the entry share, and one whose employment is known for fewer than `minPeople` out
 * of the employment share and mean score.
 */
export function summariseOutcomes(
  tally: OutcomeTally,
  published: readonly PublishedItemCount[],
  minPeople: number,
): OutcomeRow[] {
  const rows = new Map<
    string,
    { row: Pick<OutcomeRow, 'model' | 'source' | 'publishedItems'>; weeks: OutcomeWeekRow[] }
  >();
  const rowOf = (of: Pick<OutcomeRow, 'model' | 'source'>) => {
    const key = keyOf(of);
    let row = rows.get(key);
    if (row === undefined) {
      row = { row: { model: of.model, source: of.source, publishedItems: 0 }, weeks: [] };
      rows.set(key, row);
    }
    return row;
  };
  for (const count of published) rowOf(count).row.publishedItems += count.items;
  for (const week of tally.weeks.values())
    for (const weekRow of week.rows) rowOf(weekRow).weeks.push(weekRow);
  return [...rows.entries()]
    .map(([key, { row, weeks }]) =>
      toOutcomeRow({ ...row, people: tally.people.get(key) ?? 0 }, weeks, minPeople),
    )
    .sort(compareRows);
}

/** A frozen week as stored, or undefined when it is of another shape. */
export function readOutcomeWeek(totals: unknown): FigureWeek<OutcomeWeekRow> | undefined {
  return readFigureWeek(totals, (row) => {
    const source = readStringField(row, 'source');
    const modelRecord = readRecord(row.model);
    const modelId = readStringField(modelRecord, 'id');
    const modelVersion = readStringField(modelRecord, 'version');
    const outcomesKnown = readNumberField(row, 'outcomesKnown');
    const people = readNumberField(row, 'people');
    const employmentPeople = readNumberField(row, 'employmentPeople');
    const entered = readNumberField(row, 'entered');
    const employment = readEmploymentTotals(row.employment);
    const enteredEmploymentPeople = readNumberField(row, 'enteredEmploymentPeople');
    const notEnteredEmploymentPeople = readNumberField(row, 'notEnteredEmploymentPeople');
    const enteredEmployment = readEmploymentTotals(row.enteredEmployment);
    if (
      (source !== 'model' && source !== 'counselor') ||
      (row.model !== null && (modelId === undefined || modelVersion === undefined)) ||
      outcomesKnown === undefined ||
      people === undefined ||
      employmentPeople === undefined
    ) {
      return undefined;
    }
    return {
      model:
        modelId === undefined || modelVersion === undefined ? null : { id: modelId, version: modelVersion },
      source,
      outcomesKnown,
      people,
      ...(entered === undefined ? {} : { entered }),
      employmentPeople,
      ...(employment === undefined ? {} : { employment }),
      ...(enteredEmploymentPeople === undefined ? {} : { enteredEmploymentPeople }),
      ...(notEnteredEmploymentPeople === undefined ? {} : { notEnteredEmploymentPeople }),
      ...(enteredEmployment === undefined ? {} : { enteredEmployment }),
    };
  });
}

/** How the outcome figures' weeks are frozen (see `FigureWeekShape`). */
export const outcomeWeekShape: FigureWeekShape<OutcomeWeekRow, FigureWeek<OutcomeWeekRow>> = {
  readWeek: readOutcomeWeek,
  keyOf,
  hasSums: (row) => row.entered !== undefined,
  givenPart: (row, minPeople) => {
    if (row.people < minPeople || row.entered === undefined) return undefined;
    const { employment, enteredEmployment, ...rest } = row;
    return {
      ...rest,
      ...(employment !== undefined && row.employmentPeople >= minPeople ? { employment } : {}),
      ...(enteredEmployment !== undefined && mayGiveEntrants(row, minPeople) ? { enteredEmployment } : {}),
    };
  },
  withoutSums: ({ entered: _entered, employment: _employment, enteredEmployment: _entrants, ...counts }) =>
    counts,
};

/**
 * Whether the employment figures of those who entered the course may be given for a week row: they
 * rest on `minPeople` job seekers or more, and those whose employment is known for a course they did
 * not enter are none or `minPeople` or more (the figures of all, minus the entrants', give theirs).
 * Unknown for a week frozen before these counts were kept: withheld.
 */
function mayGiveEntrants(row: OutcomeWeekRow, minPeople: number): boolean {
  const { enteredEmploymentPeople: entrants, notEnteredEmploymentPeople: others } = row;
  if (entrants === undefined || others === undefined) return false;
  return entrants >= minPeople && (others === 0 || others >= minPeople);
}

function readEmploymentTotals(value: unknown): EmploymentTotals | undefined {
  return readNumberFields(readRecord(value), ['known', 'employed', 'scoreSum', 'scored']);
}

function addEmployment(totals: EmploymentTotals, employed: boolean, score: number | undefined): void {
  totals.known += 1;
  if (employed) totals.employed += 1;
  if (score !== undefined) {
    totals.scoreSum += score;
    totals.scored += 1;
  }
}

function emptyEmployment(): EmploymentTotals {
  return { known: 0, employed: 0, scoreSum: 0, scored: 0 };
}

function keyOf(row: { source: ItemSource; model: OutcomeRow['model'] }): string {
  return JSON.stringify([row.source, row.model?.id ?? null, row.model?.version ?? null]);
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
    employment: emptyEmployment(),
    enteredEmployment: emptyEmployment(),
    people: new Set(),
    employmentPeople: new Set(),
    enteredEmploymentPeople: new Set(),
    notEnteredEmploymentPeople: new Set(),
  };
}

/** The model's rows by model id and version, then the counselors' additions. */
function compareRows(a: OutcomeRow, b: OutcomeRow): number {
  if (a.model === null || b.model === null) return a.model === null ? (b.model === null ? 0 : 1) : -1;
  return compareText(a.model.id, b.model.id) || compareText(a.model.version, b.model.version);
}

function toOutcomeRow(
  row: Pick<OutcomeRow, 'model' | 'source' | 'publishedItems' | 'people'>,
  weeks: readonly OutcomeWeekRow[],
  minPeople: number,
): OutcomeRow {
  const { shown, withheldWeeks } = splitWeekRows(weeks, minPeople, outcomeWeekShape.hasSums);
  // The employment figures rest on fewer people than the entry share: their own minimum, week by week.
  const employmentShown = shown.filter(
    (week) => week.employment !== undefined && week.employmentPeople >= minPeople,
  );
  const employmentWithheldWeeks = shown.filter(
    (week) => week.employmentPeople > 0 && !employmentShown.includes(week),
  ).length;
  // Those who entered the course: the employment the model predicts, on their own minimum.
  const enteredShown = shown.filter(
    (week) => week.enteredEmployment !== undefined && mayGiveEntrants(week, minPeople),
  );
  const enteredEmploymentWithheldWeeks = shown.filter(
    // A week frozen before the entrants were counted may hold some: withheld if anyone's employment is known.
    (week) => (week.enteredEmploymentPeople ?? week.employmentPeople) > 0 && !enteredShown.includes(week),
  ).length;
  const outcomesShown = sumOf(shown, (week) => week.outcomesKnown);
  const employmentKnown = sumOf(employmentShown, (week) => week.employment?.known ?? 0);
  const enteredEmploymentKnown = sumOf(enteredShown, (week) => week.enteredEmployment?.known ?? 0);
  const entrants = employmentFigures(enteredShown.map((week) => week.enteredEmployment));
  return {
    ...row,
    outcomesKnown: sumOf(weeks, (week) => week.outcomesKnown),
    // A row of items published with no outcome recorded hides nothing: not withheld, its shares null.
    withheld: shown.length === 0 && withheldWeeks > 0,
    withheldWeeks,
    outcomesShown,
    enteredShare: roundTo(
      divideOrNull(
        sumOf(shown, (week) => week.entered ?? 0),
        outcomesShown,
      ),
      4,
    ),
    employmentKnown,
    employmentWithheldWeeks,
    ...employmentFigures(employmentShown.map((week) => week.employment)),
    enteredEmploymentKnown,
    enteredEmploymentWithheldWeeks,
    enteredEmployedShare: entrants.employedShare,
    enteredMeanPredictedScore: entrants.meanPredictedScore,
  };
}

/** The employed share and the mean predicted score over the weeks' employment totals. */
function employmentFigures(totals: ReadonlyArray<EmploymentTotals | undefined>): {
  employedShare: number | null;
  meanPredictedScore: number | null;
} {
  const sum = (pick: (total: EmploymentTotals) => number) =>
    sumOf(totals, (total) => (total === undefined ? 0 : pick(total)));
  return {
    employedShare: roundTo(
      divideOrNull(
        sum((total) => total.employed),
        sum((total) => total.known),
      ),
      4,
    ),
    meanPredictedScore: roundTo(
      divideOrNull(
        sum((total) => total.scoreSum),
        sum((total) => total.scored),
      ),
      4,
    ),
  };
}
