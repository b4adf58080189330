/** The usage figures as an auditor reads them: week by week for the period asked, with the period's total. */
import { pickDefined } from '../shared/pick-defined.ts';
import { type AuditPeriod, checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';
import { coverWeeks, type WeekCovered } from './figure-weeks.ts';
import { computeUsageStats, USAGE_EVENT_TYPES, type UsageCounts, type UsageWeek } from './usage-stats.ts';

export interface UsageReport extends AuditPeriod {
  /** Each with the part of its week the period covers. */
  weeks: Array<UsageWeek & WeekCovered>;
  total: UsageCounts;
}

/**
 * How much the system was used, week by week, for the whole deployment: sets suggested and made by
 * hand, refusals by reason, publications and the people they reached, retractions, contests and
 * objections, and the same for the whole period. From the public parts of the log, events counted
 * in the week they happened.
 */
export async function computeUsage(
  deps: Pick<AuditServiceDeps, 'events' | 'log'>,
  trail: AuditTrail,
  request: AuditRequest,
  period: AuditPeriod,
): Promise<UsageReport> {
  await trail.checkPurpose(request, 'getUsageStats');
  checkPeriod(period);
  const { seq: toSeq } = await deps.log.readHead();
  const figures = await computeUsageStats(
    deps.events.streamContents(
      { types: USAGE_EVENT_TYPES, ...pickDefined({ from: period.from, to: period.to }) },
      toSeq,
    ),
  );
  const readAt = await trail.record(request, 'getUsageStats', { ...period, toSeq }, figures.weeks.length);
  return { ...period, weeks: coverWeeks(figures.weeks, period, readAt), total: figures.total };
}
