import { describeMissingDay } from '../shared/iso-day.ts';
import { fromPointerToken } from './contract-parameters.ts';
import type { MissingField } from './required-fields.ts';

/**
 * The contract's patterns in words: the validator quotes the regular expression, which tells a
 * caller little ("must match pattern "\S(\s*\S){2}""). A test checks every pattern of the contract
 * has its words here.
 */
const PATTERN_WORDS: Record<string, string> = {
  '\\S(\\s*\\S){2}': 'must hold at least three characters other than spaces',
  '\\S': 'must hold a character other than a space',
  '^[A-Za-z0-9_-]+$': 'may hold only letters, digits and the characters _ -',
  '^[A-Za-z0-9_.:-]+$': 'may hold only letters, digits and the characters _ . : -',
  '^[A-Za-z0-9._:-]{1,64}$': 'must be 1 to 64 letters, digits or the characters . _ : -',
  '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$':
    'must be 1 to 64 letters, digits or the characters . _ : -, starting with a letter or a digit',
  '^[A-Za-z0-9][A-Za-z0-9._-]{0,139}$':
    'must be 1 to 140 letters, digits or the characters . _ -, starting with a letter or a digit',
  '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$':
    'must be 1 to 200 letters, digits or the characters . _ -, starting with a letter or a digit',
  '^[A-Za-z0-9][A-Za-z0-9._/-]*$':
    'may hold only letters, digits and the characters . _ / -, starting with a letter or a digit',
  '^[A-N]\\d{4}$': 'must be a ROME code: a letter from A to N and four digits (J1501)',
  '^(\\d{5}|2[AB]\\d{3})$': 'must be an INSEE commune code: five digits, or 2A or 2B and three digits',
  '^-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?$':
    'must be a latitude and a longitude in decimal degrees, separated by a comma (45.764,4.8357)',
  '^\\d{4}-W\\d{2}$': 'must be an ISO 8601 week (2026-W48)',
  '^[0-9a-f]{64}$': 'must be a SHA-256 in 64 lowercase hexadecimal digits',
  '^[0-9a-fA-F]{64}$': 'must be a SHA-256 in 64 hexadecimal digits',
  '^U\\+[0-9A-F]{4}$': 'must be a code point: U+ and four hexadecimal digits in capitals (U+202E)',
};

/**
 * The contract's formats in words: the validator names the format (`must match format "uuid"`),
 * which a caller may not know how to write. A test checks every format of the contract has its
 * words here.
 */
const FORMAT_WORDS: Record<string, string> = {
  uuid: 'must be a UUID: 32 hexadecimal digits in groups of 8-4-4-4-12 (0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0e)',
  'date-time': 'must be a date and time in RFC 3339 with its offset (2026-12-04T09:30:00Z)',
  date: 'must be a date in RFC 3339 (2026-12-04)',
  uri: 'must be an absolute URI (https://example.org/path)',
};

/** The words for a format of the contract, if they were written. */
export function describeFormat(format: string): string | undefined {
  return FORMAT_WORDS[format];
}

/** The words for a pattern of the contract, if they were written. */
export function describePattern(pattern: string): string | undefined {
  return PATTERN_WORDS[pattern];
}

/** A field error as the problem gives it, with the words its detail says it in where they differ. */
export interface DescribedFieldError {
  path: string;
  message: string;
  /** The detail's words for the error, where `path` and `message` put together would mislead. */
  said?: string;
}

/** What the contract says of the field an error is about, beyond a required field's need. */
export interface ContractFieldWords {
  /** The fields the object that holds an unknown field takes. */
  fields?: readonly string[] | undefined;
  /** What a valid value of the parameter looks like (`must be one of a, b`). */
  form?: string | undefined;
  /** The query parameter's values as sent. */
  sent?: readonly string[];
  /** The body field was sent as null. */
  sentNull?: boolean;
  /** The body field was sent as a number too large to read (`1e400`), which JSON reads as infinite. */
  sentInfinite?: boolean;
  /** Whether the body field is one its object requires (undefined when not known). */
  required?: boolean | undefined;
  /** The value as sent when it is text: a body field's, a header's, or a query parameter's given once. */
  sentText?: string | undefined;
}

/**
 * A validator's message about the request field at `path`, said for the caller. A required field left
 * out is reported at its own path (`/body/reason`, as the validator gives it), but said in the detail
 * under the field it belongs to: "body/reason must have required property 'reason'" read as if
 * `reason` were inside `reason`. `missing` is what the contract says of such a field; `contract`, what
 * it says of the others: the fields a body takes, a parameter's form.
 */
export function describeFieldError(
  path: string,
  message: string,
  missing: MissingField | undefined,
  contract: ContractFieldWords = {},
): DescribedFieldError {
  const header = /^\/headers\/([a-z0-9-]+)$/.exec(path)?.[1];
  if (header !== undefined && message === `must have required property '${header}'`) {
    const words = `the ${capitalizeHeader(header)} header is required`;
    return { path, message: words, said: words };
  }
  if (header !== undefined && contract.sentText === '') {
    // Its pattern's words ("may hold only letters…") would not say that nothing was sent.
    return {
      path,
      message: 'is empty: give it a value',
      said: `the ${capitalizeHeader(header)} header is empty: give it a value`,
    };
  }
  if (missing !== undefined) {
    const words = missing.need === undefined ? 'is required' : `is required: ${missing.need}`;
    const where = missing.parent === '' ? '' : `${missing.parent}: `;
    return { path, message: words, said: `${where}\`${missing.name}\` ${words}` };
  }
  if (/^must NOT have (unevaluated|additional) properties$/.test(message) && path.startsWith('/body/')) {
    return describeUnknownField(path, contract.fields);
  }
  if (RESERVED_CHARACTERS_MESSAGE.test(message)) {
    const listed = (contract.sent ?? []).some((value) => value.includes(','));
    const form =
      contract.form ?? "may not hold the characters : / ? # [ ] @ ! $ & ' ( ) * + ; = unless percent-encoded";
    return {
      path,
      message: listed ? `takes one value, not a comma-separated list: give one; it ${form}` : form,
    };
  }
  if (EMPTY_VALUE_MESSAGE.test(message)) {
    return { path, message: 'is empty: leave the parameter out, or give it a value' };
  }
  if (contract.sentInfinite === true && /^must be (number|integer)$/.test(message)) {
    return { path, message: 'is a number too large to read: give it within the bounds the contract states' };
  }
  const nullRefused = contract.sentNull === true ? /^must be (\w+)$/.exec(message)?.[1] : undefined;
  if (nullRefused !== undefined && TYPE_WORDS[nullRefused] !== undefined) {
    const give = `give ${TYPE_WORDS[nullRefused]}`;
    return {
      path,
      message:
        contract.required === false
          ? `is null, which it may not be: leave the field out when it has no value, or ${give}`
          : `is null, which it may not be: ${give}`,
    };
  }
  if (message === 'must match format "date-time"' && (contract.sent ?? []).some(isOffsetPlusReadAsSpace)) {
    return {
      path,
      message:
        `${FORMAT_WORDS['date-time']}: the + of its offset reached the server as a space, as a + in a query ` +
        'string does; write it as %2B (2026-12-04T10:30:00%2B01:00)',
    };
  }
  const dateFormat = /^must match format "(date|date-time)"$/.exec(message)?.[1];
  const missingDay = contract.sentText === undefined ? undefined : describeMissingDay(contract.sentText);
  if (dateFormat !== undefined && missingDay !== undefined) {
    return { path, message: `${FORMAT_WORDS[dateFormat]}: ${missingDay}` };
  }
  return { path, message: describeValidationMessage(message) };
}

/** The JSON types in words, for a null sent where a value of the type is needed. */
const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** A date-time sent with a `+` offset left unencoded, which the query string decodes as a space. */
function isOffsetPlusReadAsSpace(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:\d{2}$/.test(value);
}

/** express-openapi-validator's words for a query value holding a reserved character (a comma, a slash). */
const RESERVED_CHARACTERS_MESSAGE =
  /^Parameter '.*' must be url encoded\. Its value may not contain reserved characters\.$/;

/** express-openapi-validator's words for a query parameter given with no value (`cursor=`). */
const EMPTY_VALUE_MESSAGE = /^Empty value found for query parameter '.*'$/;

/**
 * A field the body does not take (`/body/id`), named with the fields it does: "must NOT have
 * unevaluated properties" says neither which, nor what to send.
 */
function describeUnknownField(path: string, fields: readonly string[] | undefined): DescribedFieldError {
  const tokens = path.slice(1).split('/');
  const name = fromPointerToken(tokens.at(-1) ?? '');
  const parent = tokens.slice(0, -1).join('/');
  const of = parent === 'body' ? 'this body' : parent;
  const takes = (quote: (field: string) => string) =>
    fields === undefined ? ': leave it out' : `; the fields it takes are ${fields.map(quote).join(', ')}`;
  return {
    path,
    message: `is not a field of ${of}${takes((field) => field)}`,
    said: `\`${name}\` is not a field of ${of}${takes((field) => `\`${field}\``)}`,
  };
}

/** A validator's message about a field's value, said for the caller. */
function describeValidationMessage(message: string): string {
  if (message === 'must be boolean') return 'must be true or false';
  const twice = /^must NOT have duplicate items \(items ## (\d+) and (\d+) are identical\)$/.exec(message);
  if (twice !== null) {
    // The validator names the two places in either order.
    const [first, second] = [Number(twice[1]), Number(twice[2])].sort((a, b) => a - b);
    return `gives the same value twice, at ${first} and ${second}: give each value once`;
  }
  const characters = /^must NOT have (fewer|more) than (\d+) characters$/.exec(message);
  if (characters !== null) {
    const [, bound, count] = characters;
    if (bound === 'fewer' && count === '1') return 'is empty: give it a value';
    return `must hold ${bound === 'fewer' ? 'at least' : 'at most'} ${count} ${count === '1' ? 'character' : 'characters'}`;
  }
  const items = /^must NOT have (fewer|more) than (\d+) items$/.exec(message);
  if (items !== null) {
    const [, bound, count] = items;
    return `must hold ${bound === 'fewer' ? 'at least' : 'at most'} ${count} ${count === '1' ? 'item' : 'items'}`;
  }
  const pattern = /^must match pattern "(.*)"$/.exec(message)?.[1];
  if (pattern !== undefined) return describePattern(pattern) ?? message;
  const format = /^must match format "(.*)"$/.exec(message)?.[1];
  if (format !== undefined) return describeFormat(format) ?? message;
  return message;
}

/**
 * The errors about a text too short for its field, said once: the validator reports its length
 * ("must NOT have fewer than 3 characters") and its pattern, whose words already say what the text
 * must hold (`must hold at least three characters other than spaces`). The length's goes where the
 * pattern's is there.
 */
export function describeShortTexts<E extends { path: string; message: string }>(errors: readonly E[]): E[] {
  const patterned = new Set(
    errors.filter((error) => error.message.startsWith('must match pattern ')).map((error) => error.path),
  );
  return errors.filter(
    (error) =>
      !(patterned.has(error.path) && /^must NOT have fewer than \d+ characters$/.test(error.message)),
  );
}

/** The validator's summary of a `oneOf` none or several of whose branches matched. */
const ONE_OF_MESSAGE = 'must match exactly one schema in oneOf';

/**
 * The errors about a field that takes a value or null (`location`: a point, or null when unknown),
 * said once: the validator reports each branch of the `oneOf` that failed, so a point with a latitude
 * out of range also read "must be null" and "must match exactly one schema in oneOf", telling the
 * caller to send null. The errors about the value stay; the null branch's and the summary go, and a
 * value of the wrong type says it may be null (`must be object or null`).
 */
export function describeNullableAlternatives<E extends { path: string; message: string }>(
  errors: readonly E[],
): E[] {
  const nullable = new Set(
    errors
      .filter(
        (error) =>
          error.message === 'must be null' &&
          errors.some((other) => other.path === error.path && other.message === ONE_OF_MESSAGE),
      )
      .map((error) => error.path),
  );
  if (nullable.size === 0) return [...errors];
  return errors
    .filter(
      (error) =>
        !(nullable.has(error.path) && (error.message === 'must be null' || error.message === ONE_OF_MESSAGE)),
    )
    .map((error) =>
      nullable.has(error.path) && /^must be (object|array|string|number|integer|boolean)$/.test(error.message)
        ? { ...error, message: `${error.message} or null` }
        : error,
    );
}

/** The validator's words for a value of the wrong type or outside an enumeration: what a repeat gives. */
const ONE_VALUE_MESSAGE =
  /^must be (string|integer|number|boolean|true or false|equal to one of the allowed values.*)$/;

/**
 * The errors about query parameters that take one value and were given several times
 * (`?q=a&q=b`), said as such, one error for each: the validator saw a list and said "must be
 * string", which tells the caller the value's type was wrong. So is a list written both ways at once
 * (`?status=a&status=b,c`). `url` is the request's, query included.
 */
export function describeRepeatedQueryParameters<E extends { path: string; message: string }>(
  errors: readonly E[],
  url: string,
): E[] {
  const query = new URLSearchParams(url.split('?')[1] ?? '');
  const said = new Set<string>();
  const described: E[] = [];
  for (const error of errors) {
    // A list both repeated and comma-separated: the validator splits a comma-separated list only when
    // it comes alone, and said of "published,retracted" that it is no status, when each one is.
    const listName = /^\/query\/([^/]+)\/\d+$/.exec(error.path)?.[1];
    const values = listName === undefined ? [] : query.getAll(listName);
    const joined = values.find((value) => value.includes(','));
    if (listName !== undefined && values.length > 1 && joined !== undefined) {
      const path = `/query/${listName}`;
      if (!said.has(path)) {
        said.add(path);
        described.push({
          ...error,
          path,
          message: `is written both repeated and comma-separated ("${joined}" among ${values.length} values): write the list one way, each value repeated (${listName}=a&${listName}=b) or all comma-separated (${listName}=a,b)`,
        });
      }
      continue;
    }
    const name = /^\/query\/([^/]+)$/.exec(error.path)?.[1];
    const times = name === undefined ? 0 : query.getAll(name).length;
    if (times < 2 || !ONE_VALUE_MESSAGE.test(error.message)) {
      described.push(error);
    } else if (!said.has(error.path)) {
      said.add(error.path);
      described.push({ ...error, message: `is given ${times} times: give it once` });
    }
  }
  return described;
}

function capitalizeHeader(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('-');
}

/**
 * Why `raw` (part of a path or a query) is not percent-encoded UTF-8, and what to write instead: a
 * `%` without two hexadecimal digits, or bytes that are not UTF-8 (Latin-1's `%E9`).
 */
export function describeUndecodable(raw: string): string {
  return /%(?![0-9A-Fa-f]{2})/.test(raw)
    ? 'holds a % not followed by two hexadecimal digits: write a % meant literally as %25'
    : 'holds percent-encoding that is not UTF-8: percent-encode text in UTF-8 (é as %C3%A9)';
}
