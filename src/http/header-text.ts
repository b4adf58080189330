import type { Request } from 'express';

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

/** A header's text as the client wrote it (see {@link readHeaderText}), trimmed; empty when absent. */
export function readHeaderField(req: Request, name: string): string {
  return readHeaderText(String(req.header(name) ?? '')).trim();
}
