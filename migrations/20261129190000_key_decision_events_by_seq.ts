import type { Knex } from 'knex';

/**
 * On SQLite, `seq` becomes the table's own key (an INTEGER PRIMARY KEY is the rowid): events are
 * then stored in seq order and a range of seqs is read straight from the table, where a separate
 * index on `seq` cost one more lookup per event (verification reads every event). SQLite cannot
 * change a primary key in place, so the table is rebuilt with the same rows, indexes and
 * append-only triggers; a dropped table fires no delete trigger. PostgreSQL is left as it is.
 */
export async function up(knex: Knex): Promise<void> {
  if (isPostgres(knex)) return;
  await rebuildEvents(knex, 'integer');
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) return;
  await rebuildEvents(knex, 'bigint');
}

async function rebuildEvents(knex: Knex, seqType: 'integer' | 'bigint'): Promise<void> {
  await knex.raw(`
    create table decision_events_rebuilt (
      seq ${seqType} not null,
      event_id varchar(36) not null,
      type varchar(64) not null,
      occurred_at varchar(30) not null,
      actor_role varchar(32) not null,
      actor_pseudonym varchar(64) not null,
      subject varchar(64),
      payload text not null,
      personal text,
      prev_hash varchar(64) not null,
      hash varchar(64) not null,
      primary key (seq)
    )`);
  await knex.raw(`
    insert into decision_events_rebuilt
    select seq, event_id, type, occurred_at, actor_role, actor_pseudonym, subject, payload, personal,
      prev_hash, hash
    from decision_events order by seq`);
  await knex.raw('drop table decision_events');
  await knex.raw('alter table decision_events_rebuilt rename to decision_events');
  const indexes = [
    'unique index decision_events_event_id_unique on decision_events (event_id)',
    'index decision_events_subject_seq_index on decision_events (subject, seq)',
    'index decision_events_type_seq_index on decision_events (type, seq)',
    'index decision_events_actor_pseudonym_seq_index on decision_events (actor_pseudonym, seq)',
    'index decision_events_occurred_at_seq_index on decision_events (occurred_at, seq)',
  ];
  for (const index of indexes) await knex.raw(`create ${index}`);
  await knex.raw(`
    create trigger decision_events_no_update before update on decision_events
    begin select raise(abort, 'decision_events is append-only: UPDATE refused'); end`);
  await knex.raw(`
    create trigger decision_events_no_delete before delete on decision_events
    begin select raise(abort, 'decision_events is append-only: DELETE refused'); end`);
}

function isPostgres(knex: Knex): boolean {
  return String(knex.client.config.client) === 'pg';
}
