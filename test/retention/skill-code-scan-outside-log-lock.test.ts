import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionStore } from '../../src/retention/retention-store.ts';
import { createGate } from '../support/gate.ts';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, putSeeker, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** Long enough for a sync on a loaded machine; a sync waiting for the held scan never ends. */
const SYNC_WAIT_MS = 20_000;

/**
 * The daily retention run reads every stored profile to find skill codes a sync refuses (stored
 * before it did). That scan runs outside the decision log's lock: the service's writes, each
 * appending an event, do not wait for it; only the profiles it found are read again, locked, and
 * rewritten in the run's transaction.
 */
describe("the retention run's scan for stored status codes", () => {
  let t: TestApp;

  const storedSkills = async (seekerId: string): Promise<unknown> => {
    const row = await t.container.db('job_seekers').where({ id: seekerId }).first('skills');
    return JSON.parse(String(row?.skills));
  };

  beforeAll(async () => {
    ({ t } = await startWorkflowApp());
    for (const seekerId of ['js-coded', 'js-synced-meanwhile']) {
      await syncSeeker(t, seekerId, aWorkflowSeeker({ skills: ['accueil'] }));
      // Written straight into the table, as a version without the sync's check stored it.
      await t.container
        .db('job_seekers')
        .where({ id: seekerId })
        .update({ skills: JSON.stringify(['accueil', 'rqth']) });
    }
  });
  afterAll(() => t.close());

  it('keeps no sync waiting while it reads every profile, and rewrites only what is still stored', async () => {
    const store = (t.container.retention as unknown as { deps: { store: RetentionStore } }).deps.store;
    const scan = store.findProfilesWithSkillCodes.bind(store);
    const scanning = createGate();
    const release = createGate();
    store.findProfilesWithSkillCodes = async (keep) => {
      const found = await scan(keep);
      scanning.open();
      await release.opened;
      return found;
    };
    let run: ReturnType<typeof t.container.retention.purgeExpired> | undefined;
    try {
      run = t.container.retention.purgeExpired();
      await scanning.opened;
      const sync = await Promise.race([
        putSeeker(t, 'js-synced-meanwhile', aWorkflowSeeker({ skills: ['accueil', 'encaissement'] })),
        new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), SYNC_WAIT_MS)),
      ]);
      expect(sync === 'waiting' ? sync : sync.status, 'a sync during the scan').toBe(200);
    } finally {
      release.open();
      store.findProfilesWithSkillCodes = scan;
    }
    const report = await run;
    // The profile synced during the scan is left as synced; the other loses its code.
    expect(report?.purged.skillCodes).toBe(1);
    expect(await storedSkills('js-synced-meanwhile')).toEqual(['accueil', 'encaissement']);
    expect(await storedSkills('js-coded')).toEqual(['accueil']);
  }, 60_000);
});
