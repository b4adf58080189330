import type { RecommendationSet } from '../recommendations/recommendation.ts';
import { formatFrenchDay } from '../shared/french-day.ts';

/**
 * What the person reads of the set shown to them once it was taken back (by their counselor, or by a
 * recall of its model), in French: that the selection published on its day (the list's `publishedAt`)
 * was withdrawn on another (`retractedAt`), that none takes its place for now, and where the reason
 * is (their data export: it was written for the file). Null for a set not retracted. Both dates are
 * told, so that the publication's is never read as the day of a selection the person still has.
 */
export function describeRetractionNotice(set: RecommendationSet): string | null {
  if (set.retraction === null || set.publishedAt === null) return null;
  return (
    `La sélection de formations que votre conseiller vous avait proposée le ${formatFrenchDay(set.publishedAt)} ` +
    `a été retirée le ${formatFrenchDay(set.retraction.at)} : aucune sélection ne vous est proposée pour le ` +
    'moment. Le motif du retrait figure dans « Mes données » ; pour en parler, adressez-vous à votre conseiller.'
  );
}
