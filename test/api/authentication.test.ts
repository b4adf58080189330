import { generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../../src/auth/mint-token.ts';
import { type DocumentedOperation, listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const securedOperations = listDocumentedOperations().filter((op) => op.roles !== undefined);

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

describe('authentication', () => {
  let t: TestApp;
  const badTokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    const keys = t.container.localKeys;
    if (keys === undefined) throw new Error('local keys expected');
    const auth = t.config.auth;
    const now = Math.floor(Date.now() / 1000);
    const claims = { roles: ['counselor', 'job_seeker', 'auditor', 'admin', 'integration'] };
    const signed = (issuer: string, audience: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('c-001')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(keys.privateKey);

    badTokens.expired = await mintLocalToken(auth, keys, {
      subject: 'c-001',
      roles: ['admin'],
      expiresInSeconds: -3600,
    });
    badTokens['wrong issuer'] = await signed('https://evil.example', auth.audience);
    badTokens['wrong audience'] = await signed(auth.issuer, 'another-api');
    const payload = { ...claims, sub: 'c-001', iss: auth.issuer, aud: auth.audience, exp: now + 600 };
    badTokens['alg none'] =
      `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.`;
    const stranger = await generateKeyPair('ES256');
    badTokens['unknown key id'] = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'not-our-key' })
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setSubject('c-001')
      .setExpirationTime(now + 600)
      .sign(stranger.privateKey);
    const valid = await signed(auth.issuer, auth.audience);
    const [header, body, signature = ''] = valid.split('.');
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    badTokens['bad signature'] = `${header}.${body}.${flipped}`;
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(keys.publicJwk as JWK));
    badTokens['HS256 signed with the public key'] = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: keys.kid })
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setSubject('c-001')
      .setExpirationTime(now + 600)
      .sign(publicKeyBytes);
    const oddSubjects: [string, string][] = [
      ['a NUL in its subject', 'c-001\u0000'],
      ['a bidirectional override in its subject', 'c-\u202e100'],
      // Stored as one U+FFFD by PostgreSQL and otherwise by SQLite, hashed as U+FFFD into the
      // pseudonym: `c-\ud800` and `c-\udbff` would be one person in the log.
      ['half of a surrogate pair in its subject', 'c-\ud800'],
      ['a subject of 65 characters, longer than any id the product stores', 'c'.repeat(65)],
      // Shown in the log, the settings' last change or a model's registration as nobody, or as another
      // id: "c-001" and "c-001 " would be two authors that read alike.
      ['a subject of spaces only', '   '],
      ['a subject ending in a space', 'c-001 '],
      ['a subject starting with a no-break space', '\u00a0c-001'],
    ];
    for (const [name, subject] of oddSubjects) {
      badTokens[name] = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
        .setIssuer(auth.issuer)
        .setAudience(auth.audience)
        .setSubject(subject)
        .setExpirationTime(now + 600)
        .sign(keys.privateKey);
    }
    badTokens['a role the API does not know beside a known one'] = await new SignJWT({
      roles: ['counselor', 'superuser'],
    })
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setSubject('c-001')
      .setExpirationTime(now + 600)
      .sign(keys.privateKey);
    badTokens['no roles claim'] = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setSubject('c-001')
      .setExpirationTime(now + 600)
      .sign(keys.privateKey);
  });
  afterAll(() => t.close());

  function send(op: DocumentedOperation, token: string | undefined) {
    const request = t.http[op.method](op.samplePath);
    return token === undefined ? request : request.set('Authorization', `Bearer ${token}`);
  }

  it.each(securedOperations.map((op) => [op.operationId, op] as const))(
    'refuses %s without a token, with 401 problem+json and WWW-Authenticate',
    async (_id, op) => {
      const res = await send(op, undefined);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="aiguillage"/);
      expect(res.body).toMatchObject({ status: 401, title: 'Authentication required' });
    },
  );

  const cases = [
    'expired',
    'wrong issuer',
    'wrong audience',
    'alg none',
    'unknown key id',
    'bad signature',
    'HS256 signed with the public key',
    'no roles claim',
    'a role the API does not know beside a known one',
    'a NUL in its subject',
    'a bidirectional override in its subject',
    'half of a surrogate pair in its subject',
    'a subject of 65 characters, longer than any id the product stores',
    'a subject of spaces only',
    'a subject ending in a space',
    'a subject starting with a no-break space',
  ];
  it.each(cases)('refuses a token with %s on every secured operation', async (kind) => {
    const token = badTokens[kind];
    expect(token).toBeDefined();
    for (const op of securedOperations) {
      const res = await send(op, token);
      expect(res.status, `${op.operationId} with ${kind}`).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
  });

  it("says how to mint a token the API knows when one is signed with another data folder's key", async () => {
    const res = await t.http.get('/v1/courses').auth(String(badTokens['unknown key id']), { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe(
      "the token was signed with an unknown key: mint it with `npm run token` and the API's own DATA_DIR",
    );
  });

  it('refuses a header that is not a bearer token', async () => {
    const res = await t.http.get('/v1/courses').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(res.status).toBe(401);
  });

  it('takes a subject of 64 characters, the longest id the product stores, for an act it keeps the author of', async () => {
    const admin = await t.tokenFor('admin', 'a'.repeat(64));
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(read.status).toBe(200);
    const { lastChange: _, ...settings } = read.body;
    const changed = { ...settings, blindFirst: !settings.blindFirst };
    const res = await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(changed);
    expect(res.status).toBe(200);
    expect(res.body.lastChange.by).toBe('a'.repeat(64));
    await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(settings);
  });

  it('says why a subject longer than any id the product stores was refused', async () => {
    const res = await t.http
      .get('/v1/courses')
      .auth(await t.tokenFor('counselor', 'c'.repeat(65)), { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/at most 64 characters/);
  });

  it('says why a subject of spaces only, or starting or ending with a space, was refused', async () => {
    for (const kind of ['a subject of spaces only', 'a subject ending in a space']) {
      const res = await t.http.get('/v1/courses').auth(badTokens[kind] ?? '', { type: 'bearer' });
      expect(res.status, kind).toBe(401);
      expect(res.body.detail, kind).toMatch(/no white space at its start or end/);
    }
  });

  it('says why an expired token was refused', async () => {
    const res = await t.http.get('/v1/courses').auth(badTokens.expired ?? '', { type: 'bearer' });
    expect(res.body.detail).toBe('the token has expired');
  });
});
