import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createSet, putSeeker, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * Skill codes are one code whatever their case: the case-management system's `SOINS` is the
 * catalog's `soins`. They are stored in lower case, each once, from a sync, a course written alone
 * and an import alike, so that the model sees the person holds the skill a course asks for.
 */
describe('skill codes in any case', () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it("keeps a person's codes synced in capitals in lower case, each once", async () => {
    await syncSeeker(t, 'js-caps', aWorkflowSeeker({ skills: ['Accueil', 'HYGIENE', 'accueil'] }));
    const res = await t.http.get('/v1/job-seekers/js-caps').auth(counselor, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.skills).toEqual(['accueil', 'hygiene']);
  });

  it('keeps the codes of a course written alone, or imported, in lower case', async () => {
    const put = await t.http
      .put('/v1/courses/CAPS-PUT')
      .auth(admin, { type: 'bearer' })
      .send(aCourse({ skills: ['Soins', 'HYGIENE', 'soins'] }));
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect(put.body.skills).toEqual(['soins', 'hygiene']);

    const imported = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: 'CAPS-IMPORT', ...aCourse({ skills: ['Soins', 'HYGIENE'] }) })}\n`);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect((await readCourse('CAPS-IMPORT')).skills).toEqual(['soins', 'hygiene']);
  });

  it('drops the spaces around the codes of a person synced and of a course imported as JSON lines', async () => {
    await syncSeeker(t, 'js-spaced', aWorkflowSeeker({ skills: ['soins ', ' Accueil'] }));
    const res = await t.http.get('/v1/job-seekers/js-spaced').auth(counselor, { type: 'bearer' });
    expect(res.body.skills).toEqual(['soins', 'accueil']);

    const imported = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: 'SPACED-IMPORT', ...aCourse({ skills: [' soins', 'hygiene '] }) })}\n`);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect((await readCourse('SPACED-IMPORT')).skills).toEqual(['soins', 'hygiene']);
  });

  it('refuses a code made of spaces alone, from a sync (400) and in an import line', async () => {
    const sync = await putSeeker(t, 'js-blank-skill', aWorkflowSeeker({ skills: ['  '] }));
    expect(sync.status, JSON.stringify(sync.body)).toBe(400);
    expect(sync.body.detail).toMatch(/skills/);

    const imported = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: 'BLANK-SKILL', ...aCourse({ skills: [' '] }) })}\n`);
    expect(imported.status).toBe(422);
    expect(JSON.stringify(imported.body)).toMatch(/skills\[0\]/);
  });

  it('scores a person synced with codes in capitals as holding the skills the course teaches', async () => {
    // LYON-AS-1 teaches soins and hygiene.
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ skills: ['SOINS', 'Hygiene'] }));
    const { set } = await createSet(t, counselor, 'js-1');
    const item = set.items.find((candidate) => candidate.course.id === 'LYON-AS-1');
    expect(item?.attributions.find((a) => a.feature === 'skillsCoverage')?.value).toBe(1);
  });

  async function readCourse(id: string): Promise<{ skills: string[] }> {
    const res = await t.http.get(`/v1/courses/${id}`).auth(admin, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }
});
