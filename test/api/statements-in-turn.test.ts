import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { createSet, objectToAi } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * The pg driver queues a statement sent while its connection is busy, and says so once per process
 * with this deprecation warning (pg 9 refuses it): a transaction's statements must go one after the
 * other. SQLite has one connection that knex serialises anyway, hence PostgreSQL only. Its own file:
 * the warning comes once per process, so it must be listened for from the start.
 */
const QUEUED_STATEMENT = 'Calling client.query() when the client is already executing a query';

describe.skipIf(TEST_ENGINE !== 'postgres')('statements on a PostgreSQL transaction', () => {
  const queued: string[] = [];
  const listen = (warning: Error) => {
    if (warning.name === 'DeprecationWarning' && warning.message.includes(QUEUED_STATEMENT)) {
      queued.push(warning.stack ?? warning.message);
    }
  };
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    process.on('warning', listen);
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    process.off('warning', listen);
    await t.close();
  });

  it('sends them one after the other when an objection withdraws the person’s several open sets', async () => {
    for (let i = 0; i < 3; i++) await createSet(t, counselor);
    await objectToAi(t, 'js-1');
    // The warning is emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(queued).toEqual([]);
  });
});
