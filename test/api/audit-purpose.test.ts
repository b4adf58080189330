import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

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
