import { describe, expect, it } from 'vitest';
import { COURSE_ID } from '../../src/courses/course.ts';
import { digestFilters, PageCursor } from '../../src/http/page-cursor.ts';
import { RequestValidationError } from '../../src/http/problem.ts';

const courses = new PageCursor('courses', (value) =>
  typeof value === 'string' && COURSE_ID.test(value) ? value : undefined,
);

/** The messages a refused cursor gives, or the position it stands for. */
function decodeOrRefusal(
  cursor: PageCursor<string>,
  text: string,
  filters: object,
  caller?: string,
): unknown {
  try {
    return cursor.decode(text, filters, caller);
  } catch (error) {
    if (error instanceof RequestValidationError) return error.errors;
    throw error;
  }
}

describe('page cursors', () => {
  it('give back the position they were made from, under the same filters', () => {
    for (const id of ['A', 'FOR-0001', 'x.y:z_9-'.padEnd(64, 'q')]) {
      const text = courses.encode(id, { text: 'soudure', funded: true });
      expect(text).toMatch(/^[A-Za-z0-9_-]{1,200}$/);
      expect(courses.decode(text, { funded: true, text: 'soudure' })).toBe(id);
    }
  });

  it('stand for no position without a cursor', () => {
    expect(courses.decode(undefined, { text: 'soudure' })).toBeUndefined();
  });

  it('take the same filters written another way as the same: member order, list order and repeats, members left undefined', () => {
    const statuses = new PageCursor('sets', (value) => (typeof value === 'string' ? value : undefined));
    const text = statuses.encode('after', { queue: 'caseload', statuses: ['published', 'retracted'] });
    expect(
      statuses.decode(text, {
        statuses: ['retracted', 'published', 'retracted'],
        seekerId: undefined,
        queue: 'caseload',
      }),
    ).toBe('after');
  });

  it('refuse a cursor sent with other filters, or with none, saying so', () => {
    const text = courses.encode('FOR-0001', { text: 'soudure', funded: true });
    for (const filters of [{ text: 'soudure' }, { text: 'soudure', funded: false }, {}]) {
      expect(decodeOrRefusal(courses, text, filters)).toEqual([
        {
          path: '/query/cursor',
          message: expect.stringMatching(/^belongs to another query: /),
        },
      ]);
    }
  });

  it('refuse the cursor of another list with the same filters', () => {
    const events = new PageCursor('audit-events', (value) => (typeof value === 'string' ? value : undefined));
    const text = events.encode('FOR-0001', {});
    expect(decodeOrRefusal(courses, text, {})).toEqual([
      { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query: /) },
    ]);
  });

  it('refuse the cursor of a per-caller list sent by another caller, or with no caller, with the same filters', () => {
    const queue = new PageCursor('sets', (value) => (typeof value === 'string' ? value : undefined));
    const text = queue.encode('after', { queue: 'caseload' }, 'c-001');
    expect(queue.decode(text, { queue: 'caseload' }, 'c-001')).toBe('after');
    for (const caller of ['c-002', undefined]) {
      expect(decodeOrRefusal(queue, text, { queue: 'caseload' }, caller)).toEqual([
        { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query: /) },
      ]);
    }
    // Nor does a caller's id pass for filters: a list without caller never takes it.
    const withoutCaller = queue.encode('after', { queue: 'caseload' });
    expect(decodeOrRefusal(queue, withoutCaller, { queue: 'caseload' }, 'c-001')).toEqual([
      { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query: /) },
    ]);
    // The caller is bound by the digest alone: their id cannot be read in the cursor.
    expect(Buffer.from(text, 'base64url').toString('utf8')).not.toContain('c-001');
  });

  it('refuse the cursor of another list whose positions have another shape as belonging to another query', () => {
    const events = new PageCursor('audit-events', (value) => (typeof value === 'number' ? value : undefined));
    const anotherDigest = Buffer.from(JSON.stringify(['AAAAAAAAAAAAAAAA', '-dash']), 'utf8').toString(
      'base64url',
    );
    for (const text of [events.encode(120, {}), anotherDigest]) {
      expect(decodeOrRefusal(courses, text, {})).toEqual([
        { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query/) },
      ]);
    }
  });

  it('refuse anything the API did not make', () => {
    const notADigest = Buffer.from(JSON.stringify(['AAAA', 'A']), 'utf8').toString('base64url');
    const notAsWritten = Buffer.from(
      `[${JSON.stringify(digestFilters('courses', {}))}, "A"]`,
      'utf8',
    ).toString('base64url');
    for (const text of [
      '',
      '!!',
      'Zm9v_',
      '____',
      '12',
      notADigest,
      notAsWritten,
      courses.encode('-dash', {}),
    ]) {
      expect(decodeOrRefusal(courses, text, {})).toEqual([
        { path: '/query/cursor', message: 'is not a cursor this API gave out' },
      ]);
    }
  });
});
