import {
  labelSensitiveTermCategory,
  listSensitiveTermCategories,
  type ScreeningWarning,
  screenText,
  type WarnedField,
} from '../screening/sensitive-terms.ts';
import { InvalidInputError, problemType } from '../shared/errors.ts';
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

/**
 * Screens the person's own comment before anything is kept: one that seems to mention sensitive
 * information (their health, their origin…) is refused in French (422 `sensitive-terms`, with the
 * warnings), telling them they need not give such details, unless they sent it again confirming it
 * (`acknowledged`, as a counselor confirms a message to the person), and then answered with the
 * warnings. Once kept, the comment cannot be taken back: their counselor reads it, it stays with
 * their file and sealed in the decision log.
 */
export function screenPersonComment(
  comment: string | null,
  acknowledged: boolean,
): ScreeningWarning<WarnedField>[] {
  const warnings = screenText('comment', comment, 'job_seeker');
  if (warnings.length > 0 && !acknowledged) {
    const categories = listSensitiveTermCategories(comment).map(labelSensitiveTermCategory);
    throw new InvalidInputError(
      `Votre commentaire semble parler d’informations sensibles (${categories.join(', ')}). Rien ne vous oblige à ` +
        'les donner : seul votre projet de formation compte pour ces suggestions. Une fois envoyé, votre commentaire ' +
        'est lu par votre conseiller et conservé avec votre dossier, sans que vous puissiez le retirer. Rien n’a été ' +
        'enregistré : vous pouvez l’écrire sans ces détails, ou l’envoyer tel quel en confirmant que vous le souhaitez.',
      { ...problemType('sensitive-terms'), field: 'comment', warnings },
      'Informations sensibles dans votre commentaire',
    );
  }
  return warnings;
}
