import type { ActorRole } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import {
  type LoggedTextCheck,
  nameLoggedTextPlace,
  refuseSensitiveLoggedText,
} from '../screening/refuse-sensitive-logged-text.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { foldDashes } from '../shared/fold-text.ts';
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

/** The `reason` of `logged_text.refused` for a text holding the id of a person the log names. */
export const PERSON_ID_REFUSAL = 'person_id';

/**
 * The check of every text the decision log keeps readable for good, where erasure cannot reach it
 * (an audit purpose, an admin's reason): one that mentions sensitive facts (health, religion,
 * origin…, as the free-text screening finds them) or holds invisible characters is refused, and so
 * is one holding the id of a job seeker the log is about, or of a counselor, auditor or admin who
 * acted in it, which would tie them to their pseudonym for good. Erased people count, since their
 * events stay.
 *
 * The refusal for an id tells the writer that the log names someone by it: an auditor could test
 * guessed ids one purpose at a time. So it reads the same whoever the person is, and it is logged
 * (`logged_text.refused`, in a transaction of its own, before the answer: the writer, the
 * operation, where the text was, never the text nor the id), so that such probing leaves a trace for
 * the oversight. The other refusals depend on the text alone and tell nothing of the log: they are
 * not logged, so that nobody fills the log with them.
 */
export function createLoggedTextCheck(deps: {
  events: Pick<AuditEventStore, 'hasEventsAbout' | 'hasEventsBy'>;
  log: Pick<DecisionLog, 'withTransaction' | 'append'>;
  pseudonymise(id: string): string;
}): LoggedTextCheck {
  return async (writer, place, text, ask, options) => {
    refuseSensitiveLoggedText(place, text, ask, options);
    const kept = `${nameLoggedTextPlace(place)} is kept readable in the decision log for good, where job seekers and staff appear only by pseudonym`;
    // The pieces as written, and as a reader reads them: `js‑2001` (a non-breaking hyphen) or
    // `ｊｓ－２００１` names js-2001 to anyone.
    const asRead = foldIdSpelling(text);
    const candidates = listIdCandidates(asRead === text ? text : `${text}\n${asRead}`, MAX_ID_CANDIDATES);
    if (candidates.length > MAX_ID_CANDIDATES) {
      throw new InvalidInputError(
        `${kept}, so it is searched for people’s ids, and it holds more than ` +
          `${MAX_ID_CANDIDATES.toLocaleString('en')} pieces that could be ids: ${ask} in words, with fewer codes`,
        { ...place },
      );
    }
    const pseudonyms = [...new Set(candidates.flatMap(listCaseSpellings))].map((spelling) =>
      deps.pseudonymise(spelling),
    );
    if (
      !(await deps.events.hasEventsAbout(pseudonyms)) &&
      !(await deps.events.hasEventsBy(pseudonyms, STAFF_ROLES))
    ) {
      return;
    }
    await deps.log.withTransaction((trx) =>
      deps.log.append(trx, {
        type: 'logged_text.refused',
        actor: writer.actor,
        payload: { operation: writer.operation, ...place, reason: PERSON_ID_REFUSAL },
      }),
    );
    const wrong =
      'parameter' in place
        ? describeIdInFilter(place, ask)
        : `${kept}: ${ask} without the id of any person the log names, referring to the set or to the ` +
          'role (“the job seeker”, “the counselor”) rather than to the person';
    throw new InvalidInputError(
      `${wrong}. This refusal is recorded in the decision log (the operation, not the text)`,
      { ...place },
    );
  };
}

/**
 * What is wrong with a filter holding a person's id, and what to send instead (`ask`: the value the
 * filter takes): a filter is a value to replace, not a text to reword.
 */
function describeIdInFilter(place: { parameter: string }, ask: string): string {
  return (
    `${nameLoggedTextPlace(place)} holds the id of a person the decision log names, and the log keeps ` +
    `the filters it is given readable for good, naming people only by pseudonym: ${ask} instead`
  );
}

/**
 * A text with its compatibility forms folded (fullwidth letters, digits and signs, the small and
 * fullwidth hyphen-minus: NFKC) and every dash made a hyphen-minus, as ids are spelled.
 */
function foldIdSpelling(text: string): string {
  return foldDashes(text.normalize('NFKC'));
}

/**
 * The spellings of a piece that are looked up: as written, in lower case and in upper case. Ids are
 * stored as given and a pseudonym is the keyed hash of the exact id, so each is looked up apart;
 * an id stored in mixed case (`Js-2001`) is found only as written.
 */
function listCaseSpellings(piece: string): string[] {
  return [piece, piece.toLowerCase(), piece.toUpperCase()];
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
