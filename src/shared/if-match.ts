import { PreconditionRequiredError } from './errors.ts';

/** The elements of a header list, split at the commas outside quoted strings, empty ones left out. */
const LIST_ELEMENT = /(?:"[^"]*"|[^,"])+/g;

/**
 * The one element of an If-Match header (trimmed), or undefined when it is missing or empty. A list
 * of entity tags is refused (428): naming several versions says no more than `*` which was reviewed,
 * so a change must name the one ETag last read (`currentEtag`, given back in the refusal).
 */
export function readOneIfMatch(ifMatch: string | undefined, currentEtag: string): string | undefined {
  const elements = (ifMatch?.match(LIST_ELEMENT) ?? []).map((element) => element.trim()).filter(Boolean);
  if (elements.length > 1) {
    throw new PreconditionRequiredError(
      `If-Match names ${elements.length} versions; send the one ETag you last read (If-Match: ${currentEtag})`,
      { currentEtag },
    );
  }
  return elements[0];
}
