import type { Request } from 'express';
import { findMatchedOperation } from './operation-id.ts';

/** The contract's tag of the operations a job seeker calls from their portal. */
const PORTAL_TAG = 'job-seeker-portal';

/** The fields of the portal's requests that the person writes, named for them. */
const PERSON_FIELDS: Readonly<Record<string, string>> = {
  '/body/comment': 'Votre commentaire',
};

/** Whether the request is one of the person's own calls, answered in French (`job-seeker-portal`). */
export function isPortalOperation(req: Request): boolean {
  return findMatchedOperation(req)?.tags?.includes(PORTAL_TAG) === true;
}

/**
 * The title and detail of a refusal by the contract of a person's own call, in French: a portal shows
 * them. A text the person wrote too long is named with its limit, so they know what to shorten; any
 * other refusal comes from the portal, not from them, and they are told to try again or ask their
 * counselor. The field errors stay in the validator's words for the portal's developers.
 */
export function describePortalValidation(errors: ReadonlyArray<{ path: string; message: string }>): {
  title: string;
  detail: string;
} {
  for (const error of errors) {
    const field = PERSON_FIELDS[error.path];
    const limit = /^must NOT have more than (\d+) characters$/.exec(error.message)?.[1];
    if (field !== undefined && limit !== undefined) {
      return {
        title: 'Texte trop long',
        detail: `${field} est trop long : il peut compter ${limit} caractères au plus. Raccourcissez-le, puis envoyez-le de nouveau.`,
      };
    }
  }
  return {
    title: 'Demande non valide',
    detail:
      'Votre demande n’a pas pu être prise en compte telle que votre espace l’a envoyée. Réessayez ; si le ' +
      'problème continue, signalez-le à votre conseiller.',
  };
}
