import type { Knex } from 'knex';

/**
 * The public half of every key that has signed the log's checkpoints, by key id (RFC 7638
 * thumbprint): after a rotation the checkpoints signed before still verify with the key that
 * signed them. Only a key a `log.signing_key_rotated` event of the chain names is taken from here,
 * never the key in use (the process's own), so a row added by hand vouches for nothing. The key in
 * use is recorded by the first process that starts with it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('log_signing_keys', (t) => {
    t.string('key_id', 64).primary();
    t.text('public_key_pem').notNullable();
    t.string('recorded_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_signing_keys');
}
