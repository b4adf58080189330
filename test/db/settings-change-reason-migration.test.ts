import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import { KnexSettingsStore } from '../../src/settings/knex-settings-store.ts';
import { DEFAULT_SETTINGS } from '../../src/settings/settings.ts';
import { type OpenTestDatabase, openTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261204100000_add_change_reason_to_settings';

interface ChangeBefore {
  by: string;
  at: string;
  reason?: string;
}

/**
 * Makes a database as it was before this migration one whose settings were changed as the service
 * changed them then: the row in the columns it had (no reason), and `settings.changed` with the reason.
 */
async function changeSettingsAsBefore(
  { database, db }: OpenTestDatabase,
  changes: ChangeBefore[],
): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: database.dataDir });
  const { decisionLog } = await createDecisionLog(db, config);
  for (const [index, change] of changes.entries()) {
    await decisionLog.withTransaction(async (trx) => {
      const row = {
        ai_enabled: index % 2 === 0,
        blind_first: false,
        second_review_rate: 0,
        set_ttl_hours: 168,
        fast_decision_seconds: 10,
        updated_at: change.at,
        updated_by: change.by,
      };
      await trx('settings')
        .insert({ id: 1, ...row, version: index + 1 })
        .onConflict('id')
        .merge({ ...row, version: index + 1 });
      await decisionLog.append(trx, {
        type: 'settings.changed',
        actor: { role: 'admin', id: change.by },
        payload: {
          changes: [{ setting: 'aiEnabled', from: index % 2 !== 0, to: index % 2 === 0 }],
          ...(change.reason === undefined ? {} : { reason: change.reason }),
        },
      });
    });
  }
}

/** Settings changed before `change_reason` existed get the reason of their last change from the log. */
describe(`migration ${MIGRATION}`, () => {
  let opened: OpenTestDatabase | undefined;

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('gives the last change the reason its settings.changed event holds', async () => {
    opened = await openTestDatabase({ before: MIGRATION });
    const { db } = opened;
    await changeSettingsAsBefore(opened, [
      { by: 'ops-1', at: '2026-12-01T08:00:00.000Z', reason: 'Essai du coupe-circuit' },
      { by: 'ops-2', at: '2026-12-02T09:30:00.000Z', reason: 'Incident 2026-14 : suggestions suspendues' },
    ]);
    await migrateToLatest(db);
    expect((await new KnexSettingsStore(db).get()).lastChange).toEqual({
      by: 'ops-2',
      at: '2026-12-02T09:30:00.000Z',
      reason: 'Incident 2026-14 : suggestions suspendues',
    });
  });

  it('gives no reason to a last change made without one, whatever the changes before it said', async () => {
    opened = await openTestDatabase({ before: MIGRATION });
    const { db } = opened;
    await changeSettingsAsBefore(opened, [
      { by: 'ops-1', at: '2026-12-01T08:00:00.000Z', reason: 'Essai du coupe-circuit' },
      { by: 'ops-1', at: '2026-12-01T08:05:00.000Z' },
    ]);
    await migrateToLatest(db);
    expect((await new KnexSettingsStore(db).get()).lastChange).toEqual({
      by: 'ops-1',
      at: '2026-12-01T08:05:00.000Z',
      reason: null,
    });
  });

  it('leaves settings nobody changed as the defaults, with no last change', async () => {
    opened = await openTestDatabase({ before: MIGRATION });
    const { db } = opened;
    await changeSettingsAsBefore(opened, []);
    await migrateToLatest(db);
    expect(await new KnexSettingsStore(db).get()).toEqual({
      ...DEFAULT_SETTINGS,
      lastChange: null,
      version: 0,
    });
  });
});
