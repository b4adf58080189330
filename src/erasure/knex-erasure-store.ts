import type { Knex } from 'knex';
import type { ErasedRows } from './erasure.ts';
import type { ErasureStore } from './erasure-store.ts';

/**
 * Deletes child rows explicitly rather than through the foreign keys' cascades, so that each
 * count is exact and nothing depends on SQLite's `foreign_keys` pragma being on.
 */
export class KnexErasureStore implements ErasureStore {
  async eraseJobSeekerRows(trx: Knex.Transaction, seekerId: string): Promise<ErasedRows> {
    const setIds = () => trx('recommendation_sets').select('id').where({ seeker_id: seekerId });
    const outcomes = await trx('course_outcomes').where({ seeker_id: seekerId }).delete();
    const fileReads = await trx('file_reads').where({ seeker_id: seekerId }).delete();
    const contestReplies = await trx('contest_replies')
      .where({ seeker_id: seekerId })
      .orWhereIn('item_id', trx('recommendation_items').select('id').whereIn('set_id', setIds()))
      .delete();
    const feedback = await trx('feedback')
      .where({ seeker_id: seekerId })
      .orWhereIn('item_id', trx('recommendation_items').select('id').whereIn('set_id', setIds()))
      .delete();
    const recommendationItems = await trx('recommendation_items').whereIn('set_id', setIds()).delete();
    const recommendationSets = await trx('recommendation_sets').where({ seeker_id: seekerId }).delete();
    const profiles = await trx('job_seekers').where({ id: seekerId }).delete();
    const idempotencyKeys = await deleteStoredAnswers(trx, seekerId);
    return {
      profiles,
      recommendationSets,
      recommendationItems,
      feedback,
      contestReplies,
      outcomes,
      idempotencyKeys,
      fileReads,
    };
  }
}

/**
 * A counselor's Idempotency-Key row names the set it created, or the reply to a contest it wrote,
 * and the person it was for, under the counselor's id (older rows hold the whole set). The rows that
 * mention the person are narrowed with LIKE, then kept only when the stored answer really is theirs.
 */
async function deleteStoredAnswers(trx: Knex.Transaction, seekerId: string): Promise<number> {
  const candidates: Array<Record<string, unknown>> = await trx('idempotency_keys')
    .select('subject', 'key', 'response_body')
    .whereRaw('response_body like ? escape ?', [`%${escapeLike(seekerId)}%`, '\\']);
  let deleted = 0;
  for (const row of candidates) {
    if (storedSeekerId(String(row.response_body)) !== seekerId) continue;
    deleted += await trx('idempotency_keys').where({ subject: row.subject, key: row.key }).delete();
  }
  return deleted;
}

function storedSeekerId(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'seekerId' in parsed) {
      return String(parsed.seekerId);
    }
  } catch {
    // Not a stored set: not this person's.
  }
  return undefined;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
