import type { Knex } from 'knex';
import { resolveWithin } from '../shared/resolve-within.ts';
import { engineOf } from './engine.ts';

/** A pg client as knex makes one: the socket under it can be cut. */
export interface CuttableConnection {
  connection?: { stream?: { destroy(): void } } | undefined;
}

interface RawPgConnection extends CuttableConnection {
  query(text: string): Promise<unknown>;
}

/** The database server did not answer in time: frozen, or behind a network that drops packets. */
export class ServerDidNotAnswerError extends Error {
  constructor(withinMs: number) {
    super(`the database server did not answer within ${withinMs} ms`);
    this.name = 'ServerDidNotAnswerError';
  }
}

/**
 * Cuts a PostgreSQL connection's socket rather than ending it: ending waits for the server, which may
 * be the one that stopped answering. A query waiting on it rejects at once (the connection is lost),
 * and knex's pool drops it.
 */
export function cutConnection(connection: CuttableConnection): void {
  connection.connection?.stream?.destroy();
}

/**
 * Whether the database server answers, asked on a connection of its own rather than one of the
 * pool's: a pool whose every connection is in use is a busy instance, not one that cannot reach its
 * database. Rejects when the server refuses or fails, and with `ServerDidNotAnswerError` when it has
 * not answered within `withinMs` (a frozen server, a network that drops packets: the connection is
 * then cut, not left waiting). On SQLite,
 * whose one connection is never out of reach, a read on it.
 */
export async function reachDatabase(db: Knex, withinMs: number): Promise<void> {
  if (engineOf(db) !== 'postgres') {
    await db.raw('select 1');
    return;
  }
  let connection: RawPgConnection | undefined;
  let late = false;
  const attempt = (async () => {
    connection = (await db.client.acquireRawConnection()) as RawPgConnection;
    if (late) return cutConnection(connection);
    try {
      await connection.query('select 1');
    } finally {
      cutConnection(connection);
    }
  })();
  // Its rejection once late is of no one's concern: the answer was already given.
  attempt.catch(() => undefined);
  if (
    (await resolveWithin(
      attempt.then(() => true),
      withinMs,
      false,
    )) === false
  ) {
    late = true;
    if (connection !== undefined) cutConnection(connection);
    throw new ServerDidNotAnswerError(withinMs);
  }
}
