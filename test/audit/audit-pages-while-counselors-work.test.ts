import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import type { NewDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PURPOSE = 'revue trimestrielle du registre';

function opened(setId: string): NewDecisionEvent {
  return {
    type: 'recommendation.opened',
    actor: { role: 'counselor', id: 'c-001' },
    subjectId: 'js-1',
    payload: { setId, secondsSinceCreation: 5 },
  };
}

function decided(setId: string): NewDecisionEvent {
  return {
    type: 'item.decided',
    actor: { role: 'counselor', id: 'c-001' },
    subjectId: 'js-1',
    payload: { setId, itemId: 'i-1', courseId: 'FOR-0001', decision: 'approved', reasonCode: null },
  };
}

/**
 * `GET /v1/audit/events` with two types reads one page per type and merges them by seq
 * (`KnexAuditEventStore.listEvents`, `Promise.all`), with no upper seq bound. On SQLite the two reads
 * run back to back on the one connection; on PostgreSQL they run on two pooled connections, each in a
 * snapshot of its own, and a counselor's commit can land between them. The page then holds a later
 * event of one type without an earlier one of the other, and the cursor (after the page's last seq)
 * skips that earlier event for good.
 *
 * The test fixes that interleaving: the second type's read starts once a transaction holding new
 * events has committed (what a busy pool does to it on PostgreSQL). On SQLite that transaction holds
 * the only connection, so both reads come after it, as they always do there.
 */
describe('paging the log by several types while counselors work', () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('never lists an event of one type without an earlier one of the other committed with it', async () => {
    const { decisionLog } = t.container.decisionLog;
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let committed: () => void = () => undefined;
    const hasCommitted = new Promise<void>((resolve) => {
      committed = resolve;
    });
    // A counselor's transaction, not yet committed: an item decided (E), then two sets opened (F, G).
    const counselorWork = decisionLog
      .withTransaction(async (trx) => {
        await decisionLog.append(trx, decided('set-e'));
        await decisionLog.append(trx, opened('set-f'));
        await decisionLog.append(trx, opened('set-g'));
        await gate;
      })
      .then(() => committed());

    // The page per type, in the order the types are asked: item.decided first, then recommendation.opened.
    const prototype = KnexAuditEventStore.prototype as unknown as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >;
    const readPage = prototype.readPage as (...args: unknown[]) => Promise<unknown>;
    let reads = 0;
    prototype.readPage = async function (this: unknown, ...args: unknown[]) {
      reads += 1;
      if (reads === 1) {
        const rows = await readPage.apply(this, args);
        openGate();
        return rows;
      }
      if (reads === 2) await hasCommitted;
      return readPage.apply(this, args);
    };

    // On SQLite the request waits for the one connection, which the counselor's transaction holds:
    // it commits after a while, before anything of the request is read.
    const fallback = setTimeout(openGate, 500);
    const seen: string[] = [];
    try {
      let cursor: string | null = null;
      for (let page = 0; page < 5; page += 1) {
        const res = await t.http
          .get(
            `/v1/audit/events?type=item.decided&type=recommendation.opened&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`,
          )
          .auth(auditor, { type: 'bearer' })
          .set('X-Audit-Purpose', PURPOSE);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        for (const item of res.body.items as Array<{ payload: { setId: string } }>)
          seen.push(item.payload.setId);
        cursor = res.body.nextCursor as string | null;
        if (cursor === null) break;
      }
    } finally {
      prototype.readPage = readPage;
      clearTimeout(fallback);
      openGate();
      await counselorWork;
    }
    // A listing that began before the commit may end before it, but never lists F without E.
    const all = ['set-e', 'set-f', 'set-g'];
    expect(all.slice(0, seen.length)).toEqual(seen);
    const again = await t.http
      .get('/v1/audit/events?type=item.decided&type=recommendation.opened&limit=10')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(again.body.items.map((item: { payload: { setId: string } }) => item.payload.setId)).toEqual(all);
  });
});
