import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openConfiguredDatabase } from '../../src/db/database.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

describe.skipIf(TEST_ENGINE !== 'postgres')('a DATABASE_URL with a user and no host', () => {
  it('reaches the server its query names, as pg reads it (a socket folder is given the same way)', async () => {
    const server = new URL(process.env.TEST_DATABASE_URL ?? '');
    // postgres://user@/database?host=…&port=…: the form a socket's URL takes (host=/run/postgresql).
    const hostless = `postgres://${server.username}@${server.pathname}?host=${server.hostname}&port=${server.port || 5432}`;
    const db = openConfiguredDatabase(loadConfig({ DATABASE_URL: hostless }));
    try {
      const { rows } = await db.raw('select current_database() as name, inet_server_port() as port');
      expect(rows[0]).toMatchObject({ name: server.pathname.slice(1), port: Number(server.port || 5432) });
    } finally {
      await db.destroy();
    }
  });
});
