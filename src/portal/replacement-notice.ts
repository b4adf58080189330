import type { RecommendationSet } from '../recommendations/recommendation.ts';
import { ConflictError, problemType } from '../shared/errors.ts';
import { formatFrenchDay } from '../shared/french-day.ts';

/** An item of a replaced set: when its set was replaced, and what became of its course since. */
export interface ItemReplacement {
  /** When the set that replaced it was published. */
  at: string;
  /**
   * What the selection the person is shown now does with the course: proposes it still (`kept`,
   * with that item), rejected it (`rejected`), or holds it not (`absent`); or the person is shown no
   * selection now (`no-selection`: the one that replaced the set was retracted since).
   */
  courseNow: 'kept' | 'rejected' | 'absent' | 'no-selection';
  currentItemId: string | null;
}

/**
 * For a course (`courseId`) of `set`, when a later publication replaced the set: when, and what
 * `shown`, the selection the person is shown now (the store's one rule, `findShownSet`), does with the
 * same course. Undefined for a set not replaced.
 */
export function findItemReplacement(
  set: RecommendationSet,
  courseId: string,
  shown: RecommendationSet | undefined,
): ItemReplacement | undefined {
  if (set.replacedBy === null) return undefined;
  return { at: set.replacedBy.at, ...findCourseNow(shown, courseId) };
}

/**
 * The notice the person reads with a course of a replaced set, wherever it is given (its explanation,
 * the answer to an answer about it, their data export); null for a set not replaced.
 */
export function describeReplacedNotice(replacement: ItemReplacement | undefined): string | null {
  return replacement === undefined ? null : describeReplacement(replacement);
}

/** What `shown`, the selection the person is shown now, does with the course `courseId`. */
function findCourseNow(
  shown: RecommendationSet | undefined,
  courseId: string,
): Pick<ItemReplacement, 'courseNow' | 'currentItemId'> {
  if (shown === undefined || shown.status !== 'published')
    return { courseNow: 'no-selection', currentItemId: null };
  const item = shown.items.find(
    (candidate) => candidate.course.id === courseId && candidate.decision !== 'pending',
  );
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
    case 'no-selection':
      return (
        `${replaced} Cette sélection plus récente a été retirée depuis et aucune sélection ne vous est ` +
        'proposée pour le moment : cette formation ne vous est plus proposée.'
      );
  }
}

/**
 * A stored summary told of a proposal made then: its opening sentence, written in the present when
 * the course was proposed, put in the past.
 */
export function tellSummaryInPast(summary: string): string {
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
export function refuseReplacedContest(replacement: ItemReplacement): ConflictError {
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
