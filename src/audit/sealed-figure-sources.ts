/**
 * What the figures opened from sealed parts (attributions, drift, outcomes) are computed over: the
 * period asked, cut to the weeks they may be given for, and the sets generated in it of the people
 * who have not objected to AI processing.
 */
import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import type { RegisteredModel } from '../model-registry/registered-model.ts';
import { pickDefined } from '../shared/pick-defined.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import type { AuditPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import { coverNothing, figurePeriodOf } from './figure-weeks.ts';
import { collectLatestObjections, leaveOutObjectedPeople } from './sets-before-objection.ts';

/**
 * The period the figures opened from sealed parts are given for (`figurePeriodOf`), or one covering
 * nothing, as `figurePeriodOf` answers it, when the log holds no event in the period asked up to
 * `toSeq`: a period before the deployment, or still to come, would otherwise read as weeks in which
 * nothing happened. A period asked holding events that the cut leaves out (the week in progress,
 * say) keeps the cut, which says where the figures stop.
 */
export async function cutFigurePeriod(
  deps: Pick<AuditServiceDeps, 'events' | 'now' | 'minPeoplePerFigure' | 'logDays'>,
  asked: AuditPeriod,
  toSeq: number,
): Promise<AuditPeriod> {
  const period = figurePeriodOf(asked, deps.now(), {
    minPeople: deps.minPeoplePerFigure,
    logDays: deps.logDays,
  });
  const start = period.from ?? period.to;
  if (start === undefined || period.from === period.to) return period;
  const [held] = await deps.events.listEvents(pickDefined({ from: asked.from, to: asked.to }), {
    afterSeq: 0,
    limit: 1,
    toSeq,
  });
  return held === undefined ? coverNothing(Date.parse(start), asked) : period;
}

/**
 * The `recommendation.generated` events of the period up to `toSeq` that the attribution and drift
 * figures may open: those of people who objected to AI processing since are left out. Their
 * objections are read first, from the period's start up to the head (an objection after the
 * period takes its earlier sets out of the weeks not given yet; those given stay as given).
 */
export async function streamGeneratedSets(
  deps: Pick<AuditServiceDeps, 'events'>,
  period: AuditPeriod,
  toSeq: number,
): Promise<AsyncIterable<RecordedDecisionEvent>> {
  const objections = await collectLatestObjections(
    deps.events.streamContents(
      { types: ['objection.recorded'], ...pickDefined({ from: period.from }) },
      toSeq,
    ),
  );
  return leaveOutObjectedPeople(deps.events.streamEvents(generatedIn(period), toSeq), objections);
}

function generatedIn(period: AuditPeriod): AuditEventFilter {
  return { types: ['recommendation.generated'], ...pickDefined({ from: period.from, to: period.to }) };
}

/**
 * The log's head and the registry as it stands there, read behind the head's lock, as the access
 * record reads them: read apart from the head, the registry could lack a model registered meanwhile
 * whose sets the log holds up to it (counted as of an unknown model), or state active a model
 * another activation has since retired, or not yet recalled one whose recall the head holds.
 */
export async function readHeadWithModels(
  deps: Pick<AuditServiceDeps, 'log' | 'models'>,
): Promise<{ toSeq: number; registered: RegisteredModel[] }> {
  return deps.log.withTransaction(async (trx) => ({
    toSeq: (await deps.log.lockHead(trx)).seq,
    registered: await deps.models.listModels(trx),
  }));
}
