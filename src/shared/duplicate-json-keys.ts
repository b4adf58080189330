/** A key given twice in one object of a JSON text, and the path from the root to that object. */
export interface DuplicateJsonKey {
  key: string;
  /** The members and indexes leading to the object, from the root: `['items', 0]`; `[]` for the root. */
  objectPath: ReadonlyArray<string | number>;
}

type Frame =
  | { kind: 'object'; count: number; key: string; keys: Set<string> | undefined; expectingKey: boolean }
  | { kind: 'array'; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * The first key given more than once in one object of `text`, a text `JSON.parse` has taken, or
 * `undefined`. `JSON.parse` keeps the last value of such a key and says nothing, and no reviver sees
 * the others: a reader that kept the first would take another decision from the same text. Keys are
 * compared as decoded (`"a"` and `"\u0061"` are one key). One pass over the text, with no value
 * built; a key is decoded only when it holds an escape.
 */
export function findDuplicateJsonKey(text: string): DuplicateJsonKey | undefined {
  const stack: Frame[] = [];
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = findStringEnd(text, i);
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectingKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        // Most objects hold few keys: no set is made for an object of one key.
        if (top.count === 1) top.keys = new Set([top.key]);
        if (top.keys?.has(key)) return { key, objectPath: pathTo(stack) };
        top.keys?.add(key);
        top.count += 1;
        top.key = key;
        top.expectingKey = false;
      }
      i = end;
    } else if (code === OPEN_OBJECT) {
      stack.push({ kind: 'object', count: 0, key: '', keys: undefined, expectingKey: true });
    } else if (code === OPEN_ARRAY) {
      stack.push({ kind: 'array', index: 0 });
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      stack.pop();
    } else if (code === COMMA) {
      const top = stack.at(-1);
      if (top?.kind === 'array') top.index += 1;
      else if (top?.kind === 'object') top.expectingKey = true;
    }
  }
  return undefined;
}

/** The index of the quote closing the string opened at `start`. */
function findStringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/** The members and indexes leading to the innermost frame of `stack`. */
function pathTo(stack: readonly Frame[]): Array<string | number> {
  return stack.slice(0, -1).map((frame) => (frame.kind === 'object' ? frame.key : frame.index));
}
