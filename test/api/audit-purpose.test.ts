import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aGeneratedEvent, appendEvents } from '../audit/support/audit-events.ts';
import { aJobSeeker } from '../support/builders.ts';
import { aLoggedTextRefusal, PERSON_ID_REFUSAL, trackAppended } from '../support/logged-text-refusals.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { withoutInstance } from '../support/problem-body.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { eraseJobSeeker } from '../support/workflow.ts';

describe('auditor API: the stated purpose', () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  const auditQueries = async () =>
    (await t.container.db('decision_events').where({ type: 'audit.queried' }).select('payload')).map(
      (row: { payload: string }) => JSON.parse(row.payload) as { purpose: string },
    );

  it('refuses a purpose that mentions sensitive facts about someone, says why, and logs nothing', async () => {
    const before = await auditQueries();
    const res = await t.http
      .get('/v1/audit/events')
      .set('authorization', `Bearer ${auditor}`)
      .set('X-Audit-Purpose', 'complaint of a disabled job seeker, Maladie chronique');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/X-Audit-Purpose.*kept readable.*disabled/);
    expect(res.body.terms).toEqual(expect.arrayContaining(['disabled', 'maladie']));
    expect(await auditQueries()).toEqual(before);
  });

  it('refuses it on every auditor operation', async () => {
    const auditOperations = listDocumentedOperations().filter(
      (operation) => operation.template.startsWith('/v1/audit/') && operation.method === 'get',
    );
    expect(auditOperations.length).toBeGreaterThan(5);
    for (const operation of auditOperations) {
      const res = await t.http
        .get(operation.samplePath)
        .set('authorization', `Bearer ${auditor}`)
        .set('X-Audit-Purpose', 'checking the file of a pregnant job seeker');
      expect(res.status, operation.template).toBe(422);
    }
  });

  it('says once, in one sentence, that the log names people by pseudonym when it refuses a purpose holding an id', async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    await t.http
      .put('/v1/job-seekers/js-5151')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ counselorId: 'c-001' }));
    const res = await t.http
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${auditor}`)
      .set('X-Audit-Purpose', 'réclamation js-5151');
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe(
      'the X-Audit-Purpose header is kept readable in the decision log for good, where job seekers and ' +
        'staff appear only by pseudonym: state the purpose without the id of any person the log names, ' +
        'referring to the set or to the role (“the job seeker”, “the counselor”) rather than to the person. ' +
        'This refusal is recorded in the decision log (the operation, not the text)',
    );
  });

  it('refuses a purpose holding the id of a job seeker the log is about, erased or not, and logs the refusal alone, never the purpose; a refusal for sensitive terms or invisible characters, which tells nothing of the log, is not logged', async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    const synced = await t.http
      .put('/v1/job-seekers/js-4242')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ counselorId: 'c-001' }));
    expect(synced.status).toBe(201);
    const before = await auditQueries();
    const auditOperations = listDocumentedOperations().filter(
      (operation) => operation.template.startsWith('/v1/audit/') && operation.method === 'get',
    );
    const askAll = async (purpose: string) => {
      for (const operation of auditOperations) {
        const { result: res, appended } = await trackAppended(t, () =>
          t.http
            .get(operation.samplePath)
            .set('authorization', `Bearer ${auditor}`)
            .set('X-Audit-Purpose', purpose),
        );
        expect(res.status, `${operation.template}: ${purpose}`).toBe(422);
        expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
        expect(appended).toEqual([
          aLoggedTextRefusal(t, { role: 'auditor', id: 'dpo-1' }, operation.operationId, {
            header: 'X-Audit-Purpose',
          }),
        ]);
        expect(JSON.stringify(appended)).not.toMatch(/js-4242|réclamation|dossier|suite/);
      }
    };
    const checkpointsBefore = await t.container.db('decision_checkpoints').count({ n: '*' });
    await askAll('réclamation sur le dossier js-4242.');
    await askAll('dossier:js-4242');
    await askAll('ref=JS:js-4242:2026');
    // Refused before any work: the export signs no checkpoint for a question it does not answer.
    expect(await t.container.db('decision_checkpoints').count({ n: '*' })).toEqual(checkpointsBefore);
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, 'js-4242')).status).toBe(204);
    await askAll('js-4242: suite à son effacement');
    expect(await auditQueries()).toEqual(before);
    for (const purpose of ['dossier d’une personne handicapée', 'revue\u200btrimestrielle']) {
      const { result: res, appended } = await trackAppended(t, () =>
        t.http
          .get('/v1/audit/verify')
          .set('authorization', `Bearer ${auditor}`)
          .set('X-Audit-Purpose', Buffer.from(purpose, 'utf8').toString('latin1')),
      );
      expect(res.status, purpose).toBe(422);
      expect(appended).toEqual([]);
    }
  });

  it('answers a purpose naming a job seeker, a counselor or an admin in the same words, so that the answer does not tell who the id is', async () => {
    // A set made by c-5151 for js-5151, and a settings change by ops-7.
    await appendEvents(t, [
      aGeneratedEvent({ counselorId: 'c-5151', seekerId: 'js-5151' }),
      { type: 'settings.changed', actor: { role: 'admin', id: 'ops-7' }, payload: { changes: [] } },
    ]);
    const details = new Set<string>();
    for (const id of ['js-5151', 'c-5151', 'ops-7']) {
      const res = await t.http
        .get('/v1/audit/verify')
        .set('authorization', `Bearer ${auditor}`)
        .set('X-Audit-Purpose', `revue du dossier ${id}`);
      expect(res.status, id).toBe(422);
      expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
      details.add(JSON.stringify(withoutInstance(res.body)));
    }
    expect([...details]).toHaveLength(1);
  });

  it('refuses a purpose naming a job seeker or a counselor by their id upper-cased or with another hyphen', async () => {
    await appendEvents(t, [aGeneratedEvent({ counselorId: 'c-6161', seekerId: 'js-6161' })]);
    for (const id of ['JS-6161', 'js\u20116161', 'C-6161', 'c\u20136161']) {
      const purpose = `vérification du dossier ${id}`;
      const { result: res, appended } = await trackAppended(t, () =>
        t.http
          .get('/v1/audit/verify')
          .set('authorization', `Bearer ${auditor}`)
          .set('X-Audit-Purpose', Buffer.from(purpose, 'utf8').toString('latin1')),
      );
      expect(res.status, `kept readable for good in audit.queried: ${purpose}`).toBe(422);
      expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
      expect(appended).toEqual([
        aLoggedTextRefusal(t, { role: 'auditor', id: 'dpo-1' }, 'verifyAuditLog', {
          header: 'X-Audit-Purpose',
        }),
      ]);
    }
  });

  it('accepts a purpose naming a counselor or a word shaped like an id that is nobody the log is about', async () => {
    for (const purpose of ['review of c-001 decisions', 'ticket INC-2026-118']) {
      const res = await t.http
        .get('/v1/audit/verify')
        .set('authorization', `Bearer ${auditor}`)
        .set('X-Audit-Purpose', purpose);
      expect(res.status, purpose).toBe(200);
      expect((await auditQueries()).at(-1)?.purpose).toBe(purpose);
    }
  });

  it('refuses a purpose with a bidirectional override or a zero-width space', async () => {
    for (const purpose of ['revue \u202etrimestrielle', 'revue\u200btrimestrielle']) {
      const res = await t.http
        .get('/v1/audit/verify')
        .set('authorization', `Bearer ${auditor}`)
        .set('X-Audit-Purpose', Buffer.from(purpose, 'utf8').toString('latin1'));
      expect(res.status, purpose).toBe(422);
      expect(res.body.detail).toMatch(/control or formatting characters/);
    }
  });

  it('accepts a plain purpose and records it', async () => {
    const res = await t.http
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${auditor}`)
      .set('X-Audit-Purpose', 'quarterly oversight review');
    expect(res.status).toBe(200);
    expect((await auditQueries()).at(-1)?.purpose).toBe('quarterly oversight review');
  });

  /** The header as curl or a browser sends it: the text's UTF-8 bytes (Node reads them one per character). */
  const asUtf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

  it('reads an accented purpose as the UTF-8 it was sent in, and records it as written', async () => {
    const purpose = 'contrôle trimestriel du comité éthique';
    for (const sent of [asUtf8Bytes(purpose), purpose]) {
      const res = await t.http
        .get('/v1/audit/verify')
        .set('authorization', `Bearer ${auditor}`)
        .set('X-Audit-Purpose', sent);
      expect(res.status).toBe(200);
      expect((await auditQueries()).at(-1)?.purpose).toBe(purpose);
    }
  });

  it('counts the purpose in characters once decoded, not in bytes: 200 accented characters pass, 201 do not', async () => {
    for (const purpose of [`${'é'.repeat(60)} contrôle ${'è'.repeat(50)}`, 'é'.repeat(200)]) {
      const res = await t.http
        .get('/v1/audit/verify')
        .set('authorization', `Bearer ${auditor}`)
        .set('X-Audit-Purpose', asUtf8Bytes(purpose));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await auditQueries()).at(-1)?.purpose).toBe(purpose);
    }
    const before = await auditQueries();
    const res = await t.http
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${auditor}`)
      .set('X-Audit-Purpose', asUtf8Bytes('é'.repeat(201)));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { path: '/headers/x-audit-purpose', message: 'must hold at most 200 characters' },
    ]);
    expect(await auditQueries()).toEqual(before);
  });

  it('refuses a purpose of fewer than three characters that show with 400 naming the header, accented ("éé") or invisible, and logs nothing', async () => {
    for (const purpose of ['ab', 'éé', ' é  è ', '\u200b\u200b\u200b', 'a\u200b\u200bb']) {
      const { result: res, appended } = await trackAppended(t, () =>
        t.http
          .get('/v1/audit/verify')
          .set('authorization', `Bearer ${auditor}`)
          .set('X-Audit-Purpose', asUtf8Bytes(purpose)),
      );
      expect(res.status, JSON.stringify(purpose)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors, JSON.stringify(purpose)).toEqual([
        expect.objectContaining({ path: '/headers/x-audit-purpose' }),
      ]);
      expect(appended).toEqual([]);
    }
  });

  it('refuses an accented purpose that mentions health or disability, whichever way it is encoded', async () => {
    const before = await auditQueries();
    for (const purpose of ['problème de santé de la personne', "dossier d'un demandeur handicapé"]) {
      for (const sent of [asUtf8Bytes(purpose), purpose]) {
        const res = await t.http
          .get('/v1/audit/verify')
          .set('authorization', `Bearer ${auditor}`)
          .set('X-Audit-Purpose', sent);
        expect(res.status, purpose).toBe(422);
      }
    }
    expect(await auditQueries()).toEqual(before);
  });
});
