import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A seq bound past what PostgreSQL's bigint holds (2^63 and more, 10^20, 10^21 which JavaScript
 * writes with an exponent once read as a number) is compared by the service with the log's head,
 * never sent to the database as is: the same answer on both engines, never a 500. Bounds are written
 * in decimal digits, as the contract asks (an exponent is refused: integer-query-numbers.test.ts).
 */
describe('a seq bound beyond the range of the log', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const beyond = [
    '4294967296',
    '9223372036854775807',
    '9223372036854775808',
    '100000000000000000000',
    '1000000000000000000000',
  ];
  const cases = beyond.flatMap((value) => [
    [`/v1/audit/verify?fromSeq=${value}`, 422],
    [`/v1/audit/verify?fromSeq=1&toSeq=${value}`, 200],
    [`/v1/audit/checkpoints?toSeq=${value}`, 200],
  ]) as Array<[string, number]>;

  it.each(cases)('%s answers %i', async (path, status) => {
    const auditor = await t.tokenFor('auditor', 'aud-1');
    const res = await t.http
      .get(path)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'quarterly oversight review');
    expect(res.status, res.text).toBe(status);
    if (status === 422) expect(res.body.detail).toMatch(/fromSeq is beyond the head of the log/);
  });
});
