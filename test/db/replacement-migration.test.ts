import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261205100000_add_replacement_to_sets';
const CREATED_AT = '2026-11-02T08:00:00.000Z';

/** Hours after the first creation, as the columns store a time. */
const at = (hours: number) => new Date(Date.parse(CREATED_AT) + hours * 3_600_000).toISOString();
const setId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A set in the columns recommendation_sets had before this migration (the store writes today's). */
function aSetRowAsBefore(
  seekerId: string,
  n: number,
  status: string,
  more: { publishedHour?: number; retractedHour?: number } = {},
) {
  const published = more.publishedHour === undefined ? {} : { published_at: at(more.publishedHour) };
  return {
    id: setId(n),
    seeker_id: seekerId,
    counselor_id: 'c-001',
    status,
    model_id: 'aiguillage-ebm-1.0.0',
    model_version: '1.0.0',
    model_sha256: 'a'.repeat(64),
    attribution_method: JSON.stringify({ method: 'exact-additive' }),
    created_by: 'c-001',
    created_at: at(n),
    expires_at: at(n + 168),
    version: 3,
    second_review_required: false,
    ...published,
    ...(more.publishedHour === undefined ? {} : { published_by: 'c-001', closed_at: at(more.publishedHour) }),
    ...(more.retractedHour === undefined
      ? {}
      : { retracted_by: 'c-001', retracted_at: at(more.retractedHour), retraction_reason: 'Erreur' }),
  };
}

/**
 * Sets published before replacements were kept get theirs from the order of publications, as the
 * portal orders them (publication time, then id): the next set given after a published one replaced
 * it; a retracted one only when that next set came before its retraction.
 */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('backfills which set replaced each set the person no longer saw, and when; nothing for the set shown, a set retracted while shown, or a set never given', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    for (const seekerId of ['js-a', 'js-b']) {
      await insertJobSeekerAsBefore(db, seekerId, CREATED_AT);
    }
    await db('recommendation_sets').insert([
      // js-a: 1 replaced by 2; 2 retracted while shown (replaced by nothing); 3 and 4 published in
      // the same millisecond (4, the larger id, replaced 3); 5 discarded, 6 open: never given.
      aSetRowAsBefore('js-a', 1, 'published', { publishedHour: 1 }),
      aSetRowAsBefore('js-a', 2, 'retracted', { publishedHour: 2, retractedHour: 3 }),
      aSetRowAsBefore('js-a', 3, 'published', { publishedHour: 10 }),
      aSetRowAsBefore('js-a', 4, 'published', { publishedHour: 10 }),
      aSetRowAsBefore('js-a', 5, 'discarded'),
      aSetRowAsBefore('js-a', 6, 'pending_review'),
      // js-b: 11 replaced by 12 and retracted afterwards; 12, shown, replaced by nothing.
      aSetRowAsBefore('js-b', 11, 'retracted', { publishedHour: 11, retractedHour: 13 }),
      aSetRowAsBefore('js-b', 12, 'published', { publishedHour: 12 }),
    ]);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const rows = await db('recommendation_sets')
      .select('id', 'replaced_by_set_id', 'replaced_at')
      .orderBy('id');
    expect(rows.map((row) => [row.id, row.replaced_by_set_id, row.replaced_at])).toEqual([
      [setId(1), setId(2), at(2)],
      [setId(2), null, null],
      [setId(3), setId(4), at(10)],
      [setId(4), null, null],
      [setId(5), null, null],
      [setId(6), null, null],
      [setId(11), setId(12), at(12)],
      [setId(12), null, null],
    ]);
    // And the store reads them so.
    const store = new KnexRecommendationStore(db);
    expect((await store.findById(setId(1)))?.replacedBy).toEqual({ setId: setId(2), at: at(2) });
    expect((await store.findById(setId(4)))?.replacedBy).toBeNull();
  });
});
