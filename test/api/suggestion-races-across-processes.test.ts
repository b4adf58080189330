import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEventType } from '../../src/decision-log/decision-event.ts';
import type { RecommendationServiceDeps } from '../../src/recommendations/recommendation-service.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  eraseJobSeeker,
  putSettings,
  requestManualSet,
  requestSet,
  seedCatalog,
  syncSeeker,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * Two API processes on one database: an admin acts through process A while process B makes a set,
 * between B's first checks and its storing. What B stores (or refuses, or logs) follows what the log
 * already holds before it: every writer takes the log's lock before it reads what it checks
 * (record 0004).
 */
describe('an admin acting through another process while suggestions are made', () => {
  let a: TestApp;
  let b: TestApp;
  let counselorOnB: string;
  let depsOnB: RecommendationServiceDeps;

  beforeAll(async () => {
    const started = await startWorkflowApp();
    a = started.t;
    b = await startTestApp({ database: a.database, now: started.clock.now });
    counselorOnB = await b.tokenFor('counselor', 'c-001');
    depsOnB = (b.container.services.recommendations as unknown as { deps: RecommendationServiceDeps }).deps;
  });
  afterAll(async () => {
    await b.container.close();
    await a.close();
  });

  async function eventsOf(...types: DecisionEventType[]) {
    return a.container.decisionLog.decisionLog.listEvents({ types, limit: 1000 });
  }

  /** The log's last `settings.changed` and the creation event of `setId`, which must come after it. */
  async function changeThenCreation(setId: string) {
    const changed = (await eventsOf('settings.changed')).at(-1);
    const created = (await eventsOf('recommendation.generated', 'recommendation.created_manually')).find(
      (event) => event.payload.setId === setId,
    );
    expect(changed?.seq).toBeLessThan(created?.seq ?? 0);
    return { changed, created };
  }

  describe('settings changed while process B scores', () => {
    /** Runs `change` through process A once B has read the candidates: while its model scores them. */
    function duringScoringOnB(change: () => Promise<void>): void {
      actOnceAfter(depsOnB.courses, 'findCandidates', change);
    }

    it('makes the set blind-first when blind-first was switched on before it was stored', async () => {
      await syncSeeker(a, 'js-blind-meanwhile');
      duringScoringOnB(() => putSettings(a, { blindFirst: true }));
      try {
        const res = await requestSet(b, counselorOnB, 'js-blind-meanwhile');

        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ status: 'awaiting_shortlist', itemsHidden: true });
        const { changed, created } = await changeThenCreation(res.body.id);
        expect(changed?.payload.changes).toContainEqual({ setting: 'blindFirst', from: false, to: true });
        expect(created?.payload.status).toBe('awaiting_shortlist');
      } finally {
        await putSettings(a, {});
      }
    });

    it('draws the set for a second review at the rate set before it was stored', async () => {
      await syncSeeker(a, 'js-second-meanwhile');
      duringScoringOnB(() => putSettings(a, { secondReviewRate: 1 }));
      try {
        const res = await requestSet(b, counselorOnB, 'js-second-meanwhile');

        expect(res.status).toBe(201);
        // Not told to its counselor before they publish it: the creation event says it.
        expect(res.body.secondReview.required).toBeNull();
        const { changed, created } = await changeThenCreation(res.body.id);
        expect(changed?.payload.changes).toContainEqual({ setting: 'secondReviewRate', from: 0, to: 1 });
        expect(created?.payload.secondReviewRequired).toBe(true);
      } finally {
        await putSettings(a, {});
      }
    });

    it('gives the set the lifetime set before it was stored', async () => {
      await syncSeeker(a, 'js-ttl-meanwhile');
      duringScoringOnB(() => putSettings(a, { setTtlHours: 24 }));
      try {
        const res = await requestSet(b, counselorOnB, 'js-ttl-meanwhile');

        expect(res.status).toBe(201);
        expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(24 * 3_600_000);
        const { changed } = await changeThenCreation(res.body.id);
        expect(changed?.payload.changes).toContainEqual({ setting: 'setTtlHours', from: 168, to: 24 });
      } finally {
        await putSettings(a, {});
      }
    });
  });

  describe('the catalog changed through process A while process B scores', () => {
    it('answers the new set with the courses withdrawn meanwhile marked unavailable, as a read would', async () => {
      await syncSeeker(a, 'js-catalog-meanwhile');
      const admin = await a.tokenFor('admin', 'ops-1');
      const withdrawAll = Object.entries(WORKFLOW_CATALOG)
        .map(([id, course]) => JSON.stringify({ id, ...course, active: false }))
        .join('\n');
      actOnceAfter(depsOnB.courses, 'findCandidates', async () => {
        const res = await a.http
          .post('/v1/courses/import')
          .auth(admin, { type: 'bearer' })
          .set('Content-Type', 'application/x-ndjson')
          .send(`${withdrawAll}\n`);
        expect(res.status).toBe(200);
      });
      try {
        const res = await requestSet(b, counselorOnB, 'js-catalog-meanwhile');

        expect(res.status).toBe(201);
        const items = res.body.items as Array<{ courseAvailable: boolean }>;
        expect(items.length).toBeGreaterThan(0);
        expect(items.map((item) => item.courseAvailable)).toEqual(items.map(() => false));
        const seen = await b.http
          .get(`/v1/recommendations/${res.body.id}`)
          .auth(counselorOnB, { type: 'bearer' });
        expect(seen.body.allowedActions).toEqual(res.body.allowedActions);
      } finally {
        await seedCatalog(a);
      }
    });
  });

  describe('suggestions switched back on while process B starts a set by hand', () => {
    /** Switches suggestions on through process A once B has read the settings for its first checks. */
    function switchOnAfterFirstReadOnB(): void {
      actOnceAfter(depsOnB.settings, 'get', () => putSettings(a, { aiEnabled: true }));
    }

    it('refuses the set by hand as while suggestions are on, and logs none', async () => {
      await syncSeeker(a, 'js-hand-switched-on');
      await putSettings(a, { aiEnabled: false });
      const before = await eventsOf('recommendation.created_manually');
      switchOnAfterFirstReadOnB();
      try {
        const res = await requestManualSet(b, counselorOnB, 'js-hand-switched-on');

        expect(res.status).toBe(409);
        expect(res.body.suggestionsPath).toBe('/v1/job-seekers/js-hand-switched-on/recommendations');
        expect((await eventsOf('settings.changed')).at(-1)?.payload.changes).toContainEqual({
          setting: 'aiEnabled',
          from: false,
          to: true,
        });
        expect(await eventsOf('recommendation.created_manually')).toEqual(before);
        expect(
          await a.container.db('recommendation_sets').where({ seeker_id: 'js-hand-switched-on' }),
        ).toEqual([]);
      } finally {
        await putSettings(a, {});
      }
    });

    it('stores the set by hand naming no active model when suggestions were switched on with none active', async () => {
      await syncSeeker(a, 'js-hand-no-model');
      await putSettings(a, { aiEnabled: false });
      const models = a.container.db('models');
      const active = await models.clone().where({ status: 'active' }).pluck('id');
      await models.clone().whereIn('id', active).update({ status: 'retired' });
      switchOnAfterFirstReadOnB();
      try {
        const res = await requestManualSet(b, counselorOnB, 'js-hand-no-model');

        expect(res.status).toBe(201);
        const { created } = await changeThenCreation(res.body.id);
        expect(created?.payload.modelUnavailable).toBe('no_active_model');
      } finally {
        await models.clone().whereIn('id', active).update({ status: 'active' });
        await putSettings(a, {});
      }
    });
  });

  describe('a person erased while process B refuses suggestions for them', () => {
    it('answers as for someone unknown, and logs nothing about them after their erasure', async () => {
      await syncSeeker(a, 'js-erased-meanwhile');
      await putSettings(a, { aiEnabled: false });
      const admin = await a.tokenFor('admin', 'dpo-1');
      actOnceAfter(depsOnB.jobSeekers, 'findById', async () => {
        expect((await eraseJobSeeker(a, admin, 'js-erased-meanwhile')).status).toBe(204);
      });
      try {
        const res = await requestSet(b, counselorOnB, 'js-erased-meanwhile');

        expect(res.status).toBe(404);
        const { decisionLog, pseudonymiser } = a.container.decisionLog;
        const events = await decisionLog.listEvents({
          subject: pseudonymiser.pseudonymise('js-erased-meanwhile'),
          limit: 100,
        });
        expect(events.at(-1)?.type).toBe('subject.erased');
        expect(events.map((event) => event.type)).not.toContain('suggestion.refused');
      } finally {
        await putSettings(a, {});
      }
    });
  });
});

/**
 * Runs `act` (another process's doing) once, as soon as the next call of `target[method]` has
 * answered, before the caller goes on; the method is put back first.
 */
function actOnceAfter<T extends object>(
  target: T,
  method: keyof T & string,
  act: () => Promise<unknown>,
): void {
  const methods = target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = methods[method];
  if (original === undefined) throw new Error(`${method} is no method of the object given`);
  const own = Object.hasOwn(target, method);
  methods[method] = async (...args) => {
    const answer = await original.apply(target, args);
    if (own) methods[method] = original;
    else delete methods[method];
    await act();
    return answer;
  };
}
