import type { Knex } from 'knex';

/**
 * Every key that has signed the log's checkpoints, by key id (RFC 7638 thumbprint), with when it
 * was retired: after a rotation the checkpoints signed before still verify with the key that
 * signed them, and none signed by a retired key after its retirement does. The key in use is
 * recorded by the first process that starts with it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('log_signing_keys', (t) => {
    t.string('key_id', 64).primary();
    t.text('public_key_pem').notNullable();
    t.string('recorded_at', 30).notNullable();
    t.string('retired_at', 30).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_signing_keys');
}
