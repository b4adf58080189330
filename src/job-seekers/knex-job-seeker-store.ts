import type { Knex } from 'knex';
import {
  readBoolean,
  readGeoPoint,
  readNullableString,
  readNumber,
  readStringArray,
  toGeoPointColumns,
} from '../db/row-values.ts';
import { runTransaction } from '../db/run-transaction.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import {
  type JobSeeker,
  type JobSeekerInput,
  type JobSeekerStanding,
  keepUsableSkills,
} from './job-seeker.ts';
import type { JobSeekerStore } from './job-seeker-store.ts';

const TABLE = 'job_seekers';
/** What `JobSeekerStanding` reads of the row. */
const STANDING_COLUMNS = ['id', 'enrolment_id', 'created_at', 'counselor_id', 'ai_objection'] as const;

export class KnexJobSeekerStore implements JobSeekerStore {
  constructor(private readonly db: Knex) {}

  async findById(id: string, trx?: Knex.Transaction): Promise<JobSeeker | undefined> {
    const row = await (trx ?? this.db)(TABLE).where({ id }).first();
    return row === undefined ? undefined : toJobSeeker(row);
  }

  async lockById(trx: Knex.Transaction, id: string): Promise<JobSeeker | undefined> {
    const row = await trx(TABLE).where({ id }).forUpdate().first();
    return row === undefined ? undefined : toJobSeeker(row);
  }

  async findStanding(id: string, trx?: Knex.Transaction): Promise<JobSeekerStanding | undefined> {
    const row = await (trx ?? this.db)(TABLE)
      .where({ id })
      .first(...STANDING_COLUMNS);
    return row === undefined ? undefined : toStanding(row);
  }

  async lockStanding(trx: Knex.Transaction, id: string): Promise<JobSeekerStanding | undefined> {
    const row = await trx(TABLE)
      .where({ id })
      .forUpdate()
      .first(...STANDING_COLUMNS);
    return row === undefined ? undefined : toStanding(row);
  }

  async upsert(
    id: string,
    input: JobSeekerInput,
    now: Date,
    trx?: Knex.Transaction,
  ): Promise<{ jobSeeker: JobSeeker; created: boolean; previous?: JobSeeker }> {
    const write = async (t: Knex.Transaction) => {
      const existing = await t(TABLE).where({ id }).forUpdate().first();
      const stamp = now.toISOString();
      const values = toRow(input, stamp);
      if (existing === undefined) {
        // Each insert is an enrolment; a sync of the same enrolment keeps its id.
        await t(TABLE).insert({
          id,
          ...values,
          ai_objection: false,
          enrolment_id: createTimeOrderedId(),
          created_at: stamp,
        });
      } else {
        // A profile written without an id (by a process of a version before it) is given one.
        const enrolment = existing.enrolment_id ?? createTimeOrderedId();
        await t(TABLE)
          .where({ id })
          .update({ ...values, enrolment_id: enrolment });
      }
      const row = await t(TABLE).where({ id }).first();
      const jobSeeker = toJobSeeker(row);
      return existing === undefined
        ? { jobSeeker, created: true }
        : { jobSeeker, created: false, previous: readStoredProfile(existing) };
    };
    return trx === undefined ? runTransaction(this.db, write) : write(trx);
  }

  // The objection's time has a column of its own: `updated_at` stays the profile's last sync, from
  // which its counts are aged (months unemployed).
  async recordObjection(trx: Knex.Transaction, id: string, at: Date): Promise<boolean> {
    const changed = await trx(TABLE)
      .where({ id })
      .update({ ai_objection: true, objection_changed_at: at.toISOString() });
    return changed > 0;
  }

  async withdrawObjection(trx: Knex.Transaction, id: string, at: Date): Promise<boolean> {
    const changed = await trx(TABLE)
      .where({ id, ai_objection: true })
      .update({ ai_objection: false, objection_changed_at: at.toISOString() });
    return changed > 0;
  }
}

function toRow(input: JobSeekerInput, stamp: string): Record<string, unknown> {
  return {
    counselor_id: input.counselorId,
    target_occupations: JSON.stringify(input.targetOccupations),
    education_level: input.educationLevel,
    skills: JSON.stringify(input.skills),
    years_experience: input.yearsExperience,
    months_unemployed: input.monthsUnemployed,
    ...toGeoPointColumns(input.location),
    mobility_radius_km: input.mobilityRadiusKm,
    remote_ok: input.remoteOk,
    available_from: input.availableFrom,
    updated_at: stamp,
  };
}

function toStanding(row: Record<string, unknown>): JobSeekerStanding {
  return {
    id: String(row.id),
    enrolmentId: readNullableString(row.enrolment_id),
    createdAt: String(row.created_at),
    counselorId: String(row.counselor_id),
    aiObjection: readBoolean(row.ai_objection),
  };
}

function toJobSeeker(row: Record<string, unknown>): JobSeeker {
  const stored = readStoredProfile(row);
  // A code a sync would refuse, stored before it did, is never read out (the retention run removes it).
  return { ...stored, skills: keepUsableSkills(stored.skills) };
}

/** The profile as the row holds it, skill codes never read out included: what a sync replaces. */
function readStoredProfile(row: Record<string, unknown>): JobSeeker {
  return {
    id: String(row.id),
    counselorId: String(row.counselor_id),
    targetOccupations: readStringArray(row.target_occupations),
    educationLevel: readNumber(row.education_level),
    skills: readStringArray(row.skills),
    yearsExperience: readNumber(row.years_experience),
    monthsUnemployed: readNumber(row.months_unemployed),
    location: readGeoPoint(row),
    mobilityRadiusKm: readNumber(row.mobility_radius_km),
    remoteOk: readBoolean(row.remote_ok),
    availableFrom: readNullableString(row.available_from),
    aiObjection: readBoolean(row.ai_objection),
    enrolmentId: readNullableString(row.enrolment_id),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}
