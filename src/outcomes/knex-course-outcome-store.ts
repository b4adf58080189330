import type { Knex } from 'knex';
import { readBoolean, readNullableNumber, readNullableString, readNumber } from '../db/row-values.ts';
import type { ItemSource } from '../recommendations/recommendation.ts';
import type { CourseOutcome, PublishedItemOutcome } from './course-outcome.ts';
import type { CourseOutcomeStore, PublishedItemOutcomeReader } from './course-outcome-store.ts';

const TABLE = 'course_outcomes';

export class KnexCourseOutcomeStore implements CourseOutcomeStore, PublishedItemOutcomeReader {
  constructor(private readonly db: Knex) {}

  async find(trx: Knex.Transaction, seekerId: string, courseId: string): Promise<CourseOutcome | undefined> {
    const row = await trx(TABLE).where({ seeker_id: seekerId, course_id: courseId }).first();
    return row === undefined ? undefined : toCourseOutcome(row);
  }

  async save(trx: Knex.Transaction, outcome: CourseOutcome): Promise<void> {
    const { proposal } = outcome;
    const values = {
      set_id: proposal.setId,
      item_id: proposal.itemId,
      source: proposal.source,
      model_id: proposal.model?.id ?? null,
      model_version: proposal.model?.version ?? null,
      predicted_score: proposal.predictedScore,
      entered: outcome.entered,
      employed_within_six_months: outcome.employedWithinSixMonths,
      observed_at: outcome.observedAt,
      version: outcome.version,
      updated_at: outcome.updatedAt,
    };
    if (outcome.version === 1) {
      await trx(TABLE).insert({
        id: outcome.id,
        seeker_id: outcome.seekerId,
        course_id: outcome.courseId,
        created_at: outcome.createdAt,
        ...values,
      });
      return;
    }
    await trx(TABLE).where({ id: outcome.id }).update(values);
  }

  async listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<CourseOutcome[]> {
    const rows = await (trx ?? this.db)(TABLE)
      .where({ seeker_id: seekerId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map(toCourseOutcome);
  }

  async deleteForSeeker(trx: Knex.Transaction, seekerId: string): Promise<number> {
    return trx(TABLE).where({ seeker_id: seekerId }).delete();
  }

  async listPublishedItemOutcomes(period: { from?: string; to?: string }): Promise<PublishedItemOutcome[]> {
    const query = this.db('recommendation_items as i')
      .join('recommendation_sets as s', 's.id', 'i.set_id')
      .leftJoin(`${TABLE} as o`, 'o.item_id', 'i.id')
      .where('s.status', 'published')
      .andWhere('i.decision', 'approved')
      .select(
        's.seeker_id',
        's.published_at',
        's.model_id',
        's.model_version',
        'i.source',
        'o.id as outcome_id',
        'o.entered',
        'o.employed_within_six_months',
        'o.predicted_score',
      );
    if (period.from !== undefined) query.andWhere('s.published_at', '>=', period.from);
    if (period.to !== undefined) query.andWhere('s.published_at', '<', period.to);
    const rows: Array<Record<string, unknown>> = await query;
    return rows.map((row) => {
      const source = row.source as ItemSource;
      const modelId = readNullableString(row.model_id);
      return {
        seekerId: String(row.seeker_id),
        publishedAt: String(row.published_at),
        source,
        model:
          source === 'model' && modelId !== null ? { id: modelId, version: String(row.model_version) } : null,
        outcome:
          row.outcome_id === null || row.outcome_id === undefined
            ? null
            : {
                entered: readBoolean(row.entered),
                employedWithinSixMonths: readNullableBoolean(row.employed_within_six_months),
                predictedScore: readNullableNumber(row.predicted_score),
              },
      };
    });
  }
}

function readNullableBoolean(value: unknown): boolean | null {
  return value === null || value === undefined ? null : readBoolean(value);
}

function toCourseOutcome(row: Record<string, unknown>): CourseOutcome {
  const modelId = readNullableString(row.model_id);
  return {
    id: String(row.id),
    seekerId: String(row.seeker_id),
    courseId: String(row.course_id),
    entered: readBoolean(row.entered),
    employedWithinSixMonths: readNullableBoolean(row.employed_within_six_months),
    observedAt: String(row.observed_at),
    proposal: {
      setId: String(row.set_id),
      itemId: String(row.item_id),
      source: row.source as ItemSource,
      model: modelId === null ? null : { id: modelId, version: String(row.model_version) },
      predictedScore: readNullableNumber(row.predicted_score),
    },
    version: readNumber(row.version),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}
