import { foldAsRead } from '../shared/fold-text.ts';

/**
 * What a course's text search looks through: its title and its provider, each folded as read (see
 * {@link foldAsRead}) when the course is written, so that "electricien" finds "Électricien" and
 * "certificat" a "Certiﬁcat" pasted from a PDF, on both engines alike: SQLite's own lower() folds
 * ASCII letters only, and neither engine ignores accents.
 */
export function courseSearchText(course: { title: string; provider: string }): string {
  return `${foldAsRead(course.title)}\n${foldAsRead(course.provider)}`;
}

/** The words of a text search, each folded as the stored search text is; words folding to nothing are left out. */
export function listSearchWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map(foldAsRead)
    .filter((word) => word !== '');
}
