import type { Knex } from 'knex';
import { type StoredProfile, toStoredProfile } from '../access-record/access-record.ts';
import type { Principal } from '../auth/principal.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { ReadSnapshot } from '../db/read-snapshot.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { SubjectKeyring } from '../decision-log/subject-keyring.ts';
import { describeFileRead, type FileReadForPerson } from '../file-reads/file-read.ts';
import type { FileReadStore } from '../file-reads/file-read-store.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { findStandingObjection } from '../objection/find-standing-objection.ts';
import type { StandingObjection } from '../objection/objection.ts';
import { listObjectionHistory, type ObjectionHistoryEntry } from '../objection/objection-history.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { CourseOutcome } from '../outcomes/course-outcome.ts';
import type { CourseOutcomeStore } from '../outcomes/course-outcome-store.ts';
import type { ContestReply } from '../recommendations/contest-reply.ts';
import type { ContestReplyStore } from '../recommendations/contest-reply-store.ts';
import { type CourseOffer, findCourseOffers } from '../recommendations/course-offers.ts';
import {
  type CourseSnapshot,
  publishedLatestFirst,
  type RecommendationItem,
  type RecommendationSet,
} from '../recommendations/recommendation.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { FeedbackResponse } from '../recommendations/set-feedback.ts';
import { describeAcknowledgedTerms } from '../screening/acknowledged-terms.ts';
import type { ScreeningWarning, WarnedField } from '../screening/sensitive-terms.ts';
import { ConflictError, NotFoundError, problemType } from '../shared/errors.ts';
import { parisDayOf } from '../shared/french-day.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { describeCourseChange, readOffer } from './course-change.ts';
import {
  FEEDBACK_LIMITS,
  type Feedback,
  type FeedbackInFile,
  type FeedbackKind,
  kindOfResponse,
} from './feedback.ts';
import type { FeedbackStore } from './feedback-store.ts';
import { explainItem, type MyExplanation } from './item-explanation.ts';
import { refuseWithoutOwnFile } from './own-file-refusal.ts';
import { type PersonCommentUse, readPersonComment, screenPersonComment } from './person-comment.ts';
import {
  describeReplacedNotice,
  findItemReplacement,
  type ItemReplacement,
  refuseReplacedContest,
} from './replacement-notice.ts';
import { describeRetractionNotice } from './retraction-notice.ts';
import { type MySuggestionSet, toMySuggestionSet } from './suggestion-record.ts';

/** A validated suggestion as the job seeker sees it: never a score. */
export interface MyRecommendation {
  itemId: string;
  order: number;
  course: CourseSnapshot;
  /**
   * False once the person can no longer go to the course: the catalog withdrew it, cancelled its
   * session or holds only one starting today or before. It stays in the list, as the counselor validated
   * it, and the person is told rather than left to find out.
   */
  courseAvailable: boolean;
  /** The start of its next session as the catalog plans it now (see {@link CourseOffer}). */
  currentNextSessionStart: string | null;
  /** What the catalog changed of the course since it was suggested or added (see {@link describeCourseChange}). */
  courseChangeNotice: string | null;
  returnToEmploymentRate: number | null;
  suggestedBy: 'model' | 'counselor';
  explanation: string;
}

/**
 * A suggestion as the person's data export lists it: with the set it was given in, since `order`
 * starts again at 1 in each set and the export lists the suggestions of every published set.
 */
export interface MyGivenRecommendation extends MyRecommendation {
  /** The set's id, as the export's suggestion sets give it (with when it was published). */
  setId: string;
  /** For a course of a replaced set, the notice its explanation opens with; null otherwise. */
  replacedNotice: string | null;
}

export interface MyRecommendations {
  /**
   * When the latest set given to the person was published: once it is retracted, still the day of
   * the suggestions taken back (told with `retractedAt` in `retractionNotice`), not of any shown.
   */
  publishedAt: string | null;
  message: string | null;
  /**
   * When that set was taken back (by their counselor, or by a recall of its model): the person is
   * told the suggestions of `publishedAt` were taken back (not why: the reason is in their data
   * export), and is shown no items.
   */
  retractedAt: string | null;
  /** For a retracted set, what the person reads of it in French (see {@link describeRetractionNotice}); null otherwise. */
  retractionNotice: string | null;
  items: MyRecommendation[];
}

export interface MyData {
  /**
   * As stored, without the counselor whose caseload holds the person: no staff member appears in
   * the export (the access record names them by pseudonym).
   */
  profile: StoredProfile;
  objection: StandingObjection | null;
  /**
   * Every time their objection was recorded or withdrawn, oldest first, with the comment kept with
   * it: what the access record gives of it, an objection withdrawn since included.
   */
  objectionHistory: ObjectionHistoryEntry[];
  /**
   * The suggestions the person was given and still has: the approved items of their published sets
   * (retracted ones left out), newest set first, each set's in the counselor's order.
   */
  recommendations: MyGivenRecommendation[];
  /** Every set made about them, newest first, with what was done with it once reviewed. */
  suggestionSets: MySuggestionSet[];
  /** The person's answers, oldest first, each contest with the reply that answered it (its id, or null). */
  feedback: FeedbackInFile[];
  /** Their counselor's replies to their contests, oldest first. */
  contestReplies: ContestReply[];
  /** What became of the courses proposed to them, as their agency's case-management system reported it. */
  outcomes: CourseOutcome[];
  /** The staff reads of their file still kept, oldest first: when and what; never who, nor why (not recorded). */
  fileReads: FileReadForPerson[];
}

export interface PortalServiceDeps {
  jobSeekers: JobSeekerStore;
  recommendations: RecommendationStore;
  /** How the catalog offers the published courses now. */
  courses: Pick<CourseStore, 'findOfferedSessions'>;
  /** The names of the occupations the person aims at, told beside their codes. */
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
  feedback: FeedbackStore;
  /** The counselors' replies to the person's contests. */
  contestReplies: Pick<ContestReplyStore, 'listForItem' | 'listForSeeker'>;
  outcomes: Pick<CourseOutcomeStore, 'listForSeeker'>;
  /** The staff reads of the person's file (record 0022). */
  fileReads: Pick<FileReadStore, 'listForSeeker'>;
  decisionLog: DecisionLog;
  /** Reads the person's export in one snapshot of the database. */
  readSnapshot: ReadSnapshot;
  /** Opens the comments of the person's objections, for their export. */
  keyring: Pick<SubjectKeyring, 'openerForOneRead'>;
  /** How to reach the data protection officer (`PRIVACY_CONTACT`), when configured. */
  privacyContact?: string;
  now: () => Date;
  onWarning?: (warning: ScreeningWarning<WarnedField>) => void;
}

/**
 * What a job seeker sees and can do: the approved items of their latest published set; the
 * explanation of, and feedback on, any course published to them (earlier sets' too); and an export
 * of their data (their objection to AI processing is the objection service's).
 */
export class PortalService {
  constructor(private readonly deps: PortalServiceDeps) {}

  /**
   * The approved items of the latest set given to the person. A person whose file is not held (never
   * synced, erased, purged as idle) is refused as their export refuses them, not told they have no
   * suggestions: their file is gone, and they are told where to ask about what the log still holds.
   */
  async listMyRecommendations(seeker: Principal): Promise<MyRecommendations> {
    const { deps } = this;
    // One snapshot, as for the export: a person erased meanwhile is refused, never shown an empty list.
    const set = await deps.readSnapshot(async (trx) => {
      if ((await deps.jobSeekers.findById(seeker.subject, trx)) === undefined) {
        throw await refuseWithoutOwnFile(deps.decisionLog, deps.privacyContact, seeker.subject, trx);
      }
      // The latest set given that nothing replaced, retracted or not: a retraction replaces the
      // suggestions by none, never by an older set the counselor had replaced.
      return deps.recommendations.findShownSet(seeker.subject, trx);
    });
    if (set === undefined) {
      return { publishedAt: null, message: null, retractedAt: null, retractionNotice: null, items: [] };
    }
    if (set.retraction !== null) {
      return {
        publishedAt: set.publishedAt,
        message: null,
        retractedAt: set.retraction.at,
        retractionNotice: describeRetractionNotice(set),
        items: [],
      };
    }
    return {
      publishedAt: set.publishedAt,
      message: set.message,
      retractedAt: null,
      retractionNotice: null,
      items: toMyRecommendations(set, await this.offersOf([set]), parisDayOf(this.deps.now())),
    };
  }

  /**
   * Why a course was suggested: the AI's part, the data used, the weighting, and how to contest.
   * The data used is the profile kept with the set, as the model saw it. Every reading is logged
   * (`explanation.opened`): the oversight figures count the items whose explanation was read. With
   * `recordRead: false` (a HEAD, whose answer nobody reads) nothing is logged.
   */
  async getMyExplanation(
    seeker: Principal,
    itemId: string,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<MyExplanation> {
    const { set, item } = await this.findMyItem(seeker, itemId);
    const { deps } = this;
    const explanation = await explainItem({
      set,
      item,
      offer: readOffer(await findCourseOffers(deps.courses, [item], deps.now()), item),
      today: parisDayOf(deps.now()),
      contestReplies: await deps.contestReplies.listForItem(itemId),
      file: await deps.jobSeekers.findById(seeker.subject),
      replacement: await this.findReplacement(seeker, set, item),
      privacyContact: deps.privacyContact,
      occupationLabels: deps.occupationLabels,
    });
    if (!recordRead) return explanation;
    // Logged once the answer is ready: a reading that fails is no reading.
    await this.deps.decisionLog.withTransaction(async (trx) => {
      // Found again under the log's lock: a set retracted, or a person erased, since the first look
      // is answered as gone, and no reading of it is logged.
      await this.findMyItem(seeker, itemId, trx);
      await this.deps.decisionLog.append(trx, {
        type: 'explanation.opened',
        actor: { role: 'job_seeker', id: seeker.subject },
        subjectId: seeker.subject,
        payload: { setId: set.id, itemId, suggestedBy: item.source },
      });
    });
    return explanation;
  }
  /**
   * For an item of a set a later publication replaced: when, and what the selection the person is
   * shown now (the store's one rule, `findShownSet`) does with the same course. Undefined for a set
   * not replaced.
   */
  private async findReplacement(
    seeker: Principal,
    set: RecommendationSet,
    item: RecommendationItem,
    trx?: Knex.Transaction,
  ): Promise<ItemReplacement | undefined> {
    if (set.replacedBy === null) return undefined;
    const shown = await this.deps.recommendations.findShownSet(seeker.subject, trx);
    return findItemReplacement(set, item.course.id, shown);
  }
  /**
   * Records the person's answer about a course published to them, logged as `feedback.given`; at
   * most {@link FEEDBACK_LIMITS} per course, contests counted apart from the other answers and only
   * while no reply answered them (ConflictError `feedback-limit-reached` after, in French, nothing
   * kept or logged).
   */
  async giveFeedback(
    seeker: Principal,
    itemId: string,
    input: { response: FeedbackResponse; comment?: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<{ feedback: Feedback; warnings: ScreeningWarning[]; replacedNotice: string | null }> {
    const comment = readPersonComment(input.comment, describeCommentUse(input.response));
    // Before anything is kept or counted: a comment refused uses none of the person's contests.
    const warnings = screenPersonComment(comment, input.acknowledgeSensitiveTerms === true);
    await this.findMyItem(seeker, itemId);
    let replacement: ItemReplacement | undefined;
    const feedback: Feedback = {
      id: createTimeOrderedId(),
      itemId,
      seekerId: seeker.subject,
      response: input.response,
      comment,
      createdAt: this.deps.now().toISOString(),
    };
    try {
      await this.deps.decisionLog.withTransaction(async (trx) => {
        // Found again under the log's lock: an item retracted since the first look (its row stays,
        // so no foreign key would refuse the answer) is the person's no longer.
        const { set, item } = await this.findMyItem(seeker, itemId, trx);
        replacement = await this.findReplacement(seeker, set, item, trx);
        // A contest asks the counselor to look again at a proposal the person has: not at one a
        // later selection took the place of.
        if (input.response === 'contest' && replacement !== undefined)
          throw refuseReplacedContest(replacement);
        // Counted under the log's lock too: two answers sent at once cannot both be the tenth.
        const kind = kindOfResponse(input.response);
        const atLimit = async (counted: FeedbackKind) =>
          (await this.deps.feedback.countForItem(trx, itemId, seeker.subject, counted)) >=
          FEEDBACK_LIMITS[counted];
        if (await atLimit(kind)) {
          // The refusal of an answer points to a contest: only while one may be given now.
          throw refuseFeedbackBeyondLimit(kind, kind === 'answer' && (await atLimit('contest')));
        }
        await this.deps.feedback.insert(trx, feedback);
        const acknowledged = describeAcknowledgedTerms('comment', comment, warnings);
        await this.deps.decisionLog.append(trx, {
          type: 'feedback.given',
          actor: { role: 'job_seeker', id: seeker.subject },
          subjectId: seeker.subject,
          payload: {
            setId: set.id,
            itemId,
            response: input.response,
            hasComment: comment !== null,
            ...acknowledged.payload,
          },
          personal: acknowledged.personal,
        });
      });
    } catch (error) {
      // Erased or purged meanwhile, the item is gone and its foreign key refused the feedback.
      await this.findMyItem(seeker, itemId);
      throw error;
    }
    for (const warning of warnings) this.deps.onWarning?.(warning);
    return {
      feedback,
      warnings,
      replacedNotice: describeReplacedNotice(replacement),
    };
  }

  /**
   * Everything stored about the person that they may see: profile, their objection to AI
   * processing while it stands (who recorded it, when, how) and every time it was recorded or
   * withdrawn (with its comment), the suggestions they were given, every
   * set made about them (with what the counselor did with each course once the review was over, and
   * the profile it was made from), feedback, what became of the courses proposed to them, and the
   * staff reads of their file still kept (when and what; never who, nor why, which is not recorded).
   */
  async exportMyData(seeker: Principal): Promise<MyData> {
    const { deps } = this;
    // One snapshot for every read of the person's data: a change committed meanwhile (an objection,
    // a reply, an erasure and a return) is either wholly in the export or wholly out of it.
    const held = await deps.readSnapshot(async (trx) => {
      const profile = await deps.jobSeekers.findById(seeker.subject, trx);
      if (profile === undefined) {
        throw await refuseWithoutOwnFile(deps.decisionLog, deps.privacyContact, seeker.subject, trx);
      }
      return {
        profile,
        sets: await deps.recommendations.listForSeeker(seeker.subject, trx),
        // What a replaced set's course is told against: the selection the portal shows now.
        shown: await deps.recommendations.findShownSet(seeker.subject, trx),
        objection: profile.aiObjection
          ? await findStandingObjection(deps.decisionLog, seeker.subject, trx)
          : undefined,
        objectionHistory: await listObjectionHistory(
          deps.decisionLog,
          deps.keyring.openerForOneRead(trx),
          seeker.subject,
          trx,
        ),
        feedback: await deps.feedback.listForSeeker(seeker.subject, trx),
        contestReplies: await deps.contestReplies.listForSeeker(seeker.subject, trx),
        outcomes: await deps.outcomes.listForSeeker(seeker.subject, trx),
        fileReads: await deps.fileReads.listForSeeker(seeker.subject, trx),
      };
    });
    const { profile, sets } = held;
    const now = deps.now();
    const published = publishedLatestFirst(sets);
    // The catalog as it offers the courses now, read after: it is nobody's data.
    const offers = await this.offersOf(published);
    return {
      profile: toStoredProfile(profile),
      objection: held.objection ?? null,
      objectionHistory: held.objectionHistory,
      recommendations: published.flatMap((set) =>
        toMyRecommendations(set, offers, parisDayOf(now)).map((item) => ({
          setId: set.id,
          ...item,
          replacedNotice: describeReplacedNotice(findItemReplacement(set, item.course.id, held.shown)),
        })),
      ),
      suggestionSets: sets.map((set) => toMySuggestionSet(set, now)),
      feedback: held.feedback,
      contestReplies: held.contestReplies,
      outcomes: held.outcomes,
      fileReads: held.fileReads.map(describeFileRead),
    };
  }

  /** How the catalog offers these sets' shown items' courses now, by item id, in one query. */
  private async offersOf(sets: readonly RecommendationSet[]): Promise<ReadonlyMap<string, CourseOffer>> {
    return findCourseOffers(this.deps.courses, sets.flatMap(listShownItems), this.deps.now());
  }

  /**
   * An approved item of one of the person's published sets, with the set; anything else is "not
   * found". Not only the latest: a course published to them earlier stays theirs to ask about and
   * answer on, as their data export lists it.
   */
  private async findMyItem(
    seeker: Principal,
    itemId: string,
    trx?: Knex.Transaction,
  ): Promise<{ set: RecommendationSet; item: RecommendationItem }> {
    for (const set of await this.deps.recommendations.listForSeeker(seeker.subject, trx)) {
      if (set.status !== 'published') continue;
      const item = set.items.find(
        (candidate) => candidate.id === itemId && candidate.decision === 'approved',
      );
      if (item !== undefined) return { set, item };
    }
    throw new NotFoundError(
      'Cette formation ne fait pas partie des propositions qui vous ont été faites, ou elle a été retirée ' +
        'depuis. Rechargez la liste de vos propositions ; pour toute question, adressez-vous à votre conseiller.',
      {},
      'Proposition introuvable',
    );
  }
}

/** What the person is told to write in a comment about a course that shows nothing, or to send without it. */
function describeCommentUse(response: FeedbackResponse): PersonCommentUse {
  return {
    write:
      response === 'contest'
        ? 'Écrivez ce que vous contestez dans cette proposition'
        : 'Écrivez ce que vous voulez dire à votre conseiller sur cette formation',
    without: 'envoyez votre réponse sans commentaire',
  };
}

/**
 * The refusal of an answer beyond the most kept of its kind, told to the person in French as the
 * rest of their portal: the answers already given reached their counselor, and a contest is still
 * open to them after any number of other answers, unless their contests awaiting a reply reached
 * their own limit (`contestsAtLimit`): then they may contest again once the counselor replied.
 */
function refuseFeedbackBeyondLimit(kind: FeedbackKind, contestsAtLimit = false): ConflictError {
  const limit = FEEDBACK_LIMITS[kind];
  const contestsAwaiting = `contesté cette proposition ${FEEDBACK_LIMITS.contest} fois sans réponse de votre conseiller`;
  const detail =
    kind === 'contest'
      ? `Vous avez déjà ${contestsAwaiting}, le nombre maximal ` +
        'de contestations en attente ; votre conseiller les a reçues. Vous pourrez la contester à nouveau après ' +
        'sa réponse, et vous pouvez aussi lui en parler directement.'
      : `Vous avez déjà donné ${limit} réponses sur cette formation, le nombre maximal de réponses enregistrées ; ` +
        'votre conseiller les a reçues. ' +
        (contestsAtLimit
          ? `Vous avez aussi déjà ${contestsAwaiting} : vous pourrez la contester à nouveau après sa ` +
            'réponse, et vous pouvez lui en parler directement.'
          : 'Vous pouvez toujours contester cette proposition (réponse « Je conteste cette proposition ») ou en ' +
            'parler à votre conseiller.');
  return new ConflictError(
    detail,
    { ...problemType('feedback-limit-reached'), feedbackLimit: limit },
    kind === 'contest'
      ? 'Nombre maximal de contestations en attente atteint'
      : 'Nombre maximal de réponses atteint',
  );
}

/** The items of a published set the person sees, in the counselor's order. */
function listShownItems(set: RecommendationSet): RecommendationItem[] {
  return set.items
    .filter((item) => item.decision === 'approved')
    .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0));
}

function toMyRecommendations(
  set: RecommendationSet,
  offers: ReadonlyMap<string, CourseOffer>,
  today: string,
): MyRecommendation[] {
  return listShownItems(set).map((item, index) => {
    const offer = readOffer(offers, item);
    return {
      itemId: item.id,
      order: index + 1,
      course: item.course,
      courseAvailable: offer.available,
      currentNextSessionStart: offer.nextSessionStart,
      courseChangeNotice: describeCourseChange(set, item, offer, today),
      returnToEmploymentRate: item.course.returnToEmploymentRate,
      suggestedBy: item.source,
      explanation: item.seekerExplanation.summary,
    };
  });
}
