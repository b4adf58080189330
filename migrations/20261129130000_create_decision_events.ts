import type { Knex } from 'knex';

/** The chain's starting point: the `prevHash` of event 1. */
const GENESIS_HASH = '0'.repeat(64);

/**
 * The decision log: the events, the one-row chain head that serialises appends, the signed
 * checkpoints and the per-job-seeker data keys. The database itself refuses to update or delete
 * events and checkpoints, and to delete or rewind the head (DESIGN.md, "The decision log").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('decision_events', (t) => {
    t.bigInteger('seq').primary();
    t.string('event_id', 36).notNullable().unique();
    t.string('type', 64).notNullable();
    t.string('occurred_at', 30).notNullable();
    t.string('actor_role', 32).notNullable();
    t.string('actor_pseudonym', 64).notNullable();
    t.string('subject', 64);
    // Canonical JSON kept as text: a json column would reorder or reformat it on PostgreSQL.
    t.text('payload').notNullable();
    t.text('personal');
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['subject', 'seq']);
    t.index(['type', 'seq']);
  });
  await knex.schema.createTable('decision_log_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
    t.check('?? = 1', ['id'], 'decision_log_head_single_row');
  });
  await knex('decision_log_head').insert({ id: 1, seq: 0, hash: GENESIS_HASH });
  await knex.schema.createTable('decision_checkpoints', (t) => {
    t.bigInteger('seq').primary();
    t.string('hash', 64).notNullable();
    t.string('signed_at', 30).notNullable();
    t.string('key_id', 64).notNullable();
    t.text('signature').notNullable();
  });
  await knex.schema.createTable('subject_keys', (t) => {
    t.string('key_id', 36).primary();
    t.string('subject', 64).notNullable().unique();
    t.text('wrapped_key').notNullable();
    t.string('created_at', 30).notNullable();
  });

  if (String(knex.client.config.client) === 'pg') {
    await knex.raw(`
      create function decision_log_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % refused', tg_table_name, tg_op;
      end $$`);
    await knex.raw(`
      create function decision_log_head_refuse_rewind() returns trigger language plpgsql as $$
      begin
        if new.seq < old.seq then
          raise exception 'decision_log_head cannot move back from % to %', old.seq, new.seq;
        end if;
        return new;
      end $$`);
    for (const table of ['decision_events', 'decision_checkpoints']) {
      await knex.raw(`
        create trigger ${table}_append_only before update or delete on ${table}
        for each row execute function decision_log_refuse_change()`);
      // Row triggers do not fire on TRUNCATE.
      await knex.raw(`
        create trigger ${table}_no_truncate before truncate on ${table}
        for each statement execute function decision_log_refuse_change()`);
    }
    await knex.raw(`
      create trigger decision_log_head_no_delete before delete or truncate on decision_log_head
      for each statement execute function decision_log_refuse_change()`);
    await knex.raw(`
      create trigger decision_log_head_no_rewind before update on decision_log_head
      for each row execute function decision_log_head_refuse_rewind()`);
  } else {
    for (const table of ['decision_events', 'decision_checkpoints']) {
      await knex.raw(`
        create trigger ${table}_no_update before update on ${table}
        begin select raise(abort, '${table} is append-only: UPDATE refused'); end`);
      await knex.raw(`
        create trigger ${table}_no_delete before delete on ${table}
        begin select raise(abort, '${table} is append-only: DELETE refused'); end`);
    }
    await knex.raw(`
      create trigger decision_log_head_no_delete before delete on decision_log_head
      begin select raise(abort, 'decision_log_head is append-only: DELETE refused'); end`);
    await knex.raw(`
      create trigger decision_log_head_no_rewind before update on decision_log_head
      when new.seq < old.seq
      begin select raise(abort, 'decision_log_head cannot move back'); end`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subject_keys');
  await knex.schema.dropTable('decision_checkpoints');
  await knex.schema.dropTable('decision_log_head');
  await knex.schema.dropTable('decision_events');
  if (String(knex.client.config.client) === 'pg') {
    await knex.raw('drop function decision_log_head_refuse_rewind()');
    await knex.raw('drop function decision_log_refuse_change()');
  }
}
