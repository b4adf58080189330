/**
 * The drift figures as an auditor reads them: each model's scored vectors against its training
 * reference, over whole weeks, with the registry read at the log's head.
 */
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
import { frozenRowsOf } from './figure-weeks.ts';
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
  await trail.record(request, 'getDriftStats', { ...period, toSeq }, report.models.length, {
    minPeople: deps.minPeoplePerFigure,
  });
  return { ...period, ...report };
}
