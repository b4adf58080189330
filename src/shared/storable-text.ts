/**
 * Texts both engines store as sent. PostgreSQL stores no NUL character (U+0000); half of a surrogate
 * pair (an emoji cut in two by a form that shortens a text to a length) is written by PostgreSQL's
 * driver as one U+FFFD and by SQLite's as three, while the log keeps it as sent, and a PostgreSQL
 * query reading it back from the log's JSON fails. Such a text is refused on both engines, before
 * anything is written.
 */
export const UNSTORABLE_REASON =
  'must not contain a NUL character (U+0000) or half of a character cut in two (a lone surrogate)';

/** A code point of category Cs: with the `u` flag, only a surrogate that is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;

export function holdsUnstorableCharacter(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** A text of a JSON value that holds such a character: where it is, and whether it is a member name. */
export interface UnstorableText {
  path: string;
  memberName: boolean;
}

/** What is left to look at: a value, or a member name already found to hold such a character. */
type Pending = { path: string; value: unknown } | { path: string; memberName: true };

/**
 * Every text of `value` holding such a character, member names included (a member whose name is
 * one is not looked into), in the order they are written. `childPath` names a member or an item
 * from its parent's path. Walked with a list of what is left to look at rather than by recursion,
 * so that no nesting can overflow the stack.
 */
export function findUnstorableTexts(
  value: unknown,
  path: string,
  childPath: (parent: string, key: string, inArray: boolean) => string,
): UnstorableText[] {
  const found: UnstorableText[] = [];
  const pending: Pending[] = [{ path, value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ('memberName' in next) {
      found.push({ path: next.path, memberName: true });
      continue;
    }
    const current = next.value;
    if (typeof current === 'string') {
      if (holdsUnstorableCharacter(current)) found.push({ path: next.path, memberName: false });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const parent = next.path;
    const inArray = Array.isArray(current);
    const members: Pending[] = Object.entries(current).map(([key, member]) => {
      const at = childPath(parent, key, inArray);
      return holdsUnstorableCharacter(key) ? { path: at, memberName: true } : { path: at, value: member };
    });
    // Last in, first out: pushed in reverse, the members are looked at in their order.
    for (const member of members.reverse()) pending.push(member);
  }
  return found;
}
