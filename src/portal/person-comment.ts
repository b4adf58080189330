import { InvalidInputError } from '../shared/errors.ts';
import { countShownCharacters } from '../shared/shown-text.ts';

/**
 * What a person's comment is for, in the words they are told when it shows nothing: what to write
 * (`write`), and how to send their request without one (`without`).
 */
export interface PersonCommentUse {
  write: string;
  without: string;
}

/**
 * The comment a job seeker wrote (an answer about a course, a contest, an objection), trimmed; none
 * when they gave none. A comment of which nothing shows (spaces, zero-width characters) is refused in
 * French rather than kept as none: the person thinks they wrote something, and a contest sent with
 * it would use one of the few the course allows for nothing the counselor can read.
 */
export function readPersonComment(text: string | undefined, use: PersonCommentUse): string | null {
  if (text === undefined) return null;
  if (countShownCharacters(text) === 0) {
    throw new InvalidInputError(
      'Votre commentaire ne contient que des espaces ou des caractères invisibles : rien ne s’y lit, et rien ' +
        `n’a été enregistré. ${use.write}, ou ${use.without}.`,
      { field: 'comment' },
      'Commentaire vide',
    );
  }
  return text.trim();
}
