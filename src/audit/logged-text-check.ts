import {
  type LoggedTextCheck,
  nameLoggedTextPlace,
  refuseSensitiveLoggedText,
} from '../screening/refuse-sensitive-logged-text.ts';
import { InvalidInputError } from '../shared/errors.ts';
import type { AuditEventStore } from './audit-event-store.ts';

/**
 * The check of every text the decision log keeps readable for good, where erasure cannot reach it
 * (an audit purpose, an admin's reason): one that mentions sensitive facts (health, religion,
 * origin…, as the free-text screening finds them) or holds invisible characters is refused, and so
 * is one holding the id of a job seeker the log is about, which would tie them to their pseudonym
 * for good. Erased people count, since their events stay.
 */
export function createLoggedTextCheck(deps: {
  events: Pick<AuditEventStore, 'hasEventsAbout'>;
  pseudonymise(id: string): string;
}): LoggedTextCheck {
  return async (place, text, ask, options) => {
    refuseSensitiveLoggedText(place, text, ask, options);
    const pseudonyms = listIdCandidates(text).map((candidate) => deps.pseudonymise(candidate));
    if (await deps.events.hasEventsAbout(pseudonyms)) {
      throw new InvalidInputError(
        `${nameLoggedTextPlace(place)} is kept readable in the decision log for good, where people appear ` +
          `only by pseudonym: ${ask} without a job seeker’s id (the events name them by pseudonym)`,
        { ...place },
      );
    }
  };
}

/**
 * Every piece of a text that could be an id as the contract spells them (a letter or digit, then
 * letters, digits and `._:-`): in « dossier:js-4242. », « dossier:js-4242. », « js-4242. », « js-4242 »
 * and the like, each run cut at its separators in every way.
 */
function listIdCandidates(text: string): string[] {
  const candidates = new Set<string>();
  for (const run of text.match(/[A-Za-z0-9._:-]+/g) ?? []) {
    const separators = [...run].flatMap((character, index) => ('._:-'.includes(character) ? [index] : []));
    const starts = [0, ...separators.map((index) => index + 1)];
    const ends = [run.length, ...separators, ...separators.map((index) => index + 1)];
    for (const start of starts) {
      for (const end of ends) {
        const piece = run.slice(start, end);
        if (end - start <= 64 && /^[A-Za-z0-9]/.test(piece)) candidates.add(piece);
      }
    }
  }
  return [...candidates];
}
