import { PayloadTooLargeError } from '../shared/errors.ts';

/**
 * Passes a byte stream through as Buffers and fails with PayloadTooLargeError as soon as more than
 * `maxBytes` have arrived, so a body is never read (let alone held) past the limit.
 */
export async function* limitBytes(
  source: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    total += buffer.byteLength;
    if (total > maxBytes) throw new PayloadTooLargeError(`the body exceeds the limit of ${maxBytes} bytes`);
    yield buffer;
  }
}
