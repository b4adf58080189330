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
import { cutFigurePeriod, streamGeneratedSets } from './sealed-figure-sources.ts';
import { settleWeeks } from './settle-weeks.ts';

export interface AttributionReport extends AuditPeriod {
  models: ModelAttributions[];
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
  const { seq: toSeq } = await deps.log.readHead();
  const period = await cutFigurePeriod(deps, asked, toSeq);
  const tally = await tallyAttributions(
    await streamGeneratedSets(deps, period, toSeq),
    deps.keyring.openerForOneRead(),
  );
  const models = summariseAttributions(
    await settleWeeks(deps, 'attributions', period, tally, attributionWeekShape),
    deps.minPeoplePerFigure,
  );
  await trail.record(request, 'getAttributionStats', { ...period, toSeq }, models.length, {
    minPeople: deps.minPeoplePerFigure,
  });
  return { ...period, models };
}
