import { describe, expect, it } from 'vitest';
import { findStorageUnavailable } from '../../src/db/storage-unavailable.ts';

describe('a database unavailable for now', () => {
  it.each([
    [{ code: 'SQLITE_BUSY' }, 'busy', 2],
    [{ code: 'SQLITE_BUSY_SNAPSHOT' }, 'busy', 2],
    [{ code: 'SQLITE_FULL' }, 'full', 60],
    [{ name: 'KnexTimeoutError' }, 'busy', 2],
    [{ code: '55P03' }, 'busy', 2],
    [{ code: '53100' }, 'full', 60],
    [{ code: '57P03' }, 'unreachable', 10],
    [{ code: 'ECONNREFUSED' }, 'unreachable', 10],
    [new Error('pool', { cause: { code: '08006' } }), 'unreachable', 10],
    [new Error('select 1 - Connection terminated unexpectedly'), 'unreachable', 10],
    [
      new Error('ROLLBACK - Client has encountered a connection error and is not queryable'),
      'unreachable',
      10,
    ],
  ])('is told from the driver’s error %o', (error, reason, retryAfterSeconds) => {
    expect(findStorageUnavailable(error)).toEqual({ reason, retryAfterSeconds });
  });

  it.each([
    [new Error('COMMIT; - Connection terminated unexpectedly')],
    [Object.assign(new Error('COMMIT; - read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      new Error('transaction', {
        cause: Object.assign(new Error('COMMIT; - terminating connection'), { code: '08006' }),
      }),
    ],
  ])('tells a connection cut while the commit was on its way, whose outcome is unknown: %o', (error) => {
    expect(findStorageUnavailable(error)).toEqual({
      reason: 'unreachable',
      retryAfterSeconds: 10,
      outcomeUnknown: true,
    });
  });

  it('takes a COMMIT the client refused to send, its connection lost before, as undone: the server rolled back', () => {
    const error = new Error('COMMIT; - Client has encountered a connection error and is not queryable');
    expect(findStorageUnavailable(error)).toEqual({ reason: 'unreachable', retryAfterSeconds: 10 });
  });

  it('takes a full disk at the commit as undone: the server refused it', () => {
    const error = Object.assign(new Error('COMMIT; - could not extend file: No space left on device'), {
      code: '53100',
    });
    expect(findStorageUnavailable(error)).toEqual({ reason: 'full', retryAfterSeconds: 60 });
  });

  it.each([
    [new Error('a bug')],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }],
    [{ code: '23505' }],
    ['SQLITE_BUSY'],
    [undefined],
  ])('is not found in an error that is a bug or a broken rule: %o', (error) => {
    expect(findStorageUnavailable(error)).toBeUndefined();
  });
});
