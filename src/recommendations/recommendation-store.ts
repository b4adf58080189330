import type { Knex } from 'knex';
import type { EarlierModelSuggestion, RecommendationSet, SetContests, SetStatus } from './recommendation.ts';

export interface SetSummary {
  id: string;
  seekerId: string;
  /** The set's counselor: another than the reader's for a person who moved to them. */
  counselorId: string;
  status: SetStatus;
  createdAt: string;
  expiresAt: string;
  openedAt: string | null;
  /** When the set was published, discarded or expired (a retracted set: when it was published). */
  closedAt: string | null;
  /** Who discarded a `discarded` set: its counselor, or null when the application withdrew it; null otherwise. */
  discardedBy: string | null;
  /** When a second reviewer last returned the set to its counselor. */
  returnedAt: string | null;
  /** The later publication that took the set out of the person's sight; null when none did. */
  replacedBy: RecommendationSet['replacedBy'];
  /** The items the set's read shows, and those of them still pending: none while blind-first hides them. */
  itemCount: number;
  pendingCount: number;
  model: RecommendationSet['model'];
  /** The person's contests of the set's courses. */
  contests: SetContests;
}

/** Who made a set: the model (with the counselor's review), or the counselor by hand. */
export type SetMaker = 'model' | 'hand';

export interface SetQuery {
  counselorId: string;
  /** The time the sets are read at: an open set whose lifetime has passed by then counts as expired. */
  now: Date;
  /**
   * `caseload` (default): the sets of the counselor's caseload; `second_review`: the sets of any
   * caseload awaiting a second review that this counselor did not review first.
   */
  queue?: 'caseload' | 'second_review';
  /**
   * Sets in any of these statuses at `now` (none given: every status). Narrows either queue. An
   * open set whose lifetime has passed is `expired` here, whether or not its expiry was recorded.
   */
  statuses?: readonly SetStatus[];
  seekerId?: string;
  /** Sets this model made (its registry id); sets made by hand never match. Narrows either queue. */
  modelId?: string;
  /**
   * `true`: only the sets whose courses the person contested (whatever their status, replaced or
   * not); `false`: only those with no contest. Narrows either queue.
   */
  contested?: boolean;
  /** Keyset cursor: the (createdAt, id) of the last set of the previous page. */
  after?: { createdAt: string; id: string };
  limit: number;
}

/** Persistence of recommendation sets and their items. */
export interface RecommendationStore {
  insert(trx: Knex.Transaction, set: RecommendationSet): Promise<void>;
  /** The set with its items (in model rank order, additions last), or undefined. */
  findById(id: string, trx?: Knex.Transaction): Promise<RecommendationSet | undefined>;
  /** Which of these ids are sets the store holds (an erased or purged person's sets are gone). */
  listHeldIds(ids: readonly string[], trx?: Knex.Transaction): Promise<string[]>;
  /**
   * Writes the set and its items if the stored version is still `expectedVersion`, bumping it.
   * Returns false, writing nothing, when someone else changed the set first.
   */
  save(trx: Knex.Transaction, set: RecommendationSet, expectedVersion: number): Promise<boolean>;
  /**
   * Writes the set's second-review reads (`secondReview.reads`) alone, leaving its version as it is:
   * a read is no change of the set, and the ETag its counselor and other readers hold stays current.
   * In `trx`, under the log's lock, as every write of the set.
   */
  saveSecondReviewReads(trx: Knex.Transaction, set: RecommendationSet): Promise<void>;
  /**
   * The sets of the job seekers on the counselor's caseload now, newest first: their own, and those
   * a previous counselor made for someone who has since moved to them. Each as it stands at
   * `query.now` (`viewSetAt`): an open set whose lifetime has passed is expired, in the status filter
   * and in the summary, even before its expiry is recorded.
   */
  list(query: SetQuery): Promise<SetSummary[]>;
  /**
   * The set the job seeker's portal answers about, or undefined: of the sets given to them (still
   * published, or retracted since) that no publication replaced, the one published last (publication
   * time, then id). A retracted set is not replaced by an older one; a replaced set is never shown
   * again, even once the set that replaced it is deleted. In `trx` when given.
   */
  findShownSet(seekerId: string, trx?: Knex.Transaction): Promise<RecommendationSet | undefined>;
  /**
   * Every set of the job seeker with its items, newest first, whoever their counselor was (the
   * person's data export, the access record): two queries whatever the number of sets, in `trx`
   * when given.
   */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<RecommendationSet[]>;
  /**
   * The job seeker's sets that are still open (awaiting shortlist, review or second review):
   * every one, or only those the model made, or only those made by hand; all but `exceptSetId`
   * when given (a set just stored, whose items are not read again).
   */
  findOpenForSeeker(
    seekerId: string,
    trx: Knex.Transaction,
    filter?: { madeBy?: SetMaker | undefined; exceptSetId?: string | undefined },
  ): Promise<RecommendationSet[]>;
  /**
   * The sets model `modelId` made that a recall of it ends, with their items, oldest first: those
   * still open (awaiting shortlist, review or second review), and every published one, replaced by
   * a later publication or not (the person keeps a replaced set's suggestions). Read in `trx`.
   */
  findOutstandingForModel(modelId: string, trx: Knex.Transaction): Promise<RecommendationSet[]>;
  /**
   * The latest set of the person, other than the one `addition.setId` names and made at or before
   * `addition.at` (the time the counselor adds the course), in which the model suggested
   * `addition.courseId`, whoever their counselor was then, and whatever became of it (approved,
   * rejected, left undecided); older or newer than the set added to. Only a suggestion a counselor
   * could read: one a blind-first set still hid (no shortlist yet) is not one. Undefined when none
   * did. Read in `trx`.
   */
  findEarlierModelSuggestion(
    addition: { seekerId: string; setId: string; courseId: string; at: string },
    trx: Knex.Transaction,
  ): Promise<EarlierModelSuggestion | undefined>;
  /** The person's contests of the courses of set `setId` (none for a set the store does not hold). */
  summarizeContests(setId: string, trx?: Knex.Transaction): Promise<SetContests>;
  /**
   * A set the model made for the person, other than `exceptSetId`, whose suggestions were shown to a
   * counselor (made outside blind-first mode, or once its shortlist was in), still open or made at
   * `since` or later: the blind-first rule's window (record 0003). Its id, or undefined when none.
   */
  findShownModelSet(
    seekerId: string,
    window: { exceptSetId: string; since: string },
    trx: Knex.Transaction,
  ): Promise<string | undefined>;
  /**
   * A set of the person drawn for a second review and not published: still open (whatever its
   * time), or made since their latest publication and discarded, withdrawn or expired (a retracted
   * set was published). The second review it still owes, which the person's next set takes over.
   * Undefined when none.
   */
  findOwedSecondReview(seekerId: string, trx: Knex.Transaction): Promise<string | undefined>;
  /** Ids of open sets whose lifetime has passed. */
  findDue(now: Date, limit: number): Promise<string[]>;
}
