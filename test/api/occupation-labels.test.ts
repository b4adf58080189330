import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const CARE = { code: 'J1501', label: 'Soins d’hygiène, de confort du patient' };
const HOME_HELP = { code: 'K1302', label: 'Assistance auprès d’adultes' };

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

  it('a code given twice is refused, naming it, and the referential is left as it was', async () => {
    await load([CARE]);

    const res = await load([HOME_HELP, CARE, { ...CARE, label: 'Aide-soignant' }]);

    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('items[2].code: J1501 is given twice');
    expect(await list()).toEqual([CARE]);
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

  it('counselors and auditors read it; only an admin loads it', async () => {
    await load([CARE]);
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
  });
});
