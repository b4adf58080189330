import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { NotFoundError } from '../shared/errors.ts';
import { isOnCaseloadOf, type JobSeeker, type JobSeekerInput } from './job-seeker.ts';
import type { JobSeekerStore } from './job-seeker-store.ts';

/**
 * Withdraws the suggestions still open for review of someone who moved to another counselor, in
 * the sync's transaction; returns the ids of the sets withdrawn.
 */
export type OpenSetsWithdrawal = (trx: Knex.Transaction, seekerId: string) => Promise<string[]>;

export class JobSeekerService {
  constructor(
    private readonly store: JobSeekerStore,
    private readonly decisionLog: DecisionLog,
    private readonly now: () => Date,
    private readonly withdrawOpenSets: OpenSetsWithdrawal,
  ) {}

  /**
   * Creates or replaces a profile as synced from the case-management system, and logs the sync
   * (which fields changed, not their values: those stay in the profile). When the person moves to
   * another counselor, the sets still open with the previous one are withdrawn: the previous
   * counselor may no longer publish to them, and the new one starts from fresh suggestions.
   */
  async upsertJobSeeker(
    caller: Principal,
    id: string,
    input: JobSeekerInput,
  ): Promise<{ jobSeeker: JobSeeker; created: boolean }> {
    return this.decisionLog.withTransaction(async (trx) => {
      const { jobSeeker, created, previous } = await this.store.upsert(id, input, this.now(), trx);
      const changedFields =
        previous === undefined
          ? []
          : (Object.keys(input) as Array<keyof JobSeekerInput>).filter(
              (field) => JSON.stringify(previous[field]) !== JSON.stringify(input[field]),
            );
      const caseloadChanged = changedFields.includes('counselorId');
      const withdrawnSetIds = caseloadChanged ? await this.withdrawOpenSets(trx, id) : [];
      await this.decisionLog.append(trx, {
        type: 'job_seeker.upserted',
        actor: { role: caller.roles.includes('integration') ? 'integration' : 'admin', id: caller.subject },
        subjectId: id,
        payload: { created, changedFields, caseloadChanged, withdrawnSetIds },
      });
      return { jobSeeker, created };
    });
  }

  /**
   * A profile for the counselor whose caseload holds it. Anyone else learns nothing: the error
   * is the same as for an id that does not exist.
   */
  async getJobSeekerForCounselor(counselor: Principal, id: string): Promise<JobSeeker> {
    const jobSeeker = await this.store.findById(id);
    if (jobSeeker === undefined || !isOnCaseloadOf(jobSeeker, counselor)) throw jobSeekerNotFound(id);
    return jobSeeker;
  }
}

export function jobSeekerNotFound(id: string): NotFoundError {
  return new NotFoundError(`job seeker ${id} was not found`);
}
