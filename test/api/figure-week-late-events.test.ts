import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, seedCatalogAndSeeker } from '../support/workflow.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * A week is frozen the first time it is given, but the log's time is what events are stamped with:
 * an event may land in a week after the reader's clock has passed its end (appended by another
 * process whose clock is a little behind; on PostgreSQL, a transaction stamped before the week ended
 * and committing after the read). So a week is given only once it has been over for an hour.
 */
describe('auditor API: a week given only once the events stamped in it have landed', () => {
  // Sunday 4 October 2026, 23:50: the week of 28 September is about to end.
  const clock = aClock(new Date('2026-10-04T23:50:00.000Z'));
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'revue des explications');

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '3' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    for (const id of ['js-1a', 'js-1b', 'js-1c', 'js-1d', 'js-1e']) await seedCatalogAndSeeker(t, id);
    for (const id of ['js-1a', 'js-1b', 'js-1c', 'js-1d']) await createSet(t, counselor, id);
  });
  afterAll(() => t.close());

  it('counts in a week a set stamped in it while a read just after its end was under way', async () => {
    // The reader's clock: Monday 00:03. Another writer's clock, 5 minutes behind: Sunday 23:58.
    clock.advance(13 * MINUTE);
    const store = (
      t.container.services.audit as unknown as {
        deps: { figureWeeks: { listFrozenWeeks: (...args: unknown[]) => Promise<unknown> } };
      }
    ).deps.figureWeeks;
    const list = store.listFrozenWeeks.bind(store);
    let raced = false;
    store.listFrozenWeeks = async (...args: unknown[]) => {
      const frozen = await list(...args);
      if (!raced) {
        // The other writer appends while the read is under way, before its `audit.queried`.
        raced = true;
        clock.advance(-5 * MINUTE);
        await createSet(t, counselor, 'js-1e');
        clock.advance(5 * MINUTE);
      }
      return frozen;
    };
    const justAfter = await get('/v1/audit/stats/attributions');
    expect(justAfter.status).toBe(200);
    const stamped = await t.container
      .db('decision_events')
      .where({ type: 'recommendation.generated' })
      .andWhere('occurred_at', '<', '2026-10-05T00:00:00.000Z')
      .count({ n: '*' });
    expect(Number(stamped[0]?.n)).toBe(5);

    clock.advance(HOUR);
    const anHourLater = await get('/v1/audit/stats/attributions');
    expect(anHourLater.body).toMatchObject({ to: '2026-10-05T00:00:00.000Z' });
    expect(anHourLater.body.models).toEqual([expect.objectContaining({ sets: 5, people: 5 })]);
    // Three minutes after its end, the week was not given yet.
    expect(justAfter.body).toMatchObject({ to: '2026-09-28T00:00:00.000Z', models: [] });
  });
});
