import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, eraseJobSeeker, seedCatalogAndSeeker } from '../support/workflow.ts';

const WEEK = 7 * 86_400_000;
/** The shipped model, active from the start. */
const MODEL_ID = 'aiguillage-ebm-1.1.0';
const FIGURES = ['attributions', 'drift'] as const;

/**
 * The attribution and drift figures give each finished week as stored the first time it was given
 * (record 0008): an auditor reading a year of them does not wait for every set of the year to be
 * opened again at each read, and reads the same figures as when the weeks were worked out from the
 * log. Two weeks, three people in both and one more in each; three people at least for a week.
 */
describe('auditor API: the attribution and drift figures of the weeks already given', () => {
  const clock = aClock();
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  let admin: string;
  const get = (figure: string) =>
    t.http
      .get(`/v1/audit/stats/${figure}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'revue des explications');

  /** The sets whose sealed parts `work` opened, through the keyring the figures read with. */
  async function setsOpenedBy(work: () => Promise<unknown>): Promise<number> {
    const keyring = t.container.decisionLog.subjectKeyring;
    const openerOf = keyring.openerForOneRead.bind(keyring);
    let opened = 0;
    const spy = vi.spyOn(keyring, 'openerForOneRead').mockImplementation((trx) => {
      const open = openerOf(trx);
      return (sealed) => {
        opened += 1;
        return open(sealed);
      };
    });
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    return opened;
  }

  /** Reads a figure, counting the sets it opened. */
  async function readFigure(figure: string): Promise<{ body: unknown; opened: number }> {
    let body: unknown;
    const opened = await setsOpenedBy(async () => {
      const res = await get(figure);
      expect(res.status, res.text).toBe(200);
      body = res.body;
    });
    return { body, opened };
  }

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '3' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    admin = await t.tokenFor('admin', 'ops-1');
    for (const newcomer of ['js-w1', 'js-w2']) {
      for (const seekerId of ['js-a', 'js-b', 'js-c', newcomer]) {
        await seedCatalogAndSeeker(t, seekerId);
        await createSet(t, counselor, seekerId);
      }
      clock.advance(WEEK);
    }
  });
  afterAll(() => t.close());

  it.each(FIGURES)(
    'gives the %s figures of weeks already given as worked out from the log, opening one set of each of their people',
    async (figure) => {
      const first = await readFigure(figure);
      expect(first.opened).toBe(8);
      expect(first.body).toMatchObject({
        models: [expect.objectContaining({ sets: 8, people: 5, withheld: false })],
      });
      // Given again: the weeks as stored, a set of each person opened only to tell that they count.
      const again = await readFigure(figure);
      expect(again.body).toEqual(first.body);
      expect(again.opened).toBe(5);
      // Without the weeks stored, worked out from the log again: the same figures.
      await t.container.db('frozen_figure_weeks').where({ figure }).delete();
      const fromLog = await readFigure(figure);
      expect(fromLog.body).toEqual(first.body);
      expect(fromLog.opened).toBe(8);
    },
  );

  it('gives the attribution and drift figures of weeks already given as before an erasure of one of their people, who no longer counts', async () => {
    const before: unknown[] = [];
    for (const figure of FIGURES) before.push((await readFigure(figure)).body);
    expect((await eraseJobSeeker(t, admin, 'js-w2')).status).toBe(204);
    for (const [i, figure] of FIGURES.entries()) {
      const { models } = before[i] as { models: Array<Record<string, unknown>> };
      expect((await readFigure(figure)).body, figure).toEqual({
        ...(before[i] as object),
        models: [{ ...models[0], people: 4 }],
      });
    }
  });

  it('says in the attribution and drift figures that a model whose sets they count was recalled, and when', async () => {
    const recall = await t.http
      .post(`/v1/models/${MODEL_ID}/recall`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: 'Écart de calibration constaté à la revue du 5 décembre' });
    expect(recall.status, recall.text).toBe(200);
    const recalledAt = recall.body.model.recall.at;
    expect(recalledAt).toEqual(expect.any(String));
    const attributions = await get('attributions');
    expect(attributions.body.models).toEqual([expect.objectContaining({ modelId: MODEL_ID, recalledAt })]);
    const drift = await get('drift');
    expect(drift.body.models).toEqual([
      expect.objectContaining({ modelId: MODEL_ID, active: false, recalledAt }),
    ]);
  });
});
