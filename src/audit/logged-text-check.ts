import type { ActorRole } from '../decision-log/decision-event.ts';
import {
  type LoggedTextCheck,
  nameLoggedTextPlace,
  refuseSensitiveLoggedText,
} from '../screening/refuse-sensitive-logged-text.ts';
import { InvalidInputError } from '../shared/errors.ts';
import type { AuditEventStore } from './audit-event-store.ts';

/**
 * The staff whose ids a logged text may not hold, once they have acted: people, whom the log names
 * by pseudonym (Art. 26(7): their work is monitored). Service accounts and system jobs are not people.
 */
const STAFF_ROLES: readonly ActorRole[] = ['counselor', 'auditor', 'admin'];

/**
 * The most pieces of one text looked up. Prose, timestamps and set ids stay far below (a 2,000
 * character summary of ISO timestamps gives about 1,600); only a text made to look like one long
 * id goes past, and it is refused rather than searched in part.
 */
const MAX_ID_CANDIDATES = 10_000;

/**
 * The check of every text the decision log keeps readable for good, where erasure cannot reach it
 * (an audit purpose, an admin's reason): one that mentions sensitive facts (health, religion,
 * origin…, as the free-text screening finds them) or holds invisible characters is refused, and so
 * is one holding the id of a job seeker the log is about, or of a counselor, auditor or admin who
 * acted in it, which would tie them to their pseudonym for good. Erased people count, since their
 * events stay.
 */
export function createLoggedTextCheck(deps: {
  events: Pick<AuditEventStore, 'hasEventsAbout' | 'hasEventsBy'>;
  pseudonymise(id: string): string;
}): LoggedTextCheck {
  return async (place, text, ask, options) => {
    refuseSensitiveLoggedText(place, text, ask, options);
    const kept = `${nameLoggedTextPlace(place)} is kept readable in the decision log for good, where people appear only by pseudonym`;
    const candidates = listIdCandidates(text, MAX_ID_CANDIDATES);
    if (candidates.length > MAX_ID_CANDIDATES) {
      throw new InvalidInputError(
        `${kept}, so it is searched for people’s ids, and it holds more than ` +
          `${MAX_ID_CANDIDATES.toLocaleString('en')} pieces that could be ids: ${ask} in words, with fewer codes`,
        { ...place },
      );
    }
    const pseudonyms = candidates.map((candidate) => deps.pseudonymise(candidate));
    if (await deps.events.hasEventsAbout(pseudonyms)) {
      throw new InvalidInputError(
        `${kept}: ${ask} without a job seeker’s id (the events name them by pseudonym)`,
        { ...place },
      );
    }
    if (await deps.events.hasEventsBy(pseudonyms, STAFF_ROLES)) {
      throw new InvalidInputError(
        `${kept}: ${ask} without the id of a counselor, an auditor or an admin (the events name them by ` +
          'pseudonym): refer to the set, or to the role (“the counselor”), not to the person',
        { ...place },
      );
    }
  };
}

/** The longest id the contract allows. */
const MAX_ID_LENGTH = 64;

/**
 * Every piece of a text that could be an id as the contract spells them (a letter or digit, then
 * letters, digits and `._:-`): in « dossier:js-4242. », « js-4242. », « js-4242 » and the like,
 * each run cut at its separators in every way, no piece longer than an id may be (so the work grows
 * with the text's length, not its square). Stops past `atMost` pieces (one more than it then).
 */
function listIdCandidates(text: string, atMost: number): string[] {
  const candidates = new Set<string>();
  for (const run of text.match(/[A-Za-z0-9._:-]+/g) ?? []) {
    const separators = [...run].flatMap((character, index) => ('._:-'.includes(character) ? [index] : []));
    const starts = [0, ...separators.map((index) => index + 1)];
    const ends = [...new Set([run.length, ...separators, ...separators.map((index) => index + 1)])].sort(
      (a, b) => a - b,
    );
    let firstEnd = 0;
    for (const start of starts) {
      // Starts come in order: the ends before this one's are behind every later start too.
      while ((ends[firstEnd] ?? Number.POSITIVE_INFINITY) <= start) firstEnd += 1;
      if (!/[A-Za-z0-9]/.test(run.charAt(start))) continue;
      for (let index = firstEnd; index < ends.length; index += 1) {
        const end = ends[index] ?? run.length;
        if (end - start > MAX_ID_LENGTH) break;
        candidates.add(run.slice(start, end));
        if (candidates.size > atMost) return [...candidates];
      }
    }
  }
  return [...candidates];
}
