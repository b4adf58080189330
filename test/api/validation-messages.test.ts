import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { describeFormat, describePattern } from '../../src/http/validation-messages.ts';
import { aJobSeeker } from '../support/builders.ts';
import type { TestApp } from '../support/test-app.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe('a refused request', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('says in words what a field’s pattern asks for, not the regular expression', async () => {
    const res = await t.http.get('/v1/courses').query({ near: 'Lyon' }).auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/query/near',
        message:
          'must be a latitude and a longitude in decimal degrees, separated by a comma (45.764,4.8357)',
      },
    ]);
    expect(res.body.detail).not.toMatch(/pattern/);
  });

  it('has words for every pattern the contract holds', () => {
    const patterns = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'pattern' && typeof inner === 'string') patterns.add(inner);
          else collect(inner);
        }
      }
    };
    collect(loadOpenApiDocument());
    expect(patterns.size).toBeGreaterThan(5);
    expect([...patterns].filter((pattern) => describePattern(pattern) === undefined)).toEqual([]);
  });

  it('says in words what an id that is not a UUID should look like, naming the parameter', async () => {
    const res = await t.http.get('/v1/recommendations/set-42').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/params/setId',
        message:
          'must be a UUID: 32 hexadecimal digits in groups of 8-4-4-4-12 (0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0e)',
      },
    ]);
    expect(res.body.detail).toMatch(/^params\/setId must be a UUID/);
    expect(res.body.detail).not.toMatch(/format/);
  });

  it('has words for every format the contract holds', () => {
    const formats = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'format' && typeof inner === 'string') formats.add(inner);
          else collect(inner);
        }
      }
    };
    collect(loadOpenApiDocument());
    expect(formats).toContain('uuid');
    expect([...formats].filter((format) => describeFormat(format) === undefined)).toEqual([]);
  });

  it('names a missing header as the contract spells it', async () => {
    const res = await t.http
      .post('/v1/job-seekers/js-1/recommendations')
      .auth(counselor, { type: 'bearer' })
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: '/headers/idempotency-key', message: 'the Idempotency-Key header is required' },
    ]);
    // The words alone: the header's path in front of them would say it twice.
    expect(res.body.detail).toBe('the Idempotency-Key header is required');
  });

  it('says a header sent empty is empty, not which characters it may hold', async () => {
    const res = await t.http
      .post('/v1/job-seekers/js-1/recommendations')
      .auth(counselor, { type: 'bearer' })
      .set('Idempotency-Key', '')
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: '/headers/idempotency-key', message: 'is empty: give it a value' },
    ]);
    expect(res.body.detail).toBe('the Idempotency-Key header is empty: give it a value');
  });

  it('refuses a query value that is not percent-encoded UTF-8, naming the parameter', async () => {
    for (const query of ['courses?q=pr%E9paration', 'courses?q=%FF', 'recommendations?seekerId=js-%E9']) {
      const res = await t.http.get(`/v1/${query}`).auth(counselor, { type: 'bearer' });
      expect(res.status, query).toBe(400);
      const name = query.split(/[?=]/)[1];
      expect(res.body.errors, query).toEqual([
        {
          path: `/query/${name}`,
          message: 'holds percent-encoding that is not UTF-8: percent-encode text in UTF-8 (é as %C3%A9)',
        },
      ]);
    }
    const lone = await t.http.get('/v1/courses?q=100%').auth(counselor, { type: 'bearer' });
    expect(lone.status).toBe(400);
    expect(lone.body.detail).toBe(
      'query/q holds a % not followed by two hexadecimal digits: write a % meant literally as %25',
    );
    const utf8 = await t.http.get('/v1/courses?q=pr%C3%A9paration').auth(counselor, { type: 'bearer' });
    expect(utf8.status).toBe(200);
  });

  it('refuses a search text that shows nothing instead of listing the whole catalog', async () => {
    for (const q of ['%20', '%E2%80%8B', '%E2%80%AE']) {
      const res = await t.http.get(`/v1/courses?q=${q}`).auth(counselor, { type: 'bearer' });
      expect(res.status, q).toBe(400);
      expect(res.body.detail, q).toMatch(/^query\/q must show at least one character: /);
    }
  });

  it('says a single-valued query parameter takes one value when given a comma-separated list', async () => {
    const occupation = await t.http
      .get('/v1/courses?occupation=J1501,K1302')
      .auth(counselor, { type: 'bearer' });
    expect(occupation.status).toBe(400);
    expect(occupation.body.detail).toBe(
      'query/occupation takes one value, not a comma-separated list: give one; it must be a ROME code: a letter from A to N and four digits (J1501)',
    );
    const modality = await t.http
      .get('/v1/courses?modality=remote,hybrid')
      .auth(counselor, { type: 'bearer' });
    expect(modality.body.errors).toEqual([
      {
        path: '/query/modality',
        message:
          'takes one value, not a comma-separated list: give one; it must be one of in_person, remote, hybrid',
      },
    ]);
  });

  it('says what a valid value looks like for a query value holding a reserved character', async () => {
    const res = await t.http.get('/v1/recommendations?modelId=../../etc').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe(
      'query/modelId must be 1 to 140 letters, digits or the characters . _ -, starting with a letter or a digit',
    );
    expect(res.body.detail).not.toMatch(/url encoded/);
  });

  it('names a field the body does not take, with the fields it takes', async () => {
    const admin = await t.tokenFor('admin', 'a-001');
    const model = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: 'm-1', sha256: 'a'.repeat(64), name: 'x' });
    expect(model.status).toBe(400);
    expect(model.body.errors).toEqual([
      { path: '/body/name', message: 'is not a field of this body; the fields it takes are folder, sha256' },
    ]);
    expect(model.body.detail).toBe(
      '`name` is not a field of this body; the fields it takes are `folder`, `sha256`',
    );

    // A body read against several schemas (unevaluatedProperties) lists the fields of them all.
    const course = await t.http.get('/v1/courses/LYON-AS-1').auth(admin, { type: 'bearer' });
    const { id: _id, updatedAt: _updatedAt, targetOccupationLabels: _labels, ...fields } = course.body;
    const put = await t.http
      .put('/v1/courses/LYON-AS-1')
      .auth(admin, { type: 'bearer' })
      .send({ ...fields, id: 'LYON-AS-1' });
    expect(put.status).toBe(400);
    expect(put.body.errors).toHaveLength(1);
    expect(put.body.detail).toMatch(
      /^`id` is not a field of this body; the fields it takes are `title`, `provider`, /,
    );
    expect(put.body.detail).toContain('`active`');
    expect(put.body.detail).not.toMatch(/`id`,/);
  });

  it('says an empty query parameter is to be left out or given a value', async () => {
    for (const name of ['cursor', 'limit']) {
      const res = await t.http.get(`/v1/courses?${name}=`).auth(counselor, { type: 'bearer' });
      expect(res.status, name).toBe(400);
      expect(res.body.detail, name).toBe(
        `query/${name} is empty: leave the parameter out, or give it a value`,
      );
    }
  });

  it('says a boolean takes true or false', async () => {
    const res = await t.http.get('/v1/courses?active=yes').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/query/active', message: 'must be true or false' }]);
    const twice = await t.http
      .get('/v1/courses?active=true&active=false')
      .auth(counselor, { type: 'bearer' });
    expect(twice.body.errors).toEqual([{ path: '/query/active', message: 'is given 2 times: give it once' }]);
  });

  it('says once, in words, that a text is too short or too long for its field', async () => {
    const admin = await t.tokenFor('admin', 'a-001');
    const settings = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    const { aiEnabled, blindFirst, secondReviewRate, setTtlHours, fastDecisionSeconds } = settings.body;
    const send = (changeReason: string) =>
      t.http
        .put('/v1/settings')
        .auth(admin, { type: 'bearer' })
        .send({ aiEnabled, blindFirst, secondReviewRate, setTtlHours, fastDecisionSeconds, changeReason });

    const short = await send('ab');
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([
      { path: '/body/changeReason', message: 'must hold at least three characters other than spaces' },
    ]);
    expect(short.body.detail).not.toMatch(/NOT/);

    const long = await send('x'.repeat(501));
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([
      { path: '/body/changeReason', message: 'must hold at most 500 characters' },
    ]);

    const integration = await t.tokenFor('integration', 'svc-crm');
    const profile = await t.http
      .put('/v1/job-seekers/js-empty-skill')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills: ['', 'aide-repas'] }));
    expect(profile.status).toBe(400);
    expect(profile.body.errors).toEqual([
      { path: '/body/skills/0', message: 'must hold a character other than a space' },
    ]);
  });
});
