import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { findBodyBounds } from '../../src/http/refuse-wide-bodies.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';
const SET_ID = '01a24f42-d4b0-70f0-8052-4715c830a8df';
const ITEM_ID = '01a24f42-d4af-7bf3-aa20-dee0ee85f267';

/**
 * Tens of thousands of list items or unknown fields fit in the 100 kB JSON limit. The validator
 * reported every one and the error handler described each: a counselor's shortlist of 16,000 course
 * ids held the thread serving every request for half a second (a check for duplicates compares each
 * item with every other), an admin's list of occupations for seconds, and the refusal was twenty
 * times the size of the body. Such a body is refused naming the one place that is too wide, and a
 * refusal lists the first 100 invalid fields, saying how many more there are.
 */
describe('a body far wider than any the contract takes', () => {
  let t: TestApp;
  const bounds = findBodyBounds(loadOpenApiDocument());

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reads its bounds from the contract: its longest list and its object with the most fields', () => {
    expect(bounds).toEqual({ maxListLength: 2000, maxFields: 15 });
  });

  it("refuses a counselor's list far longer than any body takes, naming it alone", async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const res = await t.http
      .post(`/v1/recommendations/${SET_ID}/shortlist`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', '"1"')
      .send({ courseIds: Array.from({ length: 16_000 }, (_, index) => index) });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}validation`,
      errors: [
        {
          path: '/body/courseIds',
          message:
            'holds 16000 values, and no list of a body of this API takes more than 2000: send at most as many as the field takes (the contract gives its maxItems)',
        },
      ],
    });
    expect(res.body.errors).toHaveLength(1);
  });

  it("refuses the person's object with far more fields than any body names, in French, naming it for the portal's developers", async () => {
    const seeker = await t.tokenFor('job_seeker', 'js-2001');
    const body = Object.fromEntries(Array.from({ length: 9_000 }, (_, index) => [`k${index}`, 1]));
    const res = await t.http
      .post(`/v1/me/recommendations/${ITEM_ID}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}validation`,
      title: 'Demande non valide',
      errors: [
        {
          path: '/body',
          message:
            'holds 9000 fields, and no object of a body of this API takes more than 15: send only the fields the contract names',
        },
      ],
    });
    expect(res.body.errors).toHaveLength(1);
  });

  it("leaves a list within the contract's bounds to the validator, which names the field's own limit", async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const res = await t.http
      .post(`/v1/recommendations/${SET_ID}/shortlist`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', '"1"')
      .send({ courseIds: Array.from({ length: 51 }, (_, index) => `C-${index}`) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/body/courseIds', message: 'must hold at most 50 items' }]);
  });

  it('lists the first 100 invalid fields of a refusal and says how many more it left out', async () => {
    const admin = await t.tokenFor('admin', 'a-001');
    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .send({ items: Array.from({ length: 2000 }, () => ({ x: 1, y: 1 })) });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEMS}validation`);
    // Each item: two fields it does not take, two it needs missing.
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.detail).toMatch(/; and 7900 more invalid fields not listed$/);
  });
});
