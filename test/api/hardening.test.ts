import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aJobSeeker } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('HTTP hardening', () => {
  let t: TestApp;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://crm.example', RATE_LIMIT_PER_MINUTE: '5' } });
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(() => t.close());

  it('answers an oversized body with 413 problem+json', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-big')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ skills: Array.from({ length: 5000 }, (_, i) => `skill-number-${i}-with-padding`) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('gives in a 413 the size limit the body went past', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-big')
      .auth(integration, { type: 'bearer' })
      .send({ padding: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.body.detail).toBe(
      'the request body exceeds the size limit of 100 KB (102400 bytes): send a smaller body',
    );
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await t.http.get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a wrong method with 405 problem+json and an Allow header', async () => {
    const res = await t.http.delete('/v1/courses');
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers.allow).toMatch(/GET/);
  });

  it('names in a 405 the methods to use, in its detail and its body as in its Allow header', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    // Ordering is the one review action on PUT.
    const res = await t.http
      .post('/v1/recommendations/0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0e/order')
      .auth(counselor, { type: 'bearer' })
      .send({ itemIds: [] });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('PUT');
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/method-not-allowed',
      detail: 'POST is not allowed on this path; use PUT',
      allow: ['PUT'],
    });

    const several = await t.http.patch('/v1/job-seekers/js-x').auth(integration, { type: 'bearer' });
    expect(several.status).toBe(405);
    expect(several.body.allow).toEqual(String(several.headers.allow).split(', '));
    expect(several.body.allow).toEqual(expect.arrayContaining(['GET', 'HEAD', 'PUT']));
    expect(several.body.detail).toMatch(/^PATCH is not allowed on this path; use (\w+, )+\w+ or \w+$/);

    // A HEAD is handed to the validator as a GET: the answer names the method sent.
    const head = await t.http
      .head('/v1/recommendations/0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0e/order')
      .auth(counselor, { type: 'bearer' });
    expect(head.status).toBe(405);
    expect(head.headers.allow).toBe('PUT');
  });

  it('names a missing body field under the field it belongs to, with what the contract says it needs', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const setPath = '/v1/recommendations/0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0e';
    const reasonNeed = 'is required: At least three characters other than spaces and invisible characters';
    // The contract refuses both before the set is looked for.
    const addition = await t.http
      .post(`${setPath}/items`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', '"0"')
      .send({ courseId: 'LYON-AS-1' });
    const discard = await t.http
      .post(`${setPath}/discard`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', '"0"')
      .send({});
    for (const res of [addition, discard]) {
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: '/body/reason', message: reasonNeed }]);
      expect(res.body.detail).toBe(`body: \`reason\` ${reasonNeed}`);
      expect(res.body.detail).not.toMatch(/body\/reason|required property/);
    }

    // Nested: under the object it belongs to; a field of listed values names them.
    const seeker = aJobSeeker();
    const nested = await t.http
      .put('/v1/job-seekers/js-missing')
      .auth(integration, { type: 'bearer' })
      .send({ ...seeker, location: { lon: 4.8357 } });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toContainEqual({ path: '/body/location/lat', message: 'is required' });
    expect(nested.body.detail).toContain('body/location: `lat` is required');
    const decision = await t.http
      .post(`${setPath}/items/0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0f/decision`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', '"0"')
      .send({});
    expect(decision.body.detail).toBe('body: `decision` is required: one of approve, reject');
  });

  it('answers malformed JSON with 400 problem+json, without internals', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-x')
      .auth(integration, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"counselorId": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|node_modules|SyntaxError/);
  });

  it('answers a body-taking request sent without Content-Type with 415 saying to send one', async () => {
    const res = await t.http.put('/v1/job-seekers/js-no-type').auth(integration, { type: 'bearer' });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/^the request has no Content-Type: .*application\/json/);
  });

  it('names in a 415 the media types the operation takes', async () => {
    for (const type of ['application/merge-patch+json', 'text/plain']) {
      const res = await t.http
        .put('/v1/job-seekers/js-x')
        .auth(integration, { type: 'bearer' })
        .set('Content-Type', type)
        .send('{}');
      expect(res.status, type).toBe(415);
      expect(res.body.detail, type).toBe(
        `the operation takes a body in application/json, not ${type}: send it with that Content-Type`,
      );
    }
  });

  it('says a body that is not compressed as its Content-Encoding names could not be decompressed so', async () => {
    for (const encoding of ['gzip', 'br']) {
      const res = await t.http
        .put('/v1/job-seekers/js-x')
        .auth(integration, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send('{}');
      expect(res.status, encoding).toBe(400);
      expect(res.body, encoding).toMatchObject({
        type: 'https://aiguillage.example/problems/malformed-body',
        title: 'The body could not be decompressed',
        detail: `the request body could not be decompressed as ${encoding}, the Content-Encoding it names: send it compressed so, or uncompressed without Content-Encoding`,
      });
    }
  });

  it('says what is wrong with a path that cannot be decoded', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const lone = await t.http.get('/v1/courses/%').auth(counselor, { type: 'bearer' });
    expect(lone.status).toBe(400);
    expect(lone.body.detail).toBe(
      'the path /v1/courses/% holds a % not followed by two hexadecimal digits: write a % meant literally as %25',
    );
    const latin1 = await t.http.get('/v1/courses/%E9').auth(counselor, { type: 'bearer' });
    expect(latin1.status).toBe(400);
    expect(latin1.body.detail).toBe(
      'the path /v1/courses/%E9 holds percent-encoding that is not UTF-8: percent-encode text in UTF-8 (é as %C3%A9)',
    );
  });

  it('says an Authorization header must hold one bearer token', async () => {
    const res = await t.http.get('/v1/courses').set('Authorization', 'Bearer T T');
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe(
      'a bearer token is required: the Authorization header must hold one token, as `Bearer <token>`',
    );
    expect(res.headers['www-authenticate']).toBe('Bearer realm="aiguillage"');
  });

  it('answers a JSON body that is not an object (null, a number, an array) with 400 saying so', async () => {
    for (const body of ['null', '3', '"text"', '[1]', '[]']) {
      const res = await t.http
        .put('/v1/job-seekers/js-x')
        .auth(integration, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status, body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.title, body).toBe('The body is not a JSON object');
    }
  });

  it('sets security headers on errors too, and no X-Powered-By', async () => {
    const res = await t.http.get('/v1/nothing-here');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS only for configured origins, with the headers the contract uses', async () => {
    const allowed = await t.http
      .options('/v1/courses')
      .set('Origin', 'https://crm.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://crm.example');
    // What the contract's conditional and idempotent requests send and read, a browser may too.
    expect(allowed.headers['access-control-allow-headers']).toContain('If-None-Match');
    expect(allowed.headers['access-control-expose-headers']).toContain('Idempotent-Replayed');
    // An auditor's browser tool reads what the export says it covers; an admin's sends the access request.
    expect(allowed.headers['access-control-expose-headers']).toContain('X-Audit-To-Seq');
    expect(allowed.headers['access-control-allow-headers']).toContain('X-Access-Request');
    const refused = await t.http.get('/healthz').set('Origin', 'https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits requests per token subject with 429 and RateLimit headers', async () => {
    const counselor = await t.tokenFor('counselor', 'c-rate');
    const other = await t.tokenFor('counselor', 'c-other');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.http.get>> | undefined;
    for (let i = 0; i < 7; i += 1) {
      last = await t.http.get('/v1/job-seekers/js-none').auth(counselor, { type: 'bearer' });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(last?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(last?.headers.ratelimit).toBeDefined();
    expect(last?.headers['ratelimit-policy']).toBeDefined();
    const someoneElse = await t.http.get('/v1/job-seekers/js-none').auth(other, { type: 'bearer' });
    expect(someoneElse.status).toBe(404);
  });

  it('counts a job seeker apart from a counselor whose id is spelled alike', async () => {
    const seeker = await t.tokenFor('job_seeker', 'c-twin');
    for (let i = 0; i < 6; i += 1)
      await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const limited = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(limited.status).toBe(429);
    const counselor = await t.tokenFor('counselor', 'c-twin');
    const res = await t.http.get('/v1/recommendations').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
  });

  it('answers every /v1 request with Cache-Control: no-store, refusals included', async () => {
    const seeker = await t.tokenFor('job_seeker', 'js-cache');
    const answers = [
      await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' }),
      await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' }),
      await t.http.get('/v1/recommendations'),
      await t.http.get('/v1/nothing-here'),
    ];
    expect(answers.map((res) => res.status)).toEqual([404, 404, 401, 404]);
    for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('the contract and documentation pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('limits the contract and the documentation pages by address, as any request without a token', async () => {
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await t.http.get('/openapi.json'));
    const statuses = answers.map((res) => res.status);
    const limited = await t.http.get('/openapi.json');
    // The contract says so of itself, as of every operation the limit counts.
    expect(Object.keys(answers[0]?.body.paths['/openapi.json'].get.responses)).toContain('429');
    const docs = await t.http.get('/docs/');
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(docs.status).toBe(429);
  });
});

/**
 * The load balancer's and the orchestrator's probes and the Prometheus scrape come from one address
 * each, without a token, all day long: counted by address, /healthz would answer 429 once the limit
 * is reached (500 with response validation, the contract declaring no 429 there), and a liveness
 * probe would restart a healthy process.
 */
describe('probes and the rate limit', () => {
  it.each(['false', 'true'])(
    'answers /healthz, /readyz and /metrics however often they are polled (VALIDATE_RESPONSES=%s)',
    async (validate) => {
      const t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5', VALIDATE_RESPONSES: validate } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i += 1) {
          statuses.push((await t.http.get('/healthz')).status);
          statuses.push((await t.http.get('/readyz')).status);
          statuses.push((await t.http.get('/metrics')).status);
        }
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
      } finally {
        await t.close();
      }
    },
  );
});

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports liveness and readiness', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toBe('ok');
  });

  it('fails readiness first when shutting down', async () => {
    t.container.services.readiness.markShuttingDown();
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'not_ready', checks: { process: 'shutting_down' } });
  });

  it('counts requests per operationId in Prometheus metrics', async () => {
    await t.http.get('/healthz');
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /aiguillage_http_requests_total\{operation="getHealth",method="GET",status="200"\} \d+/,
    );
    expect(res.text).toMatch(
      /aiguillage_http_request_duration_seconds_bucket\{le="0.005",operation="getHealth"/,
    );
  });

  it('serves the OpenAPI document and renders it at /docs', async () => {
    const doc = await t.http.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const docs = await t.http.get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(/swagger-ui/i);
  });

  it('titles /docs after the service, and its page holds no "undefined" left by a setting not given', async () => {
    const docs = await t.http.get('/docs/');
    expect(docs.text).toContain('<title>Aiguillage API</title>');
    expect(docs.text).not.toContain('undefined');
  });

  it('serves /docs over plain HTTP too: its policy does not send the browser to HTTPS for its scripts', async () => {
    const docs = await t.http.get('/docs/');
    const policy = String(docs.headers['content-security-policy']);
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).not.toMatch(/upgrade-insecure-requests/);
  });
});
