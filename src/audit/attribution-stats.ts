import type { EventContent } from './audit-event-store.ts';
import { readArrayField, readRecord, readStringField, roundTo } from './event-fields.ts';

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
  items: number;
  /** Heaviest first. */
  features: FeatureAttribution[];
}

interface FeatureTotals {
  absSum: number;
  sum: number;
  count: number;
}

interface ModelTotals {
  modelId: string;
  modelVersion: string;
  sets: number;
  items: number;
  features: Map<string, FeatureTotals>;
}

/**
 * Averages the attributions stored in `recommendation.generated` events per model version. They
 * are the explanations as they were given (principle 2), never recomputed.
 */
export async function computeAttributionStats(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
): Promise<ModelAttributions[]> {
  const models = new Map<string, ModelTotals>();
  for await (const event of events) {
    if (event.type !== 'recommendation.generated') continue;
    const payload = readRecord(event.payload);
    const model = readRecord(payload?.model);
    const modelId = readStringField(model, 'id') ?? 'unknown';
    const modelVersion = readStringField(model, 'version') ?? 'unknown';
    const key = JSON.stringify([modelId, modelVersion]);
    let totals = models.get(key);
    if (totals === undefined) {
      totals = { modelId, modelVersion, sets: 0, items: 0, features: new Map() };
      models.set(key, totals);
    }
    totals.sets += 1;
    for (const item of readArrayField(payload, 'items')) {
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
  return [...models.values()]
    .sort((a, b) => a.modelId.localeCompare(b.modelId) || a.modelVersion.localeCompare(b.modelVersion))
    .map((totals) => ({
      modelId: totals.modelId,
      modelVersion: totals.modelVersion,
      sets: totals.sets,
      items: totals.items,
      features: [...totals.features.entries()]
        .map(([feature, sums]) => ({
          feature,
          meanAbsContribution: roundTo(sums.absSum / sums.count, 6) ?? 0,
          meanContribution: roundTo(sums.sum / sums.count, 6) ?? 0,
        }))
        .sort((a, b) => b.meanAbsContribution - a.meanAbsContribution || a.feature.localeCompare(b.feature)),
    }));
}
