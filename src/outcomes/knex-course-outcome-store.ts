import type { Knex } from 'knex';
import {
  readBoolean,
  readNullableBoolean,
  readNullableNumber,
  readNullableString,
  readNumber,
} from '../db/row-values.ts';
import type { ItemSource } from '../recommendations/recommendation.ts';
import type { CourseOutcome } from './course-outcome.ts';
import type { CourseOutcomeStore, PublishedItemCounter } from './course-outcome-store.ts';

const TABLE = 'course_outcomes';

export class KnexCourseOutcomeStore implements CourseOutcomeStore, PublishedItemCounter {
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

  async deleteForSet(trx: Knex.Transaction, setId: string): Promise<number> {
    return trx(TABLE).where({ set_id: setId }).delete();
  }

  async countPublishedItems(period: { from?: string; to?: string }) {
    const query = this.db('recommendation_items as i')
      .join('recommendation_sets as s', 's.id', 'i.set_id')
      .where('s.status', 'published')
      .andWhere('i.decision', 'approved')
      .groupBy('s.model_id', 's.model_version', 'i.source')
      .select('s.model_id', 's.model_version', 'i.source')
      .count({ items: '*' });
    if (period.from !== undefined) query.andWhere('s.published_at', '>=', period.from);
    if (period.to !== undefined) query.andWhere('s.published_at', '<', period.to);
    const rows: Array<Record<string, unknown>> = await query;
    // A counselor's addition has no model, whichever model made the rest of its set.
    const counts = new Map<
      string,
      { model: { id: string; version: string } | null; source: ItemSource; items: number }
    >();
    for (const row of rows) {
      const source = row.source as ItemSource;
      const modelId = readNullableString(row.model_id);
      const model =
        source === 'model' && modelId !== null ? { id: modelId, version: String(row.model_version) } : null;
      const key = JSON.stringify([source, model?.id ?? null, model?.version ?? null]);
      const count = counts.get(key) ?? { model, source, items: 0 };
      count.items += readNumber(row.items);
      counts.set(key, count);
    }
    return [...counts.values()];
  }
}

/** An outcome row as the product reads it. */
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
