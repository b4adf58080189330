import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { OpenedPersonalPart } from '../../src/decision-log/subject-keyring.ts';
import { KnexErasureStore } from '../../src/erasure/knex-erasure-store.ts';
import { startDailyRetentionJob } from '../../src/retention/daily-retention-job.ts';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import type { RetentionReport } from '../../src/retention/retention.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  createSetByHand,
  decideAll,
  eraseJobSeeker,
  objectToAi,
  putSettings,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  requestSet,
  type SetBody,
  seedCatalogAndSeeker,
  syncSeeker,
  type TestClock,
  wasObjectionRestored,
} from '../support/workflow.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How long a background run is waited for, polling its events. */
const BACKGROUND_WAIT = { timeout: 10_000, interval: 20 };

async function retentionEvents(t: TestApp): Promise<DecisionEvent[]> {
  return t.container.decisionLog.decisionLog.listEvents({ types: ['retention.purged'], limit: 1000 });
}

async function countRows(t: TestApp, table: string): Promise<number> {
  const row = await t.container.db(table).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The personal parts of a job seeker's decision events, opened (or found shredded). */
async function readPersonalParts(t: TestApp, seekerId: string): Promise<OpenedPersonalPart[]> {
  const { decisionLog, pseudonymiser, subjectKeyring } = t.container.decisionLog;
  const events = await decisionLog.listEvents({ subject: pseudonymiser.pseudonymise(seekerId), limit: 1000 });
  return Promise.all(
    events.flatMap((event) =>
      event.personal === null ? [] : [subjectKeyring.decryptPersonal(event.personal)],
    ),
  );
}

function approvedItemOf(set: SetBody): string {
  const approved = set.items.find((item) => item.decision === 'approved');
  if (approved === undefined) throw new Error(`set ${set.id} has no approved item`);
  return approved.itemId;
}

async function giveFeedback(t: TestApp, seekerId: string, itemId: string): Promise<void> {
  const token = await t.tokenFor('job_seeker', seekerId);
  const res = await t.http
    .post(`/v1/me/recommendations/${itemId}/feedback`)
    .auth(token, { type: 'bearer' })
    .send({ response: 'interested', comment: 'Ça m’intéresse' });
  expect(res.status).toBe(201);
}

describe('purging personal data past its retention period', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let oldSetId: string;
  let staleSetId: string;
  let recentSetId: string;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    // Day 0: one published set with feedback, and one set nobody ever looks at again.
    await seedCatalogAndSeeker(t, 'js-old');
    const published = await createAndPublish(t, counselor, 'js-old', { approve: 1 });
    oldSetId = published.id;
    const approved = published.items.find((item) => item.decision === 'approved');
    await giveFeedback(t, 'js-old', approved?.itemId ?? '');
    await seedCatalogAndSeeker(t, 'js-stale');
    staleSetId = (await createSet(t, counselor, 'js-stale')).set.id;
  });
  afterAll(() => t.close());

  it('purges nothing that is still within its period, and records the run all the same', async () => {
    clock.advance(HOUR);
    const report = await t.container.retention.purgeExpired();
    expect(report.purged).toEqual({
      jobSeekers: 0,
      recommendationSets: 0,
      recommendationItems: 0,
      feedback: 0,
      contestReplies: 0,
      outcomes: 0,
      idempotencyKeys: 0,
      skillCodes: 0,
      subjectKeys: 0,
      fileReads: 0,
      secondReviewReads: 0,
    });
    // Scrubbed all the same: every run does, so that a scrub left incomplete since is done.
    expect(report.storageScrubbed).toBe(true);
    const [event] = await retentionEvents(t);
    expect(event).toMatchObject({
      seq: report.seq,
      actor: { role: 'system', pseudonym: 'retention' },
      subject: null,
      personal: null,
      payload: {
        periods: { personalDays: 60, idempotencyHours: 24, logDays: 3650, readTraceDays: 60 },
        cutoffs: report.cutoffs,
        purged: report.purged,
      },
    });
    expect(report.cutoffs.personalData).toBe(new Date(clock.now().getTime() - 60 * DAY).toISOString());
  });

  it('drops stored Idempotency-Key answers after 24 hours', async () => {
    expect(await countRows(t, 'idempotency_keys')).toBe(2);
    clock.advance(24 * HOUR);
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.idempotencyKeys).toBe(2);
    expect(report.storageScrubbed).toBe(true);
    expect(await countRows(t, 'idempotency_keys')).toBe(0);
  });

  it('purges finished and long-stale sets with their items and feedback, and keeps recent ones', async () => {
    clock.advance(30 * DAY);
    await seedCatalogAndSeeker(t, 'js-recent');
    const recent = await createAndPublish(t, counselor, 'js-recent', { approve: 1 });
    recentSetId = recent.id;
    await giveFeedback(
      t,
      'js-recent',
      recent.items.find((item) => item.decision === 'approved')?.itemId ?? '',
    );
    const itemsBefore = await countRows(t, 'recommendation_items');
    const oldItems = Number(
      (
        await t.container
          .db('recommendation_items')
          .whereIn('set_id', [oldSetId, staleSetId])
          .count({ n: '*' })
      )[0]?.n,
    );

    // Day 68: the old set is 68 days old; the stale one expired on day 7, over 60 days ago. Nothing
    // happened to js-old and js-stale since day 0: their profiles go too (their log keys wait for
    // the log period).
    clock.advance(37 * DAY);
    const report = await t.container.retention.purgeExpired();
    expect(report.purged).toMatchObject({
      jobSeekers: 2,
      recommendationSets: 2,
      recommendationItems: oldItems,
      feedback: 1,
      idempotencyKeys: 1,
      subjectKeys: 0,
    });
    expect(await countRows(t, 'recommendation_items')).toBe(itemsBefore - oldItems);
    expect(await countRows(t, 'feedback')).toBe(1);
    const ids = (await t.container.db('recommendation_sets').select('id')).map((row) => row.id);
    expect(ids).toEqual([recentSetId]);
    const portal = await t.http
      .get('/v1/me/recommendations')
      .auth(await t.tokenFor('job_seeker', 'js-old'), { type: 'bearer' });
    expect(JSON.stringify(portal.body)).not.toContain(oldSetId);
  });

  it('ends in the log, as expired, a set nobody looked at again before purging it', async () => {
    const expired = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.expired'],
      limit: 1000,
    });
    expect(expired.map((event) => event.payload.setId)).toEqual([staleSetId]);
    const purge = (await retentionEvents(t)).at(-1);
    expect(expired[0]?.seq).toBeLessThan(purge?.seq ?? 0);
  });

  it('keeps the decision log whole: the chain verifies and no event was removed', async () => {
    const head = await t.container.decisionLog.decisionLog.readHead();
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({
      ok: true,
      checked: head.seq,
    });
    const generated = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.generated'],
    });
    expect(generated.map((event) => event.payload.setId)).toEqual([oldSetId, staleSetId, recentSetId]);
  });

  it('skips a scheduled run when one was recorded within the interval', async () => {
    expect(await t.container.retention.purgeIfDue(DAY - HOUR)).toBeUndefined();
    clock.advance(DAY);
    expect(await t.container.retention.purgeIfDue(DAY - HOUR)).toMatchObject({
      ranAt: clock.now().toISOString(),
    });
  });

  it('expires no set when a scheduled check is skipped: the sweep is part of a run', async () => {
    await syncSeeker(t, 'js-skip', aWorkflowSeeker());
    await putSettings(t, { setTtlHours: 1 });
    try {
      const { set } = await createSet(t, counselor, 'js-skip');
      await t.container.retention.purgeExpired();
      clock.advance(2 * HOUR);
      expect(await t.container.retention.purgeIfDue(DAY - HOUR)).toBeUndefined();
      const expired = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.expired'],
        limit: 1000,
      });
      expect(expired.filter((event) => event.payload.setId === set.id)).toEqual([]);
    } finally {
      await putSettings(t, { setTtlHours: 168 });
    }
  });

  it('purges once when two processes check at the same moment', async () => {
    const before = (await retentionEvents(t)).length;
    clock.advance(DAY);
    const reports = await Promise.all([
      t.container.retention.purgeIfDue(DAY - HOUR),
      t.container.retention.purgeIfDue(DAY - HOUR),
    ]);
    expect(reports.filter((report) => report !== undefined)).toHaveLength(1);
    expect(await retentionEvents(t)).toHaveLength(before + 1);
  });

  it('runs once a day in the background, and stops cleanly', async () => {
    const before = (await retentionEvents(t)).length;
    clock.advance(DAY);
    const job = startDailyRetentionJob(t.container.retention, pino({ level: 'silent' }), {
      firstCheckAfterMs: 0,
      intervalMs: 20,
    });
    // Waited for rather than slept on: on a loaded machine the first check may come late.
    const countReaches = (count: number) =>
      vi.waitFor(async () => expect((await retentionEvents(t)).length).toBe(count), BACKGROUND_WAIT);
    await countReaches(before + 1);
    // The clock stands still: the later checks find today's run and skip.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await retentionEvents(t)).length).toBe(before + 1);
    clock.advance(DAY);
    await countReaches(before + 2);
    await job.stop();
    const after = (await retentionEvents(t)).length;
    expect(after).toBe(before + 2);
    clock.advance(DAY);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await retentionEvents(t)).length).toBe(after);
  });
});

describe('purging a set once its review ended for the whole period', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let shown: SetBody;
  let retracted: SetBody;
  let discarded: string;

  const setIds = async () =>
    (await t.container.db('recommendation_sets').select('id')).map((row) => String(row.id)).sort();
  /** Every person synced again: their profiles stay, and only the sets' own periods count. */
  const syncEveryone = async () => {
    for (const seekerId of ['js-shown', 'js-retracted', 'js-discarded']) await syncSeeker(t, seekerId);
  };

  async function publish(setId: string): Promise<SetBody> {
    const { etag } = await decideAll(t, counselor, setId, { approve: 1 });
    const res = await act(t, counselor, setId, 'publish', etag);
    expect(res.status).toBe(200);
    return res.body as SetBody;
  }

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-shown');
    await seedCatalogAndSeeker(t, 'js-retracted');
    await seedCatalogAndSeeker(t, 'js-discarded');
    // Day 0: a set is made for js-shown and published on day 2, after a set made on day 1 and
    // published on day 1, which it replaces (the first put back open once the second withdrew it, as
    // sets of one person left open side by side before that rule are). Another person's set is
    // published, another's discarded on day 5.
    const { set: madeFirst } = await createSetByHand(t, counselor, 'js-shown');
    retracted = await createAndPublish(t, counselor, 'js-retracted', { approve: 1 });
    const { set: toDiscard } = await createSet(t, counselor, 'js-discarded');
    discarded = toDiscard.id;
    clock.advance(DAY);
    const { set: madeSecond } = await createSetByHand(t, counselor, 'js-shown', ['LYON-AS-2']);
    await reopenAsLeftBeforeWithdrawal(t, madeFirst.id, 'pending_review');
    await publish(madeSecond.id);
    clock.advance(DAY);
    shown = await publish(madeFirst.id);
    clock.advance(3 * DAY);
    const { etag } = await readSet(t, counselor, discarded);
    expect(
      (await act(t, counselor, discarded, 'discard', etag, { reason: 'Projet en cours de révision' })).status,
    ).toBe(200);
    // Day 30: the published set of js-retracted is taken back.
    clock.advance(25 * DAY);
    const read = await readSet(t, counselor, retracted.id);
    const res = await act(t, counselor, retracted.id, 'retract', read.etag, {
      reason: 'Le modèle a proposé des formations sans rapport avec son projet.',
    });
    expect(res.status).toBe(200);
    // The case-management system reports that js-shown entered the course they were shown.
    const course = shown.items.find((item) => item.decision === 'approved')?.course.id;
    const outcome = await t.http
      .put(`/v1/job-seekers/js-shown/outcomes/${course}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({
        entered: true,
        employedWithinSixMonths: null,
        observedAt: clock.now().toISOString().slice(0, 10),
      });
    expect(outcome.status).toBe(201);
  });
  afterAll(() => t.close());

  const outcomeCount = async () => (await t.container.db('course_outcomes').select('id')).length;

  const portalOf = async (seekerId: string) => {
    const res = await t.http.get('/v1/me/recommendations').auth(await t.tokenFor('job_seeker', seekerId), {
      type: 'bearer',
    });
    expect(res.status).toBe(200);
    return res.body as { publishedAt: string | null; items: Array<{ itemId: string }> };
  };

  it('purges a set once its review ended for the whole period, not from when it was made', async () => {
    // Day 61 and an hour: the cutoff is just past day 1. Ended before it: the retracted set
    // (published on day 0; its retraction on day 30 changes nothing) and the replaced one
    // (published on day 1). The set shown to js-shown was made on day 0, before the one it replaced,
    // but published on day 2: it stays, and the portal still shows it.
    clock.advance(31 * DAY + HOUR);
    await syncEveryone();
    const report = await t.container.retention.purgeExpired();
    expect(report.purged).toMatchObject({ jobSeekers: 0, recommendationSets: 2, outcomes: 0 });
    expect(await setIds()).toEqual([discarded, shown.id].sort());
    expect(await outcomeCount()).toBe(1);
    expect(await portalOf('js-shown')).toMatchObject({
      publishedAt: shown.publishedAt,
      items: [{ itemId: approvedItemOf(shown) }],
    });
  });

  it('purges a published set the period after its publication, though the person is still shown it, with the outcome about it', async () => {
    // Day 62 and an hour: published on day 2. The set discarded on day 5 stays until day 65. The
    // outcome recorded on day 30 goes with the set it is about, the person's profile staying.
    clock.advance(DAY);
    await syncEveryone();
    expect((await t.container.retention.purgeExpired()).purged).toMatchObject({
      jobSeekers: 0,
      recommendationSets: 1,
      outcomes: 1,
    });
    expect(await setIds()).toEqual([discarded]);
    expect(await outcomeCount()).toBe(0);
    expect(await portalOf('js-shown')).toMatchObject({ publishedAt: null, items: [] });
    clock.advance(3 * DAY);
    await syncEveryone();
    expect((await t.container.retention.purgeExpired()).purged).toMatchObject({ recommendationSets: 1 });
    expect(await setIds()).toEqual([]);
  });
});

describe('purging the profiles of job seekers with no activity for the personal-data period', () => {
  let t: TestApp;
  let clock: TestClock;
  let report: RetentionReport;
  let eventsBefore: number;

  const personalPartsOf = (seekerId: string) => readPersonalParts(t, seekerId);
  const profileIds = async () =>
    (await t.container.db('job_seekers').select('id').orderBy('id')).map((row) => String(row.id));

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    // Day 0: everyone is synced; two people are never heard of again.
    await seedCatalogAndSeeker(t, 'js-idle');
    const published = await createAndPublish(t, counselor, 'js-idle', { approve: 1 });
    await giveFeedback(t, 'js-idle', approvedItemOf(published));
    await seedCatalogAndSeeker(t, 'js-objector');
    const objection = await t.http
      .post('/v1/me/objection')
      .auth(await t.tokenFor('job_seeker', 'js-objector'), { type: 'bearer' })
      .send({ comment: 'Je refuse le traitement automatisé' });
    expect(objection.status).toBe(200);
    await seedCatalogAndSeeker(t, 'js-synced');
    await seedCatalogAndSeeker(t, 'js-new-set');
    await seedCatalogAndSeeker(t, 'js-feedback');
    const answered = await createAndPublish(t, counselor, 'js-feedback', { approve: 1 });
    await syncSeeker(t, 'js-late-objector');
    await syncSeeker(t, 'js-late-withdrawer');
    await objectToAi(t, 'js-late-withdrawer');
    expect(await personalPartsOf('js-idle')).not.toEqual([]);
    expect(await personalPartsOf('js-objector')).not.toEqual([]);

    // Day 50: the case-management system syncs one person again, a counselor asks for suggestions
    // for another, a third answers the suggestion published for them on day 0, a fourth objects to
    // AI processing and a fifth withdraws the objection they made on day 0.
    clock.advance(50 * DAY);
    await syncSeeker(t, 'js-synced');
    await createSet(t, counselor, 'js-new-set');
    await giveFeedback(t, 'js-feedback', approvedItemOf(answered));
    await objectToAi(t, 'js-late-objector');
    const withdrawal = await t.http
      .delete('/v1/me/objection')
      .auth(await t.tokenFor('job_seeker', 'js-late-withdrawer'), { type: 'bearer' });
    expect(withdrawal.status).toBe(204);

    // Day 61: the cutoff is day 1.
    clock.advance(11 * DAY);
    eventsBefore = (await t.container.decisionLog.decisionLog.readHead()).seq;
    report = await t.container.retention.purgeExpired();
  });
  afterAll(() => t.close());

  it('purges a profile idle past the cutoff with everything about the person, and leaves their log key to the log period', async () => {
    expect(await profileIds()).not.toContain('js-idle');
    expect(await t.container.db('recommendation_sets').where({ seeker_id: 'js-idle' })).toEqual([]);
    expect(await t.container.db('feedback').where({ seeker_id: 'js-idle' })).toEqual([]);
    // Their earlier events stay, readable to the figures until the log period ends.
    const parts = await personalPartsOf('js-idle');
    expect(parts).not.toEqual([]);
    for (const part of parts) expect(part.status).toBe('readable');
  });

  it('purges the idle profile of a person who objected too', async () => {
    expect(await profileIds()).not.toContain('js-objector');
  });

  it('counts the purged profiles in the run’s event, without naming anyone', async () => {
    expect(report.purged).toMatchObject({ jobSeekers: 2, subjectKeys: 0 });
    const [event] = await retentionEvents(t);
    expect(event).toMatchObject({
      seq: report.seq,
      subject: null,
      personal: null,
      payload: { purged: report.purged },
    });
    const { pseudonymiser } = t.container.decisionLog;
    const recorded = JSON.stringify(event);
    expect(recorded).not.toContain('js-idle');
    expect(recorded).not.toContain(pseudonymiser.pseudonymise('js-idle'));
  });

  it('keeps a profile the case-management system synced within the period', async () => {
    expect(await profileIds()).toContain('js-synced');
    expect(await t.container.db('job_seekers').where({ id: 'js-synced' })).toHaveLength(1);
  });

  it('keeps a profile not synced since, whose counselor asked for suggestions within the period', async () => {
    expect(await profileIds()).toContain('js-new-set');
    expect(await t.container.db('recommendation_sets').where({ seeker_id: 'js-new-set' })).toHaveLength(1);
  });

  it('keeps a profile not synced since, whose owner gave feedback within the period', async () => {
    expect(await profileIds()).toContain('js-feedback');
  });

  it('keeps a profile not synced since, whose owner objected to AI processing within the period', async () => {
    expect(await profileIds()).toContain('js-late-objector');
  });

  it('keeps a profile not synced since, whose owner withdrew their objection within the period', async () => {
    expect(await profileIds()).toContain('js-late-withdrawer');
  });

  it('purges no other profile', async () => {
    expect(await profileIds()).toEqual([
      'js-feedback',
      'js-late-objector',
      'js-late-withdrawer',
      'js-new-set',
      'js-synced',
    ]);
  });

  it('leaves a decision log that still verifies, every event in place', async () => {
    // Two events more: the expiry of js-new-set's set (its lifetime ended on day 57), then the run's.
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({
      ok: true,
      checked: eventsBefore + 2,
    });
  });

  it('takes at most the given number of idle profiles a run, in id order', async () => {
    const store = new KnexRetentionStore(t.container.db);
    await syncSeeker(t, 'js-idle-a');
    await syncSeeker(t, 'js-idle-b');
    // A cutoff after everything: every profile is idle by then.
    const cutoff = new Date(clock.now().getTime() + DAY).toISOString();
    const idle = await t.container.db.transaction((trx) => store.findIdleJobSeekers(trx, cutoff, 1));
    expect(idle).toEqual(['js-feedback']);
    const all = await t.container.db.transaction((trx) => store.findIdleJobSeekers(trx, cutoff, 500));
    expect(all).toEqual([
      'js-feedback',
      'js-idle-a',
      'js-idle-b',
      'js-late-objector',
      'js-late-withdrawer',
      'js-new-set',
      'js-synced',
    ]);
  });
});

/**
 * Erases the person as versions before erasures kept the objection did: rows deleted, key
 * destroyed, and `subject.erased` in its first form, without `standingObjection`. A deployment
 * upgraded from such a version still holds these events.
 */
async function eraseAsBeforeObjectionsWereKept(t: TestApp, seekerId: string): Promise<void> {
  const { decisionLog, subjectKeyring } = t.container.decisionLog;
  await decisionLog.withTransaction(async (trx) => {
    const erased = await new KnexErasureStore().eraseJobSeekerRows(trx, seekerId);
    const subjectKeyShredded = await subjectKeyring.shredSubjectKey(trx, seekerId);
    await decisionLog.append(trx, {
      type: 'subject.erased',
      actor: { role: 'admin', id: 'ops-1' },
      subjectId: seekerId,
      payload: { erased: { ...erased }, subjectKeyShredded },
    });
  });
}

describe('an objection outlives the idle profile it was recorded on', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  const profileOf = (seekerId: string) => t.container.db('job_seekers').where({ id: seekerId }).first();
  const objectionRestoredFor = (seekerId: string) => wasObjectionRestored(t, seekerId);

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-objector');
    await objectToAi(t, 'js-objector');
    clock.advance(61 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.jobSeekers).toBe(1);
    expect(await profileOf('js-objector')).toBeUndefined();
  });
  afterAll(() => t.close());

  it('gives a person re-synced after the purge their objection back, so the model stays off for them', async () => {
    await syncSeeker(t, 'js-objector');
    expect(Boolean((await profileOf('js-objector'))?.ai_objection)).toBe(true);
    expect(await objectionRestoredFor('js-objector')).toBe(true);
    const refused = await requestSet(t, counselor, 'js-objector');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/objected/);
  });

  it('keeps the objection of a profile synced again while it exists', async () => {
    await syncSeeker(t, 'js-still-objects');
    await objectToAi(t, 'js-still-objects');
    await syncSeeker(t, 'js-still-objects', aWorkflowSeeker({ monthsUnemployed: 12 }));
    expect(Boolean((await profileOf('js-still-objects'))?.ai_objection)).toBe(true);
    expect(await objectionRestoredFor('js-still-objects')).toBe(false);
  });

  it('brings back the objection of a person erased since: erasing their data does not withdraw it', async () => {
    await syncSeeker(t, 'js-erased');
    await objectToAi(t, 'js-erased');
    const admin = await t.tokenFor('admin', 'ops-1');
    const erased = await eraseJobSeeker(t, admin, 'js-erased');
    expect(erased.status).toBe(204);
    await syncSeeker(t, 'js-erased', aWorkflowSeeker(), { reEnrol: true });
    expect(Boolean((await profileOf('js-erased'))?.ai_objection)).toBe(true);
    expect(await objectionRestoredFor('js-erased')).toBe(true);
    expect((await requestSet(t, counselor, 'js-erased')).status).toBe(409);
  });

  it('leaves the objection gone when the person withdrew it before their erasure', async () => {
    await syncSeeker(t, 'js-withdrew-then-erased');
    await objectToAi(t, 'js-withdrew-then-erased');
    const seeker = await t.tokenFor('job_seeker', 'js-withdrew-then-erased');
    expect((await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' })).status).toBe(204);
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, 'js-withdrew-then-erased')).status).toBe(204);
    await syncSeeker(t, 'js-withdrew-then-erased', aWorkflowSeeker(), { reEnrol: true });
    expect(await objectionRestoredFor('js-withdrew-then-erased')).toBe(false);
    expect((await requestSet(t, counselor, 'js-withdrew-then-erased')).status).toBe(201);
  });

  it('brings back the objection of a person erased by a version whose erasure did not record it, as it was recorded', async () => {
    await syncSeeker(t, 'js-erased-long-ago');
    const recorded = await t.http
      .post('/v1/job-seekers/js-erased-long-ago/objection')
      .auth(counselor, { type: 'bearer' })
      .send({ channel: 'letter' });
    expect(recorded.status).toBe(200);
    await eraseAsBeforeObjectionsWereKept(t, 'js-erased-long-ago');

    await syncSeeker(t, 'js-erased-long-ago', aWorkflowSeeker(), { reEnrol: true });
    expect(Boolean((await profileOf('js-erased-long-ago'))?.ai_objection)).toBe(true);
    expect(await objectionRestoredFor('js-erased-long-ago')).toBe(true);
    expect((await requestSet(t, counselor, 'js-erased-long-ago')).status).toBe(409);
    const seeker = await t.tokenFor('job_seeker', 'js-erased-long-ago');
    const myData = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(myData.status).toBe(200);
    expect(myData.body.objection).toEqual({
      recordedAt: recorded.body.recordedAt,
      recordedBy: 'counselor',
      channel: 'letter',
    });
  });

  it('leaves the objection gone when the person withdrew it before an erasure that did not record it', async () => {
    await syncSeeker(t, 'js-withdrew-long-ago');
    await objectToAi(t, 'js-withdrew-long-ago');
    const seeker = await t.tokenFor('job_seeker', 'js-withdrew-long-ago');
    expect((await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' })).status).toBe(204);
    await eraseAsBeforeObjectionsWereKept(t, 'js-withdrew-long-ago');
    await syncSeeker(t, 'js-withdrew-long-ago', aWorkflowSeeker(), { reEnrol: true });
    expect(await objectionRestoredFor('js-withdrew-long-ago')).toBe(false);
    expect((await requestSet(t, counselor, 'js-withdrew-long-ago')).status).toBe(201);
  });

  it('leaves a new person with no objection', async () => {
    await syncSeeker(t, 'js-never-objected');
    expect(Boolean((await profileOf('js-never-objected'))?.ai_objection)).toBe(false);
    expect(await objectionRestoredFor('js-never-objected')).toBe(false);
  });
});

describe('an erasure asked once the profile is purged and the log key destroyed', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;

  const erase = (seekerId: string) => eraseJobSeeker(t, admin, seekerId);
  const erasuresOf = (seekerId: string) =>
    t.container.decisionLog.decisionLog.listEvents({
      types: ['subject.erased'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise(seekerId),
    });

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({
      now: clock.now,
      env: { RETENTION_PERSONAL_DAYS: '60', RETENTION_LOG_DAYS: '184' },
    });
    admin = await t.tokenFor('admin', 'ops-1');
    await seedCatalogAndSeeker(t, 'js-long-gone');
    // Suggestions give the person a log key (their scores are sealed), which retention destroys.
    expect((await requestSet(t, await t.tokenFor('counselor', 'c-001'), 'js-long-gone')).status).toBe(201);
    await objectToAi(t, 'js-long-gone');
    clock.advance(61 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.jobSeekers).toBe(1);
    clock.advance(200 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.subjectKeys).toBe(1);
  });
  afterAll(() => t.close());

  it('is recorded although nothing is left to delete, and keeps the objection a later re-enrolment brings back', async () => {
    const res = await erase('js-long-gone');
    expect(res.status).toBe(204);
    const [erased] = await erasuresOf('js-long-gone');
    expect(erased?.payload).toMatchObject({
      subjectKeyShredded: false,
      erased: { profiles: 0 },
      standingObjection: { recordedBy: 'job_seeker', channel: 'portal', recordedAt: expect.any(String) },
    });
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });

    await syncSeeker(t, 'js-long-gone', aWorkflowSeeker(), { reEnrol: true });
    const profile = await t.container.db('job_seekers').where({ id: 'js-long-gone' }).first();
    expect(Boolean(profile?.ai_objection)).toBe(true);
  });

  it('answers 404 to an erasure asked again right after one, and appends nothing', async () => {
    // The profile re-synced above is erased; the log then ends on that erasure.
    expect((await erase('js-long-gone')).status).toBe(204);
    const erasures = (await erasuresOf('js-long-gone')).length;
    const again = await erase('js-long-gone');
    expect(again.status).toBe(404);
    expect(await erasuresOf('js-long-gone')).toHaveLength(erasures);
  });

  it('still answers 404 for someone the log has never heard of', async () => {
    const res = await erase('js-never-known');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(await erasuresOf('js-never-known')).toEqual([]);
  });
});

describe('the end of the log period', () => {
  let t: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_LOG_DAYS: '184' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-gone');
    await seedCatalogAndSeeker(t, 'js-active');
    await createSet(t, counselor, 'js-gone');
    await createSet(t, counselor, 'js-active');
    // Still followed 100 days later; suggestions asked for js-gone while the AI is off are refused.
    clock.advance(100 * DAY);
    await putSettings(t, { aiEnabled: false });
    expect((await requestSet(t, counselor, 'js-gone')).status).toBe(409);
    await putSettings(t, {});
    const { set } = await createSet(t, counselor, 'js-active');
    const discarded = await act(t, counselor, set.id, 'discard', '"1"', {
      reason: 'Projet en cours de révision',
    });
    expect(discarded.status).toBe(200);
  });
  afterAll(() => t.close());

  const personalPartsOf = (seekerId: string) => readPersonalParts(t, seekerId);

  it('never shreds a key before the log period is over', async () => {
    clock.advance(80 * DAY);
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.subjectKeys).toBe(0);
    expect(await personalPartsOf('js-gone')).toEqual([expect.objectContaining({ status: 'readable' })]);
  });

  it('shreds the key of a person with no event for the whole log period, keeping their events, a refusal of suggestions since counting for nothing', async () => {
    const refused = await t.container.decisionLog.decisionLog.listEvents({
      types: ['suggestion.refused'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise('js-gone'),
    });
    expect(refused).toHaveLength(1);
    // Day 190: js-gone's last event is 190 days old (their refusal, which processed nothing of
    // theirs, 90 days); js-active's is 90 days old.
    clock.advance(10 * DAY);
    const eventsBefore = (await t.container.decisionLog.decisionLog.readHead()).seq;
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.subjectKeys).toBe(1);
    expect(await personalPartsOf('js-gone')).toEqual([{ status: 'shredded' }]);
    const active = await personalPartsOf('js-active');
    expect(active.length).toBeGreaterThanOrEqual(2);
    for (const part of active) expect(part.status).toBe('readable');
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({
      ok: true,
      checked: eventsBefore + 1,
    });
  });
});

describe('the end of the log period after a model recall', () => {
  let t: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_LOG_DAYS: '184' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-left');
    await createAndPublish(t, counselor, 'js-left', { approve: 1 });
    // Day 100: nobody follows js-left any more; an admin recalls the model that made their set.
    clock.advance(100 * DAY);
    const recalled = await t.http
      .post('/v1/models/aiguillage-ebm-1.1.0/recall')
      .auth(await t.tokenFor('admin', 'ops-1'), { type: 'bearer' })
      .send({ reason: 'Écart de calibration constaté à la revue trimestrielle' });
    expect(recalled.status).toBe(200);
  });
  afterAll(() => t.close());

  it('shreds the key of a person whose only event in the log period is a recall retracting their set', async () => {
    const retracted = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.retracted'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise('js-left'),
    });
    expect(retracted).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ role: 'admin' }) }),
    ]);
    // Day 190: their last act of the service is 190 days old, the recall 90.
    clock.advance(90 * DAY);
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.subjectKeys).toBe(1);
    const parts = await readPersonalParts(t, 'js-left');
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) expect(part).toEqual({ status: 'shredded' });
  });
});
