import type { Knex } from 'knex';

export type Engine = 'sqlite' | 'postgres';

/** The engine a knex instance runs on. */
export function engineOf(db: Knex): Engine {
  const client = String(db.client.config.client);
  return client === 'pg' ? 'postgres' : 'sqlite';
}
