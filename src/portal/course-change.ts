import type { CourseOffer } from '../recommendations/course-offers.ts';
import type { RecommendationItem, RecommendationSet } from '../recommendations/recommendation.ts';
import { formatFrenchDay } from '../shared/french-day.ts';

/** The offer found for `item` (found for every item asked about). */
export function readOffer(offers: ReadonlyMap<string, CourseOffer>, item: RecommendationItem): CourseOffer {
  const offer = offers.get(item.id);
  if (offer === undefined) throw new Error(`no offer was read for item ${item.id}`);
  return offer;
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
export function describeCourseChange(
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
