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

/**
 * Whether `tag` is weak (`W/"3"`): this API gives none, and a weak tag names no one version, so it
 * is refused as weak whichever version it quotes, rather than as a version the object never had.
 */
export function isWeakEntityTag(tag: string): boolean {
  return tag.startsWith('W/');
}

/** A strong entity tag as this API gives them: the object's version, quoted. */
const VERSION_TAG = /^"(0|[1-9]\d{0,14})"$/;

/**
 * Whether `tag` may have been given out for an object now at `version`, whose versions count up
 * one per change from `firstVersion`. A later version, or a tag that is no version at all, never
 * was: telling its sender the object "changed since you read it" would send them to read again
 * in search of a change that never happened.
 */
export function mayHaveBeenGiven(tag: string, version: number, firstVersion: number): boolean {
  const match = VERSION_TAG.exec(tag);
  if (match === null) return false;
  const named = Number(match[1]);
  return named >= firstVersion && named <= version;
}
