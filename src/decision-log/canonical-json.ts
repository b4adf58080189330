/** A value that survives JSON unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value that has no canonical JSON form (not finite, undefined, a class instance, a cycle…). */
export class CanonicalJsonError extends TypeError {}

/**
 * The canonical JSON text of a value, in the style of RFC 8785 (JCS): object members sorted by
 * the UTF-16 code units of their names, no whitespace, strings escaped as `JSON.stringify` does
 * and numbers in ECMAScript's shortest round-trip form. The same value always gives the same
 * text, so its hash is stable across engines, exports and re-parsing.
 *
 * Anything that would not read back as the same value is refused rather than silently changed:
 * non-finite numbers, `undefined`, functions, symbols, bigints, class instances (Date, Map…),
 * sparse arrays and cycles.
 */
export function canonicalJson(value: unknown): string {
  return writeValue(value, ROOT, new Set());
}

/**
 * Where a value sits, as a chain up to the root: its text (`$.items[2].id`) is only written for an
 * error message. Writing it for every value cost a third of the whole (a suggestion's event holds
 * some 500 values).
 */
interface Location {
  parent: Location | undefined;
  key: string | number;
}

const ROOT: Location = { parent: undefined, key: '$' };

function describe(location: Location): string {
  const { parent, key } = location;
  if (parent === undefined) return String(key);
  return typeof key === 'number' ? `${describe(parent)}[${key}]` : `${describe(parent)}.${key}`;
}

function writeValue(value: unknown, where: Location, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value))
        throw new CanonicalJsonError(`${describe(where)} is ${value}, which JSON cannot hold`);
      // Number#toString is the shortest form that reads back as the same double; it writes -0 as "0".
      return String(value);
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, where, ancestors);
    default:
      throw new CanonicalJsonError(`${describe(where)} is ${typeof value}, which JSON cannot hold`);
  }
}

function writeContainer(value: object, where: Location, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalJsonError(`${describe(where)} refers back to itself`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const parts: string[] = [];
      for (let index = 0; index < value.length; index += 1) {
        const at = { parent: where, key: index };
        if (!Object.hasOwn(value, index)) throw new CanonicalJsonError(`${describe(at)} is a hole`);
        parts.push(writeValue(value[index], at, ancestors));
      }
      return `[${parts.join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new CanonicalJsonError(`${describe(where)} is a ${value.constructor.name}, not a plain object`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 asks for.
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${writeValue(record[key], { parent: where, key }, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

/** Whether `text` is JSON in canonical form: the canonical JSON of the value it holds is itself. */
export function isCanonicalJson(text: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    // Not JSON, or JSON without a canonical form (a number too large for a double, say).
    return false;
  }
}
