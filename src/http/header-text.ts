import type { Request } from 'express';
import { countShownCharacters, SHOWN_TEXT_MINIMUM } from '../shared/shown-text.ts';
import { RequestValidationError } from './problem.ts';

/**
 * A header value as the client wrote it. Node reads header bytes as latin1, one character per
 * byte, while clients send text as UTF-8: "santé" arrives as "santÃ©". The bytes are read again
 * as UTF-8 when they form valid UTF-8; otherwise (a client that did send latin1) they are kept.
 */
function readHeaderText(raw: string): string {
  const bytes = Buffer.from(raw, 'latin1');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.includes('\uFFFD') ? raw : text;
}

/**
 * A header's text as the client wrote it (see {@link readHeaderText}), trimmed; empty when absent.
 * With `maxLength`, a free text (a purpose): refused with 400 unless it holds at most `maxLength`
 * characters, at least three of them shown (see `countShownCharacters`). Counted here, once
 * decoded: the contract's schema sees the bytes, two for an "é".
 */
export function readHeaderField(req: Request, name: string, text?: { maxLength: number }): string {
  const value = readHeaderText(String(req.header(name) ?? '')).trim();
  if (text === undefined) return value;
  const refuse = (message: string) => new RequestValidationError([{ path: `/headers/${name}`, message }]);
  if ([...value].length > text.maxLength) {
    throw refuse(`must hold at most ${text.maxLength} characters`);
  }
  if (countShownCharacters(value) < SHOWN_TEXT_MINIMUM) {
    throw refuse(
      `must hold at least ${SHOWN_TEXT_MINIMUM} characters other than spaces and invisible characters`,
    );
  }
  return value;
}
