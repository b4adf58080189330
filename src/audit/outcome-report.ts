/**
 * The outcome figures as an auditor reads them: what became of the courses proposed, over whole
 * weeks, beside the approved items published.
 */
import { pickDefined } from '../shared/pick-defined.ts';
import { type AuditPeriod, checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';
import {
  OUTCOME_FIGURE_EVENT_TYPES,
  type OutcomeRow,
  outcomeWeekShape,
  summariseOutcomes,
  tallyOutcomes,
} from './outcome-stats.ts';
import { cutFigurePeriod } from './sealed-figure-sources.ts';
import { listFrozenWeeksOf, settleWeeks } from './settle-weeks.ts';

export interface OutcomeReport extends AuditPeriod {
  rows: OutcomeRow[];
}

/**
 * What became of the courses proposed, per model version and source (`computeOutcomeStats`): the
 * outcomes recorded in the period, read from the log's `outcome.recorded` events up to the head
 * (with the objections recorded up to it, which take a person's earlier outcomes out), cut to
 * whole weeks as the attributions are: outcomes are the job seekers' data, and a week already
 * over must not change when one more is recorded or replaced (its values would come out by
 * subtraction). Beside them, the approved items published in the period, counted from the sets.
 */
export async function computeOutcomes(
  deps: AuditServiceDeps,
  trail: AuditTrail,
  request: AuditRequest,
  asked: AuditPeriod,
): Promise<OutcomeReport> {
  await trail.checkPurpose(request, 'getOutcomeStats');
  checkPeriod(asked);
  const { seq: toSeq } = await deps.log.readHead();
  const period = await cutFigurePeriod(deps, asked, toSeq);
  const tally = await tallyOutcomes(
    // The objections recorded after the period count too: an objection takes earlier outcomes out
    // of the weeks not yet given.
    deps.events.streamEvents(
      { types: OUTCOME_FIGURE_EVENT_TYPES, ...pickDefined({ from: period.from }) },
      toSeq,
    ),
    period,
    deps.keyring.openerForOneRead(),
  );
  const rows = summariseOutcomes(
    await settleWeeks(
      deps,
      'outcomes',
      period,
      tally,
      outcomeWeekShape,
      await listFrozenWeeksOf(deps, 'outcomes', period),
    ),
    await deps.outcomes.countPublishedItems(period),
    deps.minPeoplePerFigure,
  );
  await trail.record(request, 'getOutcomeStats', { ...period, toSeq }, rows.length, {
    minPeople: deps.minPeoplePerFigure,
  });
  return { ...period, rows };
}
