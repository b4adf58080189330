import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { describeAcknowledgedTerms, refuseUnacknowledgedTerms } from '../screening/acknowledged-terms.ts';
import { type ScreeningWarning, screenText, type WarnedField } from '../screening/sensitive-terms.ts';
import { ConflictError, InvalidInputError, problemType } from '../shared/errors.ts';
import { countShownCharacters, readOptionalText, SHOWN_TEXT_MINIMUM } from '../shared/shown-text.ts';
import {
  applyReviewAction,
  type ReviewActionDeps,
  type ReviewResult,
  type UnopenedWarning,
} from './apply-review-action.ts';
import { warnPersonReadsComment } from './comment-read-by-person.ts';
import { refuseWithdrawnCourses } from './course-offers.ts';
import {
  closeSet,
  computeExpiry,
  isOpenedForFigures,
  measureSecondsSince,
  type RecommendationSet,
  type SetReplacement,
  settlePublicationTime,
} from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import { type ClosedSession, warnAboutClosedSessions } from './session-warnings.ts';
import { findSecondReviewRead, hasReadForSecondReview, listWithdrawnApprovals } from './set-actions.ts';

export interface PublicationServiceDeps extends ReviewActionDeps {
  /** A publication locks the person's row, as a creation does, reading nothing of their profile. */
  jobSeekers: Pick<JobSeekerStore, 'findStanding' | 'lockStanding'>;
  /** Called once per second review (approval or return), after it committed (metrics). */
  onSecondReview?: (review: SecondReviewFigure) => void;
}

/**
 * A second review as the deployment's figures count it (metrics): nothing names the counselor, the
 * set or the person.
 */
export interface SecondReviewFigure {
  decision: 'approve' | 'return';
  /** Whether the set was made by hand (the manual path): no model's suggestion in it. */
  manual: boolean;
  /**
   * Seconds since the second reviewer's own reading of the set (`secondsSinceOpened`, the time the
   * oversight figures give it); null for a return made unread, or when unknown (the clock set back).
   */
  seconds: number | null;
  /** `fastDecisionSeconds` as set when the second review was made (read in its transaction). */
  fastDecisionSeconds: number;
}

/**
 * A set's publication: published by its counselor, or handed to a second counselor when it was
 * sampled for a second review, who approves (publishes) or returns it. Like every review action, it
 * needs the set's current ETag and appends its decision event in the same transaction.
 */
export class PublicationService {
  constructor(private readonly deps: PublicationServiceDeps) {}

  /**
   * Publishes the approved items, or hands the set to a second counselor when it was sampled
   * for a second review. Every item must be decided, one at least approved, and every approved
   * course still offered by the catalog.
   */
  async publish(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    options: { message?: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<ReviewResult> {
    return applyReviewAction(
      this.deps,
      counselor,
      setId,
      ifMatch,
      'publish',
      async (set, now, withdrawnCourseIds, trx) => {
        const { warnings, restatedWarnings } = settleMessage(set, options);
        settleDisplayOrder(set);
        // Sealed with each hand-over and publication that sends it on, kept or written now.
        const acknowledged = describeAcknowledgedTerms('message', set.message, [
          ...warnings,
          ...restatedWarnings,
        ]);
        const { warnings: sessionWarnings, closedSessions } = await warnAboutClosedSessions(
          this.deps.courses,
          set.items.filter((item) => item.decision === 'approved'),
          withdrawnCourseIds,
          now,
          trx,
        );
        // A set not drawn takes over, when published, the second review another set of the person
        // still owes, as a set made after the drawn one does at its creation: filling an older set
        // with the drawn set's courses and publishing it is no way around the draw either.
        const secondReviewOwedBy = set.secondReview.required
          ? null
          : ((await this.deps.store.findOwedSecondReview(set.seekerId, trx)) ?? null);
        if (secondReviewOwedBy !== null) set.secondReview.required = true;
        if (set.secondReview.required && set.secondReview.reviewerId === null) {
          set.status = 'awaiting_second_review';
          set.secondReview.firstReviewerId = counselor.subject;
          // A read before a return was of the set as it stood then: its approval needs a read of this
          // one. The earlier rounds' reads stay on the set, for the person's access record.
          set.secondReview.round += 1;
          // The second reviewer gets a full lifetime, however late the first review came.
          const expiresAt = await renewLifetime(this.deps, trx, set, now);
          return {
            warnings: [
              ...warnings,
              ...sessionWarnings,
              ...warnAboutUnopened(set, 'handed to its second review'),
            ],
            restatedWarnings,
            events: [
              {
                type: 'second_review.requested',
                payload: {
                  setId,
                  expiresAt,
                  ...(secondReviewOwedBy === null ? {} : { secondReviewOwedBy }),
                  // The approved courses handed on though the counselor was told their session is closed.
                  closedSessions,
                  ...acknowledged.payload,
                },
                personal: acknowledged.personal,
              },
            ],
          };
        }
        const replacesSetId = await publishSet(this.deps, trx, set, counselor, now);
        return {
          warnings: [...warnings, ...sessionWarnings, ...warnAboutUnopened(set, 'published')],
          restatedWarnings,
          events: [
            {
              type: 'recommendation.published',
              payload: { ...publishedPayload(set, replacesSetId, closedSessions), ...acknowledged.payload },
              personal: acknowledged.personal,
            },
          ],
        };
      },
    );
  }

  /**
   * A second counselor approves (publishes) or returns a sampled set; never its first reviewer. An
   * approval needs their own read of the set as handed on (`hasReadForSecondReview`), and warns, as a
   * publication does, about an approved course whose session closed and a message the screening
   * flags. Not approved while the catalog no longer offers one of its approved courses: only a return
   * then. The comment, which the person reads in their data export once the review is over, is
   * refused while it seems to mention sensitive information and is not confirmed.
   */
  async secondReview(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    review: { decision: 'approve' | 'return'; comment?: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<ReviewResult> {
    // A return tells the counselor what to change: a set handed back without a word would be
    // handed on again as it was.
    const comment = readOptionalText(review.comment);
    if (
      review.decision === 'return' &&
      (comment === null || countShownCharacters(comment) < SHOWN_TEXT_MINIMUM)
    ) {
      throw new InvalidInputError(
        `a return needs a comment telling the set's counselor what to change, of at least ${SHOWN_TEXT_MINIMUM} characters other than spaces and invisible characters`,
        { field: 'comment' },
      );
    }
    let figure: SecondReviewFigure | undefined;
    const result = await applyReviewAction(
      this.deps,
      counselor,
      setId,
      ifMatch,
      'second_review',
      async (set, now, withdrawnCourseIds, trx) => {
        if (review.decision === 'approve' && !hasReadForSecondReview(set, counselor)) {
          // The ETag a 412 or 428 gives would otherwise let a set be approved unseen.
          throw new ConflictError(
            `cannot approve the set: you have not read it since it was handed to its second review; read it first (GET /v1/recommendations/${set.id}), then approve it with the ETag that read gives`,
            problemType('second-review-unread'),
          );
        }
        const withdrawn = listWithdrawnApprovals(set, withdrawnCourseIds);
        if (review.decision === 'approve' && withdrawn.length > 0) {
          throw refuseWithdrawnCourses(
            'approve the set',
            withdrawn,
            'return the set, so that its counselor can reject those items',
          );
        }
        const commentWarnings = refuseUnacknowledgedTerms(
          'comment',
          comment,
          review.acknowledgeSensitiveTerms === true,
          'send',
        );
        const commentLogged = describeAcknowledgedTerms('comment', comment, commentWarnings);
        const personal = commentLogged.personal === undefined ? {} : { personal: commentLogged.personal };
        const warnings = [...commentWarnings, ...warnPersonReadsComment(review.decision, comment)];
        // Null for a return made without reading the set, or when the time is unknown.
        const ownRead = findSecondReviewRead(set, counselor);
        const secondsSinceOpened = ownRead === undefined ? null : measureSecondsSince(ownRead.at, now);
        const { fastDecisionSeconds } = await this.deps.settings.get(trx);
        figure = {
          decision: review.decision,
          manual: set.model === null,
          seconds: secondsSinceOpened,
          fastDecisionSeconds,
        };
        if (review.decision === 'return') {
          set.status = 'pending_review';
          set.secondReview.firstReviewerId = null;
          // Kept on the set, so that its counselor reads why it came back.
          set.secondReview.returned = { by: counselor.subject, at: now.toISOString(), comment };
          // The counselor gets a full lifetime to act on the return.
          const expiresAt = await renewLifetime(this.deps, trx, set, now);
          return {
            warnings,
            events: [
              {
                type: 'second_review.completed',
                payload: {
                  setId,
                  decision: review.decision,
                  expiresAt,
                  secondsSinceOpened,
                  ...commentLogged.payload,
                },
                ...personal,
              },
            ],
          };
        }
        const { warnings: sessionWarnings, closedSessions } = await warnAboutClosedSessions(
          this.deps.courses,
          set.items.filter((item) => item.decision === 'approved'),
          withdrawnCourseIds,
          now,
          trx,
        );
        set.secondReview.reviewerId = counselor.subject;
        // Kept on the set, as a return's is: its counselor reads it, and the person in their export.
        set.secondReview.approved = { by: counselor.subject, at: now.toISOString(), comment };
        const replacesSetId = await publishSet(this.deps, trx, set, counselor, now);
        // Its counselor confirmed the message despite the screening's warnings when handing it on
        // (the text sealed there): the publication says so too, where auditors look for overrides,
        // and the answer warns its publisher as a publication's does (counted when it was written).
        const messageWarnings = screenText('message', set.message);
        const acknowledged = describeAcknowledgedTerms('message', set.message, messageWarnings);
        return {
          warnings: [...warnings, ...sessionWarnings],
          restatedWarnings: messageWarnings,
          events: [
            {
              type: 'second_review.completed',
              payload: { setId, decision: review.decision, secondsSinceOpened, ...commentLogged.payload },
              ...personal,
            },
            {
              type: 'recommendation.published',
              payload: { ...publishedPayload(set, replacesSetId, closedSessions), ...acknowledged.payload },
            },
          ],
        };
      },
      { approves: () => review.decision === 'approve' },
    );
    if (figure !== undefined) this.deps.onSecondReview?.(figure);
    return result;
  }
}

/**
 * Publishes the set now, by `counselor`, in the action's transaction, and returns the id of the set
 * the person saw until then, which it marks replaced (null when none: see `replaceShownSet`).
 */
async function publishSet(
  deps: Pick<PublicationServiceDeps, 'store' | 'jobSeekers' | 'decisionLog'>,
  trx: Knex.Transaction,
  set: RecommendationSet,
  counselor: Principal,
  now: Date,
): Promise<string | null> {
  const shown = await findShownSet(deps, trx, set.seekerId);
  const at = settlePublicationTime(now, set.id, shown);
  set.publishedAt = at;
  set.publishedAtSeq = (await deps.decisionLog.lockHead(trx)).seq;
  closeSet(set, 'published', at);
  set.publishedBy = counselor.subject;
  return replaceShownSet(deps.store, trx, shown, { setId: set.id, at });
}

/**
 * Told when the counselor publishes (or hands on) a set of the model's suggestions they never opened:
 * its items were decided from the creation's answer, and the oversight figures count it as reviewed
 * unopened. A set by hand needs no warning: its counselor chose every item themselves.
 */
function warnAboutUnopened(
  set: RecommendationSet,
  done: 'published' | 'handed to its second review',
): UnopenedWarning[] {
  if (isOpenedForFigures(set)) return [];
  return [
    {
      code: 'published_unopened',
      field: 'setId',
      setId: set.id,
      message:
        `set ${set.id} was ${done} without being opened: its items were decided from the answer that created it, ` +
        `never read in the set itself (GET /v1/recommendations/${set.id}), so the oversight figures count it as reviewed unopened; ` +
        'before deciding in the next set, open it and read each suggestion with its explanation',
    },
  ];
}

/**
 * Gives the set a full lifetime (`setTtlHours`, read in the action's transaction) from now, at the
 * log's time as its creation counts it; returns its new expiry.
 */
async function renewLifetime(
  deps: Pick<PublicationServiceDeps, 'settings' | 'decisionLog'>,
  trx: Knex.Transaction,
  set: RecommendationSet,
  now: Date,
): Promise<string> {
  const from = await deps.decisionLog.timeAt(trx, now);
  set.expiresAt = computeExpiry(from, (await deps.settings.get(trx)).setTtlHours);
  return set.expiresAt;
}

/**
 * Sets the set's message to the person as a publication asks: `message` written replaces the one
 * kept on the set, a blank one removes it, and none keeps it (written when the set was first handed
 * to its second review, before a return: a counselor handing it on again, or publishing it, does not
 * write it twice). A message written now is screened (422 until confirmed) and its warnings counted;
 * a kept one was confirmed when written, and is only warned about again (`restatedWarnings`).
 */
function settleMessage(
  set: RecommendationSet,
  options: { message?: string; acknowledgeSensitiveTerms?: boolean },
): { warnings: ScreeningWarning<WarnedField>[]; restatedWarnings: ScreeningWarning<WarnedField>[] } {
  if (options.message === undefined)
    return { warnings: [], restatedWarnings: screenText('message', set.message) };
  const message = readOptionalText(options.message);
  // The person reads it as soon as it is published: the counselor rephrases or confirms first.
  const warnings = refuseUnacknowledgedTerms(
    'message',
    message,
    options.acknowledgeSensitiveTerms === true,
    'publish',
  );
  set.message = message;
  return { warnings, restatedWarnings: [] };
}

/** Approved items keep the counselor's order; those never placed follow, by model rank, additions last. */
function settleDisplayOrder(set: RecommendationSet): void {
  const approved = set.items.filter((item) => item.decision === 'approved');
  approved.sort(
    (a, b) =>
      (a.displayOrder ?? Number.POSITIVE_INFINITY) - (b.displayOrder ?? Number.POSITIVE_INFINITY) ||
      (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY),
  );
  approved.forEach((item, index) => {
    item.displayOrder = index + 1;
  });
  for (const item of set.items) if (item.decision !== 'approved') item.displayOrder = null;
}

/**
 * The set the person sees until a publication for them (the portal's own `findShownSet`: published,
 * or retracted and then showing nothing), read in the publication's transaction before the new set is
 * saved; undefined for a first publication, or when the set shown last was replaced by one deleted
 * since.
 */
async function findShownSet(
  deps: Pick<PublicationServiceDeps, 'store' | 'jobSeekers'>,
  trx: Knex.Transaction,
  seekerId: string,
): Promise<RecommendationSet | undefined> {
  // The person's row locked, as a creation locks it: two publications for one person at once take
  // turns (the log's head lock, taken first by every writer, already orders them; the guarded save
  // of the replaced set would refuse the second otherwise), and each reads what the other committed.
  await deps.jobSeekers.lockStanding(trx, seekerId);
  return deps.store.findShownSet(seekerId, trx);
}

/**
 * Marks `shown`, the set the person saw until a publication (`replacement`: the set published, and
 * when), as replaced by it, in the publication's transaction, and returns its id. A retracted set
 * shows nothing already: nothing is replaced (null), as at a first publication.
 */
async function replaceShownSet(
  store: RecommendationStore,
  trx: Knex.Transaction,
  shown: RecommendationSet | undefined,
  replacement: SetReplacement,
): Promise<string | null> {
  if (shown === undefined || shown.status !== 'published') return null;
  shown.replacedBy = { ...replacement };
  if (!(await store.save(trx, shown, shown.version))) {
    throw new ConflictError(
      'the suggestions of this job seeker are being changed right now; try again',
      problemType('try-again'),
    );
  }
  return shown.id;
}

function publishedPayload(
  set: RecommendationSet,
  replacesSetId: string | null,
  closedSessions: readonly ClosedSession[],
): Record<string, unknown> {
  const approved = set.items
    .filter((item) => item.decision === 'approved')
    .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0));
  return {
    setId: set.id,
    approvedItemIds: approved.map((item) => item.id),
    approvedCount: approved.length,
    rejectedCount: set.items.filter((item) => item.decision === 'rejected').length,
    addedCount: set.items.filter((item) => item.source === 'counselor').length,
    secondReview: set.secondReview.required,
    // The set the person saw until now, which this one replaces; null when they saw none.
    replacesSetId,
    // The approved courses published though the publisher was told their session is closed.
    closedSessions,
  };
}
