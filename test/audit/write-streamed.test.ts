import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeStreamed } from '../../src/audit/write-streamed.ts';

/** A slow client: a small buffer drained a little later. */
function aSlowClient(received: string[]): Writable {
  return new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk.toString('utf8'));
      setTimeout(done, 1);
    },
  });
}

describe('streamed export writing', () => {
  it('writes everything in chunks, reading ahead of the client by a bounded amount only', async () => {
    const received: string[] = [];
    const client = aSlowClient(received);
    let produced = 0;
    let maxAhead = 0;
    async function* lines(): AsyncIterable<string> {
      for (let i = 0; i < 20_000; i += 1) {
        const written = received.reduce((sum, chunk) => sum + chunk.length, 0);
        maxAhead = Math.max(maxAhead, produced - written);
        const line = `{"seq":${i},"payload":"${'x'.repeat(40)}"}\n`;
        produced += line.length;
        yield line;
      }
    }
    await writeStreamed(client, lines());
    const text = received.join('');
    expect(text.split('\n').length - 1).toBe(20_000);
    expect(received.length).toBeGreaterThan(10);
    // About 1 MB was written; never more than a few chunks of it waited in memory.
    expect(produced).toBeGreaterThan(1_000_000);
    expect(maxAhead).toBeLessThan(256 * 1024);
    expect(client.writableEnded).toBe(true);
  });

  it('stops reading when the client goes away', async () => {
    const received: string[] = [];
    const client = aSlowClient(received);
    let read = 0;
    async function* endless(): AsyncIterable<string> {
      for (;;) {
        read += 1;
        if (read === 5000) client.destroy();
        yield `${'y'.repeat(60)}\n`;
      }
    }
    await writeStreamed(client, endless());
    expect(read).toBeLessThan(10_000);
  });
});
