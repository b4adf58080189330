import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { findDuplicateJsonKey } from '../shared/duplicate-json-keys.ts';
import { describePortalBodyRefusal, isPortalOperation } from './portal-validation-refusal.ts';
import { problem, sendProblem, toPointerToken } from './problem.ts';

/** The bytes of each JSON body as read, and their charset, until the body is checked for duplicate keys. */
const bodyTexts = new WeakMap<IncomingMessage, { bytes: Buffer; charset: string }>();

/**
 * The JSON reader's `verify` hook: keeps the body's bytes for {@link refuseDuplicateKeys}, since the
 * parsed body no longer shows a key given twice. A charset the check cannot decode as the reader did
 * (UTF-7, UTF-32) is refused as an unsupported one (415, where the operation takes a body). Bytes
 * that are not text in the body's charset (Latin-1 sent as UTF-8) are refused as a body that cannot
 * be read (400 `malformed-body`): the reader would put U+FFFD in their place, and a person's comment
 * or a counselor's message would be kept, and sealed in the log, other than it was written.
 */
export function keepJsonBodyText(req: IncomingMessage, _res: ServerResponse, bytes: Buffer, charset: string) {
  if (!isDecodable(charset)) {
    throw Object.assign(new Error(`unsupported charset "${charset.toUpperCase()}"`), {
      status: 415,
      type: 'charset.unsupported',
      charset,
    });
  }
  if (!isWellEncoded(bytes, charset)) {
    throw Object.assign(new Error(`the request body is not valid ${charset.toUpperCase()}`), {
      status: 400,
      type: 'encoding.invalid',
      charset,
    });
  }
  bodyTexts.set(req, { bytes, charset });
}

/**
 * Refuses a JSON body that gives one key twice in an object (400 `malformed-body`, `errors` naming
 * the key's place: `/body/items/0/action`), whatever the operation: the reader keeps the last value
 * and says nothing, so `{"action":"approve","action":"reject"}` would be taken as a rejection, where
 * another reader of the same text would approve. Runs right after the depth check, before any
 * handler.
 */
export function refuseDuplicateKeys(req: Request, res: Response, next: NextFunction): void {
  const kept = bodyTexts.get(req);
  bodyTexts.delete(req);
  const found =
    kept === undefined || typeof req.body !== 'object' || req.body === null
      ? undefined
      : findDuplicateJsonKey(decode(kept.bytes, kept.charset));
  if (found === undefined) {
    next();
    return;
  }
  const object = found.objectPath.map((step) => `/${toPointerToken(String(step))}`).join('');
  const place = object === '' ? 'the top-level object' : `the object at ${object}`;
  const { title, detail } = isPortalOperation(req)
    ? describePortalBodyRefusal('unreadable')
    : {
        title: 'The body gives a key twice',
        detail: `the request body gives the key "${found.key}" more than once in ${place}: give each key once, since which of its values would count is not defined`,
      };
  sendProblem(
    res,
    problem(400, 'malformed-body', title, detail, {
      errors: [
        {
          path: `/body${object}/${toPointerToken(found.key)}`,
          message: `is given more than once in ${place}: give it once`,
        },
      ],
    }),
  );
}

function isDecodable(charset: string): boolean {
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}

function isWellEncoded(bytes: Buffer, charset: string): boolean {
  if (charset === 'utf-8') return isUtf8(bytes);
  try {
    new TextDecoder(charset, { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The body's text as the reader decoded it (a leading byte order mark aside, which no key holds). */
function decode(bytes: Buffer, charset: string): string {
  return charset === 'utf-8' ? bytes.toString('utf8') : new TextDecoder(charset).decode(bytes);
}
