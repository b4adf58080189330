import type { Knex } from 'knex';

/**
 * Indexes for the auditors' queries on a log of millions of events. The first migration already
 * indexes `(type, seq)` and `(subject, seq)`; this adds the counselor (actor) filter, ending in
 * `seq` so that a page in seq order is read straight from the index, and `(occurred_at, seq)`, a
 * covering index that turns a time range into the range of seqs it spans.
 *
 * On PostgreSQL, `decision_payload_text` reads one member of a payload, or null when the payload
 * is not JSON (a tampered row must not make the auditors' queries fail: verification reports it).
 * SQLite does the same with `json_valid` and `json_extract`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('decision_events', (t) => {
    t.index(['actor_pseudonym', 'seq'], 'decision_events_actor_pseudonym_seq_index');
    t.index(['occurred_at', 'seq'], 'decision_events_occurred_at_seq_index');
  });
  if (String(knex.client.config.client) === 'pg') {
    await knex.raw(`
      create function decision_payload_text(payload text, path text[]) returns text
      language plpgsql immutable strict as $$
      begin
        return payload::jsonb #>> path;
      exception when others then
        return null;
      end $$`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (String(knex.client.config.client) === 'pg') {
    await knex.raw('drop function decision_payload_text(text, text[])');
  }
  await knex.schema.alterTable('decision_events', (t) => {
    t.dropIndex(['occurred_at', 'seq'], 'decision_events_occurred_at_seq_index');
    t.dropIndex(['actor_pseudonym', 'seq'], 'decision_events_actor_pseudonym_seq_index');
  });
}
