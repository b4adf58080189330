/**
 * The drift figures as an auditor reads them: each model's scored vectors against its training
 * reference, over whole weeks, with the registry read at the log's head.
 */
import { pickDefined } from '../shared/pick-defined.ts';
import { type AuditPeriod, checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';
import {
  type DriftReference,
  driftWeekShape,
  type ModelDrift,
  summariseDrift,
  tallyDrift,
} from './drift-stats.ts';
import { DRIFT_WATCH_WEEKS, type RecentDrift } from './drift-watch.ts';
import { WEEK_MS, weekStartOf } from './event-fields.ts';
import { frozenRowsOf, LATE_EVENTS_MS } from './figure-weeks.ts';
import { cutFigurePeriod, readHeadWithModels, streamGeneratedSets } from './sealed-figure-sources.ts';
import { listFrozenWeeksOf, settleWeeks } from './settle-weeks.ts';

export interface DriftStatsReport extends AuditPeriod {
  models: ModelDrift[];
  unknownModelSets: number;
}

/**
 * Population stability index per feature between each model's training reference and the
 * vectors it scored in the period, cut to whole weeks as the attributions are. Sets of erased job seekers cannot be opened any more: they
 * are skipped and counted.
 */
export async function computeDrift(
  deps: AuditServiceDeps,
  trail: AuditTrail,
  request: AuditRequest,
  asked: AuditPeriod,
): Promise<DriftStatsReport> {
  await trail.checkPurpose(request, 'getDriftStats');
  checkPeriod(asked);
  const { toSeq, report } = await readDriftFigures(deps, asked);
  const period: AuditPeriod = pickDefined({ from: report.from, to: report.to });
  await trail.record(request, 'getDriftStats', { ...period, toSeq }, report.models.length, {
    minPeople: deps.minPeoplePerFigure,
  });
  return report;
}

/**
 * The drift figures of the period, as `computeDrift` gives them, with no audit trail: read by the
 * auditors' query and by the service's own drift watch (`src/audit/drift-watch.ts`), which give the
 * same weeks, frozen by whichever reads them first.
 */
export async function readDriftFigures(
  deps: AuditServiceDeps,
  asked: AuditPeriod,
): Promise<{ toSeq: number; report: DriftStatsReport; references: ReadonlyMap<string, DriftReference> }> {
  const { toSeq, registered } = await readHeadWithModels(deps);
  const period = await cutFigurePeriod(deps, asked, toSeq);
  const references = new Map<string, DriftReference>(
    registered.map((model) => [
      model.id,
      {
        modelId: model.id,
        modelVersion: model.version,
        active: model.status === 'active',
        recalledAt: model.recall?.at ?? null,
        distributions: model.manifest.referenceDistributions,
      },
    ]),
  );
  const frozen = await listFrozenWeeksOf(deps, 'drift', period);
  const tally = await tallyDrift(
    await streamGeneratedSets(deps, period, toSeq),
    references,
    deps.keyring.openerForOneRead(),
    frozenRowsOf(frozen, driftWeekShape),
  );
  const report = summariseDrift(
    await settleWeeks(deps, 'drift', period, tally, driftWeekShape, frozen),
    references,
    deps.minPeoplePerFigure,
  );
  return { toSeq, report: { ...period, ...report }, references };
}

/**
 * The drift of the inputs the active model scored in the last `DRIFT_WATCH_WEEKS` whole weeks before
 * the week in progress (with `AUDIT_MIN_PEOPLE` 1, up to now), per feature, for the service's own
 * watch: the figures an auditor reads for that period, their levels only. No audit trail: it hands
 * no figure to anyone, only the level per feature that `/metrics` shows.
 */
export async function readRecentDrift(deps: AuditServiceDeps): Promise<RecentDrift> {
  const now = deps.now();
  const from = weekStartOf(now.getTime() - LATE_EVENTS_MS) - DRIFT_WATCH_WEEKS * WEEK_MS;
  const { report, references } = await readDriftFigures(deps, { from: new Date(from).toISOString() });
  const active = [...references.values()].find((reference) => reference.active);
  const drift = report.models.find((model) => model.modelId === active?.modelId);
  return {
    checkedAt: now.toISOString(),
    from: report.from ?? null,
    to: report.to ?? null,
    model: active === undefined ? null : { id: active.modelId, version: active.modelVersion },
    features: (active?.distributions ?? []).map(({ feature }) => ({
      feature,
      level: drift?.features.find((each) => each.feature === feature)?.level ?? 'no_vectors',
    })),
  };
}
