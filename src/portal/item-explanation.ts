import { describePrivacyContact } from '../access-record/processing-statement.ts';
import type { JobSeeker } from '../job-seekers/job-seeker.ts';
import type { JobSeekerReason } from '../model/explanations.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { ContestReply } from '../recommendations/contest-reply.ts';
import type { CourseOffer } from '../recommendations/course-offers.ts';
import type {
  CourseSnapshot,
  RecommendationItem,
  RecommendationSet,
} from '../recommendations/recommendation.ts';
import { formatFrenchDay } from '../shared/french-day.ts';
import { describeCourseChange } from './course-change.ts';
import {
  type DataUsedEntry,
  describeAdditionDataUsed,
  describeCourseDataUsed,
  describeDataUsedFor,
} from './data-used.ts';
import { describeReplacedNotice, type ItemReplacement, tellSummaryInPast } from './replacement-notice.ts';

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
  dataUsed: DataUsedEntry[];
  howToContest: string;
  /** Their counselor's replies to their contests of the course, oldest first. */
  contestReplies: ContestReply[];
  /**
   * For a course of a set a later publication replaced: when, and what the person's selection now
   * does with the course (see {@link describeReplacedNotice}); null for a set not replaced.
   */
  replacedNotice: string | null;
}

/** What the portal reads for the explanation of one of the person's items. */
export interface ItemExplanationSources {
  set: RecommendationSet;
  item: RecommendationItem;
  /** How the catalog offers the item's course now. */
  offer: CourseOffer;
  /** The day in France. */
  today: string;
  contestReplies: ContestReply[];
  /** The person's file as held now: whether they object, and the profile of a set that kept none. */
  file: JobSeeker | undefined;
  /** For an item of a replaced set, what became of its course since; undefined otherwise. */
  replacement: ItemReplacement | undefined;
  privacyContact: string | undefined;
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
}

/**
 * The person's explanation of an item: the AI's part, the data used, the weighting, how to contest,
 * and, for a replaced set's course, that it was proposed then and what became of it since.
 */
export async function explainItem(sources: ItemExplanationSources): Promise<MyExplanation> {
  const { set, item, offer, file, replacement } = sources;
  const course = {
    itemId: item.id,
    course: item.course,
    courseAvailable: offer.available,
    currentNextSessionStart: offer.nextSessionStart,
    courseChangeNotice: describeCourseChange(set, item, offer, sources.today),
  };
  const { contestReplies } = sources;
  const howToContest = describeHowToContest(sources.privacyContact, file?.aiObjection === true);
  const replacedNotice = describeReplacedNotice(replacement);
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
      dataUsed: describeAdditionDataUsed(set, item.course),
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
      ...(await describeDataUsedFor(set, file, item.course, sources.occupationLabels)),
      ...describeCourseDataUsed(set, item.course),
    ],
    howToContest,
    contestReplies,
    replacedNotice,
  };
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
