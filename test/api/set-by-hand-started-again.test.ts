import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  listEventsAbout,
  listOpenSetIds,
  newIdempotencyKey,
  putSettings,
  readSet,
  requestManualSet,
  type SetBody,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const REASON = 'une sélection à la main a été commencée pour la personne';

/**
 * Starting a set by hand withdrew only the model's open sets: a counselor who started a set by hand
 * twice had two open sets by hand for one person side by side, both in the queue and both publishable,
 * the second replacing the first in the portal. Starting a set by hand now withdraws every other open
 * set of the person (record 0003), as asking for suggestions does, and warns about each in its answer.
 */
describe('a set by hand started again for a person with an open set by hand', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    // The switch off: the manual path is open for everyone in this file.
    await putSettings(t, { aiEnabled: false });
  });
  afterAll(() => t.close());

  async function startSetByHand(seekerId: string, idempotencyKey?: string) {
    const res = await requestManualSet(t, counselor, seekerId, idempotencyKey);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res;
  }

  it('starting a set by hand again withdraws the open set by hand and warns about it', async () => {
    await syncSeeker(t, 'js-twice');
    const earlier = await startSetByHand('js-twice');
    const added = await act(t, counselor, earlier.body.id, 'items', String(earlier.headers.etag), {
      courseId: 'LYON-AS-1',
      reason: 'Choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);

    const again = await startSetByHand('js-twice');
    expect(again.body.warnings).toEqual([
      {
        code: 'open_set_withdrawn',
        field: 'seekerId',
        setId: earlier.body.id,
        message: `set ${earlier.body.id} made by hand, still open for the person, was withdrawn: a new set by hand takes over from an earlier one, so that the person has one set under review at a time. Its courses are kept there (1 added: GET /v1/recommendations/${earlier.body.id}); add to this set those that still suit (POST /v1/recommendations/${again.body.id}/items)`,
      },
    ]);

    const withdrawn = await readSet(t, counselor, earlier.body.id);
    expect(withdrawn.set).toMatchObject({ status: 'discarded', discardReason: REASON });
    expect((await act(t, counselor, earlier.body.id, 'publish', withdrawn.etag)).status).toBe(409);
    expect(await listOpenSetIds(t, counselor, 'js-twice')).toEqual([again.body.id]);

    const [created] = (await listEventsAbout(t, 'js-twice', 'recommendation.created_manually')).slice(-1);
    expect(created?.payload).toMatchObject({ setId: again.body.id, withdrawnSetIds: [earlier.body.id] });
    const discards = await listEventsAbout(t, 'js-twice', 'recommendation.discarded');
    expect(discards.map((event) => ({ actor: event.actor, payload: event.payload }))).toEqual([
      {
        actor: { role: 'system', pseudonym: 'withdrawal' },
        payload: { setId: earlier.body.id, pendingItems: 0, withdrawnBecause: REASON },
      },
    ]);
  });

  it('a retry of starting a set by hand with the same key withdraws nothing more and warns as the first answer did', async () => {
    await syncSeeker(t, 'js-hand-retried');
    const earlier = (await startSetByHand('js-hand-retried')).body as SetBody;
    const key = newIdempotencyKey();
    const first = await startSetByHand('js-hand-retried', key);
    expect(first.body.warnings).toMatchObject([{ code: 'open_set_withdrawn', setId: earlier.id }]);

    const retried = await startSetByHand('js-hand-retried', key);
    expect(retried.body.id).toBe(first.body.id);
    expect(retried.body.warnings).toEqual(first.body.warnings);
    expect((await readSet(t, counselor, first.body.id)).set.status).toBe('pending_review');
    expect(await listOpenSetIds(t, counselor, 'js-hand-retried')).toEqual([first.body.id]);
    expect(await listEventsAbout(t, 'js-hand-retried', 'recommendation.created_manually')).toHaveLength(2);
    expect(
      (await listEventsAbout(t, 'js-hand-retried', 'recommendation.discarded')).map(
        (event) => event.payload.setId,
      ),
    ).toEqual([earlier.id]);
  });

  it('warns that nothing is lost when the withdrawn set by hand had no course added to it', async () => {
    await syncSeeker(t, 'js-hand-empty');
    const earlier = await startSetByHand('js-hand-empty');

    const again = await startSetByHand('js-hand-empty');
    expect(again.body.warnings).toEqual([
      {
        code: 'open_set_withdrawn',
        field: 'seekerId',
        setId: earlier.body.id,
        message: `set ${earlier.body.id} made by hand, still open for the person, was withdrawn: a new set by hand takes over from an earlier one, so that the person has one set under review at a time. No course was added to it, so nothing done in it is lost (GET /v1/recommendations/${earlier.body.id})`,
      },
    ]);
  });
});
