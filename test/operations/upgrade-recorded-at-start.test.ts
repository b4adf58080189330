import type { Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { MIGRATIONS } from '../../src/db/migrations.ts';
import { startServing } from '../../src/operations/start-serving.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { indexOfMigration, migrateFirst } from '../support/migrate-first.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const PURPOSE = 'review of the upgrades of the service';
/** The first migration the release of 6 December 2026 did not have. */
const FIRST_NEW = '20261223010000_index_events_by_set';
const LATEST = MIGRATIONS.at(-1)?.[0];

interface StartEvent {
  seq: number;
  payload: { schemaVersion?: unknown; migrationsApplied?: unknown };
}

/**
 * An operator upgrades by starting the new release on the database the older one wrote: its start
 * migrates the database. The auditors must be able to tell from the log which starts ran on which
 * schema and which start changed it, since `softwareVersion` (package.json's) stays the same from
 * release to release, and the operator must see in the process log what the start changed.
 */
describe('an upgrade in the decision log', () => {
  let database: TestDatabase | undefined;
  let t: TestApp | undefined;
  const servers: Server[] = [];

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    if (t !== undefined) await t.close();
    else await database?.drop();
  });

  async function startOn(db: TestDatabase, logger = captureLogs()) {
    const app = await startTestApp({ database: db, env: { PORT: '0' }, logger: logger.logger });
    servers.push(await startServing(app.container, app.app));
    return app;
  }

  async function readStarts(app: TestApp): Promise<StartEvent[]> {
    const auditor = await app.tokenFor('auditor', 'aud-1');
    const res = await app.http
      .get('/v1/audit/events?type=service.started')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as StartEvent[]).sort((a, b) => a.seq - b.seq);
  }

  it('records in service.started the schema the start serves and the migrations it applied to a database an older release wrote', async () => {
    database = await createTestDatabase();
    const older = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    const index = indexOfMigration(FIRST_NEW);
    await migrateFirst(older, index);
    await older.destroy();

    const upgrading = captureLogs();
    t = await startOn(database, upgrading);
    const applied = MIGRATIONS.slice(index).map(([name]) => name);
    const [upgrade] = await readStarts(t);
    expect(upgrade?.payload).toMatchObject({ schemaVersion: LATEST, migrationsApplied: applied });
    expect(
      upgrading.find('info', /migrat/).map((line) => line.migrations),
      'the operator reads in the process log what the start applied',
    ).toEqual([applied]);

    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    await t.container.close();
    const restarting = captureLogs();
    t = await startOn(database, restarting);
    const starts = await readStarts(t);
    expect(starts).toHaveLength(2);
    expect(starts[1]?.payload, 'a start on a database already up to date applies none').toMatchObject({
      schemaVersion: LATEST,
      migrationsApplied: [],
    });
    expect(restarting.find('info', /migrat/)).toEqual([]);
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });
});
