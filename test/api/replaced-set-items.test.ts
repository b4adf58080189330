import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  type DecisionBody,
  decideEach,
  firstApproved,
  readSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;
const PROBLEMS = 'https://aiguillage.example/problems/';
const REJECTION_COMMENT = 'Organisme en difficulté, ne plus orienter';

/**
 * A course of a set a later publication replaced is still the person's to ask about, but is told as a
 * proposal of then: what the newer selection did with it, and that a contest of it has nothing left
 * to look at. An outcome of a course the newer selection rejected is not counted as still proposed.
 */
describe('the courses of a replaced set', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let integration: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(() => t.close());

  /**
   * Publishes set A approving its first model course, then a day later set B for the same person, in
   * which that course is approved (`keep`) or rejected with a comment, every other course approved.
   */
  async function replaceSet(seekerId: string, keep: boolean): Promise<{ first: SetBody; second: SetBody }> {
    await syncSeeker(t, seekerId);
    const first = await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const courseId = firstApproved(first).course.id;
    clock.advance(DAY);
    const { set: created } = await createSet(t, counselor, seekerId);
    const { etag } = await readSet(t, counselor, created.id);
    const decisions = created.items.map((item): readonly [string, DecisionBody] => [
      item.itemId,
      item.course.id === courseId && !keep
        ? { decision: 'reject', reasonCode: 'other', comment: REJECTION_COMMENT }
        : { decision: 'approve' },
    ]);
    expect(created.items.some((item) => item.course.id === courseId)).toBe(true);
    const decided = await decideEach(t, counselor, created.id, etag, decisions);
    const published = await act(t, counselor, created.id, 'publish', decided.etag);
    expect(published.status).toBe(200);
    return { first, second: published.body as SetBody };
  }

  async function explain(seekerId: string, itemId: string) {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http
      .get(`/v1/me/recommendations/${itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as { summary: string; aiContribution: string; replacedNotice: string | null };
  }

  async function answer(seekerId: string, itemId: string, response: string) {
    const token = await t.tokenFor('job_seeker', seekerId);
    return t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(token, { type: 'bearer' })
      .send({ response });
  }

  it('tells, in the explanation of a replaced set’s course the counselor did not keep, when the set was replaced and that the course is no longer proposed, never the rejection’s reason', async () => {
    const { first, second } = await replaceSet('js-replaced-dropped', false);
    const explanation = await explain('js-replaced-dropped', firstApproved(first).itemId);

    expect(second.publishedAt).not.toBeNull();
    expect(explanation.replacedNotice).toContain('Cette sélection a été remplacée le ');
    expect(explanation.replacedNotice).toContain(
      'Votre conseiller n’a pas retenu cette formation dans votre sélection actuelle : elle ne vous est plus proposée.',
    );
    expect(explanation.summary.startsWith(explanation.replacedNotice ?? '')).toBe(true);
    expect(explanation.summary).not.toContain('vous est proposée');
    expect(explanation.aiContribution).not.toContain('avant qu’elle vous soit proposée');
    expect(JSON.stringify(explanation)).not.toContain(REJECTION_COMMENT);
  });

  it('tells, in the explanation of a replaced set’s course the newer selection kept, that it is still proposed', async () => {
    const { first, second } = await replaceSet('js-replaced-kept', true);
    const explanation = await explain('js-replaced-kept', firstApproved(first).itemId);

    expect(explanation.replacedNotice).toContain(
      'Votre sélection actuelle vous propose toujours cette formation.',
    );
    expect(explanation.summary).not.toContain('Cette formation vous est proposée');
    // The course of the selection shown now is explained as proposed, with no notice.
    const current = await explain('js-replaced-kept', firstApproved(second).itemId);
    expect(current.replacedNotice).toBeNull();
  });

  it('tells, in the explanation of a replaced set’s course, that no selection is proposed now once the set that replaced it was retracted', async () => {
    const { first, second } = await replaceSet('js-replaced-retracted', true);
    const { etag } = await readSet(t, counselor, second.id);
    const retracted = await act(t, counselor, second.id, 'retract', etag, {
      reason: 'Sélection publiée par erreur, à revoir avec la personne.',
    });
    expect(retracted.status, retracted.text).toBe(200);

    const explanation = await explain('js-replaced-retracted', firstApproved(first).itemId);
    expect(explanation.replacedNotice).toContain(
      'Cette sélection plus récente a été retirée depuis et aucune sélection ne vous est proposée pour le moment',
    );
    expect(explanation.replacedNotice).not.toContain('votre sélection actuelle');
  });

  it('keeps an enrolment on a replaced set’s course and answers it with what became of the course', async () => {
    const { first } = await replaceSet('js-replaced-enrolled', false);
    const res = await answer('js-replaced-enrolled', firstApproved(first).itemId, 'enrolled');

    expect(res.status).toBe(201);
    expect(res.body.replacedNotice).toContain('elle ne vous est plus proposée');
  });

  it('refuses a contest of a replaced set’s course no longer proposed, saying there is nothing left to contest, and keeps nothing', async () => {
    const { first } = await replaceSet('js-replaced-contest', false);
    const itemId = firstApproved(first).itemId;
    const res = await answer('js-replaced-contest', itemId, 'contest');

    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: `${PROBLEMS}proposal-replaced`, currentItemId: null });
    expect(res.body.detail).toContain('Il n’y a donc plus de proposition à contester');
    expect(await t.container.db('feedback').where({ item_id: itemId })).toHaveLength(0);
  });

  it('sends a contest of a replaced set’s course still proposed to its item in the current selection', async () => {
    const { first, second } = await replaceSet('js-replaced-contest-kept', true);
    const courseId = firstApproved(first).course.id;
    const current = second.items.find((item) => item.course.id === courseId);
    const res = await answer('js-replaced-contest-kept', firstApproved(first).itemId, 'contest');

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: `${PROBLEMS}proposal-replaced`, currentItemId: current?.itemId });
    expect(res.body.detail).toContain('Contestez-la depuis votre sélection actuelle');
  });

  it('never tells a course the current selection holds as missing from it: that selection cannot be published with the course undecided, and once decided the notice says which way', async () => {
    await syncSeeker(t, 'js-replaced-undecided');
    const first = await createAndPublish(t, counselor, 'js-replaced-undecided', { approve: 1 });
    const courseId = firstApproved(first).course.id;
    clock.advance(DAY);
    const { set: created } = await createSet(t, counselor, 'js-replaced-undecided');
    const { etag } = await readSet(t, counselor, created.id);
    const held = created.items.find((item) => item.course.id === courseId);
    expect(held).toBeDefined();
    const others = created.items
      .filter((item) => item.itemId !== held?.itemId)
      .map((item): readonly [string, DecisionBody] => [item.itemId, { decision: 'approve' }]);
    const decided = await decideEach(t, counselor, created.id, etag, others);

    const refused = await act(t, counselor, created.id, 'publish', decided.etag);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: `${PROBLEMS}items-pending`, pendingItemIds: [held?.itemId] });
    // Nothing replaced the first set yet: its course is told as proposed now, with no notice.
    expect((await explain('js-replaced-undecided', firstApproved(first).itemId)).replacedNotice).toBeNull();

    const { etag: after } = await readSet(t, counselor, created.id);
    const kept = await decideEach(t, counselor, created.id, after, [
      [held?.itemId ?? '', { decision: 'approve' }],
    ]);
    expect((await act(t, counselor, created.id, 'publish', kept.etag)).status).toBe(200);
    const notice = (await explain('js-replaced-undecided', firstApproved(first).itemId)).replacedNotice;
    expect(notice).toContain('Votre sélection actuelle vous propose toujours cette formation.');
    expect(notice).not.toContain('ne fait pas partie de votre sélection actuelle');
  });

  it('gives, in the person’s data export, each course of a replaced set with the notice its explanation opens with, and none for the current selection’s', async () => {
    const { first, second } = await replaceSet('js-replaced-export', false);
    const replacedItemId = firstApproved(first).itemId;
    const explanation = await explain('js-replaced-export', replacedItemId);
    const token = await t.tokenFor('job_seeker', 'js-replaced-export');
    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });

    expect(res.status).toBe(200);
    const given = res.body.recommendations as Array<{
      setId: string;
      itemId: string;
      replacedNotice: string | null;
    }>;
    const replaced = given.find((item) => item.itemId === replacedItemId);
    expect(replaced?.setId).toBe(first.id);
    expect(replaced?.replacedNotice).toBe(explanation.replacedNotice);
    expect(replaced?.replacedNotice).toContain('elle ne vous est plus proposée');
    const current = given.filter((item) => item.setId === second.id);
    expect(current.length).toBeGreaterThan(0);
    expect(current.every((item) => item.replacedNotice === null)).toBe(true);
  });

  it('refuses an outcome of a course the person’s latest published set rejected, naming that set, instead of linking it to the older approval', async () => {
    const { first, second } = await replaceSet('js-replaced-outcome', false);
    const courseId = firstApproved(first).course.id;
    const res = await t.http
      .put(`/v1/job-seekers/js-replaced-outcome/outcomes/${courseId}`)
      .auth(integration, { type: 'bearer' })
      .send({
        entered: true,
        employedWithinSixMonths: null,
        observedAt: clock.now().toISOString().slice(0, 10),
      });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}proposal-rejected-since`,
      courseId,
      rejectedInSetId: second.id,
    });
    expect(await t.container.db('course_outcomes').where({ seeker_id: 'js-replaced-outcome' })).toHaveLength(
      0,
    );
  });
});
