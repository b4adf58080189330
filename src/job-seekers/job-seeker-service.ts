import type { Principal } from '../auth/principal.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { JobSeeker, JobSeekerInput } from './job-seeker.ts';
import type { JobSeekerStore } from './job-seeker-store.ts';

export class JobSeekerService {
  constructor(
    private readonly store: JobSeekerStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates or replaces a profile as synced from the case-management system. */
  async upsertJobSeeker(
    id: string,
    input: JobSeekerInput,
  ): Promise<{ jobSeeker: JobSeeker; created: boolean }> {
    return this.store.upsert(id, input, this.now());
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
