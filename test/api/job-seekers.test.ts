import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aJobSeeker } from '../support/builders.ts';
import { withoutInstance } from '../support/problem-body.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('job seekers API', () => {
  let t: TestApp;
  let integration: string;
  let counselorA: string;
  let counselorB: string;

  beforeAll(async () => {
    t = await startTestApp();
    integration = await t.tokenFor('integration', 'svc-crm');
    counselorA = await t.tokenFor('counselor', 'c-001');
    counselorB = await t.tokenFor('counselor', 'c-002');
  });
  afterAll(() => t.close());

  it('creates a job seeker with 201, then updates it with 200', async () => {
    const created = await t.http
      .put('/v1/job-seekers/js-1')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'js-1', counselorId: 'c-001', aiObjection: false });

    const updated = await t.http
      .put('/v1/job-seekers/js-1')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ monthsUnemployed: 9 }));
    expect(updated.status).toBe(200);
    expect(updated.body.monthsUnemployed).toBe(9);
    expect(updated.body.createdAt).toBe(created.body.createdAt);
  });

  it('shows a job seeker to the counselor whose caseload holds them', async () => {
    await t.http.put('/v1/job-seekers/js-2').auth(integration, { type: 'bearer' }).send(aJobSeeker());
    const res = await t.http.get('/v1/job-seekers/js-2').auth(counselorA, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'js-2',
      targetOccupations: ['J1501'],
      location: { lat: 45.764, lon: 4.8357 },
    });
  });

  it('answers another counselor exactly as for a missing job seeker', async () => {
    await t.http.put('/v1/job-seekers/js-3').auth(integration, { type: 'bearer' }).send(aJobSeeker());
    const other = await t.http.get('/v1/job-seekers/js-3').auth(counselorB, { type: 'bearer' });
    const missing = await t.http.get('/v1/job-seekers/js-404').auth(counselorB, { type: 'bearer' });
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    const strip = (body: { detail: string }) => ({
      ...withoutInstance(body),
      detail: body.detail.replace(/js-\d+/, 'ID'),
    });
    expect(strip(other.body)).toEqual(strip(missing.body));
  });

  it('lists each invalid field of a profile', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-4')
      .auth(integration, { type: 'bearer' })
      .send({
        ...aJobSeeker(),
        targetOccupations: ['Z9999'],
        educationLevel: 9,
        location: { lat: 95, lon: 2 },
      });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/body/targetOccupations/0', '/body/educationLevel', '/body/location/lat']),
    );
  });

  it('says what is wrong with a location sent, never that it must be null', async () => {
    const put = (location: unknown) =>
      t.http
        .put('/v1/job-seekers/js-4')
        .auth(integration, { type: 'bearer' })
        .send({ ...aJobSeeker(), location });

    const outOfRange = await put({ lat: 95, lon: -200 });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.errors).toEqual([
      { path: '/body/location/lat', message: 'must be <= 90' },
      { path: '/body/location/lon', message: 'must be >= -180' },
    ]);
    expect(outOfRange.body.detail).not.toMatch(/null|oneOf/);

    const named = await put('Lyon');
    expect(named.body.errors).toEqual([{ path: '/body/location', message: 'must be object or null' }]);
  });

  it('says in words a list given a value twice, or too few values, and where', async () => {
    const put = (fields: object) =>
      t.http
        .put('/v1/job-seekers/js-4')
        .auth(integration, { type: 'bearer' })
        .send({ ...aJobSeeker(), ...fields });

    const twice = await put({ skills: ['soins', 'accueil', 'soins'] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([
      { path: '/body/skills', message: 'gives the same value twice, at 0 and 2: give each value once' },
    ]);

    const none = await put({ targetOccupations: [] });
    expect(none.body.errors).toEqual([
      { path: '/body/targetOccupations', message: 'must hold at least 1 item' },
    ]);
  });

  it('says a number too large to read is so, not that it is no number', async () => {
    const profile = JSON.stringify({ ...aJobSeeker(), yearsExperience: 3 }).replace(
      '"yearsExperience":3',
      '"yearsExperience":1e400',
    );
    const res = await t.http
      .put('/v1/job-seekers/js-4')
      .auth(integration, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(profile);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/body/yearsExperience',
        message: 'is a number too large to read: give it within the bounds the contract states',
      },
    ]);
  });

  it('refuses a profile carrying a field the contract does not define, such as a birth date or a nationality, and stores nothing', async () => {
    for (const [field, value] of [
      ['dateOfBirth', '1999-04-02'],
      ['nationality', 'FR'],
      ['disability', true],
    ] as const) {
      const res = await t.http
        .put('/v1/job-seekers/js-extra')
        .auth(integration, { type: 'bearer' })
        .send({ ...aJobSeeker(), [field]: value });
      expect(res.status, field).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body.errors), field).toContain(field);
    }
    const stored = await t.http.get('/v1/job-seekers/js-extra').auth(counselorA, { type: 'bearer' });
    expect(stored.status).toBe(404);
  });

  it('refuses skill codes naming a health or disability fact with 422 naming their place and the kind of fact, never the code, and stores nothing', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-skills')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills: ['accueil', 'rqth', 'travailleur handicapé'] }));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.field).toBe('skills');
    expect(res.body.errors).toEqual([
      { path: 'skills[1]', message: expect.stringContaining('(health)') },
      { path: 'skills[2]', message: expect.stringContaining('(health)') },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/rqth|travailleur/);
    const stored = await t.http.get('/v1/job-seekers/js-skills').auth(counselorA, { type: 'bearer' });
    expect(stored.status).toBe(404);
  });

  it('refuses skill codes naming the person’s age or family situation, which the model may not see, with 422 naming the kind of fact', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-skills-status')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills: ['accueil', 'plus-de-50-ans', 'parent-isole', 'enfants-a-charge'] }));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'skills[1]', message: expect.stringContaining('(age)') },
      { path: 'skills[2]', message: expect.stringContaining('(family situation)') },
      { path: 'skills[3]', message: expect.stringContaining('(family situation)') },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/50-ans|isole|charge/);
    const stored = await t.http.get('/v1/job-seekers/js-skills-status').auth(counselorA, { type: 'bearer' });
    expect(stored.status).toBe(404);
  });

  it('refuses skill codes naming a social benefit the person receives, which the tool promises not to receive, with 422 naming the kind of fact', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-skills-benefit')
      .auth(integration, { type: 'bearer' })
      .send(
        aJobSeeker({
          skills: [
            'accueil',
            'beneficiaire-rsa',
            'allocataire-ass',
            'rsa',
            'ass',
            'beneficiaire-du-rsa',
            'allocataire-caf',
          ],
        }),
      );
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toEqual(
      [1, 2, 3, 4, 5, 6].map((index) => ({
        path: `skills[${index}]`,
        message: expect.stringContaining('(social benefits)'),
      })),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/rsa|ass\b|caf/);
    const stored = await t.http.get('/v1/job-seekers/js-skills-benefit').auth(counselorA, { type: 'bearer' });
    expect(stored.status).toBe(404);
  });

  it('refuses a skill code naming a disability benefit as a health fact', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-skills-aah')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills: ['aah', 'allocataire-aah'] }));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'skills[0]', message: expect.stringContaining('health') },
      { path: 'skills[1]', message: expect.stringContaining('health') },
    ]);
  });

  it('stores skill codes naming work about benefits or that merely contain their acronyms', async () => {
    const skills = [
      'accompagnement-beneficiaires-rsa',
      'instruction-dossiers-rsa',
      'cryptographie-rsa',
      'gestion-allocataires',
      'assistance',
      'assurance',
      'assistant-de-direction',
      'rsa-securite-informatique',
    ];
    const res = await t.http
      .put('/v1/job-seekers/js-skills-benefit-work')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.skills).toEqual(skills);
  });

  it('stores skill codes that name a field of work, not a fact about the person (languages, sailing, care, public policy)', async () => {
    const skills = [
      'langues-etrangeres',
      'francais-langue-etrangere',
      'voile',
      'politiques-publiques',
      'origine-produits',
      'accompagnement-handicap',
      'sante-mentale',
      'animation-seniors',
      'petite-enfance',
      'aide-aux-familles',
    ];
    const res = await t.http
      .put('/v1/job-seekers/js-skills-ordinary')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses a date no calendar has (30 February) with 400 naming the field', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-dates')
      .auth(integration, { type: 'bearer' })
      .send({ ...aJobSeeker(), availableFrom: '2027-02-30' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['/body/availableFrom']);
    const leapDay = await t.http
      .put('/v1/job-seekers/js-dates')
      .auth(integration, { type: 'bearer' })
      .send({ ...aJobSeeker(), availableFrom: '2028-02-29' });
    expect(leapDay.status).toBe(201);
  });

  it('accepts a sync sending a commune code, as case-management tools do, and keeps none of it', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-5')
      .auth(integration, { type: 'bearer' })
      .send({ ...aJobSeeker({ location: null, availableFrom: null }), communeCode: '2A004' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ location: null, availableFrom: null });
    expect(res.body).not.toHaveProperty('communeCode');

    const read = await t.http.get('/v1/job-seekers/js-5').auth(counselorA, { type: 'bearer' });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('communeCode');
    expect(Object.keys(await t.container.db('job_seekers').columnInfo())).not.toContain('commune_code');
  });

  it('accepts a sync without a commune code', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-5b')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker());
    expect(res.status).toBe(201);
  });

  it('still refuses a commune code that is no INSEE code, naming the field', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-5c')
      .auth(integration, { type: 'bearer' })
      .send({ ...aJobSeeker(), communeCode: 'Lyon' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['/body/communeCode']);
  });

  it('logs each sync as job_seeker.upserted with the fields that changed, never their values', async () => {
    await t.http.put('/v1/job-seekers/js-6').auth(integration, { type: 'bearer' }).send(aJobSeeker());
    await t.http
      .put('/v1/job-seekers/js-6')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ monthsUnemployed: 11, counselorId: 'c-002' }));
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const events = (await decisionLog.listEvents({ types: ['job_seeker.upserted'] })).filter(
      (event) => event.subject === pseudonymiser.pseudonymise('js-6'),
    );
    expect(events.map((event) => event.payload)).toEqual([
      {
        created: true,
        changedFields: [],
        caseloadChanged: false,
        counselor: pseudonymiser.pseudonymise('c-001'),
        withdrawnSetIds: [],
        objectionRestored: false,
        reEnrolledAfterErasure: false,
      },
      {
        created: false,
        changedFields: ['counselorId', 'monthsUnemployed'],
        caseloadChanged: true,
        counselor: pseudonymiser.pseudonymise('c-002'),
        withdrawnSetIds: [],
        objectionRestored: false,
        reEnrolledAfterErasure: false,
      },
    ]);
    expect(events[0]?.actor).toEqual({
      role: 'integration',
      pseudonym: pseudonymiser.pseudonymise('svc-crm'),
    });
    expect(JSON.stringify(events)).not.toMatch(/c-002|js-6|"11"/);
  });

  it('names no changed field when a sync sends the stored location with its coordinates in another order', async () => {
    const sync = (body: object) =>
      t.http.put('/v1/job-seekers/js-6b').auth(integration, { type: 'bearer' }).send(body);
    expect((await sync(aJobSeeker({ location: { lat: 45.764, lon: 4.8357 } }))).status).toBe(201);
    // The same place, its members written lon first, as JSON allows.
    const reordered = { ...aJobSeeker(), location: { lon: 4.8357, lat: 45.764 } };
    expect((await sync(reordered)).status).toBe(200);
    expect((await sync({ ...reordered, monthsUnemployed: 8 })).status).toBe(200);
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const events = (await decisionLog.listEvents({ types: ['job_seeker.upserted'] })).filter(
      (event) => event.subject === pseudonymiser.pseudonymise('js-6b'),
    );
    expect(events.map((event) => event.payload.changedFields)).toEqual([[], [], ['monthsUnemployed']]);
  });

  it('names no changed skills when a sync sends the stored skill codes in another order', async () => {
    const sync = (skills: string[]) =>
      t.http.put('/v1/job-seekers/js-6c').auth(integration, { type: 'bearer' }).send(aJobSeeker({ skills }));
    expect((await sync(['soudage-tig', 'accueil', 'lecture-plans'])).status).toBe(201);
    // The same skills: the model reads them as a set.
    expect((await sync(['lecture-plans', 'soudage-tig', 'accueil'])).status).toBe(200);
    expect((await sync(['lecture-plans', 'soudage-tig'])).status).toBe(200);
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const events = (await decisionLog.listEvents({ types: ['job_seeker.upserted'] })).filter(
      (event) => event.subject === pseudonymiser.pseudonymise('js-6c'),
    );
    expect(events.map((event) => event.payload.changedFields)).toEqual([[], [], ['skills']]);
  });
});
