import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { withoutInstance } from '../support/problem-body.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  type ItemBody,
  putSettings,
  readSet,
  type SetBody,
  syncSeeker,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The example the contract gives of a refused approval, a course LYON-AS-2 withdrawn. */
function reviewConflictExample(): { detail: string; [member: string]: unknown } {
  const document = loadOpenApiDocument() as {
    components: { responses: { ReviewConflict: { content: Record<string, { example: unknown }> } } };
  };
  const example = document.components.responses.ReviewConflict.content['application/problem+json']?.example;
  if (typeof example !== 'object' || example === null || !('detail' in example)) {
    throw new Error('the contract has no ReviewConflict example with a detail');
  }
  return example as { detail: string };
}

/** A course of the catalog the model never suggests to the workflow's job seekers (too far). */
const FAR_COURSE = 'PARIS-AS';

describe('a course withdrawn from the catalog after it was suggested', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  let admin: string;
  const withdrawn = new Set<string>();

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());
  // Each test withdraws what it needs; the next one starts from the whole catalog again.
  afterEach(async () => {
    for (const courseId of withdrawn) await putCourse(courseId, true);
    withdrawn.clear();
  });

  async function putCourse(courseId: string, active: boolean): Promise<void> {
    const course = WORKFLOW_CATALOG[courseId];
    if (course === undefined) throw new Error(`no course ${courseId} in the workflow catalog`);
    const res = await t.http
      .put(`/v1/courses/${courseId}`)
      .auth(admin, { type: 'bearer' })
      .send({ ...course, active });
    expect(res.status).toBe(200);
  }

  /** An admin deactivates the course (PUT with `active: false`). */
  async function withdrawByAdmin(courseId: string): Promise<void> {
    withdrawn.add(courseId);
    await putCourse(courseId, false);
  }

  /** A catalog re-import marks the course inactive. */
  async function withdrawByImport(courseId: string): Promise<void> {
    withdrawn.add(courseId);
    const res = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: courseId, ...WORKFLOW_CATALOG[courseId], active: false })}\n`);
    expect(res.status).toBe(200);
  }

  async function openSetFor(seekerId: string): Promise<{ set: SetBody; etag: string }> {
    await syncSeeker(t, seekerId);
    const { set } = await createSet(t, counselor, seekerId);
    return readSet(t, counselor, set.id);
  }

  function itemAt(set: SetBody, index: number): ItemBody {
    const item = set.items[index];
    if (item === undefined) throw new Error(`the set has no item ${index}`);
    return item;
  }

  async function seekerSees(seekerId: string) {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as {
      publishedAt: string | null;
      items: Array<{ itemId: string; courseAvailable: boolean; courseChangeNotice: string | null }>;
    };
  }

  describe('approving', () => {
    it('refuses to approve an item whose course was withdrawn after it was suggested with 409 naming the course; nothing changes', async () => {
      const { set, etag } = await openSetFor('js-w-approve');
      const item = itemAt(set, 0);
      await withdrawByAdmin(item.course.id);

      const res = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.type).toMatch(/course-withdrawn$/);
      expect(res.body.detail).toContain(item.course.id);
      expect(res.body.detail).toContain(item.course.title);
      expect(res.body.detail).toMatch(/withdrawn from the catalog after being suggested/);
      expect(res.body.detail).toMatch(/can be rejected/);
      expect(res.body.withdrawnItems).toEqual([{ itemId: item.itemId, courseId: item.course.id }]);

      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.items.find((i) => i.itemId === item.itemId)?.decision).toBe('pending');
    });

    it("answers that refusal with the text of the contract's ReviewConflict example", async () => {
      const { set, etag } = await openSetFor('js-w-example');
      const item = itemAt(set, 0);
      await withdrawByAdmin(item.course.id);

      const res = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      const example = reviewConflictExample();
      const named = `${item.course.id} "${item.course.title}"`;
      expect(withoutInstance(res.body)).toEqual({
        ...withoutInstance(example),
        detail: example.detail.replace(/LYON-AS-2 "[^"]*"/, named),
        withdrawnItems: [{ itemId: item.itemId, courseId: item.course.id }],
      });
    });

    it('lets such an item be rejected with the published reason course_unavailable', async () => {
      const codes = await t.http.get('/v1/reason-codes').auth(counselor, { type: 'bearer' });
      expect(codes.body.items).toContainEqual(
        expect.objectContaining({ code: 'course_unavailable', commentRequired: false }),
      );
      const { set, etag } = await openSetFor('js-w-reject');
      const item = itemAt(set, 0);
      await withdrawByImport(item.course.id);

      const res = await decide(t, counselor, set.id, item.itemId, etag, {
        decision: 'reject',
        reasonCode: 'course_unavailable',
      });
      expect(res.status).toBe(200);
      expect((res.body as SetBody).items.find((i) => i.itemId === item.itemId)).toMatchObject({
        decision: 'rejected',
        reasonCode: 'course_unavailable',
        courseAvailable: false,
      });
    });

    it('refuses course_unavailable for an item whose course is still offered with 422 naming the course; nothing changes', async () => {
      const { set, etag } = await openSetFor('js-w-offered');
      const item = itemAt(set, 0);

      const res = await decide(t, counselor, set.id, item.itemId, etag, {
        decision: 'reject',
        reasonCode: 'course_unavailable',
      });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toContain(`course ${item.course.id} "${item.course.title}" is still offered`);
      expect(res.body).toMatchObject({ reasonCode: 'course_unavailable', courseId: item.course.id });
      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.items.find((i) => i.itemId === item.itemId)?.decision).toBe('pending');
    });

    it('answers a stale If-Match with 412 and keeps the kill switch refusal first, before the withdrawn course', async () => {
      const { set, etag } = await openSetFor('js-w-order');
      const [first, second] = set.items;
      if (first === undefined || second === undefined) throw new Error('two items expected');
      const approved = await decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' });
      const current = String(approved.headers.etag);
      await withdrawByAdmin(second.course.id);

      const stale = await decide(t, counselor, set.id, second.itemId, etag, { decision: 'approve' });
      expect(stale.status).toBe(412);
      await putSettings(t, { aiEnabled: false });
      try {
        const off = await decide(t, counselor, set.id, second.itemId, current, { decision: 'approve' });
        expect(off.status).toBe(409);
        expect(off.body.detail).toMatch(/suggestions are switched off/);
      } finally {
        await putSettings(t, {});
      }
      const on = await decide(t, counselor, set.id, second.itemId, current, { decision: 'approve' });
      expect(on.status).toBe(409);
      expect(on.body.detail).toMatch(/withdrawn from the catalog/);
    });
  });

  describe('publishing', () => {
    it('refuses to publish a set with an approved item whose course was withdrawn since with 409 listing it; nothing is published until it is rejected', async () => {
      await syncSeeker(t, 'js-w-publish');
      const { set: created } = await createSet(t, counselor, 'js-w-publish');
      const { set, etag } = await decideAll(t, counselor, created.id, { approve: 2 });
      const gone = itemAt(set, 0);
      expect(gone.decision).toBe('approved');
      await withdrawByAdmin(gone.course.id);

      const res = await act(t, counselor, set.id, 'publish', etag, { message: 'Bonne chance' });
      expect(res.status).toBe(409);
      expect(res.body.type).toMatch(/course-withdrawn$/);
      expect(res.body.detail).toContain(gone.course.id);
      expect(res.body.withdrawnItems).toEqual([{ itemId: gone.itemId, courseId: gone.course.id }]);
      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.status).toBe('pending_review');
      expect(await seekerSees('js-w-publish')).toMatchObject({ publishedAt: null, items: [] });

      const rejected = await decide(t, counselor, set.id, gone.itemId, etag, {
        decision: 'reject',
        reasonCode: 'course_unavailable',
      });
      expect(rejected.status).toBe(200);
      const published = await act(t, counselor, set.id, 'publish', String(rejected.headers.etag));
      expect(published.status).toBe(200);
      const seen = await seekerSees('js-w-publish');
      expect(seen.items).toHaveLength(1);
      expect(seen.items.map((item) => item.itemId)).not.toContain(gone.itemId);
    });

    it('applies the same rule to a course the counselor added, withdrawn since: no approval, no publication', async () => {
      const { set, etag } = await openSetFor('js-w-added');
      const added = await act(t, counselor, set.id, 'items', etag, {
        courseId: FAR_COURSE,
        reason: 'La personne peut loger chez sa sœur à Paris.',
      });
      expect(added.status).toBe(201);
      const addition = (added.body as SetBody).items.find((item) => item.source === 'counselor');
      if (addition === undefined) throw new Error('the addition is missing');
      const { etag: decided } = await decideAll(t, counselor, set.id, { approve: 0 });
      await withdrawByAdmin(FAR_COURSE);

      const approval = await decide(t, counselor, set.id, addition.itemId, decided, { decision: 'approve' });
      expect(approval.status).toBe(409);
      expect(approval.body.detail).toMatch(/withdrawn from the catalog after being added/);
      const publish = await act(t, counselor, set.id, 'publish', decided);
      expect(publish.status).toBe(409);
      expect(publish.body.withdrawnItems).toEqual([{ itemId: addition.itemId, courseId: FAR_COURSE }]);
      expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');
    });

    it("refuses the second reviewer's approval when an approved course was withdrawn meanwhile, and lets them return the set", async () => {
      await putSettings(t, { secondReviewRate: 1 });
      let handed: { set: SetBody; etag: string };
      try {
        await syncSeeker(t, 'js-w-second');
        const { set } = await createSet(t, counselor, 'js-w-second', { limit: 2 });
        const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
        const res = await act(t, counselor, set.id, 'publish', etag);
        expect(res.body.status).toBe('awaiting_second_review');
        handed = { set: res.body as SetBody, etag: String(res.headers.etag) };
      } finally {
        await putSettings(t, {});
      }
      const approvedItem = handed.set.items.find((item) => item.decision === 'approved');
      if (approvedItem === undefined) throw new Error('an approved item expected');
      await withdrawByAdmin(approvedItem.course.id);

      const peer = await readSet(t, otherCounselor, handed.set.id);
      const approval = await act(t, otherCounselor, handed.set.id, 'second-review', peer.etag, {
        decision: 'approve',
      });
      expect(approval.status).toBe(409);
      expect(approval.body.withdrawnItems).toEqual([
        { itemId: approvedItem.itemId, courseId: approvedItem.course.id },
      ]);
      const returned = await act(t, otherCounselor, handed.set.id, 'second-review', peer.etag, {
        decision: 'return',
        comment: 'À revoir avant publication.',
      });
      expect(returned.status).toBe(200);
      expect(returned.body.status).toBe('pending_review');
      expect(await seekerSees('js-w-second')).toMatchObject({ publishedAt: null, items: [] });
    });
  });

  describe("the counselor's view", () => {
    it('marks each item whose course the catalog no longer offers, and only those', async () => {
      const { set } = await openSetFor('js-w-view');
      const gone = itemAt(set, 1);
      expect(set.items.every((item) => item.courseAvailable)).toBe(true);
      await withdrawByImport(gone.course.id);

      const { set: seen } = await readSet(t, counselor, set.id);
      expect(seen.items.filter((item) => !item.courseAvailable).map((item) => item.itemId)).toEqual([
        gone.itemId,
      ]);
      expect(seen.items.length).toBeGreaterThan(2);
    });

    it('reads whether the courses of a set are offered in one query, however many items it has', async () => {
      const { set } = await openSetFor('js-w-queries');
      expect(set.items.length).toBeGreaterThan(2);
      const courseQueries: string[] = [];
      const listen = (query: { sql: string }) => {
        if (/from [`"]courses[`"]/i.test(query.sql)) courseQueries.push(query.sql);
      };
      t.container.db.on('query', listen);
      try {
        await readSet(t, counselor, set.id);
      } finally {
        t.container.db.off('query', listen);
      }
      expect(courseQueries).toHaveLength(1);
    });
  });

  describe("the job seeker's view", () => {
    it('keeps showing a published course withdrawn later, marked as no longer offered, and still explains it', async () => {
      await syncSeeker(t, 'js-w-portal');
      const published = await createAndPublish(t, counselor, 'js-w-portal', { approve: 2 });
      const shown = published.items.filter((item) => item.decision === 'approved');
      const gone = shown[0];
      if (gone === undefined) throw new Error('an approved item expected');
      const before = await seekerSees('js-w-portal');
      expect(before.items.every((item) => item.courseAvailable)).toBe(true);
      await withdrawByImport(gone.course.id);

      const after = await seekerSees('js-w-portal');
      expect(after.items.map((item) => item.itemId)).toEqual(before.items.map((item) => item.itemId));
      expect(after.items.filter((item) => !item.courseAvailable).map((item) => item.itemId)).toEqual([
        gone.itemId,
      ]);
      const token = await t.tokenFor('job_seeker', 'js-w-portal');
      const explanation = await t.http
        .get(`/v1/me/recommendations/${gone.itemId}/explanation`)
        .auth(token, { type: 'bearer' });
      expect(explanation.status).toBe(200);
      expect(explanation.body.course.id).toBe(gone.course.id);
      // The reasons stay as written; one sentence says they were about the course before it was withdrawn.
      expect(explanation.body.courseChangeNotice).toMatch(
        /^Les raisons de cette suggestion ont été données avec la formation telle qu’elle était le .+, jour de la suggestion\. Depuis, la formation a été retirée du catalogue : vous ne pouvez plus vous y inscrire\.$/,
      );
      expect(after.items.find((item) => item.itemId === gone.itemId)?.courseChangeNotice).toBe(
        explanation.body.courseChangeNotice,
      );
      expect(
        after.items.filter((item) => item.itemId !== gone.itemId).map((item) => item.courseChangeNotice),
      ).toEqual([null]);
      const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
      expect(data.body.recommendations).toContainEqual(
        expect.objectContaining({ itemId: gone.itemId, courseAvailable: false }),
      );
      const { set: counselorView } = await readSet(t, counselor, published.id);
      expect(counselorView.items.find((item) => item.itemId === gone.itemId)?.courseAvailable).toBe(false);
    });

    it('tells the person in French that a course their counselor added was withdrawn since they chose it, in the list, the explanation and the export', async () => {
      const { set } = await openSetFor('js-w-added-told');
      const { etag: decided } = await decideAll(t, counselor, set.id, { approve: 0 });
      const added = await act(t, counselor, set.id, 'items', decided, {
        courseId: FAR_COURSE,
        reason: 'La personne peut loger chez sa sœur à Paris.',
      });
      expect(added.status).toBe(201);
      const published = await act(t, counselor, set.id, 'publish', String(added.headers.etag));
      expect(published.status).toBe(200);
      const [addition] = (await seekerSees('js-w-added-told')).items;
      expect(addition?.courseChangeNotice).toBeNull();

      await withdrawByAdmin(FAR_COURSE);

      const [after] = (await seekerSees('js-w-added-told')).items;
      expect(after).toMatchObject({ itemId: addition?.itemId, courseAvailable: false });
      expect(after?.courseChangeNotice).toMatch(
        /^Votre conseiller a retenu cette formation pour vous telle qu’elle était au moment de son choix, avant de vous la proposer le .+\. Depuis, la formation a été retirée du catalogue : vous ne pouvez plus vous y inscrire\.$/,
      );
      const token = await t.tokenFor('job_seeker', 'js-w-added-told');
      const explanation = await t.http
        .get(`/v1/me/recommendations/${after?.itemId}/explanation`)
        .auth(token, { type: 'bearer' });
      expect(explanation.status).toBe(200);
      expect(explanation.body.courseChangeNotice).toBe(after?.courseChangeNotice);
      const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
      expect(data.body.recommendations).toContainEqual(
        expect.objectContaining({ itemId: after?.itemId, courseChangeNotice: after?.courseChangeNotice }),
      );
    });
  });
});
