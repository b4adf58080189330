import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';

const SQLITE_EVENTS = ['insert', 'update', 'delete'] as const;

/**
 * Any change to the courses, including one made by hand in SQL, bumps the catalog version, so
 * that every API process's in-memory catalog notices it (see src/courses/catalog-snapshot.ts).
 * The store still bumps the version first thing in each of its writes: on PostgreSQL that takes
 * the version row's lock before any course row's, so two concurrent imports queue instead of
 * deadlocking. PostgreSQL bumps once per statement; SQLite, which only has row triggers, once per row.
 */
export async function up(knex: Knex): Promise<void> {
  if (engineOf(knex) === 'postgres') {
    await knex.raw(`
      create function bump_catalog_version() returns trigger language plpgsql as $$
      begin
        update catalog_state set version = version + 1 where id = 1;
        return null;
      end $$`);
    await knex.raw(`
      create trigger courses_bump_catalog_version after insert or update or delete or truncate on courses
      for each statement execute function bump_catalog_version()`);
    return;
  }
  for (const event of SQLITE_EVENTS) {
    await knex.raw(`
      create trigger courses_bump_catalog_version_after_${event} after ${event} on courses
      begin
        update catalog_state set version = version + 1 where id = 1;
      end`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (engineOf(knex) === 'postgres') {
    await knex.raw('drop trigger courses_bump_catalog_version on courses');
    await knex.raw('drop function bump_catalog_version()');
    return;
  }
  for (const event of SQLITE_EVENTS) {
    await knex.raw(`drop trigger courses_bump_catalog_version_after_${event}`);
  }
}
