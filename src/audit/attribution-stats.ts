import { compareText } from '../shared/compare-text.ts';
import {
  readArrayField,
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
  type FrozenRows,
  groupWeekRows,
  NO_FROZEN_ROWS,
  readFigureWeek,
  splitWeekRows,
  sumOf,
  WeeklyCells,
} from './figure-weeks.ts';
import { type OpenPersonalPart, readPersonalRecord, type ScoredEvent } from './personal-part.ts';

/** How much one feature weighed in a model's suggestions. */
export interface FeatureAttribution {
  feature: string;
  /** Mean absolute contribution over the items that carry one: the feature's weight. */
  meanAbsContribution: number;
  /** Mean signed contribution: whether the feature mostly spoke for or against the courses. */
  meanContribution: number;
}

/** The stored attributions of one model version, averaged over the items it suggested. */
export interface ModelAttributions {
  modelId: string;
  modelVersion: string;
  sets: number;
  /** Items whose attributions were read. */
  items: number;
  /** Job seekers whose attributions were read. */
  people: number;
  /**
   * True when no week's figures may be given: each week's rest on fewer job seekers than the
   * minimum. The features are then left out, since the means over a handful of people give their
   * values back through the model card's steps.
   */
  withheld: boolean;
  /** Weeks left out of the features for resting on fewer job seekers than the minimum. */
  withheldWeeks: number;
  /** Sets whose attributions are unreadable because the job seeker was erased (their key is destroyed). */
  erasedSets: number;
  /** Sets whose attributions could not be read (tampered, or of another shape). */
  unreadableSets: number;
  /** Heaviest first. */
  features: FeatureAttribution[];
}

interface FeatureTotals {
  absSum: number;
  sum: number;
  count: number;
}

/** One model's totals over one week. */
interface WeekTotals {
  sets: number;
  items: number;
  erasedSets: number;
  unreadableSets: number;
  features: Map<string, FeatureTotals>;
  people: Set<string>;
}

interface ModelTotals {
  modelId: string;
  modelVersion: string;
  weeks: WeeklyCells<WeekTotals>;
  /** Job seekers whose attributions were read, in any week, frozen rows' included. */
  people: Set<string>;
}

/** One model's totals over one week, as frozen (see `FigureWeek`). */
export interface AttributionWeekRow {
  modelId: string;
  modelVersion: string;
  sets: number;
  items: number;
  erasedSets: number;
  unreadableSets: number;
  /** Job seekers whose attributions were read. */
  people: number;
  /** The sums per feature: absent from a row not given (see `FigureWeek`). */
  features?: Record<string, FeatureTotals>;
}

/** The attribution figures' weeks (see `FigureTally`). */
export type AttributionTally = FigureTally<FigureWeek<AttributionWeekRow>>;

/**
 * Averages the attributions stored in `recommendation.generated` events per model version: see
 * {@link tallyAttributions} and {@link summariseAttributions}.
 */
export async function computeAttributionStats(
  events: AsyncIterable<ScoredEvent> | Iterable<ScoredEvent>,
  openPersonal: OpenPersonalPart,
  minPeople: number,
): Promise<ModelAttributions[]> {
  return summariseAttributions(await tallyAttributions(events, openPersonal), minPeople);
}

/**
 * Totals the attributions stored in `recommendation.generated` events per model version and week.
 * They are the explanations as they were given (principle 2), never recomputed. Scores and
 * attributions are derived from the person's data, so they are sealed in the event's personal
 * part (opened with the job seeker's key); sets of erased job seekers are skipped and counted.
 * Events written before they were sealed carry them in the public payload, and are read there.
 * Every week keeps its sums with its count of people, whatever that count: only the weeks given
 * are frozen (see `FigureWeek`, and `figurePeriodOf` for why weeks). The rows `frozen` are given as
 * stored: their sets are not totalled again, and one is opened only while its person is not yet
 * known to count (a person counts when one of their sets of the model opens).
 */
export async function tallyAttributions(
  events: AsyncIterable<ScoredEvent> | Iterable<ScoredEvent>,
  openPersonal: OpenPersonalPart,
  frozen: FrozenRows = NO_FROZEN_ROWS,
): Promise<AttributionTally> {
  const models = new Map<string, ModelTotals>();
  for await (const event of events) {
    if (event.type !== 'recommendation.generated') continue;
    const payload = readRecord(event.payload);
    const model = readRecord(payload?.model);
    const modelId = readStringField(model, 'id') ?? 'unknown';
    const modelVersion = readStringField(model, 'version') ?? 'unknown';
    const key = keyOf({ modelId, modelVersion });
    let totals = models.get(key);
    if (totals === undefined) {
      totals = { modelId, modelVersion, weeks: new WeeklyCells(emptyWeek), people: new Set() };
      models.set(key, totals);
    }
    if (frozen.has(weekStartOf(Date.parse(event.occurredAt)), key)) {
      // The row is given as frozen: a set of it is opened only to tell whether its person counts.
      const subject = event.subject;
      if (subject === null || totals.people.has(subject)) continue;
      const items = await readScoredItems(event, payload, openPersonal);
      if (items !== 'shredded' && items !== undefined) totals.people.add(subject);
      continue;
    }
    const week = totals.weeks.cellOf(event.occurredAt);
    week.sets += 1;
    const items = await readScoredItems(event, payload, openPersonal);
    if (items === 'shredded') week.erasedSets += 1;
    else if (items === undefined) week.unreadableSets += 1;
    else {
      addContributions(week, items);
      if (event.subject !== null) {
        week.people.add(event.subject);
        totals.people.add(event.subject);
      }
    }
  }
  const tally: AttributionTally = { weeks: new Map(), people: new Map() };
  for (const [key, { modelId, modelVersion, weeks, people: allPeople }] of models) {
    tally.people.set(key, allPeople.size);
    for (const [start, week] of weeks.entries()) {
      const rows = tally.weeks.get(start)?.rows ?? [];
      const { features, people, ...counts } = week;
      rows.push({
        modelId,
        modelVersion,
        ...counts,
        people: people.size,
        features: Object.fromEntries(features),
      });
      tally.weeks.set(start, { rows });
    }
  }
  return tally;
}

/**
 * The attribution figures per model version from its weeks' totals: the weeks resting on
 * `minPeople` job seekers or more give the features.
 */
export function summariseAttributions(tally: AttributionTally, minPeople: number): ModelAttributions[] {
  return [...groupWeekRows(tally.weeks.values(), keyOf).entries()]
    .map(([key, rows]) => toModelAttributions(rows, tally.people.get(key) ?? 0, minPeople))
    .sort((a, b) => compareText(a.modelId, b.modelId) || compareText(a.modelVersion, b.modelVersion));
}

/** A frozen week as stored, or undefined when it is of another shape. */
export function readAttributionWeek(totals: unknown): FigureWeek<AttributionWeekRow> | undefined {
  return readFigureWeek(totals, (row) => {
    const modelId = readStringField(row, 'modelId');
    const modelVersion = readStringField(row, 'modelVersion');
    const counts = readNumberFields(row, ['sets', 'items', 'erasedSets', 'unreadableSets', 'people']);
    if (modelId === undefined || modelVersion === undefined || counts === undefined) return undefined;
    const features = readRecord(row.features);
    const sums: Record<string, FeatureTotals> = {};
    for (const [feature, value] of Object.entries(features ?? {})) {
      const totals = readNumberFields(readRecord(value), ['absSum', 'sum', 'count']);
      if (totals === undefined) return undefined;
      sums[feature] = totals;
    }
    return {
      modelId,
      modelVersion,
      ...counts,
      ...(features === undefined ? {} : { features: sums }),
    };
  });
}

/** How the attribution figures' weeks are frozen (see `FigureWeekShape`). */
export const attributionWeekShape: FigureWeekShape<AttributionWeekRow, FigureWeek<AttributionWeekRow>> = {
  readWeek: readAttributionWeek,
  keyOf,
  hasSums: (row) => row.features !== undefined,
  givenPart: (row, minPeople) => (row.people >= minPeople && row.features !== undefined ? row : undefined),
  withoutSums: ({ features: _features, ...counts }) => counts,
};

function keyOf(row: { modelId: string; modelVersion: string }): string {
  return JSON.stringify([row.modelId, row.modelVersion]);
}

function emptyWeek(): WeekTotals {
  return { sets: 0, items: 0, erasedSets: 0, unreadableSets: 0, features: new Map(), people: new Set() };
}

function toModelAttributions(
  weeks: readonly AttributionWeekRow[],
  people: number,
  minPeople: number,
): ModelAttributions {
  const { shown, withheldWeeks } = splitWeekRows(weeks, minPeople, attributionWeekShape.hasSums);
  const features = new Map<string, FeatureTotals>();
  for (const week of shown) {
    for (const [feature, sums] of Object.entries(week.features ?? {})) {
      const merged = features.get(feature) ?? { absSum: 0, sum: 0, count: 0 };
      merged.absSum += sums.absSum;
      merged.sum += sums.sum;
      merged.count += sums.count;
      features.set(feature, merged);
    }
  }
  const [first] = weeks;
  return {
    modelId: first?.modelId ?? 'unknown',
    modelVersion: first?.modelVersion ?? 'unknown',
    sets: sumOf(weeks, (week) => week.sets),
    items: sumOf(weeks, (week) => week.items),
    people,
    withheld: shown.length === 0,
    withheldWeeks,
    erasedSets: sumOf(weeks, (week) => week.erasedSets),
    unreadableSets: sumOf(weeks, (week) => week.unreadableSets),
    features: [...features.entries()]
      .map(([feature, sums]) => ({
        feature,
        meanAbsContribution: roundTo(sums.absSum / sums.count, 6) ?? 0,
        meanContribution: roundTo(sums.sum / sums.count, 6) ?? 0,
      }))
      .sort((a, b) => b.meanAbsContribution - a.meanAbsContribution || compareText(a.feature, b.feature)),
  };
}

/**
 * The set's scored items: from the sealed personal part (`attributions`), or from the public
 * payload's items for events written before scores and attributions were sealed. Either way a set
 * whose job seeker was erased counts as erased: the figures use nothing of theirs.
 */
async function readScoredItems(
  event: ScoredEvent,
  payload: Record<string, unknown> | undefined,
  openPersonal: OpenPersonalPart,
): Promise<unknown[] | 'shredded' | undefined> {
  const personal = await readPersonalRecord(event.personal, openPersonal);
  if (personal === 'shredded') return personal;
  const publicItems = readArrayField(payload, 'items');
  if (publicItems.some((item) => readRecord(item)?.contributions !== undefined)) return publicItems;
  return personal === undefined ? undefined : readArrayField(personal, 'attributions');
}

function addContributions(totals: WeekTotals, items: readonly unknown[]): void {
  for (const item of items) {
    const contributions = readRecord(readRecord(item)?.contributions);
    if (contributions === undefined) continue;
    totals.items += 1;
    for (const [feature, value] of Object.entries(contributions)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let sums = totals.features.get(feature);
      if (sums === undefined) {
        sums = { absSum: 0, sum: 0, count: 0 };
        totals.features.set(feature, sums);
      }
      sums.absSum += Math.abs(value);
      sums.sum += value;
      sums.count += 1;
    }
  }
}
