import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decide,
  newIdempotencyKey,
  putSettings,
  readSet,
  requestManualSet,
  requestSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * Starting a set by hand withdraws the person's open sets of the model's suggestions, and asking for
 * suggestions withdraws their open sets made by hand (record 0003). The creation's answer said
 * nothing of it: a counselor who had approved courses in the model's set before the switch was
 * thrown (and was advised to start a set by hand), or who had filled a set by hand during the outage
 * and asked for suggestions once it ended, lost that work without a word. The answer now warns about
 * each set it withdrew, and where its decisions are kept; a retry with the same key answers the same.
 */
describe('a new set that withdraws the person’s open set of the other kind', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('warns, when started by hand, that the model’s set under review was withdrawn, with its decisions kept there', async () => {
    await syncSeeker(t, 'js-held', aWorkflowSeeker());
    const { set: modelSet } = await createSet(t, counselor, 'js-held');
    const { set: opened, etag } = await readSet(t, counselor, modelSet.id);
    const approved = await decide(t, counselor, modelSet.id, opened.items[0]?.itemId ?? '', etag, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    await putSettings(t, { aiEnabled: false });
    try {
      const key = newIdempotencyKey();
      const manual = await requestManualSet(t, counselor, 'js-held', key);
      expect(manual.status).toBe(201);
      expect(manual.body.warnings).toEqual([
        {
          code: 'open_set_withdrawn',
          field: 'seekerId',
          setId: modelSet.id,
          message: `set ${modelSet.id} of the model's suggestions, still open for the person, was withdrawn: one person's suggestions and a set by hand are not reviewed side by side. Its decisions are kept there (1 of its ${opened.items.length} items decided: GET /v1/recommendations/${modelSet.id}); add to this set the courses of it that still suit (POST /v1/recommendations/${manual.body.id}/items)`,
        },
      ]);
      const retried = await requestManualSet(t, counselor, 'js-held', key);
      expect(retried.status).toBe(201);
      expect(retried.body.warnings).toEqual(manual.body.warnings);
    } finally {
      await putSettings(t, {});
    }
  });

  it('warns, when suggestions are asked for, that the set made by hand was withdrawn, with the courses added to it', async () => {
    await syncSeeker(t, 'js-outage', aWorkflowSeeker());
    await putSettings(t, { aiEnabled: false });
    let manualSetId: string;
    try {
      const manual = await requestManualSet(t, counselor, 'js-outage');
      expect(manual.status).toBe(201);
      manualSetId = manual.body.id;
      const added = await act(t, counselor, manualSetId, 'items', String(manual.headers.etag), {
        courseId: 'LYON-AS-2',
        reason: 'Choisie avec la personne en entretien',
      });
      expect(added.status).toBe(201);
    } finally {
      await putSettings(t, {});
    }
    const suggested = await requestSet(t, counselor, 'js-outage');
    expect(suggested.status).toBe(201);
    expect(suggested.body.warnings).toEqual([
      {
        code: 'open_set_withdrawn',
        field: 'seekerId',
        setId: manualSetId,
        message: `set ${manualSetId} made by hand, still open for the person, was withdrawn: once suggestions can be asked for, they take over from a set by hand. Its courses are kept there (1 added: GET /v1/recommendations/${manualSetId}); add to this set those that still suit (POST /v1/recommendations/${suggested.body.id}/items)`,
      },
    ]);
  });

  it('warns about nothing when the person had no open set of the other kind', async () => {
    await syncSeeker(t, 'js-clean', aWorkflowSeeker());
    const suggested = await requestSet(t, counselor, 'js-clean');
    expect(suggested.status).toBe(201);
    expect(suggested.body.warnings).toBeUndefined();
  });
});
