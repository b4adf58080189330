import { COURSE_ID } from './course.ts';

/** The opaque page cursor of the catalog search: the last course id of a page, base64url-encoded. */
export function encodeCourseCursor(afterId: string): string {
  return Buffer.from(afterId, 'utf8').toString('base64url');
}

/** The course id a cursor stands for, or undefined when the cursor is not one this API made. */
export function decodeCourseCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  // Decoding is lenient, so only a cursor that encodes back to itself is one of ours.
  return COURSE_ID.test(id) && encodeCourseCursor(id) === cursor ? id : undefined;
}
