import type { Knex } from 'knex';
import { engineOf } from './database.ts';

/** A pg client as knex makes one outside its pool: the socket under it can be cut. */
interface RawPgConnection {
  query(text: string): Promise<unknown>;
  connection?: { stream?: { destroy(): void } };
}

/**
 * Whether the database server answers, asked on a connection of its own rather than one of the
 * pool's: a pool whose every connection is in use is a busy instance, not one that cannot reach its
 * database. Rejects when the server refuses, fails, or has not answered within `withinMs` (a frozen
 * server, a network that drops packets: the connection is then cut, not left waiting). On SQLite,
 * whose one connection is never out of reach, a read on it.
 */
export async function reachDatabase(db: Knex, withinMs: number): Promise<void> {
  if (engineOf(db) !== 'postgres') {
    await db.raw('select 1');
    return;
  }
  // Connecting is bounded by the connection settings' own timeout (`openDatabase`).
  const connection = (await db.client.acquireRawConnection()) as RawPgConnection;
  // Cut, not ended: ending waits for the server, which may be the one that stopped answering. A
  // query on a cut connection rejects at once.
  const cut = () => connection.connection?.stream?.destroy();
  const timer = setTimeout(cut, withinMs);
  try {
    await connection.query('select 1');
  } finally {
    clearTimeout(timer);
    cut();
  }
}
