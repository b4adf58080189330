import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  act,
  aWorkflowSeeker,
  decide,
  REACHABLE_COURSE_IDS,
  type SetBody,
  seedCatalog,
} from '../support/workflow.ts';

describe('the whole review loop', () => {
  const clock = aClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    await seedCatalog(t);
  });
  afterAll(() => t.close());

  it('goes from a synced job seeker to suggestions they read, understand and answer, every step logged', async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    const counselor = await t.tokenFor('counselor', 'c-001');
    const seeker = await t.tokenFor('job_seeker', 'js-loop');
    const headBefore = await t.container.decisionLog.decisionLog.readHead();

    // The case-management system syncs the person onto the counselor's caseload.
    const synced = await t.http
      .put('/v1/job-seekers/js-loop')
      .auth(integration, { type: 'bearer' })
      .send(aWorkflowSeeker());
    expect(synced.status).toBe(201);

    // The counselor asks for suggestions.
    const created = await t.http
      .post('/v1/job-seekers/js-loop/recommendations')
      .auth(counselor, { type: 'bearer' })
      .set('Idempotency-Key', 'loop-0001')
      .send({ limit: 4 });
    expect(created.status).toBe(201);
    const setId = (created.body as SetBody).id;
    expect(created.body.items).toHaveLength(4);

    // Nothing reaches the job seeker yet.
    const before = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(before.body.items).toEqual([]);

    // The counselor opens the set, then decides each item, one by one.
    clock.advance(20_000);
    const opened = await t.http.get(`/v1/recommendations/${setId}`).auth(counselor, { type: 'bearer' });
    expect(opened.status).toBe(200);
    expect(opened.body.openedAt).toBe(clock.now().toISOString());
    let etag = String(opened.headers.etag);
    const [first, second, third, fourth] = (opened.body as SetBody).items;
    if (first === undefined || second === undefined || third === undefined || fourth === undefined) {
      throw new Error('expected four items');
    }
    const decisions = [
      { item: first, body: { decision: 'approve' as const } },
      {
        item: second,
        body: {
          decision: 'reject' as const,
          reasonCode: 'too_far',
          comment: 'Trajet trop long en transports.',
        },
      },
      { item: third, body: { decision: 'approve' as const } },
      { item: fourth, body: { decision: 'reject' as const, reasonCode: 'already_trained' } },
    ];
    for (const { item, body } of decisions) {
      clock.advance(15_000);
      const res = await decide(t, counselor, setId, item.itemId, etag, body);
      expect(res.status).toBe(200);
      expect(res.headers.etag).not.toBe(etag);
      etag = String(res.headers.etag);
    }

    // The counselor adds the course the model left out, orders the approved items and publishes.
    const suggested = new Set([first, second, third, fourth].map((item) => item.course.id));
    const leftOut = REACHABLE_COURSE_IDS.find((id) => !suggested.has(id));
    if (leftOut === undefined) throw new Error('expected one reachable course left out of the top 4');
    clock.advance(30_000);
    const added = await act(t, counselor, setId, 'items', etag, {
      courseId: leftOut,
      reason: 'Formation évoquée en entretien, proche du projet.',
    });
    expect(added.status).toBe(201);
    const addition = (added.body as SetBody).items.find((item) => item.source === 'counselor');
    expect(addition).toMatchObject({ course: { id: leftOut }, decision: 'approved', decisionSeconds: 90 });
    const order = [addition?.itemId, third.itemId, first.itemId] as string[];
    const ordered = await t.http
      .put(`/v1/recommendations/${setId}/order`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', String(added.headers.etag))
      .send({ itemIds: order });
    expect(ordered.status).toBe(200);
    const published = await act(t, counselor, setId, 'publish', String(ordered.headers.etag), {
      message: 'Voici trois formations à regarder avant notre prochain rendez-vous.',
    });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');

    // The job seeker reads the approved items in the counselor's order, never the rejected ones.
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.status).toBe(200);
    expect(mine.body.message).toBe('Voici trois formations à regarder avant notre prochain rendez-vous.');
    expect(mine.body.items.map((item: { itemId: string }) => item.itemId)).toEqual(order);
    expect(mine.body.items.map((item: { suggestedBy: string }) => item.suggestedBy)).toEqual([
      'counselor',
      'model',
      'model',
    ]);

    // They ask why the model suggested one course, and answer it.
    const explanation = await t.http
      .get(`/v1/me/recommendations/${third.itemId}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(explanation.status).toBe(200);
    expect(explanation.body.reasons.length).toBeGreaterThan(0);
    expect(explanation.body.dataUsed.length).toBeGreaterThan(0);
    expect(explanation.body.howToContest.length).toBeGreaterThan(0);
    const feedback = await t.http
      .post(`/v1/me/recommendations/${third.itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'interested' });
    expect(feedback.status).toBe(201);

    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    expect(data.body.recommendations).toHaveLength(3);
    expect(data.body.feedback).toHaveLength(1);

    // Every state change left its event, with pseudonyms instead of ids, and the chain verifies.
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const events: DecisionEvent[] = (
      await decisionLog.listEvents({ afterSeq: headBefore.seq, limit: 1000 })
    ).filter((event) => event.subject === pseudonymiser.pseudonymise('js-loop'));
    expect(events.map((event) => event.type)).toEqual([
      'job_seeker.upserted',
      'recommendation.generated',
      'recommendation.opened',
      'item.decided',
      'item.decided',
      'item.decided',
      'item.decided',
      'item.added',
      'items.reordered',
      'recommendation.published',
      'explanation.opened',
      'feedback.given',
    ]);
    const counselorPseudonym = pseudonymiser.pseudonymise('c-001');
    expect(counselorPseudonym).not.toBe('c-001');
    expect(events[0]?.actor.role).toBe('integration');
    for (const event of events.slice(1, -2)) {
      expect(event.actor).toEqual({ role: 'counselor', pseudonym: counselorPseudonym });
    }
    for (const event of events.slice(-2)) {
      expect(event.actor).toEqual({ role: 'job_seeker', pseudonym: pseudonymiser.pseudonymise('js-loop') });
    }
    for (const event of events) {
      const text = JSON.stringify({ actor: event.actor, subject: event.subject, payload: event.payload });
      expect(text).not.toContain('js-loop');
      expect(text).not.toContain('c-001');
      expect(event.payload.setId ?? setId).toBe(setId);
    }
    const ofType = (type: string) => events.find((event) => event.type === type);
    const generated = ofType('recommendation.generated');
    expect(generated?.payload.model).toEqual(created.body.model);
    expect(generated?.personal).toMatch(/^p1\./);
    const decided = events.filter((event) => event.type === 'item.decided').map((event) => event.payload);
    expect(decided.map((payload) => [payload.decision, payload.reasonCode, payload.decisionSeconds])).toEqual(
      [
        ['approved', null, 15],
        ['rejected', 'too_far', 30],
        ['approved', null, 45],
        ['rejected', 'already_trained', 60],
      ],
    );
    expect(ofType('recommendation.published')?.payload).toMatchObject({
      approvedItemIds: order,
      approvedCount: 3,
      rejectedCount: 2,
      addedCount: 1,
    });
    expect(ofType('explanation.opened')?.payload).toEqual({
      setId,
      itemId: third.itemId,
      suggestedBy: 'model',
    });
    expect(ofType('feedback.given')?.payload).toMatchObject({ itemId: third.itemId, response: 'interested' });

    const verification = await decisionLog.verifyRange();
    expect(verification.ok).toBe(true);
    expect(verification.firstBadSeq).toBeNull();
  });
});
