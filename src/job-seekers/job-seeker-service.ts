import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { JobSeeker, JobSeekerInput } from './job-seeker.ts';
import type { JobSeekerStore } from './job-seeker-store.ts';

export class JobSeekerService {
  constructor(
    private readonly store: JobSeekerStore,
    private readonly decisionLog: DecisionLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Creates or replaces a profile as synced from the case-management system, and logs the sync
   * (which fields changed, not their values: those stay in the profile).
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
      await this.decisionLog.append(trx, {
        type: 'job_seeker.upserted',
        actor: { role: caller.roles.includes('integration') ? 'integration' : 'admin', id: caller.subject },
        subjectId: id,
        payload: { created, changedFields, caseloadChanged: changedFields.includes('counselorId') },
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
    if (jobSeeker === undefined || jobSeeker.counselorId !== counselor.subject) throw jobSeekerNotFound(id);
    return jobSeeker;
  }
}

export function jobSeekerNotFound(id: string): NotFoundError {
  return new NotFoundError(`job seeker ${id} was not found`);
}
