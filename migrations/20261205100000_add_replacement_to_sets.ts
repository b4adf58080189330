import type { Knex } from 'knex';

/**
 * Keeps, with a published set that a later publication took out of the person's sight (the portal
 * shows the latest set given only), which set replaced it and when that set was published. Null for
 * every other set. No foreign key: retention or an erasure may delete either set first, and the
 * other keeps the id.
 *
 * Sets replaced before this was kept get it from the order of publications, the portal's order
 * (`published_at`, then `id`): a set still published that is not the latest given was replaced by
 * the next set given after it, published or retracted since. That is what a publication records from
 * now on: the set it follows was then the latest, still published (a retraction is final). A set
 * retracted since was replaced only when that next set came before its retraction; retracted while
 * it was the latest, it was out of sight already, and the next publication replaced nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('replaced_by_set_id', 36);
    t.string('replaced_at', 30);
  });
  await knex.raw(
    `update recommendation_sets as s
        set replaced_by_set_id = (
          select n.id from recommendation_sets n
           where n.seeker_id = s.seeker_id
             and n.status in ('published', 'retracted')
             and (n.published_at > s.published_at or (n.published_at = s.published_at and n.id > s.id))
           order by n.published_at, n.id
           limit 1)
      where s.status in ('published', 'retracted')`,
  );
  await knex.raw(
    `update recommendation_sets as s
        set replaced_at = (select n.published_at from recommendation_sets n where n.id = s.replaced_by_set_id)
      where s.replaced_by_set_id is not null`,
  );
  await knex('recommendation_sets')
    .where({ status: 'retracted' })
    .whereNotNull('replaced_at')
    .where('replaced_at', '>=', knex.ref('retracted_at'))
    .update({ replaced_by_set_id: null, replaced_at: null });
}

/** Plain `drop column` on both engines, as for the retraction. */
export async function down(knex: Knex): Promise<void> {
  for (const column of ['replaced_at', 'replaced_by_set_id']) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_sets', column]);
  }
}
