import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  readSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor reviewing a set when the case-management system moves the person to another counselor:
 * their next click on the set they made answered 404 "was not found", as if it had never existed, and
 * left them to think the tool had lost their work. They are told instead that the person left their
 * caseload, who may act on the person's sets now, and that nothing is left for them to do, without the
 * set's status since (the person is not theirs). Reads stay 404 (a GET answers no conflict), and a
 * counselor who never made the set learns nothing either.
 */
describe('the counselor whose person moved to another counselor, acting on a set they made', () => {
  let t: TestApp;
  let counselor: string;
  let stranger: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    stranger = await t.tokenFor('counselor', 'c-004');
  });
  afterAll(() => t.close());

  it('is told the person left their caseload when deciding an item of the set they were reviewing, not that it was not found', async () => {
    await syncSeeker(t, 'js-left', aWorkflowSeeker());
    const { set } = await createSet(t, counselor, 'js-left');
    const { set: opened, etag } = await readSet(t, counselor, set.id);
    await syncSeeker(t, 'js-left', aWorkflowSeeker({ counselorId: 'c-002' }));
    const versionBefore = await storedVersion(set.id);

    const late = await decide(t, counselor, set.id, opened.items[0]?.itemId ?? '', etag, {
      decision: 'approve',
    });
    expect(late.status).toBe(409);
    expect(late.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(late.body.type).toBe('https://aiguillage.example/problems/no-longer-on-caseload');
    expect(late.body.detail).toBe(
      `cannot decide an item: the person of set ${set.id} is no longer on your caseload (their file was moved to another counselor), and their sets went with them: the counselor who holds their caseload now reads them, and may retract a published one and reply to the person's contests; nothing is left for you to do with this set (your queue: GET /v1/recommendations)`,
    );
    expect(late.body.setStatus).toBeUndefined();
    expect(await storedVersion(set.id)).toBe(versionBefore);
  });

  it('is told the same when retracting a set they published, so that they ask the new counselor', async () => {
    await syncSeeker(t, 'js-left-pub', aWorkflowSeeker());
    const published = await createAndPublish(t, counselor, 'js-left-pub', { approve: 1 });
    await syncSeeker(t, 'js-left-pub', aWorkflowSeeker({ counselorId: 'c-002' }));

    const res = await act(t, counselor, published.id, 'retract', `"${published.version}"`, {
      reason: 'Erreur de ma part sur le projet',
    });
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/no-longer-on-caseload$/);
  });

  it('is told the same when replying to a contest of a set they published, not that it was not found', async () => {
    await syncSeeker(t, 'js-left-contest', aWorkflowSeeker());
    const published = await createAndPublish(t, counselor, 'js-left-contest', { approve: 1 });
    const itemId = await contestFirstItem('js-left-contest');
    await syncSeeker(t, 'js-left-contest', aWorkflowSeeker({ counselorId: 'c-002' }));

    const res = await replyToContest(counselor, published.id, itemId);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toMatch(/no-longer-on-caseload$/);
    expect(res.body.detail).toMatch(/^cannot reply to a contest: /);
    expect(res.body.detail).toMatch(/reply to the person's contests/);
    expect(await countReplies()).toBe(0);
    // Anyone else still learns nothing of the person's sets.
    expect((await replyToContest(stranger, published.id, itemId)).status).toBe(404);
  });

  it('is told the same when the move commits while their reply to a contest is on its way', async () => {
    await syncSeeker(t, 'js-left-contest-race', aWorkflowSeeker());
    const published = await createAndPublish(t, counselor, 'js-left-contest-race', { approve: 1 });
    const itemId = await contestFirstItem('js-left-contest-race');
    const late = await withCommitBetween(
      () => syncSeeker(t, 'js-left-contest-race', aWorkflowSeeker({ counselorId: 'c-002' })),
      () => replyToContest(counselor, published.id, itemId),
    );
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/no-longer-on-caseload$/);
    expect(await countReplies()).toBe(0);
  });

  it('is told the same when the move commits while their action is on its way', async () => {
    await syncSeeker(t, 'js-left-race', aWorkflowSeeker());
    const { set } = await createSet(t, counselor, 'js-left-race');
    const { etag } = await readSet(t, counselor, set.id);
    const late = await withCommitBetween(
      () => syncSeeker(t, 'js-left-race', aWorkflowSeeker({ counselorId: 'c-002' })),
      () => act(t, counselor, set.id, 'discard', etag, { reason: 'La personne a trouvé un emploi' }),
    );
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/no-longer-on-caseload$/);
  });

  it('still answers 404 to their read, and to the action of a counselor who never made the set', async () => {
    await syncSeeker(t, 'js-left-read', aWorkflowSeeker());
    const { set } = await createSet(t, counselor, 'js-left-read');
    const { etag } = await readSet(t, counselor, set.id);
    await syncSeeker(t, 'js-left-read', aWorkflowSeeker({ counselorId: 'c-002' }));

    const read = await t.http.get(`/v1/recommendations/${set.id}`).auth(counselor, { type: 'bearer' });
    expect(read.status).toBe(404);
    const strangers = await act(t, stranger, set.id, 'discard', etag, {
      reason: 'Nettoyage du portefeuille',
    });
    expect(strangers.status).toBe(404);
  });

  /** The person contests the first course published to them; returns its item id. */
  async function contestFirstItem(seekerId: string): Promise<string> {
    const seeker = await t.tokenFor('job_seeker', seekerId);
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId = String(mine.body.items[0]?.itemId);
    const contested = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas ce choix' });
    expect(contested.status).toBe(201);
    return itemId;
  }

  function replyToContest(token: string, setId: string, itemId: string) {
    return t.http
      .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
      .auth(token, { type: 'bearer' })
      .send({ message: 'J’ai réexaminé cette formation avec vous.' });
  }

  /** The replies kept, on either engine (PostgreSQL counts as text). */
  async function countReplies(): Promise<number> {
    const row = await t.container.db('contest_replies').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async function storedVersion(setId: string): Promise<number | undefined> {
    const row = await t.container.db('recommendation_sets').where({ id: setId }).first('version');
    return row === undefined ? undefined : Number(row.version);
  }

  /**
   * Runs `meanwhile` once, committed after the next action's first look at the set (its caseload
   * read outside any transaction) and before its transaction: the sync from another API process.
   */
  async function withCommitBetween<T>(meanwhile: () => Promise<unknown>, action: () => PromiseLike<T>) {
    const jobSeekers = KnexJobSeekerStore.prototype;
    const original = jobSeekers.findStanding;
    let armed = true;
    jobSeekers.findStanding = async function (this: KnexJobSeekerStore, id, trx) {
      const found = await original.call(this, id, trx);
      if (armed && trx === undefined) {
        armed = false;
        await meanwhile();
      }
      return found;
    };
    try {
      return await action();
    } finally {
      jobSeekers.findStanding = original;
    }
  }
});
