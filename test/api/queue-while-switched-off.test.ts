import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createSet, decideAll, putSettings, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A set of the model's whose items are all decided looks ready to publish in the queue; while the
 * kill switch is on, it cannot be. The page says so, so that the counselor's tool need not open
 * each set to find out.
 */
describe('the review queue while suggestions are switched off', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    await putSettings(t, {});
    await t.close();
  });

  async function readQueue(query = '') {
    const res = await t.http.get(`/v1/recommendations${query}`).auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as {
      items: Array<{ id: string; pendingCount: number }>;
      suggestionsSwitchedOff: boolean;
    };
  }

  it('says on every page that suggestions are switched off, and no longer once they are back on', async () => {
    await syncSeeker(t, 'js-queue-off');
    const { set } = await createSet(t, counselor, 'js-queue-off', { limit: 1 });
    await decideAll(t, counselor, set.id);
    expect((await readQueue()).suggestionsSwitchedOff).toBe(false);

    await putSettings(t, { aiEnabled: false });
    const held = await readQueue();
    expect(held.suggestionsSwitchedOff).toBe(true);
    expect(held.items.find((item) => item.id === set.id)?.pendingCount).toBe(0);
    // A page that lists nothing says it too: the switch is the deployment's, not a set's.
    expect((await readQueue('?seekerId=nobody-here')).suggestionsSwitchedOff).toBe(true);

    await putSettings(t, { aiEnabled: true });
    expect((await readQueue()).suggestionsSwitchedOff).toBe(false);
  });
});
