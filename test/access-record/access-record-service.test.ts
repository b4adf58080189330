import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessRecordService,
  type AccessRecordServiceDeps,
} from '../../src/access-record/access-record-service.ts';
import { loadConfig } from '../../src/config.ts';
import { UnreadablePersonalPartError } from '../../src/decision-log/subject-keyring.ts';
import { KnexFileReadStore } from '../../src/file-reads/knex-file-read-store.ts';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { KnexCourseOutcomeStore } from '../../src/outcomes/knex-course-outcome-store.ts';
import { KnexFeedbackStore } from '../../src/portal/knex-feedback-store.ts';
import { KnexContestReplyStore } from '../../src/recommendations/knex-contest-reply-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import {
  anEvent,
  type DecisionLogFixture,
  startDecisionLog,
} from '../decision-log/support/decision-log-fixture.ts';
import { createGate } from '../support/gate.ts';

const SEEKER = 'js-001';
const ADMIN = { subject: 'a-001', roles: ['admin' as const] };

/**
 * The service on a real log. The record is the log as it stood just before its own event: a change
 * logged by another transaction while the record is being read waits for it (PostgreSQL, where
 * transactions run side by side; SQLite's single connection serialises them anyway). A part that
 * cannot be opened is marked so; a failure to reach the keys fails the whole answer.
 */
describe('AccessRecordService', () => {
  let log: DecisionLogFixture;

  beforeEach(async () => {
    log = await startDecisionLog();
  });
  afterEach(async () => {
    await log.close();
  });

  function createService(overrides: Partial<AccessRecordServiceDeps> = {}): AccessRecordService {
    return new AccessRecordService({
      jobSeekers: new KnexJobSeekerStore(log.db),
      recommendations: new KnexRecommendationStore(log.db),
      feedback: new KnexFeedbackStore(log.db),
      contestReplies: new KnexContestReplyStore(log.db),
      outcomes: new KnexCourseOutcomeStore(log.db),
      fileReads: new KnexFileReadStore(log.db),
      decisionLog: log.decisionLog,
      keyring: log.subjectKeyring,
      pseudonymise: (id) => log.pseudonymiser.pseudonymise(id),
      models: { listModels: async () => [] },
      retention: loadConfig({ NODE_ENV: 'test' }).retention,
      checkLoggedText: async () => undefined,
      now: () => new Date(),
      ...overrides,
    });
  }

  it('holds the head of the log while it reads, so that an event logged meanwhile comes after the export', async () => {
    await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ subjectId: SEEKER })),
    );
    const paused = createGate();
    const resumed = createGate();
    const sets = new KnexRecommendationStore(log.db);
    const service = createService({
      // Read, then held: the record is half read when the other transaction tries to log.
      recommendations: {
        listForSeeker: async (seekerId, trx) => {
          const found = await sets.listForSeeker(seekerId, trx);
          paused.open();
          await resumed.opened;
          return found;
        },
      },
    });

    const record = service.produceAccessRecord({ admin: ADMIN, seekerId: SEEKER, reference: 'DSAR-1' });
    await paused.opened;
    const concurrent = log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ subjectId: SEEKER, payload: { setId: 'set-2' } })),
    );
    // Time enough for the other transaction to commit, were it not held back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    resumed.open();

    const { exportSeq, events } = await record;
    const logged = await concurrent;
    expect(logged.seq).toBe(exportSeq + 1);
    expect(events.map((event) => event.seq)).toEqual([1]);
    expect(exportSeq).toBe(2);
  });

  it('fails, logging nothing, when the keys cannot be read: a database failure is not an altered part', async () => {
    await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ subjectId: SEEKER, personal: { comment: 'sealed' } })),
    );
    const before = await log.decisionLog.readHead();
    const service = createService({
      keyring: {
        openerForOneRead: () => async () => {
          throw new Error('connection terminated unexpectedly');
        },
      },
    });
    await expect(
      service.produceAccessRecord({ admin: ADMIN, seekerId: SEEKER, reference: 'DSAR-2' }),
    ).rejects.toThrow(/connection terminated/);
    expect(await log.decisionLog.readHead()).toEqual(before);
  });

  it('marks a part the keyring cannot open as unreadable, and still answers', async () => {
    await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ subjectId: SEEKER, personal: { comment: 'sealed' } })),
    );
    const service = createService({
      keyring: {
        openerForOneRead: () => async () => {
          throw new UnreadablePersonalPartError('the tag does not match');
        },
      },
    });
    const { events } = await service.produceAccessRecord({
      admin: ADMIN,
      seekerId: SEEKER,
      reference: 'DSAR-3',
    });
    expect(events.map((event) => event.personal)).toEqual([{ status: 'unreadable' }]);
  });
});
