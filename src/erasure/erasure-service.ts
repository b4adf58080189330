import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { SubjectKeyring } from '../decision-log/subject-keyring.ts';
import { jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import { findStandingObjection } from '../objection/find-standing-objection.ts';
import type { LoggedTextCheck } from '../screening/refuse-sensitive-logged-text.ts';
import type { AfterCommitLogger } from '../shared/run-after-commit.ts';
import { alreadyErased, ERASURE_REQUEST_PLACE, type ErasureReport, type ErasureRequest } from './erasure.ts';
import type { ErasureStore } from './erasure-store.ts';
import { findLatestHoldingEvent } from './find-latest-holding-event.ts';
import { scrubAfterCommit } from './scrub-after-commit.ts';
import type { StorageScrubber } from './storage-scrubber.ts';

export interface ErasureServiceDeps {
  store: ErasureStore;
  decisionLog: DecisionLog;
  keyring: SubjectKeyring;
  scrubber: StorageScrubber;
  /** Checks the request's reference, which `subject.erased` keeps readable for good. */
  checkLoggedText: LoggedTextCheck;
  logger?: AfterCommitLogger;
}

/** The right to erasure (GDPR Art. 17) for job seekers. */
export class ErasureService {
  constructor(private readonly deps: ErasureServiceDeps) {}

  /**
   * Erases a job seeker in one transaction: their profile, suggestions, feedback, the counselors'
   * replies to their contests, the outcomes of the courses proposed to them, the trace of the staff's
   * reads of their file and the stored idempotent answers naming them are deleted, their decision-log
   * key is destroyed (the personal parts of their events become unreadable while the chain still
   * verifies), and `subject.erased` records what was erased. Then the deleted bytes are cleared from the database files.
   *
   * An objection to AI processing that stands is kept in the event (`standingObjection`): erasing
   * the person's data does not withdraw it, which only they may do, and a profile synced again
   * gets it back. A person whose profile was purged as idle and whose key retention has since
   * destroyed still has events in the log: their erasure is recorded all the same, so that the
   * request is on record as honoured. Unknown when the log holds nothing about them either; already
   * erased (404 saying when) when it holds nothing since their last erasure. The request's reference
   * is kept in the event (`erasureRequest`), checked first as every text the log keeps readable: refused, nothing is erased.
   */
  async eraseJobSeeker(request: ErasureRequest): Promise<ErasureReport> {
    const { deps } = this;
    const { admin, seekerId } = request;
    await deps.checkLoggedText(
      { actor: { role: 'admin', id: admin.subject }, operation: 'eraseJobSeeker' },
      ERASURE_REQUEST_PLACE,
      request.reference,
      'give the reference of the request',
    );
    const { erased, subjectKeyShredded, seq } = await deps.decisionLog.withTransaction(async (trx) => {
      const rows = await deps.store.eraseJobSeekerRows(trx, seekerId);
      const shredded = await deps.keyring.shredSubjectKey(trx, seekerId);
      // Throwing rolls back: nothing of this person is held, nor has been since their last erasure.
      if (rows.profiles === 0 && !shredded) {
        const latest = await findLatestHoldingEvent(deps.decisionLog, seekerId, trx);
        if (latest === undefined) throw jobSeekerNotFound(seekerId);
        if (latest.type === 'subject.erased') throw alreadyErased(seekerId, latest.occurredAt);
      }
      const standingObjection = (await findStandingObjection(deps.decisionLog, seekerId, trx)) ?? null;
      // No personal part: it would need a key, and would create a new one for this person.
      const event = await deps.decisionLog.append(trx, {
        type: 'subject.erased',
        actor: { role: 'admin', id: admin.subject },
        subjectId: seekerId,
        payload: {
          erasureRequest: request.reference,
          erased: { ...rows },
          subjectKeyShredded: shredded,
          standingObjection,
        },
      });
      return { erased: rows, subjectKeyShredded: shredded, seq: event.seq };
    });
    const storage = await scrubAfterCommit(deps.scrubber, deps.logger);
    return { erased, subjectKeyShredded, seq, storage };
  }
}
