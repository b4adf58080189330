import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { type DocumentedOperation, listDocumentedOperations } from '../support/openapi-operations.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decideAll,
  firstApproved,
  newIdempotencyKey,
  putSettings,
  readSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * Every operation of the contract, sent malformed input on real objects (a set under review, a
 * set awaiting its second review, a published item, the active model, a recorded incident): a 4xx
 * problem document the contract declares, saying what was wrong (naming a refused body member),
 * never a 5xx; and a refused write leaves the database as it was.
 */

/** The counselor who gives the second review: not the set's own (`c-001`). */
const SECOND_REVIEWER = 'c-002';

interface BaseRequest {
  path: string;
  role: Role;
  subject: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body?: Record<string, unknown>;
  /** Other valid bodies taking another path of the operation, whose members are walked too. */
  otherBodies?: Array<Record<string, unknown>>;
}

interface Mutation {
  label: string;
  path?: string;
  headers?: Record<string, string | string[]>;
  query?: string;
  raw?: { contentType?: string; encoding?: string; bytes: Buffer };
  body?: unknown;
  /** The body member the mutation changed: a 400 must name it. */
  field?: string;
}

const document = loadOpenApiDocument() as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};

/** One of each kind (the walk runs on both engines in CI: a variant more is ~5,000 requests more). */
const ODD_TEXTS: Array<[string, string]> = [
  ['a NUL', 'abc\u0000def'],
  ['a lone high surrogate', 'abc\ud800def'],
  ['a right-to-left override', 'abc\u202edef'],
  ['combining marks', `e${'\u0301'.repeat(300)}`],
  ['a huge string', 'x'.repeat(200_000)],
  ['an empty string', ''],
];

const WRONG_TYPES: Array<[string, unknown]> = [
  ['null', null],
  ['a number', 12],
  ['an object', { a: 1 }],
  ['a huge array', Array.from({ length: 5000 }, (_, i) => `s${i}`)],
];

const PATH_SHAPES: Array<[string, string]> = [
  ['a very long id', 'a'.repeat(5000)],
  ['a percent-encoded slash', 'js%2F1'],
  ['a percent-encoded NUL', 'js%001'],
  ['a bad percent-encoding', 'js%E9'],
  ['a lone percent', 'js%'],
  ['dot-dot', '..'],
  ['a percent-encoded lone surrogate', '%ED%A0%80'],
];

function mutationsFor(op: DocumentedOperation, base: BaseRequest): Mutation[] {
  const mutations: Mutation[] = [];
  const params = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const segments = base.path.split('/');
  const templateSegments = op.template.split('/');
  for (const param of params) {
    const index = templateSegments.indexOf(`{${param}}`);
    for (const [label, shape] of PATH_SHAPES) {
      const path = [...segments];
      path[index] = shape;
      mutations.push({ label: `${param} as ${label}`, path: path.join('/') });
    }
  }
  // Query: every declared parameter repeated, and given odd values.
  for (const name of Object.keys(base.query).length > 0 ? Object.keys(base.query) : ['limit', 'x']) {
    for (const value of ['', '%00', '%ED%A0%80', '-1', '1e309', 'NaN', '9'.repeat(400), 'a,b', '%E9']) {
      mutations.push({ label: `query ${name}=${value.slice(0, 12)}`, query: `${name}=${value}` });
    }
    mutations.push({ label: `query ${name} repeated`, query: `${name}=1&${name}=2` });
  }
  mutations.push({ label: 'query with an odd name', query: '%00=1&%ED%A0%80=2&__proto__=1' });
  // Headers.
  mutations.push({
    label: 'two Idempotency-Key headers',
    headers: { 'Idempotency-Key': ['key-aaaa-1', 'key-bbbb-2'] },
  });
  mutations.push({ label: 'a long Idempotency-Key', headers: { 'Idempotency-Key': 'k'.repeat(5000) } });
  mutations.push({ label: 'a 300-char Idempotency-Key', headers: { 'Idempotency-Key': 'k'.repeat(300) } });
  mutations.push({ label: 'an empty Idempotency-Key', headers: { 'Idempotency-Key': '' } });
  mutations.push({ label: 'If-Match W/"x"', headers: { 'If-Match': 'W/"x"' } });
  mutations.push({ label: 'If-Match empty', headers: { 'If-Match': '' } });
  mutations.push({ label: 'If-Match list', headers: { 'If-Match': ['"1"', '"2"'] } });
  mutations.push({ label: 'If-Match weak', headers: { 'If-Match': 'W/"1"' } });
  mutations.push({ label: 'If-Match *', headers: { 'If-Match': '*' } });
  mutations.push({ label: 'If-Match huge', headers: { 'If-Match': `"${'9'.repeat(90)}"` } });
  mutations.push({ label: 'If-Match negative', headers: { 'If-Match': '"-1"' } });
  mutations.push({ label: 'If-None-Match odd', headers: { 'If-None-Match': 'W/"x", *' } });
  mutations.push({
    label: 'X-Audit-Purpose latin1',
    headers: { 'X-Audit-Purpose': Buffer.from('revue trimestrielle é', 'latin1').toString('latin1') },
  });
  mutations.push({ label: 'X-Access-Request odd', headers: { 'X-Access-Request': '../..' } });
  // A body sent to an operation that takes none, decodable or not: answered as any body it does not take.
  if (op.method === 'get' || op.method === 'delete' || !op.takesBody) {
    mutations.push({
      label: 'a gzip body',
      raw: { contentType: 'application/json', encoding: 'gzip', bytes: zlib.gzipSync('{"a":1}') },
    });
    mutations.push({
      label: 'a latin1 body',
      raw: { contentType: 'application/json; charset=latin1', bytes: Buffer.from('{"a":1}') },
    });
    mutations.push({
      label: 'a body in an unknown encoding',
      raw: { contentType: 'application/json', encoding: 'compress', bytes: Buffer.from('{"a":1}') },
    });
    return mutations;
  }
  // Bodies.
  for (const [label, bytes, contentType, encoding] of [
    ['an empty body', Buffer.alloc(0), 'application/json', undefined],
    ['whitespace', Buffer.from('   '), 'application/json', undefined],
    ['null', Buffer.from('null'), 'application/json', undefined],
    ['an array', Buffer.from('[]'), 'application/json', undefined],
    ['a string', Buffer.from('"x"'), 'application/json', undefined],
    ['truncated JSON', Buffer.from('{"a":'), 'application/json', undefined],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'application/json', undefined],
    [
      'latin1 charset',
      Buffer.from(JSON.stringify(base.body ?? {})),
      'application/json; charset=latin1',
      undefined,
    ],
    [
      'utf-16 charset',
      Buffer.from(JSON.stringify(base.body ?? {}), 'utf16le'),
      'application/json; charset=utf-16le',
      undefined,
    ],
    [
      'odd content-type parameters',
      Buffer.from(JSON.stringify(base.body ?? {})),
      'application/json;;;foo=bar;charset="UTF-8"',
      undefined,
    ],
    ['a vendor json type', Buffer.from(JSON.stringify(base.body ?? {})), 'application/vnd.x+json', undefined],
    ['text/plain', Buffer.from(JSON.stringify(base.body ?? {})), 'text/plain', undefined],
    ['form-encoded', Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded', undefined],
    ['a gzip body', zlib.gzipSync(JSON.stringify(base.body ?? {})), 'application/json', 'gzip'],
    ['a bad gzip body', Buffer.from('not gzip'), 'application/json', 'gzip'],
    ['a br body', zlib.brotliCompressSync(JSON.stringify(base.body ?? {})), 'application/json', 'br'],
    ['an unknown encoding', Buffer.from('{}'), 'application/json', 'compress'],
    [
      'a duplicate member',
      Buffer.from(
        `{"a":1,"a":2${base.body === undefined ? '' : `,${JSON.stringify(base.body).slice(1, -1)}`}}`,
      ),
      'application/json',
      undefined,
    ],
    ['a __proto__ member', Buffer.from('{"__proto__":{"polluted":1}}'), 'application/json', undefined],
    ['a huge number', Buffer.from('{"limit":1e999}'), 'application/json', undefined],
    [
      'latin1 bytes',
      Buffer.from(JSON.stringify({ ...(base.body ?? {}), comment: 'é' }), 'latin1'),
      'application/json; charset=latin1',
      undefined,
    ],
  ] as const) {
    mutations.push({
      label: `body: ${label}`,
      raw: { contentType, ...(encoding === undefined ? {} : { encoding }), bytes },
    });
  }
  const valid = base.body ?? {};
  mutations.push(...memberMutations(valid, ''));
  for (const other of base.otherBodies ?? [])
    mutations.push(...memberMutations(other, `${JSON.stringify(other)}: `));
  mutations.push({ label: 'an unknown member', body: { ...valid, unknownMember: 1 } });
  mutations.push({ label: 'a member name with a NUL', body: { ...valid, 'a\u0000b': 1 } });
  return mutations;
}

/**
 * The person's own calls, told by the contract's tag as the service tells them (their refusals'
 * detail speaks to the person in French).
 */
function isPortalOperation(op: DocumentedOperation): boolean {
  return op.tags.includes('job-seeker-portal');
}

/** Whether a 400 names the refused body member where its reader looks for it. */
function namesMember(op: DocumentedOperation, body: Record<string, unknown>, field: string): boolean {
  if (!isPortalOperation(op)) return String(body.detail).includes(field);
  const errors = Array.isArray(body.errors) ? (body.errors as Array<{ path?: unknown }>) : [];
  return errors.some((error) => String(error.path).includes(field));
}

/** Each member of a valid body given each wrong type and odd text (inside arrays and objects too). */
function memberMutations(valid: Record<string, unknown>, prefix: string): Mutation[] {
  const mutations: Mutation[] = [];
  for (const field of Object.keys(valid)) {
    for (const [label, value] of [...WRONG_TYPES, ...ODD_TEXTS]) {
      mutations.push({ label: `${prefix}${field} as ${label}`, field, body: { ...valid, [field]: value } });
    }
    const inner = valid[field];
    if (Array.isArray(inner)) {
      for (const [label, value] of [...WRONG_TYPES, ...ODD_TEXTS]) {
        mutations.push({
          label: `${prefix}${field}[] holding ${label}`,
          body: { ...valid, [field]: [...inner, value] },
        });
      }
    } else if (typeof inner === 'object' && inner !== null) {
      for (const key of Object.keys(inner)) {
        for (const [label, value] of WRONG_TYPES) {
          mutations.push({
            label: `${prefix}${field}.${key} as ${label}`,
            body: { ...valid, [field]: { ...inner, [key]: value } },
          });
        }
      }
    }
  }
  return mutations;
}

describe('malformed input on every operation', () => {
  let t: TestApp;

  beforeAll(async () => {
    ({ t } = await startWorkflowApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } }));
  });

  /**
   * Objects of the operation's own, so that no other operation's walk (an erasure, a publication)
   * changed them: a person on c-001's caseload, a set under review (for the second review, one
   * its counselor handed on and the second reviewer read, so that an approval or a return could be
   * given), a published set whose first course the person contested, a recorded incident.
   */
  async function worldFor(op: DocumentedOperation): Promise<Record<string, string>> {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const seekerId = `js-${op.operationId}`;
    await syncSeeker(t, seekerId, aWorkflowSeeker());
    const published = await createAndPublish(t, counselor, seekerId);
    const publishedItemId = firstApproved(published).itemId;
    const seeker = await t.tokenFor('job_seeker', seekerId);
    await t.http
      .post(`/v1/me/recommendations/${publishedItemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'pourquoi ?' });
    let setId: string;
    let itemId: string;
    if (op.operationId === 'secondReviewRecommendationSet') {
      setId = await handOnToSecondReview(seekerId);
      itemId = '';
    } else {
      const { set } = await createSet(t, counselor, seekerId);
      if (op.operationId === 'publishRecommendationSet') await decideAll(t, counselor, set.id);
      else await readSet(t, counselor, set.id);
      setId = set.id;
      itemId = set.items[0]?.itemId ?? '';
    }
    const admin = await t.tokenFor('admin', 'ops-1');
    const models = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    const auditor = await t.tokenFor('auditor', 'aud-1');
    const incident = await t.http
      .post('/v1/audit/incidents')
      .auth(auditor, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({
        summary: 'Scores drift for one region',
        severity: 'serious',
        detectedAt: '2026-10-01T08:00:00Z',
      });
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    return {
      seekerId,
      setId,
      itemId,
      publishedSetId: published.id,
      publishedItemId,
      modelId: (models.body.items as Array<{ id: string }>)[0]?.id ?? '',
      incidentId: incident.body.incidentId,
    };
  }

  /**
   * A new set of the person's that its counselor decided and handed on to a second review, which
   * the second reviewer read: one an approval or a return may be given on. Returns its id.
   */
  async function handOnToSecondReview(seekerId: string): Promise<string> {
    const counselor = await t.tokenFor('counselor', 'c-001');
    await putSettings(t, { secondReviewRate: 1 });
    const { set } = await createSet(t, counselor, seekerId);
    await putSettings(t, { secondReviewRate: 0 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag);
    expect(handed.body.status, JSON.stringify(handed.body)).toBe('awaiting_second_review');
    await readSet(t, await t.tokenFor('counselor', SECOND_REVIEWER), set.id);
    return set.id;
  }

  /** The If-Match a set-changing operation needs now: the set's current ETag. */
  async function currentEtag(setId: string): Promise<string> {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const res = await t.http.get(`/v1/recommendations/${setId}`).auth(counselor, { type: 'bearer' });
    return String(res.headers.etag);
  }

  afterAll(() => t.close());

  function baseFor(op: DocumentedOperation, w: Record<string, string>): BaseRequest {
    const audit = { 'X-Audit-Purpose': 'quarterly oversight review' };
    const fill = (values: Record<string, string>) =>
      op.template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'sample-1');
    const role = (op.roles?.[0] ?? 'admin') as Role;
    const counselorId = op.operationId === 'secondReviewRecommendationSet' ? SECOND_REVIEWER : 'c-001';
    const subject =
      role === 'job_seeker' ? (w.seekerId ?? '') : role === 'counselor' ? counselorId : `${role}-1`;
    const publishedItem = isPortalOperation(op) || op.operationId === 'replyToContest';
    const path = fill({
      seekerId: w.seekerId ?? '',
      courseId: 'LYON-AS-1',
      setId:
        op.operationId === 'retractRecommendationSet' || publishedItem
          ? (w.publishedSetId ?? '')
          : (w.setId ?? ''),
      itemId: publishedItem ? (w.publishedItemId ?? '') : (w.itemId ?? ''),
      modelId: w.modelId ?? '',
      incidentId: w.incidentId ?? '',
    });
    const headers: Record<string, string> = {};
    if (op.requiredHeaders.includes('X-Audit-Purpose')) Object.assign(headers, audit);
    if (op.requiredHeaders.includes('X-Access-Request')) headers['X-Access-Request'] = 'DSAR-2026-0142';
    if (op.requiredHeaders.includes('Idempotency-Key')) headers['Idempotency-Key'] = newIdempotencyKey();
    const bodies: Record<string, Record<string, unknown>> = {
      putJobSeeker: { ...aJobSeeker() },
      recordObjectionForJobSeeker: { channel: 'phone', comment: 'par téléphone' },
      putCourseOutcome: { entered: true, employedWithinSixMonths: null, observedAt: '2026-09-01' },
      putCourse: { ...aCourse() },
      createRecommendations: { limit: 3 },
      decideRecommendationItem: {
        decision: 'reject',
        reasonCode: 'not_matching_project',
        comment: 'trop loin',
      },
      replyToContest: { message: 'Nous avons revu votre dossier.' },
      addRecommendationItem: { courseId: 'LYON-SEC', reason: 'projet de reconversion' },
      orderRecommendationItems: { itemIds: [w.itemId] },
      submitShortlist: { courseIds: ['LYON-AS-1'] },
      publishRecommendationSet: { message: 'Bonne lecture' },
      secondReviewRecommendationSet: { decision: 'approve', comment: 'ok' },
      discardRecommendationSet: { reason: 'profil incomplet' },
      retractRecommendationSet: { reason: 'erreur de catalogue' },
      putSettings: {
        aiEnabled: true,
        blindFirst: false,
        secondReviewRate: 0,
        setTtlHours: 168,
        fastDecisionSeconds: 10,
      },
      giveFeedback: { response: 'interested', comment: 'merci' },
      objectToAiProcessing: { comment: 'je préfère sans' },
      registerModel: { folder: 'models/none', sha256: 'a'.repeat(64) },
      activateModel: { reason: 'retour arrière' },
      recallModel: { reason: 'défaut constaté' },
      recordIncident: {
        summary: 'Scores drift',
        severity: 'serious',
        detectedAt: '2026-10-01T08:00:00Z',
        setIds: [w.setId],
      },
      recordIncidentNotification: {
        recipient: 'authority',
        notifiedAt: '2026-10-01T08:00:00Z',
        reference: 'REF-1',
      },
    };
    const queries: Record<string, Record<string, string>> = {
      listCourses: { q: 'soins', occupation: 'J1501', near: '45.7,4.8', withinKm: '30', limit: '10' },
      listRecommendations: { status: 'pending_review', seekerId: 'js-1', limit: '10' },
      listAuditEvents: { from: '2026-01-01T00:00:00Z', type: 'item.decided', limit: '10' },
      exportAuditEvents: { format: 'csv' },
      verifyAuditLog: { fromSeq: '1', toSeq: '5' },
      putJobSeeker: { reEnrol: 'false' },
      getOversightStats: { fastDecisionSeconds: '10' },
    };
    const otherBodies: Record<string, Array<Record<string, unknown>>> = {
      secondReviewRecommendationSet: [{ decision: 'return', comment: 'Vérifier les dates.' }],
    };
    return {
      path,
      role,
      subject,
      headers,
      query: queries[op.operationId] ?? {},
      ...(bodies[op.operationId] === undefined ? {} : { body: bodies[op.operationId] }),
      ...(otherBodies[op.operationId] === undefined ? {} : { otherBodies: otherBodies[op.operationId] }),
    };
  }

  async function snapshot(): Promise<string> {
    const db = t.container.db;
    const hash = crypto.createHash('sha256');
    for (const table of [
      'decision_events',
      'recommendation_sets',
      'recommendation_items',
      'job_seekers',
      'courses',
      'feedback',
      'settings',
      'models',
      'contest_replies',
      'course_outcomes',
      'idempotency_keys',
    ]) {
      const rows: unknown[] = await db(table).select();
      hash.update(table).update(JSON.stringify(rows.map((row) => JSON.stringify(row)).sort()));
    }
    return hash.digest('hex');
  }

  it('tells the person’s own calls by the contract’s tag, which names every operation a job seeker calls and no other', () => {
    const documented = listDocumentedOperations();
    expect(documented.filter(isPortalOperation).map((op) => op.operationId)).toEqual(
      documented.filter((op) => op.roles?.includes('job_seeker') === true).map((op) => op.operationId),
    );
  });

  // A recall leaves no model to suggest with: walked last.
  const operations = listDocumentedOperations()
    .filter((op) => op.roles !== undefined)
    .sort((a, b) => Number(a.operationId === 'recallModel') - Number(b.operationId === 'recallModel'));

  it.each(operations.map((op) => [op.operationId, op] as const))(
    '%s answers malformed input with a declared 4xx problem, and a refused write changes nothing',
    async (_id, op) => {
      const declared = Object.keys(document.paths[op.template]?.[op.method]?.responses ?? {});
      const w = await worldFor(op);
      const base = baseFor(op, w);
      // The valid request last: it may change what the others are refused on.
      const mutations: Mutation[] = [...mutationsFor(op, base), { label: 'the valid base request' }];
      let setId = base.path.match(/\/recommendations\/([0-9a-f-]{36})/)?.[1];
      const takesIfMatch = op.method !== 'get' && setId !== undefined && op.template.includes('{setId}/');
      const problems: string[] = [];
      for (const mutation of mutations) {
        const token = await t.tokenFor(base.role, base.subject);
        if (takesIfMatch && setId !== undefined) base.headers['If-Match'] = await currentEtag(setId);
        const before = op.method === 'get' ? '' : await snapshot();
        const query = mutation.query ?? new URLSearchParams(base.query).toString();
        const url = `${mutation.path ?? base.path}${query === '' ? '' : `?${query}`}`;
        let call = t.http[op.method](url).auth(token, { type: 'bearer' });
        for (const [name, value] of Object.entries({ ...base.headers, ...mutation.headers }))
          call = call.set(name, value as string);
        let res: Awaited<typeof call>;
        try {
          if (mutation.raw !== undefined) {
            if (mutation.raw.contentType !== undefined)
              call = call.set('Content-Type', mutation.raw.contentType);
            if (mutation.raw.encoding !== undefined)
              call = call.set('Content-Encoding', mutation.raw.encoding);
            res = await call.send(mutation.raw.bytes);
          } else if (
            op.method === 'get' ||
            op.method === 'delete' ||
            (base.body === undefined && mutation.body === undefined)
          ) {
            res = await call;
          } else {
            res = await call
              .set('Content-Type', 'application/json')
              .send(JSON.stringify(mutation.body ?? base.body));
          }
        } catch (error) {
          problems.push(`${mutation.label}: no answer (${String(error)})`);
          continue;
        }
        const where = `${mutation.label} → ${res.status} ${res.text.slice(0, 300)}`;
        if (res.status >= 500) {
          problems.push(`5xx: ${where}`);
          continue;
        }
        // An accepted second review ends it: the next input is walked on a new set awaiting one.
        if (op.operationId === 'secondReviewRecommendationSet' && res.status < 300 && setId !== undefined) {
          const next = await handOnToSecondReview(w.seekerId ?? '');
          base.path = base.path.replace(setId, next);
          setId = next;
        }
        if (res.status >= 400) {
          if (!declared.includes(String(res.status))) problems.push(`undeclared: ${where}`);
          if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
            problems.push(`not problem+json: ${where}`);
          const body = res.body as Record<string, unknown>;
          for (const member of ['type', 'title', 'detail'])
            if (typeof body[member] !== 'string' || body[member] === '')
              problems.push(`no ${member}: ${where}`);
          if (body.status !== res.status) problems.push(`status member differs: ${where}`);
          // A refused member is named, so that the caller knows which one to mend: in the detail, or,
          // on the person's own calls (whose detail speaks to them in French), in the field errors.
          if (mutation.field !== undefined && res.status === 400 && !namesMember(op, body, mutation.field))
            problems.push(`the answer does not name ${mutation.field}: ${where}`);
          if (op.method !== 'get') {
            const after = await snapshot();
            if (after !== before) problems.push(`changed the database: ${where}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
    300_000,
  );
});
