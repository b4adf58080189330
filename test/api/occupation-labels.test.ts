import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { recordStatements } from '../support/query-plans.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const CARE = { code: 'J1501', label: 'Soins d’hygiène, de confort du patient' };
const HOME_HELP = { code: 'K1302', label: 'Assistance auprès d’adultes' };
const SOFTWARE = { code: 'M1805', label: 'Études et développement informatique' };

/** The hash an auditor computes of a copy of the list: SHA-256 of its canonical JSON, ordered by code. */
function hashList(items: readonly { code: string; label: string }[]): string {
  const text = `[${items.map(({ code, label }) => `{"code":${JSON.stringify(code)},"label":${JSON.stringify(label)}}`).join(',')}]`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('the referential of occupation labels (GET and PUT /v1/occupations)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  const load = (items: unknown[]) =>
    t.http.put('/v1/occupations').auth(admin, { type: 'bearer' }).send({ items });
  const list = async () => {
    const res = await t.http.get('/v1/occupations').auth(admin, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const log = () => t.container.decisionLog.decisionLog;
  /** The `occupation_labels.loaded` events logged after `seq`. */
  const loadsAfter = async (seq: number) =>
    log().listEvents({ types: ['occupation_labels.loaded'], afterSeq: seq, limit: 1000 });

  it('an admin’s load replaces the whole referential, ordered by code, labels trimmed', async () => {
    expect((await load([HOME_HELP, { ...CARE, label: `  ${CARE.label} ` }])).body.items).toEqual([
      CARE,
      HOME_HELP,
    ]);

    const reloaded = await load([{ ...HOME_HELP, label: 'Aide à domicile' }]);

    expect(reloaded.status).toBe(200);
    expect(reloaded.body.items).toEqual([{ ...HOME_HELP, label: 'Aide à domicile' }]);
    expect(await list()).toEqual([{ ...HOME_HELP, label: 'Aide à domicile' }]);
  });

  it('refuses an empty list with 422 saying it would remove every occupation, nothing changed nor logged', async () => {
    await load([CARE]);
    const { seq } = await log().readHead();

    const res = await load([]);

    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/empty-referential',
      field: 'items',
      detail: expect.stringContaining('would remove every occupation label'),
    });
    expect(res.body.detail).toContain('acknowledgeEmptyReferential: true');
    expect(await list()).toEqual([CARE]);
    expect(await loadsAfter(seq)).toEqual([]);
  });

  it('empties the referential when the empty list is confirmed, and logs it', async () => {
    await load([CARE, HOME_HELP]);
    const { seq } = await log().readHead();

    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .send({ items: [], acknowledgeEmptyReferential: true });

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(await list()).toEqual([]);
    expect((await loadsAfter(seq)).map((event) => event.payload)).toEqual([
      expect.objectContaining({ loaded: 0, removed: 2 }),
    ]);
  });

  it('logs each load as occupation_labels.loaded by the admin, with the codes added, removed and renamed and the list’s hash', async () => {
    await load([CARE, HOME_HELP]);
    const { seq } = await log().readHead();

    const res = await load([SOFTWARE, { ...HOME_HELP, label: 'Aide à domicile' }]);

    expect(res.status).toBe(200);
    const events = await loadsAfter(seq);
    expect(events.map((event) => [event.actor, event.subject, event.personal, event.payload])).toEqual([
      [
        { role: 'admin', pseudonym: t.container.decisionLog.pseudonymiser.pseudonymise('ops-1') },
        null,
        null,
        {
          loaded: 2,
          added: 1,
          removed: 1,
          renamed: 1,
          sha256: hashList([{ ...HOME_HELP, label: 'Aide à domicile' }, SOFTWARE]),
        },
      ],
    ]);
    // The auditor's check: a copy of the list, as read, hashes to what the log holds.
    expect(hashList(await list())).toBe(events[0]?.payload.sha256);
    expect(await log().verifyRange()).toMatchObject({ ok: true });
  });

  it('logs a load that changes no label too, as its admin’s act, counting no change', async () => {
    await load([CARE]);
    const { seq } = await log().readHead();

    await load([CARE]);

    expect((await loadsAfter(seq)).map((event) => event.payload)).toEqual([
      { loaded: 1, added: 0, removed: 0, renamed: 0, sha256: hashList([CARE]) },
    ]);
  });

  it('a code given twice is refused, naming it, and the referential is left as it was, nothing logged', async () => {
    await load([CARE]);
    const head = await log().readHead();

    const res = await load([HOME_HELP, CARE, { ...CARE, label: 'Aide-soignant' }]);

    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('items[2].code: J1501 is given twice');
    expect(await list()).toEqual([CARE]);
    expect(await log().readHead()).toEqual(head);
  });

  it('a label of blanks, a code that is not a ROME code, or an unknown field is refused with what was wrong', async () => {
    await load([CARE]);
    const blank = await load([{ code: 'K1302', label: ' \u200b ' }]);
    expect(blank.status).toBe(422);
    expect(blank.body.detail).toContain('items[0].label');

    const notRome = await load([{ code: 'Z1302', label: 'Inconnu' }]);
    expect(notRome.status).toBe(400);
    expect(JSON.stringify(notRome.body.errors)).toContain('ROME code');

    const extra = await load([{ ...CARE, domain: 'Santé' }]);
    expect(extra.status).toBe(400);
    expect(await list()).toEqual([CARE]);
  });

  it('loads a referential as large as the published one in one request', async () => {
    const items = Array.from({ length: 600 }, (_, index) => ({
      code: `M${String(1000 + index).padStart(4, '0')}`,
      label: `Métier ${index + 1}`,
    }));

    const res = await load(items);

    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(600);
    expect((await list()).at(-1)).toEqual({ code: 'M1599', label: 'Métier 600' });
  });

  it('two loads at once both succeed, each answering what it loaded, and the referential is one of them whole, never a mix', async () => {
    const first = [CARE, HOME_HELP];
    const second = [
      { ...CARE, label: 'Aide-soignant' },
      { code: 'M1805', label: 'Études et développement informatique' },
    ];

    const answers = await Promise.all([load(first), load(second), load(first), load(second)]);

    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    // Each answer is the referential its own request loaded, whichever load came last.
    expect(answers.map((res) => res.body.items)).toEqual([first, second, first, second]);
    expect([first, second]).toContainEqual(await list());
  });

  it('logs loads made at once one by one, each compared with the load before it, the last one’s hash the list’s', async () => {
    await load([CARE]);
    const { seq } = await log().readHead();
    const first = [CARE, HOME_HELP];
    const second = [{ ...CARE, label: 'Aide-soignant' }, SOFTWARE];

    await Promise.all([load(first), load(second), load(first), load(second)]);

    const events = await loadsAfter(seq);
    expect(events).toHaveLength(4);
    // Each load found the list the one logged before it had left (CARE alone before the first).
    let before = [CARE];
    for (const event of events) {
      const loaded = event.payload.sha256 === hashList(first) ? first : second;
      expect(event.payload).toEqual({
        loaded: 2,
        added: loaded.filter(({ code }) => !before.some((held) => held.code === code)).length,
        removed: before.filter(({ code }) => !loaded.some((kept) => kept.code === code)).length,
        renamed: loaded.filter(({ code, label }) =>
          before.some((held) => held.code === code && held.label !== label),
        ).length,
        sha256: hashList(loaded),
      });
      before = loaded;
    }
    expect(hashList(await list())).toBe(events.at(-1)?.payload.sha256);
    expect(await log().verifyRange()).toMatchObject({ ok: true });
  });

  it('counselors and auditors read it; only an admin loads it, a refused load logging nothing', async () => {
    await load([CARE]);
    const head = await log().readHead();
    for (const role of ['counselor', 'auditor'] as const) {
      const token = await t.tokenFor(role, `${role}-1`);
      const read = await t.http.get('/v1/occupations').auth(token, { type: 'bearer' });
      expect(read.status).toBe(200);
      expect(read.body.items).toEqual([CARE]);
      const write = await t.http
        .put('/v1/occupations')
        .auth(token, { type: 'bearer' })
        .send({ items: [HOME_HELP] });
      expect(write.status).toBe(403);
    }
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    expect((await t.http.get('/v1/occupations').auth(seeker, { type: 'bearer' })).status).toBe(403);
    expect(await list()).toEqual([CARE]);
    expect(await log().readHead()).toEqual(head);
  });
});

describe('the labels beside the occupation codes a counselor reads', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    const sync = await t.http
      .put('/v1/job-seekers/js-labels')
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send(aJobSeeker({ counselorId: 'c-001', targetOccupations: ['K1302', 'J1501'] }));
    expect(sync.status).toBe(201);
  });
  afterAll(() => t.close());

  const load = async (items: unknown[]) =>
    expect((await t.http.put('/v1/occupations').auth(admin, { type: 'bearer' }).send({ items })).status).toBe(
      200,
    );
  const putCourse = (id: string, targetOccupations: string[]) =>
    t.http.put(`/v1/courses/${id}`).auth(admin, { type: 'bearer' }).send(aCourse({ targetOccupations }));
  const read = (path: string) => t.http.get(path).auth(counselor, { type: 'bearer' });

  it("gives the person's file the label of each target occupation, in their order, null for a code the referential lacks", async () => {
    await load([CARE, SOFTWARE]);

    const res = await read('/v1/job-seekers/js-labels');

    expect(res.status).toBe(200);
    expect(res.body.targetOccupations).toEqual(['K1302', 'J1501']);
    expect(res.body.targetOccupationLabels).toEqual([
      { code: 'K1302', label: null },
      { code: 'J1501', label: CARE.label },
    ]);
  });

  it('gives each course of the catalog search, and a course read alone, the labels of its occupations', async () => {
    await load([CARE, SOFTWARE]);
    expect((await putCourse('LABEL-CARE', ['J1501', 'K1302'])).status).toBe(201);
    expect((await putCourse('LABEL-SOFTWARE', ['M1805'])).status).toBe(201);

    const page = await read('/v1/courses?q=Aide&limit=50');

    expect(page.status).toBe(200);
    const byId = new Map(
      page.body.items.map((course: { id: string; targetOccupationLabels: unknown }) => [
        course.id,
        course.targetOccupationLabels,
      ]),
    );
    expect(byId.get('LABEL-CARE')).toEqual([CARE, { code: 'K1302', label: null }]);
    expect(byId.get('LABEL-SOFTWARE')).toEqual([SOFTWARE]);
    const one = await read('/v1/courses/LABEL-CARE');
    expect(one.body).toMatchObject({
      targetOccupations: ['J1501', 'K1302'],
      targetOccupationLabels: [CARE, { code: 'K1302', label: null }],
    });
  });

  it('answers the labels as the referential stands when read: a load since renames them, and its admin reads them in the course saved', async () => {
    await load([CARE]);
    expect((await putCourse('LABEL-RENAMED', ['J1501'])).body.targetOccupationLabels).toEqual([CARE]);

    await load([{ ...CARE, label: 'Aide-soignant' }, HOME_HELP]);

    expect((await read('/v1/courses/LABEL-RENAMED')).body.targetOccupationLabels).toEqual([
      { code: 'J1501', label: 'Aide-soignant' },
    ]);
    expect((await read('/v1/job-seekers/js-labels')).body.targetOccupationLabels).toEqual([
      HOME_HELP,
      { code: 'J1501', label: 'Aide-soignant' },
    ]);
  });

  it('reads the labels of a whole page of courses, and of the person, in one query each', async () => {
    await load([CARE, HOME_HELP, SOFTWARE]);
    for (const [index, codes] of [['J1501'], ['K1302'], ['M1805', 'J1501']].entries()) {
      await putCourse(`LABEL-PAGE-${index}`, codes);
    }
    const ofLabels = async (path: string) =>
      (
        await recordStatements(t.container.db, async () => {
          expect((await read(path)).status).toBe(200);
        })
      ).filter(({ sql }) => /\boccupation_labels\b/.test(sql));

    expect(await ofLabels('/v1/courses?limit=50')).toHaveLength(1);
    expect(await ofLabels('/v1/job-seekers/js-labels')).toHaveLength(1);
  });
});
