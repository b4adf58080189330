import { type CuttableConnection, cutConnection, ServerDidNotAnswerError } from './reach-database.ts';

/** How long a query may run before the server is asked, on a connection of its own, whether it still answers. */
const QUERY_STALL_MS = 5000;

/** How long the server has to answer that question before the stalled queries' connections are cut. */
const SERVER_ANSWER_MS = 2000;

type QueryCallback = (...results: unknown[]) => void;

export interface WatchedConnection extends CuttableConnection {
  query(...args: unknown[]): unknown;
}

interface RunningQuery {
  connection: WatchedConnection;
  startedAt: number;
}

/**
 * Watches the queries of a PostgreSQL pool's connections. A query on a server that froze, or behind
 * a network that drops packets, never answers and never fails: TCP gives up many minutes later, and
 * the request, its connection and its client wait as long. So once a query has run `QUERY_STALL_MS`,
 * the server is asked whether it answers at all (`reach`, on a connection of its own); when it does
 * not, the connections of the queries that were running are cut, and their requests answer 503 as
 * when the connection drops. A slow query on a server that answers runs on, however long it takes.
 */
export class StalledQueryWatch {
  readonly #running = new Set<RunningQuery>();
  readonly #reach: (withinMs: number) => Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #asking = false;

  constructor(reach: (withinMs: number) => Promise<void>) {
    this.#reach = reach;
  }

  /** Watches `connection`'s queries from now on (the pool's `afterCreate`). */
  watch(connection: WatchedConnection): void {
    const query = connection.query.bind(connection);
    connection.query = (...args: unknown[]) => {
      const callback = args.at(-1);
      // Streams and promise-style queries are left alone: knex runs its queries with a callback.
      if (typeof callback !== 'function') return query(...args);
      const running: RunningQuery = { connection, startedAt: Date.now() };
      this.#add(running);
      args[args.length - 1] = (...results: unknown[]) => {
        this.#remove(running);
        (callback as QueryCallback)(...results);
      };
      return query(...args);
    };
  }

  #add(running: RunningQuery): void {
    this.#running.add(running);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.#checkStalled(), QUERY_STALL_MS / 5);
      this.#timer.unref();
    }
  }

  #remove(running: RunningQuery): void {
    this.#running.delete(running);
    if (this.#running.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  async #checkStalled(): Promise<void> {
    if (this.#asking) return;
    const askedAt = Date.now();
    const stalled = [...this.#running].filter((running) => askedAt - running.startedAt >= QUERY_STALL_MS);
    if (stalled.length === 0) return;
    this.#asking = true;
    try {
      await this.#reach(SERVER_ANSWER_MS);
    } catch (error) {
      // A server that answers, if only to refuse (too many connections), is slow, not gone.
      if (!(error instanceof ServerDidNotAnswerError)) return;
      // Only those still running: one that answered meanwhile left a working connection.
      for (const running of stalled) {
        if (this.#running.has(running)) cutConnection(running.connection);
      }
    } finally {
      this.#asking = false;
    }
  }
}
