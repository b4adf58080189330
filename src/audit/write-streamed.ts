import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Lines are gathered into chunks of about this many characters before each write. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * Writes text pieces to a response as they come, in chunks, waiting for `drain` whenever the
 * socket is full: however long the export, only a chunk or two is held in memory. Stops reading
 * when the client goes away.
 */
export async function writeStreamed(out: Writable, pieces: AsyncIterable<string>): Promise<void> {
  let chunk: string[] = [];
  let size = 0;
  const flush = async (): Promise<boolean> => {
    const text = chunk.join('');
    chunk = [];
    size = 0;
    if (out.destroyed) return false;
    if (!out.write(text)) {
      // A client that leaves closes the stream instead of draining it; the other wait is dropped.
      const done = new AbortController();
      try {
        await Promise.race([
          once(out, 'drain', { signal: done.signal }),
          once(out, 'close', { signal: done.signal }),
        ]);
      } finally {
        done.abort();
      }
    }
    return !out.destroyed;
  };
  for await (const piece of pieces) {
    chunk.push(piece);
    size += piece.length;
    if (size >= CHUNK_CHARACTERS && !(await flush())) return;
  }
  if (size > 0 && !(await flush())) return;
  out.end();
}
