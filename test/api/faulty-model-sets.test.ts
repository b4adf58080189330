import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { registerAndActivate } from '../support/model-activation.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decideAll,
  putSettings,
  readSet,
  requestManualSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The shipped model, active from the start: the one found faulty. */
const FAULTY_ID = 'aiguillage-ebm-1.1.0';
const MINUTE = 60_000;

interface SummaryBody {
  id: string;
  seekerId: string;
  status: string;
  model: { id: string; version: string; sha256: string } | null;
}

/**
 * A model found faulty: its sets are found in the queue by its id (`modelId`), reviewed again and,
 * when published, retracted by their counselors.
 */
describe("finding a faulty model's sets in the queue (GET /v1/recommendations?modelId=…)", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let replacement: TestModelFolder;
  /** The sets made before and after the replacement was activated, and one made by hand. */
  const sets = {
    faultyPublished: '',
    faultyOpen: '',
    faultyDrawn: '',
    laterPublished: '',
    laterOpen: '',
    laterDrawn: '',
    byHand: '',
  };

  /** A set of `seekerId`, decided and handed to a second reviewer. */
  async function handToSecondReview(seekerId: string): Promise<string> {
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id);
      const handed = await act(t, counselor, set.id, 'publish', etag);
      expect(handed.body.status).toBe('awaiting_second_review');
      return set.id;
    } finally {
      await putSettings(t, {});
    }
  }

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    // Same ONNX file, another manifest: another model in the registry, with the same sha256.
    replacement = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp({
      env: { MODELS_DIR: modelsDir.dir },
    }));
    const admin = await t.tokenFor('admin', 'ops-1');
    for (const seekerId of ['js-m1', 'js-m2', 'js-m3', 'js-m4', 'js-m5', 'js-hand'])
      await syncSeeker(t, seekerId);

    sets.faultyPublished = (await createAndPublish(t, counselor, 'js-m1', { approve: 1 })).id;
    clock.advance(MINUTE);
    sets.faultyOpen = (await createSet(t, counselor, 'js-m2')).set.id;
    clock.advance(MINUTE);
    sets.faultyDrawn = await handToSecondReview('js-m3');
    clock.advance(MINUTE);

    // The model is found faulty: an admin activates another one in its place.
    await registerAndActivate(t, admin, replacement);

    sets.laterPublished = (await createAndPublish(t, counselor, 'js-m1', { approve: 1 })).id;
    clock.advance(MINUTE);
    // Another person: asking again for js-m2 would withdraw the faulty model's open set.
    sets.laterOpen = (await createSet(t, counselor, 'js-m5')).set.id;
    clock.advance(MINUTE);
    sets.laterDrawn = await handToSecondReview('js-m4');
    clock.advance(MINUTE);
    await putSettings(t, { aiEnabled: false });
    try {
      const byHand = await requestManualSet(t, counselor, 'js-hand');
      expect(byHand.status).toBe(201);
      sets.byHand = byHand.body.id;
    } finally {
      await putSettings(t, {});
    }
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  async function queue(token: string, query: string): Promise<SummaryBody[]> {
    const res = await t.http.get(`/v1/recommendations?${query}`).auth(token, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as SummaryBody[];
  }

  const idsOf = (summaries: SummaryBody[]) => summaries.map((summary) => summary.id);

  it('lists the sets a model made, never those of another model nor those made by hand', async () => {
    const faulty = await queue(counselor, `modelId=${FAULTY_ID}`);
    expect(idsOf(faulty)).toEqual([sets.faultyDrawn, sets.faultyOpen, sets.faultyPublished]);
    const later = await queue(counselor, `modelId=${replacement.id}`);
    expect(idsOf(later)).toEqual([sets.laterDrawn, sets.laterOpen, sets.laterPublished]);
    // The two models share their ONNX file: only their ids tell their sets apart.
    expect(new Set([...faulty, ...later].map((summary) => summary.model?.sha256))).toEqual(
      new Set([replacement.sha256]),
    );
    expect(faulty.every((summary) => summary.model?.id === FAULTY_ID)).toBe(true);
    expect(idsOf(await queue(counselor, ''))).toContain(sets.byHand);
    expect(idsOf(await queue(counselor, 'modelId=aiguillage-ebm-9.9.9'))).toEqual([]);
  });

  it('combines the model with the job seeker', async () => {
    expect(idsOf(await queue(counselor, `modelId=${FAULTY_ID}&seekerId=js-m1`))).toEqual([
      sets.faultyPublished,
    ]);
    expect(idsOf(await queue(counselor, `modelId=${replacement.id}&seekerId=js-m1`))).toEqual([
      sets.laterPublished,
    ]);
    expect(await queue(counselor, `modelId=${FAULTY_ID}&seekerId=js-hand`)).toEqual([]);
  });

  it("combines the model with statuses: the faulty model's published sets, to retract, and its open ones, to review again", async () => {
    const published = await queue(counselor, `modelId=${FAULTY_ID}&status=published`);
    expect(idsOf(published)).toEqual([sets.faultyPublished]);
    expect(
      idsOf(await queue(counselor, `modelId=${FAULTY_ID}&status=pending_review,awaiting_second_review`)),
    ).toEqual([sets.faultyDrawn, sets.faultyOpen]);

    const { etag } = await readSet(t, counselor, sets.faultyPublished);
    const retracted = await act(t, counselor, sets.faultyPublished, 'retract', etag, {
      reason: 'Suggestions du modèle 1.1.0, retiré pour défaut.',
    });
    expect(retracted.status).toBe(200);

    expect(await queue(counselor, `modelId=${FAULTY_ID}&status=published`)).toEqual([]);
    expect(await queue(counselor, `modelId=${FAULTY_ID}&status=published&status=retracted`)).toMatchObject([
      { id: sets.faultyPublished, status: 'retracted', model: { id: FAULTY_ID } },
    ]);
    // The later model's publication to the same person is untouched.
    expect(idsOf(await queue(counselor, 'status=published&seekerId=js-m1'))).toEqual([sets.laterPublished]);
  });

  it('narrows the second-review queue by model, status and job seeker as it narrows the caseload queue', async () => {
    const secondReview = (filters: string) => queue(otherCounselor, `queue=second_review&${filters}`);
    expect(idsOf(await secondReview(`modelId=${FAULTY_ID}`))).toEqual([sets.faultyDrawn]);
    expect(idsOf(await secondReview(`modelId=${replacement.id}`))).toEqual([sets.laterDrawn]);
    expect(idsOf(await secondReview(`modelId=${FAULTY_ID}&status=awaiting_second_review,published`))).toEqual(
      [sets.faultyDrawn],
    );
    expect(idsOf(await secondReview(`modelId=${FAULTY_ID}&seekerId=js-m3`))).toEqual([sets.faultyDrawn]);
    // Every set of that queue awaits a second review: another status, or another person, finds none.
    expect(await secondReview(`modelId=${FAULTY_ID}&status=published`)).toEqual([]);
    expect(await secondReview(`modelId=${FAULTY_ID}&seekerId=js-m4`)).toEqual([]);
    // Never to their first reviewer.
    expect(await queue(counselor, `queue=second_review&modelId=${FAULTY_ID}`)).toEqual([]);
  });

  it('refuses a model id the registry could not hold with a 400 problem that names the modelId parameter', async () => {
    const res = await t.http
      .get('/v1/recommendations?modelId=-aiguillage')
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      {
        path: '/query/modelId',
        message:
          'must be 1 to 140 letters, digits or the characters . _ -, starting with a letter or a digit',
      },
    ]);
  });
});
