import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

/**
 * The catalog search lists courses by id, in the order of their characters' codes, on both engines:
 * SQLite's order, and the one the suggestions break ties by. A PostgreSQL database is usually created
 * with the host's locale (en_US.UTF-8, fr_FR.UTF-8), whose order ignores case and punctuation at
 * first: the same catalog was listed in another order than on SQLite.
 */
describe('the order of the catalog search', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    if (TEST_ENGINE === 'postgres') {
      // The test servers are made with the C locale: the ids' column takes a French one, as a
      // database created under fr_FR.UTF-8 gives every column.
      await t.container.db.raw('alter table courses alter column id type varchar(64) collate "fr-x-icu"');
    }
    const admin = await t.tokenFor('admin', 'ops-1');
    for (const id of ['b_1', 'a-2', 'B-1', 'a10', 'A.1', 'a9']) {
      const res: {
        status: number;
        text: string;
        body: { items: Array<{ id: string }>; nextCursor: string | null };
      } = await t.http.put(`/v1/courses/${id}`).auth(admin, { type: 'bearer' }).send(aCourse());
      expect(res.status, res.text).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('lists courses by the codes of their ids, page after page', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        text: string;
        body: { items: Array<{ id: string }>; nextCursor: string | null };
      } = await t.http
        .get('/v1/courses')
        .query({ limit: 2, ...(cursor === null ? {} : { cursor }) })
        .auth(counselor, { type: 'bearer' });
      expect(res.status, res.text).toBe(200);
      ids.push(...res.body.items.map((course) => course.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null);

    expect(ids).toEqual(['A.1', 'B-1', 'a-2', 'a10', 'a9', 'b_1']);
  });
});
