import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SET_ACTIONS, type SetAction } from '../../src/recommendations/recommendation.ts';
import type { Settings } from '../../src/settings/settings.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  keysOf,
  putSettings,
  readSet,
  requestManualSet,
  requestSet,
  type SetBody,
  syncSeeker,
  type TestClock,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
/** Each state tries every action, most of them on sets of their own. */
const STATE_TIMEOUT_MS = 90_000;
/** The default `setTtlHours`, which `putSettings` keeps. */
const TTL_HOURS = 168;
/** An active course the model never suggests to the workflow's job seekers (too far): added by hand. */
const FAR_COURSE = 'PARIS-AS';
/** Another course the model never suggests (a level above the person's): the addition tried on every set. */
const COURSE_TO_ADD = 'LYON-IDE';

type AllowedSetBody = SetBody & { allowedActions: SetAction[] };

/** A set in some state, and the token of the counselor who reads it and tries each action. */
interface Built {
  setId: string;
  reader: string;
}

/** A state of a set, built through the API, and the actions its reader must be offered. */
interface SetState {
  name: string;
  build: () => Promise<Built>;
  expected: SetAction[];
}

describe("a set's allowed actions", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let admin: string;
  let seekers = 0;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(async () => {
    await putCourse(FAR_COURSE, true);
    await t.close();
  });

  /** A job seeker of their own for each set, on `c-001`'s caseload: no set hands a second review to another. */
  async function aSeeker(): Promise<string> {
    seekers += 1;
    const seekerId = `js-actions-${seekers}`;
    await syncSeeker(t, seekerId);
    return seekerId;
  }

  async function putCourse(courseId: string, active: boolean): Promise<void> {
    const res = await t.http
      .put(`/v1/courses/${courseId}`)
      .auth(admin, { type: 'bearer' })
      .send({ ...WORKFLOW_CATALOG[courseId], active });
    expect(res.status).toBe(200);
  }

  /** A model set of two suggestions, read once by its counselor (which opens it). */
  async function aFreshSet(settings: Partial<Settings> = {}): Promise<{ setId: string; seekerId: string }> {
    await putSettings(t, settings);
    const seekerId = await aSeeker();
    const { set } = await createSet(t, counselor, seekerId, { limit: 2 });
    await readSet(t, counselor, set.id);
    return { setId: set.id, seekerId };
  }

  /** A set whose items are all decided, `approve` of them approved. */
  async function aDecidedSet(approve: number, settings: Partial<Settings> = {}) {
    const fresh = await aFreshSet(settings);
    const decided = await decideAll(t, counselor, fresh.setId, { approve });
    return { ...fresh, etag: decided.etag };
  }

  async function succeed(res: { status: number; body: unknown }): Promise<AllowedSetBody> {
    if (res.status >= 300) throw new Error(`expected a success: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as AllowedSetBody;
  }

  async function aSetHandedToSecondReview() {
    const { setId, etag } = await aDecidedSet(1, { secondReviewRate: 1 });
    const handed = await succeed(await act(t, counselor, setId, 'publish', etag));
    expect(handed.status).toBe('awaiting_second_review');
    return { setId, etag: `"${handed.version}"` };
  }

  async function aPublishedSet() {
    const { setId, etag, seekerId } = await aDecidedSet(1);
    const published = await succeed(await act(t, counselor, setId, 'publish', etag));
    expect(published.status).toBe('published');
    return { setId, seekerId, etag: `"${published.version}"` };
  }

  async function moveToOtherCounselor(seekerId: string): Promise<void> {
    await syncSeeker(t, seekerId, aWorkflowSeeker({ counselorId: 'c-002' }));
  }

  const STATES: SetState[] = [
    {
      name: 'a fresh set, read by its counselor',
      build: async () => ({ setId: (await aFreshSet()).setId, reader: counselor }),
      expected: ['decide_item', 'add_item', 'discard'],
    },
    {
      name: 'a blind-first set before its shortlist',
      build: async () => ({ setId: (await aFreshSet({ blindFirst: true })).setId, reader: counselor }),
      expected: ['submit_shortlist', 'discard'],
    },
    {
      name: 'a blind-first set after its shortlist',
      build: async () => {
        const { setId } = await aFreshSet({ blindFirst: true });
        const { etag } = await readSet(t, counselor, setId);
        await succeed(await act(t, counselor, setId, 'shortlist', etag, { courseIds: ['LYON-AS-1'] }));
        return { setId, reader: counselor };
      },
      expected: ['decide_item', 'add_item', 'discard'],
    },
    {
      name: 'a set with one item approved and one still pending',
      build: async () => {
        const { setId } = await aFreshSet();
        const { set, etag } = await readSet(t, counselor, setId);
        const [first] = set.items;
        if (first === undefined) throw new Error('the set needs an item');
        await succeed(await decide(t, counselor, setId, first.itemId, etag, { decision: 'approve' }));
        return { setId, reader: counselor };
      },
      expected: ['decide_item', 'add_item', 'order_items', 'discard'],
    },
    {
      name: 'a set with every item decided, one approved',
      build: async () => ({ setId: (await aDecidedSet(1)).setId, reader: counselor }),
      expected: ['decide_item', 'add_item', 'order_items', 'publish', 'discard'],
    },
    {
      name: 'a set with every item decided, none approved',
      build: async () => ({ setId: (await aDecidedSet(0)).setId, reader: counselor }),
      expected: ['decide_item', 'add_item', 'discard'],
    },
    {
      name: 'a decided set of the model while suggestions are switched off',
      build: async () => {
        const { setId } = await aDecidedSet(1);
        await putSettings(t, { aiEnabled: false });
        return { setId, reader: counselor };
      },
      expected: ['decide_item', 'add_item', 'order_items', 'discard'],
    },
    {
      name: 'a decided set whose approved course the catalog withdrew since',
      build: async () => {
        await putCourse(FAR_COURSE, true);
        const { setId, etag } = await aDecidedSet(0);
        await succeed(
          await act(t, counselor, setId, 'items', etag, {
            courseId: FAR_COURSE,
            reason: 'Vue avec la personne',
          }),
        );
        await putCourse(FAR_COURSE, false);
        return { setId, reader: counselor };
      },
      expected: ['decide_item', 'add_item', 'order_items', 'discard'],
    },
    {
      name: 'an empty set made by hand',
      build: async () => {
        await putSettings(t, { aiEnabled: false });
        const res = await requestManualSet(t, counselor, await aSeeker());
        return { setId: (await succeed(res)).id, reader: counselor };
      },
      expected: ['add_item', 'discard'],
    },
    {
      name: 'a set awaiting a second review, read by its counselor',
      build: async () => ({ setId: (await aSetHandedToSecondReview()).setId, reader: counselor }),
      expected: ['discard'],
    },
    {
      name: 'a set awaiting a second review, read by another counselor',
      build: async () => ({ setId: (await aSetHandedToSecondReview()).setId, reader: otherCounselor }),
      expected: ['second_review'],
    },
    {
      name: 'a set awaiting a second review while suggestions are switched off, read by another counselor',
      build: async () => {
        const { setId } = await aSetHandedToSecondReview();
        await putSettings(t, { aiEnabled: false });
        return { setId, reader: otherCounselor };
      },
      // A return still goes; an approval would release the model's suggestions.
      expected: ['second_review'],
    },
    {
      name: 'a blind-first set before its shortlist while suggestions are switched off',
      build: async () => {
        const { setId } = await aFreshSet({ blindFirst: true });
        await putSettings(t, { blindFirst: true, aiEnabled: false });
        return { setId, reader: counselor };
      },
      expected: ['submit_shortlist', 'discard'],
    },
    {
      name: 'a set a second reviewer returned to its counselor',
      build: async () => {
        const { setId, etag } = await aSetHandedToSecondReview();
        await succeed(
          await act(t, otherCounselor, setId, 'second-review', etag, {
            decision: 'return',
            comment: 'À revoir',
          }),
        );
        return { setId, reader: counselor };
      },
      expected: ['decide_item', 'add_item', 'order_items', 'publish', 'discard'],
    },
    {
      name: 'a published set',
      build: async () => ({ setId: (await aPublishedSet()).setId, reader: counselor }),
      expected: ['retract'],
    },
    {
      name: 'a discarded set',
      build: async () => {
        const { setId } = await aFreshSet();
        const { etag } = await readSet(t, counselor, setId);
        await succeed(await act(t, counselor, setId, 'discard', etag, { reason: 'Projet abandonné' }));
        return { setId, reader: counselor };
      },
      expected: [],
    },
    {
      name: 'a set whose lifetime has passed',
      build: async () => {
        const { setId } = await aFreshSet();
        clock.advance((TTL_HOURS + 1) * HOUR);
        return { setId, reader: counselor };
      },
      expected: [],
    },
    {
      name: 'a retracted set',
      build: async () => {
        const { setId, etag } = await aPublishedSet();
        await succeed(await act(t, counselor, setId, 'retract', etag, { reason: 'Erreur de ma part' }));
        return { setId, reader: counselor };
      },
      expected: [],
    },
    {
      name: 'a published set read by the counselor the person moved to',
      build: async () => {
        const { setId, seekerId } = await aPublishedSet();
        await moveToOtherCounselor(seekerId);
        return { setId, reader: otherCounselor };
      },
      expected: ['retract'],
    },
    {
      name: 'a set withdrawn by the move, read by the counselor the person moved to',
      build: async () => {
        const { setId, seekerId } = await aFreshSet();
        await moveToOtherCounselor(seekerId);
        return { setId, reader: otherCounselor };
      },
      expected: [],
    },
  ];

  /** The item of a set whose items the answer hides (blind-first), as stored. */
  async function findStoredItemId(setId: string): Promise<string | undefined> {
    const row = await t.container.db('recommendation_items').where({ set_id: setId }).first('id');
    return row?.id as string | undefined;
  }

  /** Tries the action on the set with its current ETag and a request that fits the set as read. */
  async function attempt(action: SetAction, built: Built, read: { set: AllowedSetBody; etag: string }) {
    const { setId, reader } = built;
    const { set, etag } = read;
    switch (action) {
      case 'decide_item': {
        const itemId = set.items[0]?.itemId ?? (await findStoredItemId(setId)) ?? crypto.randomUUID();
        return decide(t, reader, setId, itemId, etag, {
          decision: 'reject',
          reasonCode: 'not_matching_project',
        });
      }
      case 'add_item':
        return act(t, reader, setId, 'items', etag, {
          courseId: COURSE_TO_ADD,
          reason: 'Vue avec la personne',
        });
      case 'order_items': {
        const approved = set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);
        return t.http
          .put(`/v1/recommendations/${setId}/order`)
          .auth(reader, { type: 'bearer' })
          .set('If-Match', etag)
          .send({ itemIds: approved.length > 0 ? approved.reverse() : [crypto.randomUUID()] });
      }
      case 'submit_shortlist':
        return act(t, reader, setId, 'shortlist', etag, { courseIds: ['LYON-AS-1'] });
      case 'publish':
        return act(t, reader, setId, 'publish', etag, {});
      case 'second_review':
        return act(t, reader, setId, 'second-review', etag, { decision: 'return', comment: 'À revoir' });
      case 'discard':
        return act(t, reader, setId, 'discard', etag, { reason: 'La personne a trouvé un emploi' });
      case 'retract':
        return act(t, reader, setId, 'retract', etag, { reason: 'Erreur de ma part' });
      case 'reply_to_contest': {
        const itemId = set.items[0]?.itemId ?? (await findStoredItemId(setId)) ?? crypto.randomUUID();
        return t.http
          .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
          .auth(reader, { type: 'bearer' })
          .send({ message: 'J’ai réexaminé cette proposition avec attention.' });
      }
    }
  }

  /**
   * The refusals an action not offered may get: 403 (not the caller's to take) or 409 (not in this
   * state); and where the set gives no request to send, the answer to the nearest one: 404 for an
   * item to decide in a set with none, 422 for an order of a set with nothing approved.
   */
  function acceptedRefusals(action: SetAction, set: AllowedSetBody): number[] {
    if (action === 'decide_item' && set.items.length === 0) return [403, 404, 409];
    if (action === 'order_items' && !set.items.some((item) => item.decision === 'approved')) {
      return [403, 409, 422];
    }
    return [403, 409];
  }

  async function readAs(built: Built): Promise<{ set: AllowedSetBody; etag: string }> {
    const { set, etag } = await readSet(t, built.reader, built.setId);
    return { set: set as AllowedSetBody, etag };
  }

  it.each(STATES)(
    'lists for $name exactly the actions the API then accepts from its reader',
    async (state) => {
      const built = await state.build();
      const read = await readAs(built);
      expect(read.set.allowedActions).toEqual(state.expected);

      // Every action not listed is refused, on the set as it is, and changes nothing.
      for (const action of SET_ACTIONS.filter((candidate) => !state.expected.includes(candidate))) {
        const res = await attempt(action, built, read);
        expect(
          acceptedRefusals(action, read.set),
          `${action}: ${res.status} ${JSON.stringify(res.body)}`,
        ).toContain(res.status);
      }
      expect((await readAs(built)).etag).toBe(read.etag);

      // Every action listed is accepted, each on a set of its own in this state; its answer lists what
      // the reader may do next, as reading the set again does.
      for (const [index, action] of state.expected.entries()) {
        const target = index === 0 ? built : await state.build();
        const before = index === 0 ? read : await readAs(target);
        expect(before.set.allowedActions).toEqual(state.expected);
        const res = await attempt(action, target, before);
        expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        const after = await t.http
          .get(`/v1/recommendations/${target.setId}`)
          .auth(target.reader, { type: 'bearer' });
        expect(res.body.allowedActions).toEqual(after.status === 200 ? after.body.allowedActions : []);
      }
    },
    // The first case is the first call of most operations, whose validators are compiled then: on a
    // loaded machine it took close to the default 30 s.
    STATE_TIMEOUT_MS,
  );

  it('answers the allowed actions with the set it creates, and the same with a retried creation', async () => {
    await putSettings(t, {});
    const seekerId = await aSeeker();
    const key = crypto.randomUUID();
    const created = await requestSet(t, counselor, seekerId, { idempotencyKey: key, limit: 2 });
    expect(created.status).toBe(201);
    expect(created.body.allowedActions).toEqual(['decide_item', 'add_item', 'discard']);
    const retried = await requestSet(t, counselor, seekerId, { idempotencyKey: key, limit: 2 });
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.allowedActions).toEqual(created.body.allowedActions);

    await putSettings(t, { blindFirst: true });
    const blind = await requestSet(t, counselor, await aSeeker(), { limit: 2 });
    expect(blind.body.allowedActions).toEqual(['submit_shortlist', 'discard']);

    await putSettings(t, { aiEnabled: false });
    const byHand = await requestManualSet(t, counselor, await aSeeker());
    expect(byHand.status).toBe(201);
    expect(byHand.body.allowedActions).toEqual(['add_item', 'discard']);
    await putSettings(t, {});
  });

  it('answers a creation retried on an unchanged set with the actions it takes now: none once its lifetime passed', async () => {
    await putSettings(t, {});
    const seekerId = await aSeeker();
    const key = crypto.randomUUID();
    const created = await requestSet(t, counselor, seekerId, { idempotencyKey: key, limit: 2 });
    expect(created.body.allowedActions).toEqual(['decide_item', 'add_item', 'discard']);
    clock.advance((TTL_HOURS + 1) * HOUR);

    const retried = await requestSet(t, counselor, seekerId, { idempotencyKey: key, limit: 2 });

    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.allowedActions).toEqual([]);
  });

  it('replays a creation retried once its set changed with the actions first answered, stale as its ETag', async () => {
    await putSettings(t, {});
    const seekerId = await aSeeker();
    const key = crypto.randomUUID();
    const created = await requestSet(t, counselor, seekerId, { idempotencyKey: key, limit: 2 });
    expect(created.status).toBe(201);
    const { etag } = await decideAll(t, counselor, created.body.id);
    expect((await act(t, counselor, created.body.id, 'publish', etag)).status).toBe(200);
    // The first answer's lifetime passed since does not change it (suggestions switched off since
    // refuse the retry instead: test/api/suggestion-replay-after-bar.test.ts).
    clock.advance((TTL_HOURS + 1) * HOUR);

    const retried = await requestSet(t, counselor, seekerId, { idempotencyKey: key, limit: 2 });

    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.allowedActions).toEqual(created.body.allowedActions);
    const discard = await act(t, counselor, created.body.id, 'discard', String(retried.headers.etag), {
      reason: 'Essai',
    });
    expect(discard.status).toBe(412);
  });

  it('shows the allowed actions to counselors only, never in what the job seeker reads', async () => {
    await putSettings(t, {});
    const seekerId = await aSeeker();
    const published = await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const { set } = await readAs({ setId: published.id, reader: counselor });
    expect(set.allowedActions).toEqual(['retract']);

    const seeker = await t.tokenFor('job_seeker', seekerId);
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    const explanation = await t.http
      .get(`/v1/me/recommendations/${mine.body.items[0].itemId}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(explanation.status).toBe(200);
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    for (const body of [mine.body, explanation.body, data.body]) {
      expect(keysOf(body)).not.toContain('allowedActions');
    }
  });
});
