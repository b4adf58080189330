import type { Knex } from 'knex';
import { type StoredProfile, toStoredProfile } from '../access-record/access-record.ts';
import { describePrivacyContact } from '../access-record/processing-statement.ts';
import type { Principal } from '../auth/principal.ts';
import { isRemoteOnly } from '../courses/course.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { ReadSnapshot } from '../db/read-snapshot.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { SubjectKeyring } from '../decision-log/subject-keyring.ts';
import { describeFileRead, type FileReadForPerson } from '../file-reads/file-read.ts';
import type { FileReadStore } from '../file-reads/file-read-store.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { JobSeekerReason } from '../model/explanations.ts';
import { countMonthsUnemployed } from '../model/features.ts';
import { findStandingObjection } from '../objection/find-standing-objection.ts';
import type { StandingObjection } from '../objection/objection.ts';
import { listObjectionHistory, type ObjectionHistoryEntry } from '../objection/objection-history.ts';
import { describeOccupation } from '../occupations/occupation-label.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { CourseOutcome } from '../outcomes/course-outcome.ts';
import type { CourseOutcomeStore } from '../outcomes/course-outcome-store.ts';
import type { ContestReply } from '../recommendations/contest-reply.ts';
import type { ContestReplyStore } from '../recommendations/contest-reply-store.ts';
import { type CourseOffer, findCourseOffers } from '../recommendations/course-offers.ts';
import {
  type CourseSnapshot,
  type ProfileSnapshot,
  publishedLatestFirst,
  type RecommendationItem,
  type RecommendationSet,
} from '../recommendations/recommendation.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { FeedbackResponse } from '../recommendations/set-feedback.ts';
import { describeAcknowledgedTerms } from '../screening/acknowledged-terms.ts';
import type { ScreeningWarning, WarnedField } from '../screening/sensitive-terms.ts';
import { ConflictError, NotFoundError, problemType } from '../shared/errors.ts';
import { formatFrenchDay, parisDayOf } from '../shared/french-day.ts';
import { formatFrenchNumber, formatFrenchPercent } from '../shared/french-number.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import {
  FEEDBACK_LIMITS,
  type Feedback,
  type FeedbackInFile,
  type FeedbackKind,
  kindOfResponse,
} from './feedback.ts';
import type { FeedbackStore } from './feedback-store.ts';
import { refuseWithoutOwnFile } from './own-file-refusal.ts';
import { type PersonCommentUse, readPersonComment, screenPersonComment } from './person-comment.ts';
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
}

export interface MyRecommendations {
  /** When the latest set given to the person was published. */
  publishedAt: string | null;
  message: string | null;
  /**
   * When that set was taken back (by their counselor, or by a recall of its model): the person is
   * told the suggestions of `publishedAt` were taken back (not why: the reason is in their data
   * export), and is shown no items.
   */
  retractedAt: string | null;
  items: MyRecommendation[];
}

export interface MyExplanation {
  itemId: string;
  course: CourseSnapshot;
  /** As in the list ({@link MyRecommendation}): whether the person can still go to it, and when. */
  courseAvailable: boolean;
  currentNextSessionStart: string | null;
  courseChangeNotice: string | null;
  aiContribution: string;
  summary: string;
  reasons: JobSeekerReason[];
  dataUsed: Array<{ label: string; value: string; source: string }>;
  howToContest: string;
  /** Their counselor's replies to their contests of the course, oldest first. */
  contestReplies: ContestReply[];
  /**
   * For a course of a set a later publication replaced: when, and what the person's selection now
   * does with the course (see {@link describeReplacement}); null for a set not replaced.
   */
  replacedNotice: string | null;
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

/**
 * How to contest a suggestion, how to object to the tool (or, once the person objected, that their
 * objection stands and how to withdraw it), and whom to ask about one's data (`privacyContact`, when
 * configured).
 */
function describeHowToContest(privacyContact: string | undefined, objecting: boolean): string {
  const objection = objecting
    ? 'Votre opposition à l’utilisation de l’outil d’aide pour votre dossier est enregistrée : il n’est plus ' +
      'utilisé pour vous, et vous seul pouvez retirer cette opposition, depuis votre espace (rubrique « Mes données »). '
    : 'Vous pouvez aussi vous opposer à l’utilisation de l’outil d’aide pour votre dossier, ' +
      'depuis votre espace (rubrique « Mes données ») ou en le disant à votre conseiller, sans conséquence sur votre ' +
      'accompagnement ; vous seul pourrez ensuite retirer cette opposition, depuis votre espace. ';
  return (
    'Cette proposition n’est pas une décision : vous pouvez la discuter ou la contester auprès de votre conseiller, ' +
    'qui la réexaminera lui-même, ou la contester depuis votre espace (réponse « Je conteste cette proposition »). ' +
    objection +
    `Pour toute question sur vos données, écrivez au délégué à la protection des données (${describePrivacyContact(privacyContact)}) ; vous ` +
    'pouvez aussi saisir la CNIL.'
  );
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
  keyring: Pick<SubjectKeyring, 'decryptPersonal'>;
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
    if (set === undefined) return { publishedAt: null, message: null, retractedAt: null, items: [] };
    if (set.retraction !== null) {
      return { publishedAt: set.publishedAt, message: null, retractedAt: set.retraction.at, items: [] };
    }
    return {
      publishedAt: set.publishedAt,
      message: set.message,
      retractedAt: null,
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
    const explanation = await this.explain(seeker, set, item, await this.findReplacement(seeker, set, item));
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

  private async explain(
    seeker: Principal,
    set: RecommendationSet,
    item: RecommendationItem,
    replacement: ItemReplacement | undefined,
  ): Promise<MyExplanation> {
    const { id: itemId } = item;
    const offer = readOffer(await findCourseOffers(this.deps.courses, [item], this.deps.now()), item);
    const course = {
      itemId,
      course: item.course,
      courseAvailable: offer.available,
      currentNextSessionStart: offer.nextSessionStart,
      courseChangeNotice: describeCourseChange(set, item, offer, parisDayOf(this.deps.now())),
    };
    const contestReplies = await this.deps.contestReplies.listForItem(itemId);
    const file = await this.deps.jobSeekers.findById(seeker.subject);
    const howToContest = describeHowToContest(this.deps.privacyContact, file?.aiObjection === true);
    const replacedNotice = replacement === undefined ? null : describeReplacement(replacement);
    // A replaced set's course is told as proposed then, after what became of it since.
    const summary =
      replacedNotice === null
        ? item.seekerExplanation.summary
        : `${replacedNotice} ${tellSummaryInPast(item.seekerExplanation.summary)}`;
    if (item.source === 'counselor') {
      return {
        ...course,
        aiContribution: describeAddition(item),
        summary,
        reasons: [],
        dataUsed: [],
        howToContest,
        contestReplies,
        replacedNotice,
      };
    }
    return {
      ...course,
      aiContribution:
        replacedNotice === null
          ? 'Un outil d’aide à la décision a suggéré cette formation parmi les formations du catalogue ; votre ' +
            'conseiller l’a examinée et validée avant qu’elle vous soit proposée.'
          : 'Un outil d’aide à la décision avait suggéré cette formation parmi les formations du catalogue ; votre ' +
            'conseiller l’avait examinée et validée avant de vous la proposer dans cette sélection, remplacée depuis.',
      summary,
      reasons: item.seekerExplanation.reasons,
      dataUsed: [
        ...(await this.describeDataUsedFor(set, file, item.course)),
        ...describeCourseDataUsed(set, item.course),
      ],
      howToContest,
      contestReplies,
      replacedNotice,
    };
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
    return { at: set.replacedBy.at, ...findCourseNow(shown, item.course.id) };
  }

  /**
   * The profile kept with the set. A set made before profiles were kept has none: the person's file as
   * it is now (`current`) is shown instead, and its source says so.
   */
  private async describeDataUsedFor(
    set: RecommendationSet,
    current: ProfileSnapshot | undefined,
    course: CourseSnapshot,
  ): Promise<MyExplanation['dataUsed']> {
    const profile = set.profileSnapshot ?? current;
    if (profile === undefined) return [];
    const labels = await this.deps.occupationLabels.findLabels(profile.targetOccupations);
    const suggestedOn = formatFrenchDay(set.createdAt);
    const source =
      set.profileSnapshot !== null
        ? `${FILE_SOURCE}, tel qu’il était le ${suggestedOn}, date de cette suggestion (dossier mis à jour le ${formatFrenchDay(profile.updatedAt)})`
        : `${FILE_SOURCE}, dans son état actuel (mis à jour le ${formatFrenchDay(profile.updatedAt)}) : ` +
          `son état à la date de cette suggestion, le ${suggestedOn}, n’a pas été conservé`;
    return describeDataUsed(profile, course, set.createdAt, source, labels);
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
      replacedNotice: replacement === undefined ? null : describeReplacement(replacement),
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
        objection: profile.aiObjection
          ? await findStandingObjection(deps.decisionLog, seeker.subject, trx)
          : undefined,
        objectionHistory: await listObjectionHistory(
          deps.decisionLog,
          (sealed) => deps.keyring.decryptPersonal(sealed, trx),
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
        toMyRecommendations(set, offers, parisDayOf(now)).map((item) => ({ setId: set.id, ...item })),
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

/** The offer found for `item` (found for every item asked about). */
function readOffer(offers: ReadonlyMap<string, CourseOffer>, item: RecommendationItem): CourseOffer {
  const offer = offers.get(item.id);
  if (offer === undefined) throw new Error(`no offer was read for item ${item.id}`);
  return offer;
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

/**
 * What the catalog changed of a course since it was suggested or added, told to the person beside
 * it. Both keep the course as it was then (`item.course`), which is compared with the offer now. A
 * suggestion's reasons are stored and never rewritten (« la formation commence bientôt » stays about
 * the session as it was), so a sentence says they were given with the course of that day, and what
 * changed; an addition's says the counselor chose the course as it was when they did, and what
 * changed. Null when the catalog offers the course as the item knew it (a session merely begun
 * since is told by `courseAvailable`).
 */
function describeCourseChange(
  set: RecommendationSet,
  item: RecommendationItem,
  offer: CourseOffer,
  today: string,
): string | null {
  const change = describeOfferChange(item.course.nextSessionStart, offer, today);
  if (change === null) return null;
  return `${describeCourseAsKept(set, item)} Depuis, ${change}`;
}

/**
 * When the item kept its course, in French: the day of the model's suggestion (the set's making),
 * or the counselor's choice, whose own day an addition does not keep (a later decision on it moves
 * `decidedAt`, and a shortlist pick is decided after it was picked): the publication, which came
 * after it, is the day the person knows.
 */
function describeCourseAsKept(set: RecommendationSet, item: RecommendationItem): string {
  if (item.source === 'model') {
    return (
      'Les raisons de cette suggestion ont été données avec la formation telle qu’elle était le ' +
      `${formatFrenchDay(set.createdAt)}, jour de la suggestion.`
    );
  }
  const given =
    set.publishedAt === null ? '' : `, avant de vous la proposer le ${formatFrenchDay(set.publishedAt)}`;
  return `Votre conseiller a retenu cette formation pour vous telle qu’elle était au moment de son choix${given}.`;
}

/**
 * The change, in French, from the session `kept` with the suggestion or addition to the offer now (`today`: the
 * day in France); null for none.
 */
function describeOfferChange(kept: string | null, offer: CourseOffer, today: string): string | null {
  const gone = offer.unavailability;
  if (gone?.reason === 'withdrawn') {
    return 'la formation a été retirée du catalogue : vous ne pouvez plus vous y inscrire.';
  }
  if (gone?.reason === 'session_cancelled') {
    return (
      `sa session du ${formatFrenchDay(gone.session)} a été annulée et aucune autre n’est prévue pour ` +
      'l’instant : vous ne pouvez plus vous y inscrire.'
    );
  }
  // A session started is a change only when it is not the one the item knew.
  const session = gone?.reason === 'session_started' ? gone.session : offer.nextSessionStart;
  if (session === null || session === kept) return null;
  const when =
    gone === null
      ? `elle commence le ${formatFrenchDay(session)}`
      : `elle a commencé le ${formatFrenchDay(session)}`;
  const late = gone === null ? '' : ' Il est trop tard pour la rejoindre.';
  if (kept === null) return `une session a été prévue : ${when}.${late}`;
  // The session the item knew has begun since: the catalog's next one is another session, not
  // that one moved (the person may have gone to it).
  if (kept <= today) return `une nouvelle session est prévue : ${when}.${late}`;
  return `sa session a été déplacée : ${when}, et non plus le ${formatFrenchDay(kept)}.${late}`;
}

const FILE_SOURCE = 'votre dossier de demandeur d’emploi, transmis par votre agence';

/** The French qualification levels (3 to 8) with the diplomas people know them by. */
const EDUCATION_LEVELS: Readonly<Record<number, string>> = {
  3: 'CAP, BEP',
  4: 'baccalauréat',
  5: 'bac + 2 (BTS, DUT)',
  6: 'bac + 3 (licence, BUT)',
  7: 'bac + 5 (master)',
  8: 'doctorat',
};

function describeEducationLevel(level: number): string {
  const diplomas = EDUCATION_LEVELS[level];
  return diplomas === undefined ? `niveau ${level}` : `niveau ${level} : ${diplomas}`;
}

/**
 * The profile fields the model used, in plain words, each with where it came from, as the model read
 * them on `suggestedAt` (the set's reference date): months unemployed counted on from the last sync, the
 * home as what is kept of it (a position, not an address) or, unknown, what the estimate of `course`
 * counted in place of its distance. Skills are the file's codes as stored, as the export gives them:
 * no label exists for them, and none is made up.
 */
function describeDataUsed(
  profile: ProfileSnapshot,
  course: CourseSnapshot,
  suggestedAt: string,
  source: string,
  occupationLabels: ReadonlyMap<string, string>,
): MyExplanation['dataUsed'] {
  const yesNo = (value: boolean) => (value ? 'oui' : 'non');
  const occupations = profile.targetOccupations.map((code) => describeOccupation(code, occupationLabels));
  return [
    { label: 'Métiers visés', value: occupations.join(', '), source },
    { label: 'Niveau de diplôme', value: describeEducationLevel(profile.educationLevel), source },
    {
      label: 'Compétences',
      value: profile.skills.join(', ') || 'aucune renseignée',
      source,
    },
    { label: 'Années d’expérience', value: formatFrenchNumber(profile.yearsExperience), source },
    {
      label: 'Mois sans emploi',
      value: describeMonthsUnemployed(profile, suggestedAt),
      source,
    },
    { label: 'Position du domicile', value: describeHomeUsed(profile, course), source },
    { label: 'Rayon de mobilité', value: `${formatFrenchNumber(profile.mobilityRadiusKm)} km`, source },
    { label: 'Formation à distance acceptée', value: yesNo(profile.remoteOk), source },
    {
      label: 'Disponible à partir du',
      value: profile.availableFrom === null ? 'dès maintenant' : formatFrenchDay(profile.availableFrom),
      source,
    },
  ];
}

/**
 * The home as the model used it: its position (coordinates are kept, not the postal address) or, unknown,
 * that no distance was measured, and for a course held in part in a place what the estimate counted
 * instead: the distance the person accepts to travel.
 */
function describeHomeUsed(profile: ProfileSnapshot, course: CourseSnapshot): string {
  if (profile.location !== null) return 'connue : des coordonnées, pas votre adresse postale';
  if (isRemoteOnly(course.modality)) {
    return 'non connue : la formation se suit à distance, aucune distance n’a été calculée';
  }
  return (
    'non connue : aucune distance n’a été mesurée ; l’estimation a compté à sa place la distance que vous ' +
    `acceptez de parcourir (${formatFrenchNumber(profile.mobilityRadiusKm)} km)`
  );
}

/**
 * What the model used of the course, from the catalog as the suggestion kept it: its features
 * (occupations, levels, duration, modality, place, session, funding, certification) and the rate the
 * reasons about past trainees rest on, told as unknown when the catalog had none.
 */
function describeCourseDataUsed(set: RecommendationSet, course: CourseSnapshot): MyExplanation['dataUsed'] {
  const source = `le catalogue des formations, tel qu’il était le ${formatFrenchDay(set.createdAt)}, date de cette suggestion`;
  const rate = course.returnToEmploymentRate;
  return [
    {
      label: 'Caractéristiques de la formation',
      value:
        'métiers visés, compétences enseignées, niveaux d’entrée et de sortie, durée, modalité, lieu, date de ' +
        'la prochaine session, financement, certification',
      source,
    },
    {
      label: 'Taux de retour à l’emploi de la formation',
      // A share of whom, and when: the catalog's rate is of past trainees in work six months after the course.
      value:
        rate === null
          ? 'non connu'
          : `${formatFrenchPercent(rate)} des anciens stagiaires en emploi six mois après la formation`,
      source,
    },
  ];
}

/**
 * The months unemployed the model used: the file's count as synced, plus the whole months from that
 * sync to the suggestion, which the person is told when there are any.
 */
function describeMonthsUnemployed(profile: ProfileSnapshot, suggestedAt: string): string {
  const { months, synced, elapsed } = countMonthsUnemployed(profile, new Date(suggestedAt));
  if (elapsed === 0) return String(months);
  return (
    `${months} (${synced} dans votre dossier mis à jour le ${formatFrenchDay(profile.updatedAt)}, ` +
    // « 1 mois écoulé », « 2 mois écoulés »: French keeps the singular below 2.
    `plus ${elapsed} mois écoulé${elapsed >= 2 ? 's' : ''} jusqu’au ${formatFrenchDay(suggestedAt)}, date de cette suggestion)`
  );
}

/**
 * The AI's part in a course the counselor added: none, unless the model had suggested the same
 * course to a counselor before the addition, in another set (older or newer than this one), which
 * the person is told (the counselor may have chosen it after seeing it). Told as a suggestion to the
 * counselor, not a proposal to the person: the counselor may have rejected it there, or left it
 * undecided.
 */
function describeAddition(item: RecommendationItem): string {
  const added = 'Cette formation a été ajoutée par votre conseiller.';
  const earlier = item.earlierModelSuggestion;
  if (earlier === null) return `${added} L’outil d’aide à la décision n’est pas intervenu dans ce choix.`;
  return (
    `${added} L’outil d’aide à la décision l’avait suggérée à votre conseiller dans une autre sélection, le ` +
    `${formatFrenchDay(earlier.suggestedAt)} ; c’est votre conseiller qui l’a choisie ici.`
  );
}

/** An item of a replaced set: when its set was replaced, and what became of its course since. */
interface ItemReplacement {
  /** When the set that replaced it was published. */
  at: string;
  /**
   * What the selection the person is shown now does with the course: proposes it still (`kept`,
   * with that item), rejected it (`rejected`), or holds it not (`absent`: not in it, or that
   * selection was retracted, or none is shown).
   */
  courseNow: 'kept' | 'rejected' | 'absent';
  currentItemId: string | null;
}

/** What `shown`, the selection the person is shown now, does with the course `courseId`. */
function findCourseNow(
  shown: RecommendationSet | undefined,
  courseId: string,
): Pick<ItemReplacement, 'courseNow' | 'currentItemId'> {
  const item =
    shown === undefined || shown.status !== 'published'
      ? undefined
      : shown.items.find((candidate) => candidate.course.id === courseId && candidate.decision !== 'pending');
  if (item === undefined) return { courseNow: 'absent', currentItemId: null };
  if (item.decision === 'approved') return { courseNow: 'kept', currentItemId: item.id };
  return { courseNow: 'rejected', currentItemId: null };
}

/**
 * That the set was replaced, and when, in French, with what became of the course in the selection
 * shown now. A rejection's reason is not told: it was written for the file, and the data export
 * gives it with the set.
 */
function describeReplacement(replacement: ItemReplacement): string {
  const replaced =
    `Cette sélection a été remplacée le ${formatFrenchDay(replacement.at)} par une sélection plus récente ` +
    'de votre conseiller.';
  switch (replacement.courseNow) {
    case 'kept':
      return `${replaced} Votre sélection actuelle vous propose toujours cette formation.`;
    case 'rejected':
      return (
        `${replaced} Votre conseiller n’a pas retenu cette formation dans votre sélection actuelle : elle ne ` +
        'vous est plus proposée.'
      );
    case 'absent':
      return `${replaced} Cette formation ne fait pas partie de votre sélection actuelle : elle ne vous est plus proposée.`;
  }
}

/**
 * A stored summary told of a proposal made then: its opening sentence, written in the present when
 * the course was proposed, put in the past.
 */
function tellSummaryInPast(summary: string): string {
  return summary
    .replace(/^Cette formation vous est proposée/, 'Cette formation vous avait été proposée')
    .replace(
      /^Votre conseiller vous propose cette formation/,
      'Votre conseiller vous avait proposé cette formation',
    );
}

/**
 * A contest of a course of a replaced set: there is nothing there to look at again. The course
 * still proposed is contested in the current selection (`currentItemId`); one no longer proposed
 * is talked over with the counselor.
 */
function refuseReplacedContest(replacement: ItemReplacement): ConflictError {
  const notice = describeReplacement(replacement);
  const detail =
    replacement.courseNow === 'kept'
      ? `${notice} Contestez-la depuis votre sélection actuelle : votre conseiller la réexaminera là où elle vous est proposée.`
      : `${notice} Il n’y a donc plus de proposition à contester ; pour en parler, adressez-vous à votre conseiller.`;
  return new ConflictError(
    detail,
    { ...problemType('proposal-replaced'), currentItemId: replacement.currentItemId },
    'Proposition remplacée',
  );
}
