import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { scrubAfterCommit } from '../erasure/scrub-after-commit.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import { isOnCaseloadOf, type JobSeeker, jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { CourseOutcomeStore } from '../outcomes/course-outcome-store.ts';
import { refuseWithdrawalWithoutOwnFile, refuseWithoutOwnFile } from '../portal/own-file-refusal.ts';
import { type PersonCommentUse, readPersonComment, screenPersonComment } from '../portal/person-comment.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import { withdrawOpenSets } from '../recommendations/withdraw-open-sets.ts';
import { WITHDRAWAL_REASONS } from '../recommendations/withdrawal-reasons.ts';
import { describeAcknowledgedTerms, refuseUnacknowledgedTerms } from '../screening/acknowledged-terms.ts';
import type { ScreeningWarning, WarnedField } from '../screening/sensitive-terms.ts';
import { ConflictError, type NotFoundError, problemType } from '../shared/errors.ts';
import type { AfterCommitLogger } from '../shared/run-after-commit.ts';
import { readOptionalText } from '../shared/shown-text.ts';
import type { CounselorObjectionChannel, ObjectionChannel, StandingObjection } from './objection.ts';

export interface ObjectionServiceDeps {
  jobSeekers: Pick<JobSeekerStore, 'findById' | 'lockById' | 'recordObjection' | 'withdrawObjection'>;
  recommendations: RecommendationStore;
  /** What became of the courses proposed to the person: deleted when they object. */
  outcomes: Pick<CourseOutcomeStore, 'deleteForSeeker'>;
  /** Clears the deleted outcomes from the database files once the objection committed. */
  scrubber: StorageScrubber;
  logger?: AfterCommitLogger;
  decisionLog: DecisionLog;
  /** Whom a person whose file is no longer held writes to (the data protection officer). */
  privacyContact?: string;
  now: () => Date;
  onWarning?: (warning: ScreeningWarning<WarnedField>) => void;
}

/** An objection as just recorded, with the warnings about its comment. */
export interface RecordedObjection extends StandingObjection {
  warnings: ScreeningWarning[];
}

/** Who records an objection and how the person expressed it. */
interface Recording {
  actor: { role: 'job_seeker' | 'counselor'; id: string };
  channel: ObjectionChannel;
  comment: string | undefined;
  /** The writer confirmed a comment the screening warned about. */
  acknowledgeSensitiveTerms: boolean;
  /** Throws when the actor may not record it for this person (or there is no such person). */
  checkAccess: (file: JobSeeker | undefined, trx: Knex.Transaction) => Promise<void>;
}

/** What a person whose objection's comment shows nothing is told to write, or to send without it. */
const OBJECTION_COMMENT_USE: PersonCommentUse = {
  write: 'Écrivez ce que vous souhaitez dire de votre opposition',
  without: 'envoyez votre opposition sans commentaire',
};

/**
 * The objection to AI processing (GDPR Art. 21): recorded by the person in the portal or by their
 * counselor on their behalf, withdrawn by the person only. While it stands the model is not run
 * for them and counselors take the manual path.
 */
export class ObjectionService {
  constructor(private readonly deps: ObjectionServiceDeps) {}

  /**
   * The person objects in the portal. A comment that seems to mention sensitive information is
   * refused until they confirm it (`acknowledgeSensitiveTerms`), nothing recorded before.
   */
  async objectToAiProcessing(
    seeker: Principal,
    input: { comment?: string; acknowledgeSensitiveTerms?: boolean } = {},
  ): Promise<RecordedObjection> {
    return this.record(seeker.subject, {
      actor: { role: 'job_seeker', id: seeker.subject },
      channel: 'portal',
      comment: input.comment,
      acknowledgeSensitiveTerms: input.acknowledgeSensitiveTerms === true,
      checkAccess: async (file, trx) => {
        if (file === undefined) throw await this.refuseWithoutFile(seeker.subject, trx);
      },
    });
  }

  /**
   * The person's counselor records the objection they expressed at the desk, by letter, phone or
   * email: many job seekers cannot reach the portal. Anyone but the counselor whose caseload holds
   * the person is answered as for a missing person. A comment that seems to mention sensitive
   * information is refused until the counselor confirms it (`acknowledgeSensitiveTerms`), as their
   * message to the person is: the person reads it in their data export.
   */
  async recordObjectionForJobSeeker(
    counselor: Principal,
    seekerId: string,
    input: { channel: CounselorObjectionChannel; comment?: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<RecordedObjection> {
    return this.record(seekerId, {
      actor: { role: 'counselor', id: counselor.subject },
      channel: input.channel,
      comment: input.comment,
      acknowledgeSensitiveTerms: input.acknowledgeSensitiveTerms === true,
      checkAccess: async (file) => {
        if (!isOnCaseloadOf(file, counselor)) throw jobSeekerNotFound(seekerId);
      },
    });
  }

  /**
   * The person lifts their objection, however it was recorded; counselors may ask for suggestions
   * again. Only the person may: a counselor lifting it would let the pressure to use the AI come
   * from the one who reviews its suggestions.
   */
  async withdrawObjection(seeker: Principal): Promise<void> {
    const { jobSeekers, decisionLog, now } = this.deps;
    await decisionLog.withTransaction(async (trx) => {
      // One reading of the clock for the file and the event, as when the objection is recorded: the
      // person's file and the log say it was withdrawn at the same instant.
      const at = now();
      if (!(await jobSeekers.withdrawObjection(trx, seeker.subject, at))) {
        if ((await jobSeekers.findById(seeker.subject, trx)) === undefined) {
          // An objection kept by an erasure stands with no file to withdraw it from: the person is told.
          throw await refuseWithdrawalWithoutOwnFile(
            this.deps.decisionLog,
            this.deps.privacyContact,
            seeker.subject,
            trx,
          );
        }
        throw new ConflictError(
          'Aucune opposition à l’utilisation de l’outil d’aide à la décision n’est enregistrée pour votre ' +
            'dossier (vous l’avez peut-être déjà retirée) : il n’y a rien à retirer. Vous pouvez vous y ' +
            'opposer à tout moment depuis votre espace (rubrique « Mes données ») ou auprès de votre conseiller.',
          problemType('no-objection'),
          'Aucune opposition à retirer',
        );
      }
      await decisionLog.append(trx, {
        type: 'objection.withdrawn',
        actor: { role: 'job_seeker', id: seeker.subject },
        subjectId: seeker.subject,
        payload: {},
        at,
      });
    });
  }

  /** A person's own file is not held: told as the export tells it (a purged file's log stays). */
  private refuseWithoutFile(subjectId: string, trx: Knex.Transaction): Promise<NotFoundError> {
    return refuseWithoutOwnFile(this.deps.decisionLog, this.deps.privacyContact, subjectId, trx);
  }

  /**
   * Records the objection: from now on the model is not run for this person, the model's sets
   * still open are withdrawn so that none of them can be published, and what became of the courses
   * proposed to them is deleted (and no more is kept while the objection stands), then cleared from
   * the database files as an erasure's rows are. A set the counselor is making
   * by hand stays: it is how they go on without the AI. Recording it again while it stands is
   * logged again, as each expression is the person's.
   */
  private async record(seekerId: string, recording: Recording): Promise<RecordedObjection> {
    const { jobSeekers, recommendations: store, decisionLog, now } = this.deps;
    // The person's own words are refused when nothing of them shows; a counselor's note is kept as none.
    const comment =
      recording.actor.role === 'job_seeker'
        ? readPersonComment(recording.comment, OBJECTION_COMMENT_USE)
        : readOptionalText(recording.comment);
    // Screened before anything is kept: the person told in French, a counselor as for a message.
    const warnings =
      recording.actor.role === 'job_seeker'
        ? screenPersonComment(comment, recording.acknowledgeSensitiveTerms)
        : refuseUnacknowledgedTerms('comment', comment, recording.acknowledgeSensitiveTerms, 'record');
    const { event, outcomesDeleted } = await decisionLog.withTransaction(async (trx) => {
      // Locked: a suggestion being stored for the person waits for this objection, or this one
      // for it, and then withdraws it below.
      await recording.checkAccess(await jobSeekers.lockById(trx, seekerId), trx);
      // One reading of the clock for the objection and the sets it closes: the person reads in their
      // export that the sets were withdrawn when they objected, not a few milliseconds before.
      const at = now();
      await jobSeekers.recordObjection(trx, seekerId, at);
      const withdrawn = await withdrawOpenSets({ store, decisionLog, now: () => at }, trx, seekerId, {
        reason: WITHDRAWAL_REASONS.objection.stored,
        madeBy: 'model',
      });
      // Judging the AI's proposals on what became of them is AI processing too: it ends here.
      const deleted = await this.deps.outcomes.deleteForSeeker(trx, seekerId);
      const acknowledged = describeAcknowledgedTerms('comment', comment, warnings);
      const recorded = await decisionLog.append(trx, {
        type: 'objection.recorded',
        actor: recording.actor,
        subjectId: seekerId,
        // How the person expressed it is the application's vocabulary; what they said is sealed.
        payload: {
          channel: recording.channel,
          withdrawnSetIds: withdrawn,
          outcomesDeleted: deleted,
          ...acknowledged.payload,
        },
        personal: acknowledged.personal,
        at,
      });
      return { event: recorded, outcomesDeleted: deleted };
    });
    // As after an erasure: the deleted outcomes leave the files too (record 0006).
    if (outcomesDeleted > 0) await scrubAfterCommit(this.deps.scrubber, this.deps.logger);
    for (const warning of warnings) this.deps.onWarning?.(warning);
    return {
      recordedAt: event.occurredAt,
      recordedBy: recording.actor.role,
      channel: recording.channel,
      warnings,
    };
  }
}
