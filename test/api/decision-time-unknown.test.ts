import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  createSet,
  decide,
  readSet,
  seedCatalogAndSeeker,
  type TestClock,
} from '../support/workflow.ts';

const SECOND = 1000;

/**
 * An NTP correction steps a server's clock back by some seconds (a clock that ran ahead is set
 * right): acts after it read an earlier time than acts already recorded.
 */
describe('a clock stepping back between two acts', () => {
  describe('between the opening of a set and a decision on it', () => {
    let t: TestApp;
    let clock: TestClock;
    let counselor: string;
    let auditor: string;

    beforeAll(async () => {
      clock = aClock();
      t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '1' } });
      counselor = await t.tokenFor('counselor', 'c-001');
      auditor = await t.tokenFor('auditor', 'dpo-1');
      await seedCatalogAndSeeker(t, 'js-1');
    });
    afterAll(() => t.close());

    it('does not record a decision of unknown duration as taking 0 seconds, a fast decision', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
      clock.advance(60 * SECOND);
      const { etag } = await readSet(t, counselor, set.id);
      // The clock is set back 60 s; the counselor decides 40 s (real time) after opening the set.
      clock.advance(-60 * SECOND + 40 * SECOND);
      const item = set.items[0];
      if (item === undefined) throw new Error('no item');
      const res = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(200);
      const decided = (res.body.items as Array<{ itemId: string; decisionSeconds: number | null }>).find(
        (candidate) => candidate.itemId === item.itemId,
      );
      // 0 is no duration anyone measured (the counselor read the set for 40 seconds): it is unknown.
      expect(decided?.decisionSeconds).toBeNull();
      const oversight = await t.http
        .get('/v1/audit/stats/oversight')
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', 'revue de la supervision');
      expect(oversight.status).toBe(200);
      // Not shown as having approved in 0 s, all their decisions fast: the decision is untimed.
      expect(oversight.body.rows[0]).toMatchObject({
        decisions: 1,
        timedDecisions: 0,
        medianDecisionSeconds: null,
        fastDecisionShare: null,
      });
    });
  });
});
