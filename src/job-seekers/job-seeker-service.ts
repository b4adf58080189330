import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { DecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { findLatestHoldingEvent } from '../erasure/find-latest-holding-event.ts';
import type { FileReadTracer } from '../file-reads/file-read-service.ts';
import { findStandingObjection } from '../objection/find-standing-objection.ts';
import { type LabelledOccupation, labelOccupations } from '../occupations/occupation-label.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import { screenCode } from '../screening/screen-code.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { parseIsoDay } from '../shared/iso-day.ts';
import { normaliseSkillCodes } from '../shared/skill-codes.ts';
import { takePage } from '../shared/take-page.ts';
import {
  AVAILABILITY_HORIZON_YEARS,
  isOnCaseloadOf,
  type JobSeeker,
  type JobSeekerInput,
  jobSeekerNotFound,
  latestAvailableFrom,
  SubjectErasedError,
} from './job-seeker.ts';
import type { JobSeekerStore } from './job-seeker-store.ts';
import type {
  PersonContest,
  PersonContestPosition,
  PersonContestReader,
  PersonFilePageRequest,
} from './person-contest.ts';

/**
 * Withdraws the suggestions still open for review of someone who moved to another counselor, in
 * the sync's transaction; returns the ids of the sets withdrawn.
 */
export type OpenSetsWithdrawal = (trx: Knex.Transaction, seekerId: string) => Promise<string[]>;

export interface JobSeekerServiceDeps {
  store: JobSeekerStore;
  decisionLog: DecisionLog;
  now: () => Date;
  withdrawOpenSets: OpenSetsWithdrawal;
  contests: PersonContestReader;
  /** The referential of occupation labels, for the codes the person aims at. */
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
  /** Traces each read of a person's file (record 0022). */
  reads: FileReadTracer;
  /** The log's pseudonym of an id, as it names actors: the caseload holder is named so. */
  pseudonymise(id: string): string;
}

/**
 * The person's file as their counselor reads it: the profile, the labels of its target occupations,
 * and one page of the person's contests; `nextAfter` is where the next page starts, null on the last.
 */
export interface JobSeekerFile {
  jobSeeker: JobSeeker;
  /** The target occupations in their order, each with its label in the referential, or null. */
  targetOccupationLabels: LabelledOccupation[];
  contests: PersonContest[];
  nextAfter: PersonContestPosition | null;
}

export class JobSeekerService {
  constructor(private readonly deps: JobSeekerServiceDeps) {}

  /**
   * Creates or replaces a profile as synced from the case-management system, and logs the sync
   * (which fields changed, not their values: those stay in the profile). When the person moves to
   * another counselor, the sets still open with the previous one are withdrawn: the previous
   * counselor may no longer publish to them, and the new one starts from fresh suggestions. A
   * profile created for someone whose earlier profile was purged as idle gets back the objection
   * the decision log says still stands (the case-management system does not carry it), an erasure
   * since notwithstanding: one they withdrew stays gone.
   *
   * A person erased at their request, about whom nothing was held or done since, is not created
   * again (`SubjectErasedError`, nothing written) unless `reEnrol` says the case-management system
   * enrolls them again deliberately; the event records that return (`reEnrolledAfterErasure`). A
   * profile purged as idle was no erasure: it is created again freely.
   */
  async upsertJobSeeker(
    caller: Principal,
    id: string,
    sent: JobSeekerInput,
    { reEnrol = false }: { reEnrol?: boolean } = {},
  ): Promise<{ jobSeeker: JobSeeker; created: boolean }> {
    // Screened as sent, so that a refusal names each code by its place in the request.
    refuseSensitiveSkills(sent.skills);
    refuseFarAvailability(sent.availableFrom, this.deps.now());
    const input = { ...sent, skills: normaliseSkillCodes(sent.skills) };
    const { deps } = this;
    return deps.decisionLog.withTransaction(async (trx) => {
      const now = deps.now();
      const upserted = await deps.store.upsert(id, input, now, trx);
      const { created, previous } = upserted;
      let { jobSeeker } = upserted;
      // Throwing rolls the new profile back: nothing is written.
      const erasure = created ? await findErasureInForce(deps.decisionLog, id, trx) : undefined;
      if (erasure !== undefined && !reEnrol) throw new SubjectErasedError(id, erasure.occurredAt);
      const reEnrolledAfterErasure = erasure !== undefined;
      const objectionRestored =
        created && (await findStandingObjection(deps.decisionLog, id, trx)) !== undefined;
      if (objectionRestored) {
        await deps.store.recordObjection(trx, id, now);
        jobSeeker = { ...jobSeeker, aiObjection: true };
      }
      const changedFields =
        previous === undefined
          ? []
          : (Object.keys(input) as Array<keyof JobSeekerInput>).filter(
              (field) => !isSameFieldValue(field, previous[field], input[field]),
            );
      const caseloadChanged = changedFields.includes('counselorId');
      const withdrawnSetIds = caseloadChanged ? await deps.withdrawOpenSets(trx, id) : [];
      await deps.decisionLog.append(trx, {
        type: 'job_seeker.upserted',
        actor: { role: caller.roles.includes('integration') ? 'integration' : 'admin', id: caller.subject },
        subjectId: id,
        payload: {
          created,
          changedFields,
          caseloadChanged,
          // Whose caseload holds the person from now on, named as actors are: an auditor tells from
          // the log alone that whoever acts on their sets (a retraction, a contest reply) holds it.
          counselor: deps.pseudonymise(jobSeeker.counselorId),
          withdrawnSetIds,
          objectionRestored,
          reEnrolledAfterErasure,
        },
        // The instant the profile (and an objection given back) was stamped with: one reading of
        // the clock for the file and the log.
        at: now,
      });
      return { jobSeeker, created };
    });
  }

  /**
   * The person's file for the counselor whose caseload holds it: the profile with the labels of its
   * target occupations (in one query), and one page of the person's contests with the replies that
   * answered them and who replied. Anyone else learns nothing: the error is the same as for an id
   * that does not exist. Each read is traced before it is answered; with `recordRead: false` (a HEAD,
   * whose answer nobody reads) it is not.
   */
  async getJobSeekerForCounselor(
    counselor: Principal,
    id: string,
    { recordRead = true, limit, readAfter }: PersonFilePageRequest & { recordRead?: boolean },
  ): Promise<JobSeekerFile> {
    const jobSeeker = await this.deps.store.findById(id);
    if (jobSeeker === undefined || !isOnCaseloadOf(jobSeeker, counselor)) throw jobSeekerNotFound(id);
    const after = readAfter?.(jobSeeker.enrolmentId);
    const page = { limit, ...(after === undefined ? {} : { after }) };
    // Read after the profile: an erasure deletes the profile and the contests together, so contests
    // read later are those of the profile read, or of a return after its erasure, which the trace
    // below then refuses.
    const found = await this.deps.contests.listContestsOfSeeker(id, { ...page, limit: page.limit + 1 });
    const labels = await this.deps.occupationLabels.findLabels(jobSeeker.targetOccupations);
    // The file erased meanwhile (and the person perhaps enrolled again): answered as after the
    // erasure, not sent untraced, nor traced as a read of the new enrolment.
    if (
      recordRead &&
      !(await this.deps.reads.recordRead(counselor, {
        seekerId: id,
        role: 'counselor',
        operation: 'getJobSeeker',
        from: { enrolment: jobSeeker },
      }))
    ) {
      throw jobSeekerNotFound(id);
    }
    const { items, next } = takePage(found, page.limit);
    return {
      jobSeeker,
      targetOccupationLabels: labelOccupations(jobSeeker.targetOccupations, labels),
      contests: items,
      nextAfter: next === undefined ? null : { createdAt: next.createdAt, id: next.id },
    };
  }
}

/** The person's erasure, when it is the latest event holding anything about them; read in `trx`. */
async function findErasureInForce(
  log: Pick<DecisionLog, 'findLatestEventAbout'>,
  id: string,
  trx: Knex.Transaction,
): Promise<DecisionEvent | undefined> {
  const latest = await findLatestHoldingEvent(log, id, trx);
  return latest?.type === 'subject.erased' ? latest : undefined;
}

/**
 * Refuses a day of availability later than {@link latestAvailableFrom}: no counselor plans with one
 * (`9999-12-31` written for "unknown", a typo in the year), and it would silently put every course
 * out of the person's reach.
 */
function refuseFarAvailability(availableFrom: string | null, now: Date): void {
  if (availableFrom === null) return;
  const latest = latestAvailableFrom(now);
  if (parseIsoDay(availableFrom) <= parseIsoDay(latest)) return;
  throw new InvalidInputError(
    `availableFrom (${availableFrom}) is more than ${AVAILABILITY_HORIZON_YEARS} years after today: ` +
      `a person is available from ${latest} at the latest; send the day they are, or null when it is now`,
    { field: 'availableFrom', latestAvailableFrom: latest },
  );
}

/**
 * Whether a sync left a field as it was, compared as values: a place sent with its members in
 * another order (`{lon, lat}`) is the place stored, and skill codes sent in another order are the
 * skills held (the model reads them as a set: which ones, not in what order), not a change the log
 * would report. Target occupations keep their order: the manual path lists courses in it.
 */
function isSameFieldValue(field: keyof JobSeekerInput, stored: unknown, sent: unknown): boolean {
  if (field === 'skills' && Array.isArray(stored) && Array.isArray(sent)) {
    return stored.length === sent.length && new Set([...stored, ...sent]).size === stored.length;
  }
  return isDeepStrictEqual(stored, sent);
}

/**
 * Refuses skill codes that name sensitive information (`rqth`): the model reads them, and the
 * profile holds no sensitive attribute (DESIGN.md, principle 4). Each such code is named by its
 * place, not echoed.
 */
function refuseSensitiveSkills(skills: readonly string[]): void {
  const errors = skills.flatMap((skill, index) => {
    const reason = screenCode(skill);
    return reason === undefined ? [] : [{ path: `skills[${index}]`, message: reason }];
  });
  if (errors.length === 0) return;
  throw new InvalidInputError(
    'the skills field holds codes that seem to name sensitive information: leave them out of the profile',
    { field: 'skills', errors },
  );
}
