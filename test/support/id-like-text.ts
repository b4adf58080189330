import { createRandom } from '../../src/shared/random.ts';

/**
 * A text of `length` characters where digits alternate with the separators ids may hold (`._:-`),
 * drawn from `seed`: one long run that could be cut into ids in every way, tens of thousands of
 * distinct pieces (about 60,000 in 2,000 characters), and no word the screening knows.
 */
export function anIdLikeText(length: number, seed = 7): string {
  const random = createRandom(seed);
  let text = '';
  while (text.length < length) text += `${random.nextInt(0, 9)}${random.pick(['.', '_', ':', '-'])}`;
  return text.slice(0, length);
}

/** `count` distinct ISO timestamps, one a minute and a second from `start`, joined by `, `. */
export function aListOfTimestamps(count: number, start = Date.parse('2026-12-01T08:00:00.000Z')): string {
  return Array.from({ length: count }, (_, index) => new Date(start + index * 61_000).toISOString()).join(
    ', ',
  );
}
