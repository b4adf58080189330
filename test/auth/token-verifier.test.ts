import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalKeys, loadOrCreateLocalKeys } from '../../src/auth/local-keys.ts';
import { mintLocalToken } from '../../src/auth/mint-token.ts';
import { AuthenticationError, type Principal } from '../../src/auth/principal.ts';
import {
  createTokenVerifier,
  rememberVerifiedTokens,
  type SignatureVerifier,
  VERIFIED_TOKEN_CACHE_SIZE,
} from '../../src/auth/token-verifier.ts';
import { loadConfig } from '../../src/config.ts';

const START = Date.parse('2026-11-29T09:00:00Z');
const TTL_MS = 60_000;

/** A signature check that counts its calls and accepts every token for `lifetimeMs`. */
function countingVerifier(clock: { now: number }, lifetimeMs = 3_600_000) {
  const calls: string[] = [];
  const verify: SignatureVerifier = async (token) => {
    calls.push(token);
    return {
      principal: { subject: `sub-of-${token}`, roles: ['counselor'] },
      expiresAt: clock.now + lifetimeMs,
    };
  };
  return { calls, verify };
}

/** A full garbage collection, finalizers run: what nothing holds any more is gone. */
async function collectGarbage(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let round = 0; round < 3; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('remembering verified tokens', () => {
  it('tells a token it takes as verified from one it would have to check, without checking either', async () => {
    const clock = { now: START };
    const { calls, verify } = countingVerifier(clock);
    const verifier = rememberVerifiedTokens(verify, { ttlMs: TTL_MS, now: () => clock.now });

    expect(verifier.remembers('t1')).toBe(false);
    await verifier('t1');
    expect(verifier.remembers('t1')).toBe(true);
    expect(verifier.remembers('t2')).toBe(false);
    clock.now += TTL_MS;
    expect(verifier.remembers('t1')).toBe(false);
    expect(calls).toEqual(['t1']);
  });

  it('does not take a token that failed its check as verified', async () => {
    const verifier = rememberVerifiedTokens(
      async () => {
        throw new AuthenticationError('the token does not verify');
      },
      { ttlMs: TTL_MS, now: () => START },
    );
    await expect(verifier('forged')).rejects.toThrow('does not verify');
    expect(verifier.remembers('forged')).toBe(false);
  });

  it('checks a token once, then takes it as verified until the TTL ends', async () => {
    const clock = { now: START };
    const { calls, verify } = countingVerifier(clock);
    const verifier = rememberVerifiedTokens(verify, { ttlMs: TTL_MS, now: () => clock.now });

    expect(await verifier('t1')).toEqual({ subject: 'sub-of-t1', roles: ['counselor'] });
    clock.now += TTL_MS - 1;
    await verifier('t1');
    expect(calls).toEqual(['t1']);
    clock.now += 1;
    await verifier('t1');
    expect(calls).toEqual(['t1', 't1']);
  });

  it('never takes a token as verified past its own expiry', async () => {
    const clock = { now: START };
    const { calls, verify } = countingVerifier(clock, 10_000);
    const verifier = rememberVerifiedTokens(verify, { ttlMs: TTL_MS, now: () => clock.now });

    await verifier('short');
    clock.now += 9_999;
    await verifier('short');
    expect(calls).toHaveLength(1);
    clock.now += 1;
    await verifier('short');
    expect(calls).toHaveLength(2);
  });

  it('does not remember a refused token', async () => {
    let refuse = true;
    let calls = 0;
    const verifier = rememberVerifiedTokens(
      async () => {
        calls += 1;
        if (refuse) throw new AuthenticationError("the token's signature is invalid");
        return { principal: { subject: 'c-1', roles: ['counselor'] }, expiresAt: START + 3_600_000 };
      },
      { ttlMs: TTL_MS, now: () => START },
    );

    await expect(verifier('t')).rejects.toThrow(AuthenticationError);
    await expect(verifier('t')).rejects.toThrow(AuthenticationError);
    refuse = false;
    await expect(verifier('t')).resolves.toEqual({ subject: 'c-1', roles: ['counselor'] });
    expect(calls).toBe(3);
  });

  it('keeps the most recently used tokens up to its capacity', async () => {
    const clock = { now: START };
    const { calls, verify } = countingVerifier(clock);
    const verifier = rememberVerifiedTokens(verify, { ttlMs: TTL_MS, now: () => clock.now });

    for (let i = 0; i < VERIFIED_TOKEN_CACHE_SIZE; i += 1) await verifier(`t${i}`);
    await verifier('t0');
    await verifier('one more');
    calls.length = 0;
    // "t1" was the least recently used: it made room for "one more"; "t0" was used again and stayed.
    await verifier('t0');
    await verifier('one more');
    expect(calls).toEqual([]);
    await verifier('t1');
    expect(calls).toEqual(['t1']);
  });

  it('forgets a token and its person a minute after its last use, however few other tokens come', async () => {
    // An erased person's id must not stay in a quiet process's memory (record 0006): a remembered
    // token used to stay until a thousand other tokens had pushed it out.
    const clock = { now: START };
    const held = new Set<string>();
    const forgotten = new FinalizationRegistry<string>((token) => held.delete(token));
    const verifier = rememberVerifiedTokens(
      async (token) => {
        const principal: Principal = { subject: `sub-of-${token}`, roles: ['job_seeker'] };
        held.add(token);
        forgotten.register(principal, token);
        return { principal, expiresAt: clock.now + 3_600_000 };
      },
      { ttlMs: TTL_MS, now: () => clock.now },
    );

    await verifier('js-erased');
    clock.now += TTL_MS;
    await verifier('another');
    await collectGarbage();

    expect([...held]).toEqual(['another']);
  });

  it('forgets a token and its person a minute after its last use, though no other request comes', async () => {
    // A quiet process must not keep an erased person's token and id past AUTH_VERIFIED_TOKEN_SECONDS:
    // it used to drop them only at the next request carrying a token.
    const clock = { now: START };
    const held = new Set<string>();
    const forgotten = new FinalizationRegistry<string>((token) => held.delete(token));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const verifier = rememberVerifiedTokens(
        async (token) => {
          const principal: Principal = { subject: `sub-of-${token}`, roles: ['job_seeker'] };
          held.add(token);
          forgotten.register(principal, token);
          return { principal, expiresAt: clock.now + 3_600_000 };
        },
        { ttlMs: TTL_MS, now: () => clock.now },
      );
      await verifier('js-erased');
      clock.now += TTL_MS;
      vi.advanceTimersByTime(TTL_MS);
    } finally {
      vi.useRealTimers();
    }
    await collectGarbage();

    expect([...held]).toEqual([]);
  });

  it('hands out a copy: changing a principal changes nothing remembered', async () => {
    const clock = { now: START };
    const verifier = rememberVerifiedTokens(countingVerifier(clock).verify, {
      ttlMs: TTL_MS,
      now: () => clock.now,
    });
    const first: Principal = await verifier('t');
    first.roles.push('admin');
    first.subject = 'someone else';
    expect(await verifier('t')).toEqual({ subject: 'sub-of-t', roles: ['counselor'] });
  });
});

describe('createTokenVerifier', () => {
  let dataDir: string;
  let keys: LocalKeys;
  const config = loadConfig({ NODE_ENV: 'test' });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-token-'));
    keys = await loadOrCreateLocalKeys(dataDir);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const tokenFor = (subject: string) =>
    mintLocalToken(config.auth, keys, { subject, roles: ['counselor'], expiresInSeconds: 600 });

  it("checks a token's signature once within AUTH_VERIFIED_TOKEN_SECONDS", async () => {
    const verifier = createTokenVerifier(config.auth, keys.publicJwk);
    const token = await tokenFor('c-2');
    expect(config.auth.verifiedTokenSeconds).toBe(60);
    expect(verifier.remembers(token)).toBe(false);
    await expect(verifier(token)).resolves.toEqual({ subject: 'c-2', roles: ['counselor'] });
    // Remembered: the next call within the window answers without checking the signature again.
    expect(verifier.remembers(token)).toBe(true);
    await expect(verifier(token)).resolves.toEqual({ subject: 'c-2', roles: ['counselor'] });
  });

  it('checks it on every request when AUTH_VERIFIED_TOKEN_SECONDS is 0', async () => {
    const everyTime = loadConfig({ NODE_ENV: 'test', AUTH_VERIFIED_TOKEN_SECONDS: '0' });
    const verifier = createTokenVerifier(everyTime.auth, keys.publicJwk);
    const token = await tokenFor('c-3');
    await expect(verifier(token)).resolves.toEqual({ subject: 'c-3', roles: ['counselor'] });
    await expect(verifier(token)).resolves.toEqual({ subject: 'c-3', roles: ['counselor'] });
    expect(verifier.remembers(token)).toBe(false);
  });

  it('refuses a remembered token once its expiry (with the clock tolerance) has passed', async () => {
    const clock = { now: Date.now() };
    const verifier = createTokenVerifier(config.auth, keys.publicJwk, { now: () => clock.now });
    const token = await mintLocalToken(config.auth, keys, {
      subject: 'c-1',
      roles: ['counselor'],
      expiresInSeconds: 20,
    });

    await expect(verifier(token)).resolves.toEqual({ subject: 'c-1', roles: ['counselor'] });
    clock.now += (20 + config.auth.clockToleranceSeconds - 2) * 1000;
    await expect(verifier(token)).resolves.toEqual({ subject: 'c-1', roles: ['counselor'] });
    clock.now += 3_000;
    await expect(verifier(token)).rejects.toThrow('the token has expired');
  });
});
