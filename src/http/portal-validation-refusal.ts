import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { escapeRegExp } from '../shared/escape-reg-exp.ts';
import { formatFrenchNumber } from '../shared/french-number.ts';
import { readContractOperations } from './contract-parameters.ts';
import { findMatchedOperation } from './operation-id.ts';

/** The contract's tag of the operations a job seeker calls from their portal. */
const PORTAL_TAG = 'job-seeker-portal';

/** The fields of the portal's requests that the person writes, named for them. */
const PERSON_FIELDS: Readonly<Record<string, string>> = {
  '/body/comment': 'Votre commentaire',
};

/** The requests sent to a path of the person's own calls, known before the validator matches one. */
const portalPathRequests = new WeakSet<Request>();

/**
 * Whether the request is one of the person's own calls, answered in French (`job-seeker-portal`): its
 * operation's tag once the validator has matched it; before (a body too large or not JSON, refused by
 * the reader), the tag of the operations at its path ({@link createMarkPortalPaths}).
 */
export function isPortalOperation(req: Request): boolean {
  const operation = findMatchedOperation(req);
  return operation === undefined
    ? portalPathRequests.has(req)
    : operation.tags?.includes(PORTAL_TAG) === true;
}

/**
 * A middleware that notes the requests sent to a path whose operations are the person's own calls
 * (tagged `job-seeker-portal` in the contract), so that what is refused before an operation is
 * matched is told in French there too. Put before the body is read.
 */
export function createMarkPortalPaths(document: Record<string, unknown>): RequestHandler {
  const templates = new Set(
    readContractOperations(document)
      .filter((operation) => operation.tags.includes(PORTAL_TAG))
      .map((operation) => operation.template),
  );
  const patterns = [...templates].map(
    (template) =>
      new RegExp(
        `^${template
          .split('/')
          .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : escapeRegExp(segment)))
          .join('/')}/?$`,
      ),
  );
  return (req: Request, _res: Response, next: NextFunction) => {
    if (patterns.some((pattern) => pattern.test(req.path))) portalPathRequests.add(req);
    next();
  };
}

/** What the person is told when the portal's request could not be taken as sent: ask again, or ask for help. */
const TRY_AGAIN = 'Réessayez ; si le problème continue, signalez-le à votre conseiller.';

/**
 * The title and detail of a refusal of a person's own call whose body could not be read (not JSON, or
 * nested too deeply) or was too large, in French: the portal built it, not the person, who is told to
 * try again or ask their counselor. A body too large is told with the limit (`limitBytes`, when the
 * reader gave it), for whoever looks into it. The problem's type and any field errors stay for the
 * developers.
 */
export function describePortalBodyRefusal(
  reason: 'unreadable' | 'too-large',
  limitBytes?: number,
): {
  title: string;
  detail: string;
} {
  if (reason === 'unreadable') {
    return {
      title: 'Demande illisible',
      detail: `Votre demande n’a pas pu être lue telle que votre espace l’a envoyée : elle n’a pas été prise en compte. ${TRY_AGAIN}`,
    };
  }
  const limit = limitBytes === undefined ? '' : ` (${describeFrenchBytes(limitBytes)} au plus)`;
  return {
    title: 'Demande trop volumineuse',
    detail: `Votre demande est plus volumineuse que ce que le service accepte${limit} : elle n’a pas été prise en compte. ${TRY_AGAIN}`,
  };
}

/** A size as a French reader writes it: « 100 Ko, soit 102 400 octets ». */
function describeFrenchBytes(bytes: number): string {
  const octets = `${formatFrenchNumber(bytes)} octet${bytes >= 2 ? 's' : ''}`;
  if (bytes < 1024) return octets;
  const [unit, size] = bytes >= 1024 * 1024 ? ['Mo', 1024 * 1024] : ['Ko', 1024];
  return `${formatFrenchNumber(Number((bytes / size).toFixed(1)))} ${unit}, soit ${octets}`;
}

/**
 * The title and detail of a refusal of a text the person wrote holding a direction control, in
 * French: which text, where the character is, and to remove it. Such a character is invisible, so
 * the person is told its position; the portal's developers read its code in `character`.
 */
export function describePortalDirectionControl(
  field: string,
  found: { position: number },
): { title: string; detail: string } {
  const text = PERSON_FIELDS[`/body/${field}`] ?? 'Votre texte';
  return {
    title: 'Caractère invisible à retirer',
    detail: `${text} contient, en position ${found.position}, un caractère invisible qui change l’ordre dans lequel le texte s’affiche : il pourrait se lire autrement que vous ne l’avez écrit. Retirez-le (effacez le texte autour de cette position et tapez-le de nouveau), puis envoyez-le de nouveau.`,
  };
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
    const limit = /^must hold at most (\d+) characters$/.exec(error.message)?.[1];
    if (field !== undefined && limit !== undefined) {
      return {
        title: 'Texte trop long',
        detail: `${field} est trop long : il peut compter ${limit} caractères au plus. Raccourcissez-le, puis envoyez-le de nouveau.`,
      };
    }
  }
  return {
    title: 'Demande non valide',
    detail: `Votre demande n’a pas pu être prise en compte telle que votre espace l’a envoyée. ${TRY_AGAIN}`,
  };
}
