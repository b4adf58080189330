import { InvalidInputError } from '../shared/errors.ts';
import { escapeRegExp } from '../shared/escape-reg-exp.ts';
import { foldText } from '../shared/fold-text.ts';

/** Where a request's reference comes from, as a refusal names it: `X-Access-Request`, `X-Erasure-Request`. */
export interface RequestReferencePlace {
  header: string;
}

/**
 * Refuses the reference of a person's request (a ticket or letter number) that holds their id,
 * whatever its case. It is recorded in the public part of an event about them, readable for as long
 * as the log is kept, where erasure cannot reach it: it would tie their pseudonym to them for good.
 * The service then checks it as every text the log keeps readable (`LoggedTextCheck`: no sensitive
 * facts, no id of anyone else the log names).
 */
export function refuseIdInRequestReference(
  place: RequestReferencePlace,
  reference: string,
  seekerId: string,
): void {
  if (mentionsId(reference, seekerId)) {
    throw new InvalidInputError(
      `the ${place.header} header is kept readable in the decision log for good, where people appear only by ` +
        'pseudonym: give the reference of the request without the person’s id',
      { ...place },
    );
  }
}

/** Whether `text` holds `id` as a whole word, whatever its case. */
function mentionsId(text: string, id: string): boolean {
  return new RegExp(`(^|[^a-z0-9])${escapeRegExp(foldText(id))}($|[^a-z0-9])`).test(foldText(text));
}
