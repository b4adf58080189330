import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const SENSITIVE_TERMS = 'https://aiguillage.example/problems/sensitive-terms';

interface AuditedEvent {
  type: string;
  payload: Record<string, unknown>;
  personal: string | null;
}

/**
 * A person's comment cannot be taken back once sent: their counselor reads it, it is kept with their
 * file and sealed in the log. One that seems to mention sensitive information is refused in French,
 * telling them they need not give such details, and kept only once they send it again confirming it,
 * as a counselor confirms a message to the person. Nothing is kept, and no contest counted, before.
 */
describe('a job seeker’s comment that seems to mention sensitive information', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const loggedTypes = async (seekerId: string) =>
    (await t.container.decisionLog.decisionLog.listEventsAbout(seekerId)).map((event) => event.type);

  /** The person's events of `type`, oldest first, as an auditor reads them (GET /v1/audit/events). */
  async function auditedEvents(seekerId: string, type: string): Promise<AuditedEvent[]> {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const subject = t.container.decisionLog.pseudonymiser.pseudonymise(seekerId);
    const res = await t.http
      .get(`/v1/audit/events?subject=${subject}&type=${type}&limit=200`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'overridden screening check');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as AuditedEvent[];
  }

  /** What the event seals, opened with the person's key. */
  async function openSealed(event: AuditedEvent | undefined): Promise<unknown> {
    return t.container.decisionLog.subjectKeyring.decryptPersonal(String(event?.personal));
  }

  function expectToldInFrench(body: Record<string, unknown>): void {
    expect(body).toMatchObject({
      type: SENSITIVE_TERMS,
      title: 'Informations sensibles dans votre commentaire',
      field: 'comment',
      warnings: [expect.objectContaining({ code: 'sensitive_term', field: 'comment', terms: ['enceinte'] })],
    });
    expect(body.detail).toMatch(/^Votre commentaire semble parler d’informations sensibles \(santé\)/);
    expect(body.detail).toContain('Rien ne vous oblige à les donner');
    expect(body.detail).toContain('Rien n’a été enregistré');
  }

  it('refuses a contest whose comment mentions a pregnancy until the person confirms it, keeping nothing and using no contest', async () => {
    await syncSeeker(t, 'js-pregnant');
    await createAndPublish(t, counselor, 'js-pregnant', { approve: 1 });
    const seeker = await t.tokenFor('job_seeker', 'js-pregnant');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId: string = mine.body.items[0].itemId;
    const contest = (body: Record<string, unknown>) =>
      t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response: 'contest', comment: 'Je suis enceinte et ne peux pas me déplacer', ...body });

    for (let attempt = 0; attempt < 4; attempt++) {
      const refused = await contest({});
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expectToldInFrench(refused.body);
    }
    expect(await t.container.db('feedback').where({ item_id: itemId })).toEqual([]);
    expect(await loggedTypes('js-pregnant')).not.toContain('feedback.given');

    const confirmed = await contest({ acknowledgeSensitiveTerms: true });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toMatchObject({
      response: 'contest',
      comment: 'Je suis enceinte et ne peux pas me déplacer',
    });
    expect(confirmed.body.warnings).toEqual([
      expect.objectContaining({ field: 'comment', terms: ['enceinte'] }),
    ]);
    // The refusals used none of the three contests: two more may be sent.
    for (const sent of [2, 3]) {
      expect((await contest({ comment: `Relance ${sent}` })).status).toBe(201);
    }
  });

  it('refuses an objection whose comment mentions a disability until the person confirms it, recording nothing', async () => {
    await syncSeeker(t, 'js-disabled');
    const seeker = await t.tokenFor('job_seeker', 'js-disabled');
    const object = (body: Record<string, unknown>) =>
      t.http
        .post('/v1/me/objection')
        .auth(seeker, { type: 'bearer' })
        .send({ comment: 'Je suis handicapée, enceinte aussi, et préfère voir ma conseillère.', ...body });

    const refused = await object({});
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ type: SENSITIVE_TERMS, field: 'comment' });
    expect(refused.body.warnings[0].terms).toEqual(expect.arrayContaining(['handicap', 'enceinte']));
    expect(refused.body.detail).toContain('Rien ne vous oblige à les donner');
    expect(await loggedTypes('js-disabled')).not.toContain('objection.recorded');
    expect(
      (await t.container.db('job_seekers').where({ id: 'js-disabled' }).first()).ai_objection,
    ).toBeFalsy();

    const confirmed = await object({ acknowledgeSensitiveTerms: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      aiObjection: true,
      warnings: [expect.objectContaining({ field: 'comment' })],
    });
    expect(await loggedTypes('js-disabled')).toContain('objection.recorded');
  });

  it('tells auditors that the person confirmed an answer and a contest the screening warned about, the warned categories sealed, and nothing of a comment it did not warn about', async () => {
    await syncSeeker(t, 'js-confirmed-feedback');
    await createAndPublish(t, counselor, 'js-confirmed-feedback', { approve: 1 });
    const seeker = await t.tokenFor('job_seeker', 'js-confirmed-feedback');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId: string = mine.body.items[0].itemId;
    const answer = (body: Record<string, unknown>) =>
      t.http.post(`/v1/me/recommendations/${itemId}/feedback`).auth(seeker, { type: 'bearer' }).send(body);
    const sensitive = 'Je suis enceinte et ne peux pas me déplacer';

    expect((await answer({ response: 'interested', comment: 'Le lieu me convient' })).status).toBe(201);
    expect(
      (await answer({ response: 'not_interested', comment: sensitive, acknowledgeSensitiveTerms: true }))
        .status,
    ).toBe(201);
    expect(
      (await answer({ response: 'contest', comment: sensitive, acknowledgeSensitiveTerms: true })).status,
    ).toBe(201);
    // Confirming a comment the screening finds nothing in overrides nothing.
    expect(
      (await answer({ response: 'interested', comment: 'Finalement oui', acknowledgeSensitiveTerms: true }))
        .status,
    ).toBe(201);

    const events = await auditedEvents('js-confirmed-feedback', 'feedback.given');
    expect(events.map((event) => [event.payload.response, event.payload.sensitiveTermsAcknowledged])).toEqual(
      [
        ['interested', undefined],
        ['not_interested', true],
        ['contest', true],
        ['interested', undefined],
      ],
    );
    expect(JSON.stringify(events.map((event) => event.payload))).not.toMatch(/health|enceinte/);
    expect(await openSealed(events[2])).toEqual({
      status: 'readable',
      value: { comment: sensitive, sensitiveTermCategories: ['health'] },
    });
    expect(await openSealed(events[0])).toEqual({
      status: 'readable',
      value: { comment: 'Le lieu me convient' },
    });
  });

  it('tells auditors that the person confirmed an objection whose comment the screening warned about, the warned categories sealed', async () => {
    await syncSeeker(t, 'js-confirmed-objection');
    await syncSeeker(t, 'js-plain-objection');
    const object = async (seekerId: string, body: Record<string, unknown>) =>
      t.http
        .post('/v1/me/objection')
        .auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' })
        .send(body);
    const sensitive = 'Je suis handicapée et préfère voir ma conseillère.';

    expect(
      (await object('js-confirmed-objection', { comment: sensitive, acknowledgeSensitiveTerms: true }))
        .status,
    ).toBe(200);
    expect(
      (
        await object('js-plain-objection', {
          comment: 'Je préfère voir ma conseillère.',
          acknowledgeSensitiveTerms: true,
        })
      ).status,
    ).toBe(200);

    const [confirmed] = await auditedEvents('js-confirmed-objection', 'objection.recorded');
    expect(confirmed?.payload).toMatchObject({ channel: 'portal', sensitiveTermsAcknowledged: true });
    expect(JSON.stringify(confirmed?.payload)).not.toMatch(/health|handicap/);
    expect(await openSealed(confirmed)).toEqual({
      status: 'readable',
      value: { comment: sensitive, sensitiveTermCategories: ['health'] },
    });
    const [plain] = await auditedEvents('js-plain-objection', 'objection.recorded');
    expect(plain?.payload).not.toHaveProperty('sensitiveTermsAcknowledged');
  });
});
