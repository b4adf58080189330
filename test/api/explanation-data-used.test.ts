import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import { formatFrenchDay } from '../../src/shared/french-day.ts';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decideAll,
  eraseJobSeeker,
  type ItemBody,
  newIdempotencyKey,
  readSet,
  requestSet,
  type SetBody,
  seedCatalog,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 24 * 3_600_000;

interface DataUsed {
  label: string;
  value: string;
  source: string;
}

/** The profile as the model sees it when the set is made. */
const AT_SUGGESTION = aWorkflowSeeker({
  skills: ['accueil', 'hygiene'],
  yearsExperience: 4,
  monthsUnemployed: 7,
  mobilityRadiusKm: 30,
});

/** The same person, updated by their agency after the suggestions were published. */
const LATER: JobSeekerInput = {
  ...AT_SUGGESTION,
  skills: ['accueil', 'hygiene', 'bureautique'],
  yearsExperience: 5,
  monthsUnemployed: 11,
  mobilityRadiusKm: 45,
};

/** The entries that come from the person's file, not from the catalog's side of the course. */
function fromFile(dataUsed: DataUsed[]): DataUsed[] {
  return dataUsed.filter((entry) => !entry.source.startsWith('le catalogue des formations'));
}

function shownValue(dataUsed: DataUsed[], label: string): string | undefined {
  return dataUsed.find((entry) => entry.label === label)?.value;
}

describe('the data used, in a job seeker’s explanation (GET /v1/me/recommendations/{itemId}/explanation)', () => {
  const clock = aClock();
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalog(t);
  });
  afterAll(() => t.close());

  /** Syncs the person, suggests and publishes one approved item, then lets two days pass. */
  async function publishForSeeker(seekerId: string, profile: JobSeekerInput = AT_SUGGESTION) {
    await syncSeeker(t, seekerId, profile);
    const suggestedOn = frenchDay(clock.now());
    const set = await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const itemId = set.items.find((item) => item.decision === 'approved')?.itemId;
    if (itemId === undefined) throw new Error('the published set has no approved item');
    clock.advance(2 * DAY);
    return { set, itemId, suggestedOn, token: await t.tokenFor('job_seeker', seekerId) };
  }

  async function readDataUsed(token: string, itemId: string): Promise<DataUsed[]> {
    const res = await t.http
      .get(`/v1/me/recommendations/${itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.dataUsed as DataUsed[];
  }

  it('writes the first of a month as French does, « 1er », in the dates the person reads', async () => {
    // The tests' clock starts on 1 October 2026: the set is made and the file synced that day.
    expect(clock.now().toISOString().slice(0, 10)).toBe('2026-10-01');
    const { itemId, token } = await publishForSeeker('js-first-of-month');

    const dataUsed = await readDataUsed(token, itemId);
    for (const entry of fromFile(dataUsed)) {
      expect(entry.source).toContain(
        'tel qu’il était le 1er octobre 2026, date de cette suggestion (dossier mis à jour le 1er octobre 2026)',
      );
    }
    for (const entry of dataUsed) expect(entry.source).toContain('tel qu’il était le 1er octobre 2026');
  });

  it('tells the course’s rate as the share of its past trainees in work six months after it, not a bare percentage', async () => {
    const { set, itemId, token } = await publishForSeeker('js-rate-of-whom');
    const attributions = set.items.find((item) => item.itemId === itemId)?.attributions ?? [];
    const modelSaw = (feature: string) => attributions.find((a) => a.feature === feature)?.value;
    expect(modelSaw('employmentRateMissing')).toBe(0);
    const told = (await readDataUsed(token, itemId)).find(
      (entry) => entry.label === 'Taux de retour à l’emploi de la formation',
    )?.value;
    expect(told).toBe(
      `${Math.round((modelSaw('employmentRate') ?? Number.NaN) * 100)} % des anciens stagiaires en emploi six ` +
        'mois après la formation',
    );
  });

  it('tells, for a course the counselor added, that the tool used no data about the person, and that the course and the rate the list shows come from the catalog', async () => {
    await syncSeeker(t, 'js-added', AT_SUGGESTION);
    const { set } = await createSet(t, counselor, 'js-added', { limit: 1 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 0 });
    const added = await act(t, counselor, set.id, 'items', etag, {
      courseId: 'LYON-SEC',
      reason: 'Projet de reconversion vers le secrétariat médical.',
    });
    expect(added.status).toBe(201);
    const publishedOn = frenchDay(clock.now());
    expect((await act(t, counselor, set.id, 'publish', added.headers.etag)).status).toBe(200);
    clock.advance(2 * DAY);
    const token = await t.tokenFor('job_seeker', 'js-added');
    const mine = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(mine.body.items).toHaveLength(1);
    const [shown] = mine.body.items;
    expect(shown).toMatchObject({ suggestedBy: 'counselor', returnToEmploymentRate: 0.64 });

    const dataUsed = await readDataUsed(token, shown.itemId);

    expect(fromFile(dataUsed)).toEqual([
      {
        label: 'Vos données',
        value:
          'aucune : l’outil d’aide à la décision n’a utilisé aucune donnée vous concernant pour cette formation, ' +
          'choisie par votre conseiller',
        source: 'votre conseiller, qui a ajouté cette formation',
      },
    ]);
    expect(shownValue(dataUsed, 'Taux de retour à l’emploi de la formation')).toBe(
      '64 % des anciens stagiaires en emploi six mois après la formation',
    );
    for (const entry of dataUsed.filter((used) => !fromFile(dataUsed).includes(used))) {
      expect(entry.source).toBe(
        `le catalogue des formations, tel qu’il était quand votre conseiller a retenu cette formation, avant de vous la proposer le ${publishedOn}`,
      );
    }
  });

  it('the explanation shows the profile the model saw, not a later update', async () => {
    const { itemId, suggestedOn, token } = await publishForSeeker('js-snapshot');
    await syncSeeker(t, 'js-snapshot', LATER);
    const updatedOn = frenchDay(clock.now());

    const dataUsed = await readDataUsed(token, itemId);

    expect(shownValue(dataUsed, 'Compétences')).toBe('accueil, hygiene');
    expect(shownValue(dataUsed, 'Années d’expérience')).toBe('4');
    expect(shownValue(dataUsed, 'Mois sans emploi')).toBe('7');
    expect(shownValue(dataUsed, 'Rayon de mobilité')).toBe('30 km');
    expect(shownValue(dataUsed, 'Niveau de diplôme')).toMatch(/^niveau \d : [^()]+( \([^()]+\))?$/);
    for (const entry of fromFile(dataUsed)) {
      expect(entry.source).toMatch(/dossier/);
      expect(entry.source).toContain(`tel qu’il était le ${suggestedOn}, date de cette suggestion`);
      expect(entry.source).not.toContain(updatedOn);
    }
  });

  it('names the occupations the person aims at by their label from the referential, a code without one alone', async () => {
    const admin = await t.tokenFor('admin', 'ops-1');
    const loaded = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .send({ items: [{ code: 'J1501', label: 'Soins d’hygiène, de confort du patient' }] });
    expect(loaded.status).toBe(200);
    const { itemId, token } = await publishForSeeker('js-occupation-labels', {
      ...AT_SUGGESTION,
      targetOccupations: ['J1501', 'K1302'],
    });

    const dataUsed = await readDataUsed(token, itemId);

    expect(shownValue(dataUsed, 'Métiers visés')).toBe(
      'Soins d’hygiène, de confort du patient (J1501), K1302',
    );
  });

  it('lists the data used in plain words: skills as the file codes them, the level without brackets in brackets, the home as a position and not an address', async () => {
    const { itemId, token } = await publishForSeeker('js-plain-words', {
      ...AT_SUGGESTION,
      educationLevel: 5,
      skills: ['accompagnement-personne', 'aide-repas', 'accueil'],
    });

    const dataUsed = await readDataUsed(token, itemId);

    expect(dataUsed.map((entry) => entry.label)).not.toContain('Métiers visés (codes ROME)');
    expect(shownValue(dataUsed, 'Compétences')).toBe('accompagnement-personne, aide-repas, accueil');
    expect(shownValue(dataUsed, 'Niveau de diplôme')).toBe('niveau 5 : bac + 2 (BTS, DUT)');
    expect(shownValue(dataUsed, 'Position du domicile')).toBe(
      'connue : des coordonnées, pas votre adresse postale',
    );
    expect(JSON.stringify(dataUsed)).not.toMatch(/adresse(?! postale)/);
  });

  it('shows the current profile for a set made before profiles were kept, and says so', async () => {
    const { set, itemId, token } = await publishForSeeker('js-legacy');
    // What a set stored before the snapshot column existed looks like.
    await t.container.db('recommendation_sets').where({ id: set.id }).update({ profile_snapshot: null });
    await syncSeeker(t, 'js-legacy', LATER);

    const dataUsed = await readDataUsed(token, itemId);

    expect(shownValue(dataUsed, 'Mois sans emploi')).toBe('11');
    expect(shownValue(dataUsed, 'Rayon de mobilité')).toBe('45 km');
    for (const entry of fromFile(dataUsed)) {
      expect(entry.source).toMatch(/dans son état actuel \(mis à jour le \d{1,2} \p{L}+ \d{4}\)/u);
      expect(entry.source).toMatch(
        /à la date de cette suggestion, le \d{1,2} \p{L}+ \d{4}, n’a pas été conservé/u,
      );
    }
  });

  it('exports the profile kept with each published set in the person’s data', async () => {
    const { itemId, token } = await publishForSeeker('js-export');
    await syncSeeker(t, 'js-export', LATER);

    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });

    expect(res.status).toBe(200);
    expect(res.body.profile).toMatchObject({ monthsUnemployed: 11 });
    expect(res.body.suggestionSets).toHaveLength(1);
    const [set] = res.body.suggestionSets;
    expect(set.items.map((item: { itemId: string }) => item.itemId)).toContain(itemId);
    const { counselorId: _owner, ...profileFields } = AT_SUGGESTION;
    expect(set.profileUsed).toEqual({ ...profileFields, updatedAt: expect.any(String) });
    expect(Date.parse(set.profileUsed.updatedAt)).toBeLessThanOrEqual(Date.parse(set.createdAt));
    expect(Date.parse(set.createdAt)).toBeLessThan(Date.parse(res.body.profile.updatedAt));
  });

  it('keeps the profile out of the counselor’s view of the set, first answer, replay and read alike', async () => {
    await syncSeeker(t, 'js-counselor-view', AT_SUGGESTION);
    const idempotencyKey = newIdempotencyKey();
    const created = await requestSet(t, counselor, 'js-counselor-view', { idempotencyKey });
    const replayed = await requestSet(t, counselor, 'js-counselor-view', { idempotencyKey });
    expect(created.status).toBe(201);
    expect(replayed.status).toBe(201);
    const setId = (created.body as SetBody).id;
    const { set: read } = await readSet(t, counselor, setId);

    for (const body of [created.body, replayed.body, read]) {
      expect(Object.keys(body)).not.toContain('profileSnapshot');
      expect(JSON.stringify(body)).not.toContain('targetOccupations');
    }
    // The stored idempotent answer, kept under the counselor's key, holds no copy of the profile.
    const stored = await t.container.db('idempotency_keys').where({ key: idempotencyKey }).first();
    expect(String(stored?.response_body)).not.toContain('targetOccupations');
  });

  it('erasing the person removes the kept profile with their sets', async () => {
    const rareSkill = 'soudure-tig-erasure-check';
    await publishForSeeker('js-erased', { ...AT_SUGGESTION, skills: [rareSkill] });
    const keptCopies = () =>
      t.container
        .db('recommendation_sets')
        .where('profile_snapshot', 'like', `%${rareSkill}%`)
        .count('* as n');
    expect(Number((await keptCopies())[0]?.n)).toBe(1);

    const admin = await t.tokenFor('admin', 'ops-1');
    const res = await eraseJobSeeker(t, admin, 'js-erased');

    expect(res.status).toBe(204);
    expect(Number((await keptCopies())[0]?.n)).toBe(0);
  });
});

describe('months unemployed, counted on from the last sync (GET /v1/me/recommendations/{itemId}/explanation)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('scores and shows the months the model used: the synced count plus the whole months since the sync, saying so', async () => {
    await syncSeeker(t, 'js-aged', AT_SUGGESTION);
    const syncedOn = frenchDay(clock.now());
    clock.advance(70 * DAY);
    const suggestedOn = frenchDay(clock.now());
    const set = await createAndPublish(t, counselor, 'js-aged', { approve: 1 });
    const item = set.items.find((candidate) => candidate.decision === 'approved');
    if (item === undefined) throw new Error('the published set has no approved item');
    const months = item.attributions.find((attribution) => attribution.feature === 'monthsUnemployed');
    expect(months?.value).toBe(9);

    const token = await t.tokenFor('job_seeker', 'js-aged');
    const res = await t.http
      .get(`/v1/me/recommendations/${item.itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(shownValue(res.body.dataUsed as DataUsed[], 'Mois sans emploi')).toBe(
      `9 (7 dans votre dossier mis à jour le ${syncedOn}, plus 2 mois écoulés jusqu’au ${suggestedOn}, date de cette suggestion)`,
    );
  });

  it('counts from the last sync, not from an objection recorded and withdrawn since', async () => {
    // Synced on 10 December, a month before the catalog's sessions start on 11 January.
    await syncSeeker(t, 'js-objected', AT_SUGGESTION);
    clock.advance(5 * DAY);
    const seeker = await t.tokenFor('job_seeker', 'js-objected');
    expect((await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({})).status).toBe(
      200,
    );
    expect((await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' })).status).toBe(204);
    clock.advance(26 * DAY);
    const set = await createAndPublish(t, counselor, 'js-objected', { approve: 1 });
    const item = set.items.find((candidate) => candidate.decision === 'approved');
    const months = item?.attributions.find((attribution) => attribution.feature === 'monthsUnemployed');
    // 7 synced, and the whole month from 10 December to 10 January: not none from the withdrawal.
    expect(months?.value).toBe(8);
  });
});

describe('the explanation of a course suggested to a person whose home is not known (GET /v1/me/recommendations/{itemId}/explanation)', () => {
  let t: TestApp;
  let counselor: string;
  let item: ItemBody;
  let explanation: { reasons: Array<{ text: string }>; dataUsed: DataUsed[] };

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    // Followed partly from home: within reach of a person who accepts remote learning, wherever they live.
    await seedCatalog(t, { 'HYB-1': aCourse({ title: 'Aide-soignant (hybride)', modality: 'hybrid' }) });
    await syncSeeker(
      t,
      'js-no-home',
      aWorkflowSeeker({ location: null, remoteOk: true, mobilityRadiusKm: 80 }),
    );
    const set = await createAndPublish(t, counselor, 'js-no-home', { approve: 1 });
    const approved = set.items.find((candidate) => candidate.decision === 'approved');
    if (approved === undefined) throw new Error('the published set has no approved item');
    item = approved;
    const token = await t.tokenFor('job_seeker', 'js-no-home');
    const res = await t.http
      .get(`/v1/me/recommendations/${item.itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    explanation = res.body;
  });
  afterAll(() => t.close());

  it('tells the person nothing of the course’s distance from a home the tool does not know, though the model weighed one', () => {
    expect(item.course.id).toBe('HYB-1');
    // What the model was given: the radius in place of a distance, weighing against the course.
    const distance = item.attributions.find((attribution) => attribution.feature === 'distanceKm');
    expect(distance?.value).toBe(80);
    expect(distance?.contribution).toBeLessThan(-0.2);
    const texts = explanation.reasons.map((reason) => reason.text);
    expect(texts).not.toContain('la formation a lieu loin de chez vous');
    expect(texts.filter((text) => /chez vous|vous déplacer/.test(text))).toEqual([]);
  });

  it('tells the counselor that the home is unknown rather than a distance', () => {
    expect(item.explanation).toContain(
      'Distance du domicile (km) = inconnue (domicile non connu — comptée au rayon de mobilité : 80 km)',
    );
  });

  it('lists the home as not known among the data used, and the distance the person accepts to travel as what the estimate counted in place of the distance, not the commune code, which the tool does not use', () => {
    const home = shownValue(explanation.dataUsed, 'Position du domicile');
    expect(home).toBe(
      'non connue : aucune distance n’a été mesurée ; l’estimation a compté à sa place la distance que vous ' +
        'acceptez de parcourir (80 km)',
    );
    expect(JSON.stringify(explanation.dataUsed)).not.toContain('69123');
  });
});

describe('the explanation of a course followed at a distance only, and of a long one (GET /v1/me/recommendations/{itemId}/explanation)', () => {
  let t: TestApp;
  let counselor: string;

  /** Followed at a distance only, and long: the shipped model weighs both its 0 km and its 1,540 hours. */
  const REMOTE_COURSE = aCourse({
    title: 'Aide-soignant (à distance)',
    modality: 'remote',
    location: null,
    city: null,
    durationHours: 1540,
    skills: ['soins-a-distance'],
    returnToEmploymentRate: 0.5,
  });

  interface Explanation {
    summary: string;
    reasons: Array<{ direction: string; text: string; weight: string }>;
    dataUsed: DataUsed[];
  }

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    await seedCatalog(t, { 'REM-1': REMOTE_COURSE });
  });
  afterAll(() => t.close());

  /** Suggests and publishes every course for the person, and reads the explanation of the remote one. */
  async function explainRemoteCourse(seekerId: string, profile: JobSeekerInput) {
    await syncSeeker(t, seekerId, profile);
    const set = await createAndPublish(t, counselor, seekerId);
    const item = set.items.find((candidate) => candidate.course.id === 'REM-1');
    if (item === undefined) throw new Error('the remote course was not suggested');
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http
      .get(`/v1/me/recommendations/${item.itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return { item, explanation: res.body as Explanation };
  }

  const noHome = aWorkflowSeeker({ location: null, remoteOk: true });
  const people: Array<[string, string, JobSeekerInput]> = [
    ['whose home is not known', 'js-remote-no-home', noHome],
    ['whose home is known', 'js-remote-home', aWorkflowSeeker({ remoteOk: true })],
  ];

  // Both weighed for the course: the facts say so.
  const HOURS = 'la formation dure 1\u202f540 heures (cela a compté en faveur de cette formation)';
  const REMOTE = 'la formation se suit à distance (cela a compté en faveur de cette formation)';

  for (const [who, seekerId, profile] of people) {
    it(`tells a person ${who} that the course is followed at a distance, and its hours, as facts apart from the reasons`, async () => {
      const { item, explanation } = await explainRemoteCourse(seekerId, profile);
      // What the model weighed: no distance to travel, and the hours, both in the course's favour.
      const weighed = (feature: string) => item.attributions.find((a) => a.feature === feature);
      expect(weighed('distanceKm')).toMatchObject({ value: 0 });
      expect(weighed('distanceKm')?.contribution).toBeGreaterThan(0.2);
      expect(weighed('durationHours')).toMatchObject({ value: 1540 });
      expect(weighed('durationHours')?.contribution).toBeGreaterThan(0.2);

      expect(explanation.reasons).toEqual(
        expect.arrayContaining([
          { direction: 'for', text: HOURS, weight: 'moderate', fact: true },
          { direction: 'for', text: REMOTE, weight: 'moderate', fact: true },
        ]),
      );
      expect(explanation.summary).toBe(
        // The hours take no reason's place: the start, which weighed less, is told too.
        'Cette formation vous est proposée surtout parce que la formation correspond au métier que vous visez ' +
          'et la formation commence bientôt, quand vous êtes disponible. ' +
          `À savoir : ${HOURS} et ${REMOTE}.`,
      );
      const [reasons] = explanation.summary.split('À savoir : ');
      expect(reasons).not.toMatch(/dure|heures|chez vous|à distance|vous déplacer/);
      // The counselor still reads how the hours weighed.
      expect(item.explanation).toMatch(/Pour : .*Durée \(heures\) = 1\u202f540 \(\+/);
    });
  }

  it('tells the person whose home is not known that no distance was computed, which the reasons do not contradict', async () => {
    const { explanation } = await explainRemoteCourse('js-remote-no-home-data', noHome);
    expect(shownValue(explanation.dataUsed, 'Position du domicile')).toBe(
      'non connue : la formation se suit à distance, aucune distance n’a été calculée',
    );
    expect(explanation.reasons.map((reason) => reason.text).join(' ')).not.toMatch(/chez vous|vous déplacer/);
  });
});

/** A day as the portal writes it for the person: « 30 novembre 2026 ». */
function frenchDay(instant: Date): string {
  return formatFrenchDay(instant.toISOString());
}
