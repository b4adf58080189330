/** The attribution figures as an auditor reads them: per feature and model version, over whole weeks. */

import {
  attributionWeekShape,
  type ModelAttributions,
  summariseAttributions,
  tallyAttributions,
} from './attribution-stats.ts';
import { type AuditPeriod, checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';
import { frozenRowsOf } from './figure-weeks.ts';
import { cutFigurePeriod, readHeadWithModels, streamGeneratedSets } from './sealed-figure-sources.ts';
import { listFrozenWeeksOf, settleWeeks } from './settle-weeks.ts';

export interface AttributionReport extends AuditPeriod {
  models: Array<ModelAttributions & ModelRecalled>;
}

/** Whether the model was recalled, as the registry says at the log's head. */
interface ModelRecalled {
  /** When an admin recalled the model (found faulty); null when it was not, or the registry no longer knows it. */
  recalledAt: string | null;
}

/**
 * Mean absolute stored attribution per feature and model version, over the sets generated in the
 * period: its whole weeks within the log period and over for an hour, unless every figure may be given (`figurePeriodOf`). Sets
 * of erased job seekers cannot be opened any more: they are skipped and counted.
 */
export async function computeAttributions(
  deps: AuditServiceDeps,
  trail: AuditTrail,
  request: AuditRequest,
  asked: AuditPeriod,
): Promise<AttributionReport> {
  await trail.checkPurpose(request, 'getAttributionStats');
  checkPeriod(asked);
  const { toSeq, registered } = await readHeadWithModels(deps);
  const recalls = new Map(registered.map((model) => [model.id, model.recall?.at ?? null]));
  const period = await cutFigurePeriod(deps, asked, toSeq);
  const frozen = await listFrozenWeeksOf(deps, 'attributions', period);
  const tally = await tallyAttributions(
    await streamGeneratedSets(deps, period, toSeq),
    deps.keyring.openerForOneRead(),
    frozenRowsOf(frozen, attributionWeekShape),
  );
  const models = summariseAttributions(
    await settleWeeks(deps, 'attributions', period, tally, attributionWeekShape, frozen),
    deps.minPeoplePerFigure,
  );
  await trail.record(request, 'getAttributionStats', { ...period, toSeq }, models.length, {
    minPeople: deps.minPeoplePerFigure,
  });
  return {
    ...period,
    models: models.map((model) => ({ ...model, recalledAt: recalls.get(model.modelId) ?? null })),
  };
}
