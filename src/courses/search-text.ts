import { foldText } from '../shared/fold-text.ts';

/**
 * What a course's text search looks through: its title and its provider, folded (see
 * {@link foldText}) when the course is written, so that "electricien" finds "Électricien" on both
 * engines alike: SQLite's own lower() folds ASCII letters only, and neither engine ignores accents.
 */
export function courseSearchText(course: { title: string; provider: string }): string {
  return foldText(`${course.title}\n${course.provider}`);
}
