import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import {
  describeIdempotentRequest,
  type IdempotentRequest,
  matchFirstAnswer,
} from '../idempotency/idempotent-request.ts';
import { isOnCaseloadOf } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { describeAcknowledgedTerms, refuseUnacknowledgedTerms } from '../screening/acknowledged-terms.ts';
import { type ScreeningWarning, screenText, type WarnedField } from '../screening/sensitive-terms.ts';
import { ConflictError, NotFoundError, problemType } from '../shared/errors.ts';
import { requireShownText } from '../shared/shown-text.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import type { ContestReply } from './contest-reply.ts';
import type { ContestReplyStore } from './contest-reply-store.ts';
import type { SetContests } from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import {
  findVisibleSet,
  refuseUnseenSet,
  requireActionState,
  requireMayTakeAction,
  setNotFound,
} from './set-access.ts';

export interface ContestReplyServiceDeps {
  store: Pick<RecommendationStore, 'findById' | 'summarizeContests'>;
  jobSeekers: Pick<JobSeekerStore, 'findStanding'>;
  replies: Pick<ContestReplyStore, 'insert' | 'answerContests' | 'listForItem'>;
  idempotency: IdempotencyStore;
  decisionLog: DecisionLog;
  now: () => Date;
  /** Called once per free-text warning (metrics). */
  onWarning?: (warning: ScreeningWarning<WarnedField>) => void;
}

/** A reply kept, with its set, the contests it answered and the set's contests after it. */
export interface ContestReplyResult {
  reply: ContestReply;
  setId: string;
  answeredContests: number;
  contests: SetContests;
  warnings: ScreeningWarning<WarnedField>[];
  /** A retry with the caller's Idempotency-Key, answered as the first time, nothing written again. */
  replayed: boolean;
}

/**
 * What an Idempotency-Key keeps of a reply: which reply it wrote, for which person and set, and how
 * many contests it answered; not the message, which stays in the reply alone. The person's id lets
 * their erasure delete the key with the reply.
 */
interface StoredReply {
  replyId: string;
  seekerId: string;
  setId: string;
  answeredContests: number;
}

/**
 * The counselor's answer to the person's contests of a course (GDPR Art. 22(3); AI Act Art. 86): the
 * explanation tells the person their counselor will look at the course again, and the reply tells them
 * what came of it.
 */
export class ContestReplyService {
  constructor(private readonly deps: ContestReplyServiceDeps) {}

  /**
   * Replies to the contests of item `itemId` of set `setId` no reply answered yet, with a message to the
   * person, screened as a publication's; logged as `contest.replied`, the message sealed. Whoever
   * holds the person's caseload may reply (`reply_to_contest`); nothing unanswered: ConflictError
   * `no-contest-to-answer`. No If-Match: neither a contest nor its reply changes the set, and the
   * contests are marked answered under the log's lock, which keeps two replies from answering one.
   * With an `idempotencyKey`, a retry of the same reply (same set, item and body) answers the first
   * answer again, `replayed`, writing and logging nothing; the key used for another request: 422
   * `idempotency-key-reused`.
   */
  async replyToContest(
    counselor: Principal,
    setId: string,
    itemId: string,
    input: { message: string; acknowledgeSensitiveTerms?: boolean },
    idempotencyKey?: string,
  ): Promise<ContestReplyResult> {
    const { deps } = this;
    const message = requireShownText('message', input.message);
    // The counselor who made the set, whose person moved since, is told so (409), as for the set's
    // other actions; anyone else gets the answer of a missing set.
    const request = describeIdempotentRequest('replyToContest', `${setId}/${itemId}`, input);
    const { reader } = await findVisibleSet(deps, counselor, setId, { acting: 'reply_to_contest' }).catch(
      async (error: unknown) => {
        // The retry of a reply kept before the person moved away: told as kept, not as refused.
        if (idempotencyKey !== undefined) {
          const kept = await this.findReplay(counselor, idempotencyKey, request, itemId);
          if (kept !== undefined) throw refuseKeptReplyOfMovedPerson(kept.setId, kept.reply);
        }
        throw error;
      },
    );
    const result = await deps.decisionLog.withTransaction(async (trx) => {
      // Under the log's lock: of two identical retries sent together, the second finds the first's key.
      const replay =
        idempotencyKey === undefined
          ? undefined
          : await this.findReplay(counselor, idempotencyKey, request, itemId, trx);
      // The same body as the reply kept: confirmed then if the screening flags it.
      if (replay !== undefined)
        return { ...replay, warnings: screenText('message', message), replayed: true };
      const set = await deps.store.findById(setId, trx);
      if (set === undefined) throw setNotFound(setId);
      // Read again under the log's lock: a move to another caseload committed since the first look
      // takes the person's contests out of the caller's hands.
      if (
        reader.holdsCaseload &&
        !isOnCaseloadOf(await deps.jobSeekers.findStanding(set.seekerId, trx), counselor)
      ) {
        throw refuseUnseenSet(set, counselor.subject, 'reply_to_contest');
      }
      requireMayTakeAction('reply_to_contest', set, reader);
      requireActionState('reply_to_contest', set, reader, new Set());
      if (!set.items.some((item) => item.id === itemId)) {
        throw new NotFoundError(
          `item ${itemId} is not in set ${set.id}; its items and their ids are in the set (GET /v1/recommendations/${set.id})`,
        );
      }
      const reply: ContestReply = {
        id: createTimeOrderedId(),
        itemId,
        seekerId: set.seekerId,
        counselorId: counselor.subject,
        message,
        createdAt: deps.now().toISOString(),
      };
      // The contests kept when the reply is written, under the log's lock, each marked with it: a
      // contest kept after it, whenever its time was taken, awaits another reply.
      const answeredContests = await deps.replies.answerContests(trx, itemId, reply.id);
      if (answeredContests === 0) throw await refuseNothingToAnswer(deps.replies, set.id, itemId, trx);
      // After the access, the state and the reply's own rule, as a publication screens its message
      // (record 0020): a set the caller may not act on answers 404 whatever the text. Refused, the
      // transaction takes back the contests just marked.
      const warnings = refuseUnacknowledgedTerms(
        'message',
        message,
        input.acknowledgeSensitiveTerms === true,
        'send',
      );
      await deps.replies.insert(trx, reply);
      const acknowledged = describeAcknowledgedTerms('message', message, warnings);
      await deps.decisionLog.append(trx, {
        type: 'contest.replied',
        actor: { role: 'counselor', id: counselor.subject },
        subjectId: set.seekerId,
        payload: { setId, itemId, answeredContests, ...acknowledged.payload },
        personal: acknowledged.personal,
      });
      if (idempotencyKey !== undefined) {
        const stored: StoredReply = { replyId: reply.id, seekerId: set.seekerId, setId, answeredContests };
        await deps.idempotency.insert(trx, {
          subject: counselor.subject,
          key: idempotencyKey,
          operation: request.operation,
          requestHash: request.requestHash,
          responseStatus: 201,
          responseBody: JSON.stringify(stored),
          createdAt: reply.createdAt,
        });
      }
      return {
        reply,
        setId,
        answeredContests,
        contests: await deps.store.summarizeContests(setId, trx),
        warnings,
        replayed: false,
      };
    });
    if (!result.replayed) for (const warning of result.warnings) deps.onWarning?.(warning);
    return result;
  }

  /**
   * The first answer to the caller's key and this reply, with the set's contests as they are now;
   * undefined for a new key (422 if another request used it). A key outliving its reply (erased, or
   * purged with its set) has nothing left to replay: "not found".
   */
  private async findReplay(
    counselor: Principal,
    key: string,
    request: IdempotentRequest,
    itemId: string,
    trx?: Knex.Transaction,
  ): Promise<Omit<ContestReplyResult, 'warnings' | 'replayed'> | undefined> {
    const { deps } = this;
    const previous = matchFirstAnswer(await deps.idempotency.find(counselor.subject, key, trx), request);
    if (previous === undefined) return undefined;
    const stored = JSON.parse(previous.responseBody) as StoredReply;
    const reply = (await deps.replies.listForItem(itemId, trx)).find((kept) => kept.id === stored.replyId);
    if (reply === undefined) throw setNotFound(stored.setId);
    return {
      reply,
      setId: stored.setId,
      answeredContests: stored.answeredContests,
      contests: await deps.store.summarizeContests(stored.setId, trx),
    };
  }
}

/**
 * The answer to a reply sent again with its Idempotency-Key once the set is no longer the caller's
 * (the person moved to another caseload since the reply was kept): it cannot be answered as the first
 * time, the set having gone with the person, but the reply was kept and read by the person, which the
 * counselor must not take for a refusal and try to say to the person again another way.
 */
function refuseKeptReplyOfMovedPerson(setId: string, reply: ContestReply): ConflictError {
  return new ConflictError(
    `your reply ${reply.id} was kept at ${reply.createdAt}, and the person reads it; their file has since moved to another counselor, and set ${setId} went with it: nothing is left for you to do with this set (your queue: GET /v1/recommendations)`,
    problemType('no-longer-on-caseload'),
  );
}

/**
 * The refusal of a reply with no contest left to answer, saying which case it is: a course the person
 * never contested (no reply was ever written about it either, every contest awaiting one), or one
 * whose contests a reply answered already, named by when, so that the counselor does not look for a
 * reply that was never written.
 */
async function refuseNothingToAnswer(
  replies: Pick<ContestReplyStore, 'listForItem'>,
  setId: string,
  itemId: string,
  trx: Knex.Transaction,
): Promise<ConflictError> {
  const latest = (await replies.listForItem(itemId, trx)).at(-1);
  const why =
    latest === undefined
      ? `the person has not contested it; the set's contests count those to answer (GET /v1/recommendations/${setId})`
      : `every contest the person made of it was answered, the latest reply written at ${latest.createdAt}; a contest they make after it awaits another reply`;
  return new ConflictError(
    `no contest of this course to answer: ${why}`,
    problemType('no-contest-to-answer'),
  );
}
