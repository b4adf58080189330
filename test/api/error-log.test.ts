import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeError } from '../../src/http/logger.ts';
import { type CapturedLogs, captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, syncSeeker } from '../support/workflow.ts';

describe('the error log', () => {
  let t: TestApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs();
    t = await startTestApp({ logger: logs.logger });
  });

  afterAll(async () => {
    await t.close();
  });

  it('logs a failed database write without the values the statement carried', async () => {
    // A constraint the schema does not have makes the second person's insert fail in the database:
    // PostgreSQL names the refused values in its error's detail, and knex would write all of the
    // statement's values into the error's message.
    await t.container.db.raw(
      'create unique index job_seekers_one_per_radius on job_seekers (mobility_radius_km)',
    );
    await syncSeeker(t, 'js-first', aWorkflowSeeker({ mobilityRadiusKm: 69.381 }));
    const integration = await t.tokenFor('integration', 'svc-crm');

    const res = await t.http
      .put('/v1/job-seekers/js-second-7731')
      .auth(integration, { type: 'bearer' })
      .send(aWorkflowSeeker({ mobilityRadiusKm: 69.381, skills: ['soudure-sous-marine'] }));

    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const [line, ...others] = logs.find('error', /^unhandled error$/);
    expect(others).toEqual([]);
    expect(line).toMatchObject({ operation: 'putJobSeeker', err: { message: expect.any(String) } });
    const text = JSON.stringify(line);
    for (const value of ['js-second-7731', 'soudure-sous-marine', '69.381', 'c-001']) {
      expect(text).not.toContain(value);
    }
  });

  it('keeps an error’s kind, message, code, stack and cause, and none of its other properties', () => {
    const cause = Object.assign(new Error('the socket closed'), { code: 'ECONNRESET', host: 'db.internal' });
    const error = Object.assign(new TypeError('duplicate key value violates unique constraint', { cause }), {
      code: '23505',
      detail: 'Key (commune_code)=(69381) already exists.',
      parameters: ['js-2', '69381'],
    });

    const logged = serializeError(error);

    expect(logged).toEqual({
      type: 'TypeError',
      message: 'duplicate key value violates unique constraint',
      code: '23505',
      stack: error.stack,
      cause: { type: 'Error', message: 'the socket closed', code: 'ECONNRESET', stack: cause.stack },
    });
    expect(serializeError('a string thrown')).toEqual({ type: 'string', message: 'a string thrown' });
  });

  it('leaves out a value PostgreSQL quotes in its message, keeping the names it quotes', () => {
    const refused = Object.assign(new Error('invalid input syntax for type integer: "js-2 trop loin"'), {
      severity: 'ERROR',
      code: '22P02',
    });
    const named = Object.assign(
      new Error('duplicate key value violates unique constraint "job_seekers_pkey"'),
      {
        severity: 'ERROR',
        code: '23505',
      },
    );

    const logged = serializeError(refused);

    expect(logged.message).toBe('invalid input syntax for type integer: "…"');
    expect(logged.stack).not.toContain('trop loin');
    expect(serializeError(named).message).toBe(
      'duplicate key value violates unique constraint "job_seekers_pkey"',
    );
    const quoting = Object.assign(new Error('invalid input syntax for type integer: "dit "non" au poste"'), {
      severity: 'ERROR',
    });
    expect(serializeError(quoting).message).toBe('invalid input syntax for type integer: "…"');
    const range = Object.assign(new Error('value "99999999999" is out of range for type integer'), {
      severity: 'ERROR',
    });
    expect(serializeError(range).message).toBe('value "…" is out of range for type integer');
  });
});
