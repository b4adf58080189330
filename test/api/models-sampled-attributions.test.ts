import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import { DEFAULT_SHAPLEY_OPTIONS } from '../../src/scoring/sampled-shapley.ts';
import {
  createModelsDir,
  type TestModelFolder,
  writeMlpModelFolder,
} from '../model-registry/support/model-folders.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-12-07T09:00:00.000Z');
const GRENOBLE = { lat: 45.1885, lon: 5.7245 };

interface Attribution {
  feature: string;
  value: number;
  contribution: number;
}
interface Item {
  course: { id: string };
  score: number;
  attributions: Attribution[];
}

function toLogit(p: number): number {
  return Math.log(p / (1 - p));
}

describe('suggestions from a registered model without a contributions output', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let mlp: TestModelFolder;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    mlp = await writeMlpModelFolder(modelsDir.dir);
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir }, now: () => NOW });
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    const integration = await t.tokenFor('integration', 'svc-crm');
    const seeker = await t.http
      .put('/v1/job-seekers/js-1')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ mobilityRadiusKm: 150, remoteOk: true }));
    expect(seeker.status).toBe(201);
    const courses = {
      'SH-01': aCourse(),
      'SH-02': aCourse({ title: 'Auxiliaire de vie', targetOccupations: ['K1302'], durationHours: 600 }),
      'SH-03': aCourse({
        title: 'Agent de sécurité',
        targetOccupations: ['K2503'],
        location: GRENOBLE,
        city: 'Grenoble',
      }),
      'SH-04': aCourse({
        title: 'Secrétaire médical',
        modality: 'remote',
        location: null,
        city: null,
        funded: false,
      }),
      'SH-05': aCourse({
        title: 'Brancardier',
        returnToEmploymentRate: null,
        nextSessionStart: '2027-04-01',
      }),
    };
    for (const [id, course] of Object.entries(courses)) {
      const res = await t.http.put(`/v1/courses/${id}`).auth(admin, { type: 'bearer' }).send(course);
      expect(res.status).toBe(201);
    }
    expect(
      (
        await t.http
          .post('/v1/models')
          .auth(admin, { type: 'bearer' })
          .send({ folder: mlp.folder, sha256: mlp.sha256 })
      ).status,
    ).toBe(201);
    expect(
      (await t.http.post(`/v1/models/${mlp.id}/activate`).auth(admin, { type: 'bearer' }).send()).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  async function suggest(key: string) {
    const res = await t.http
      .post('/v1/job-seekers/js-1/recommendations')
      .auth(counselor, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send({ limit: 4 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { model: { id: string }; attributionMethod: Record<string, unknown>; items: Item[] };
  }

  it('states the sampled method, its sample count and error estimate with the set', async () => {
    const set = await suggest('sampled-1');
    expect(set.model).toMatchObject({ id: 'test-mlp-0.1.0', sha256: mlp.sha256 });
    expect(set.attributionMethod).toEqual({
      method: 'sampled-shapley',
      samples: DEFAULT_SHAPLEY_OPTIONS.permutations,
      errorEstimate: expect.any(Number),
    });
    expect(set.attributionMethod.errorEstimate).toBeGreaterThan(0);
    expect(set.items).toHaveLength(4);
  });

  it('gives every item one attribution per feature, largest first, adding up to its logit against the baseline', async () => {
    const set = await suggest('sampled-2');
    const scorer = await OnnxScorer.load(path.join(modelsDir.dir, mlp.folder), mlp.sha256);
    try {
      const baseline = Float32Array.from(scorer.manifest.features, (feature) => feature.baseline);
      const baselineScore = (await scorer.scoreMatrix(baseline, 1)).scores[0] ?? Number.NaN;
      for (const item of set.items) {
        expect(item.attributions).toHaveLength(scorer.manifest.features.length);
        const sizes = item.attributions.map((a) => Math.abs(a.contribution));
        expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
        const total = item.attributions.reduce((sum, a) => sum + a.contribution, 0);
        expect(total).toBeCloseTo(toLogit(item.score) - toLogit(baselineScore), 3);
      }
    } finally {
      await scorer.close();
    }
  });

  it('gives the same attributions when asked again', async () => {
    const first = await suggest('sampled-3');
    const second = await suggest('sampled-4');
    const byCourse = (items: Item[]) =>
      Object.fromEntries(
        items.map((item) => [item.course.id, { score: item.score, attributions: item.attributions }]),
      );
    expect(byCourse(second.items)).toEqual(byCourse(first.items));
  });

  it('logs the method with the attributions it stored', async () => {
    await suggest('sampled-5');
    const [event] = (
      await t.container.decisionLog.decisionLog.listEvents({ types: ['recommendation.generated'] })
    ).slice(-1);
    expect(event?.payload).toMatchObject({
      model: { id: 'test-mlp-0.1.0' },
      attributionMethod: { method: 'sampled-shapley', samples: DEFAULT_SHAPLEY_OPTIONS.permutations },
    });
  });
});
