import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { parisDayNumberOf, parisDayOf } from '../shared/french-day.ts';
import { parseIsoDay } from '../shared/iso-day.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import {
  type CourseOutcome,
  type CourseOutcomeInput,
  findFirstProposalTime,
  findLatestProposal,
  findRejectionSince,
  isSameOutcome,
  noProposal,
  observationOutdated,
  observedBeforeProposal,
  outcomeRefusedByObjection,
  proposalRejectedSince,
} from './course-outcome.ts';
import type { CourseOutcomeStore } from './course-outcome-store.ts';

export interface CourseOutcomeServiceDeps {
  store: CourseOutcomeStore;
  jobSeekers: Pick<JobSeekerStore, 'findById'>;
  recommendations: Pick<RecommendationStore, 'listForSeeker'>;
  decisionLog: DecisionLog;
  now: () => Date;
}

/**
 * What became of the courses proposed to people, as the case-management system reports it: the
 * deployer's monitoring of the system in operation (AI Act Art. 26(5) and 72).
 */
export class CourseOutcomeService {
  constructor(private readonly deps: CourseOutcomeServiceDeps) {}

  /**
   * Records, or replaces, the person's outcome for a course, linked to their latest published
   * proposal of it (`findLatestProposal`), and appends `outcome.recorded` in the same transaction:
   * which proposal in clear, the values sealed with the person's key. The same values for the same
   * proposal (a call retried) change nothing and log nothing: the outcome held is answered. Refused for an unknown person
   * (not found), an observation dated after today or before the day the course was first published to
   * the person, a course Aiguillage did not propose to them
   * (`no-proposal`): nothing is kept about courses it had no part in, a course their latest
   * published set that decided it rejected (`proposal-rejected-since`), a person whose objection
   * to AI processing stands (`objection`), and an observation older than the one held
   * (`observation-outdated`).
   */
  async recordOutcome(
    caller: Principal,
    seekerId: string,
    courseId: string,
    input: CourseOutcomeInput,
  ): Promise<{ outcome: CourseOutcome; created: boolean }> {
    const { deps } = this;
    const now = deps.now();
    // Today as the agency reads it, in France (not the UTC day, a day behind after midnight there).
    if (parseIsoDay(input.observedAt) > parisDayNumberOf(now)) {
      const today = parisDayOf(now);
      throw new InvalidInputError(
        `observedAt (${input.observedAt}) is after today in France, ${today}: an outcome is observed, not ` +
          'foreseen; give the day it was observed, today at the latest',
        { field: 'observedAt', latestObservedAt: today },
      );
    }
    return deps.decisionLog.withTransaction(async (trx) => {
      const seeker = await deps.jobSeekers.findById(seekerId, trx);
      if (seeker === undefined) throw jobSeekerNotFound(seekerId);
      // The person objected to AI processing (GDPR Art. 21): judging the AI's proposals on what
      // became of them is such processing, so nothing more is kept (their outcomes went with it).
      if (seeker.aiObjection) throw outcomeRefusedByObjection(seekerId);
      const sets = await deps.recommendations.listForSeeker(seekerId, trx);
      const proposal = findLatestProposal(sets, courseId);
      if (proposal === undefined) throw noProposal(seekerId, courseId, sets);
      // A later published set rejected the course: the approval is no longer the counselor's word.
      const rejection = findRejectionSince(sets, courseId);
      if (rejection !== undefined) throw proposalRejectedSince(seekerId, courseId, rejection.id);
      // A day, as observedAt is: the day the course was first published, as read in France.
      const firstProposedAt = findFirstProposalTime(sets, courseId);
      const proposedOn = firstProposedAt === undefined ? undefined : parisDayOf(new Date(firstProposedAt));
      if (proposedOn !== undefined && input.observedAt < proposedOn) {
        throw observedBeforeProposal(courseId, proposedOn);
      }
      const previous = await deps.store.find(trx, seekerId, courseId);
      // The same day may correct what was sent; an earlier one may not undo what was learnt since.
      if (previous !== undefined && input.observedAt < previous.observedAt) {
        throw observationOutdated(courseId, previous.observedAt);
      }
      // A call sent again (its answer lost) finds what it wrote: nothing to replace, nothing to log.
      if (previous !== undefined && isSameOutcome(previous, input, proposal)) {
        return { outcome: previous, created: false };
      }
      const stamp = now.toISOString();
      const outcome: CourseOutcome = {
        id: previous?.id ?? createTimeOrderedId(),
        seekerId,
        courseId,
        entered: input.entered,
        employedWithinSixMonths: input.employedWithinSixMonths,
        observedAt: input.observedAt,
        proposal,
        version: (previous?.version ?? 0) + 1,
        createdAt: previous?.createdAt ?? stamp,
        updatedAt: stamp,
      };
      await deps.store.save(trx, outcome);
      await deps.decisionLog.append(trx, {
        type: 'outcome.recorded',
        actor: { role: 'integration', id: caller.subject },
        subjectId: seekerId,
        payload: {
          setId: proposal.setId,
          itemId: proposal.itemId,
          courseId,
          source: proposal.source,
          model: proposal.model,
          version: outcome.version,
        },
        // The score is derived from the person's data: sealed, as everywhere in the log.
        personal: {
          entered: outcome.entered,
          employedWithinSixMonths: outcome.employedWithinSixMonths,
          observedAt: outcome.observedAt,
          predictedScore: proposal.predictedScore,
        },
      });
      return { outcome, created: previous === undefined };
    });
  }
}
