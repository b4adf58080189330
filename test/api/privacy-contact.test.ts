import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createAndPublish, requestAccessRecord, seedCatalogAndSeeker } from '../support/workflow.ts';

const CONTACT = 'dpo@agence.example, 1 rue de la Paix, 75002 Paris';

/** Where a person is told to ask about their data: the explanation's "how to contest" and the access record. */
describe('how the person reaches the data protection officer', () => {
  // Each case starts its own app; the first one's calls make the process's validator compile the
  // workflow's operations (a dozen, with response validation): ~13 s alone, over 30 s seen with the
  // whole suite on both engines.
  const CASE_TIMEOUT_MS = 90_000;
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  /** What a person of an app started with `env` reads: the explanation's text, and the erasure right. */
  async function readContactTexts(env: Record<string, string>) {
    const t = await startTestApp({ env, now: aClock().now });
    apps.push(t);
    await seedCatalogAndSeeker(t, 'js-dpo');
    const set = await createAndPublish(t, await t.tokenFor('counselor', 'c-001'), 'js-dpo', { approve: 1 });
    const item = set.items.find((candidate) => candidate.decision === 'approved');
    const explanation = await t.http
      .get(`/v1/me/recommendations/${item?.itemId}/explanation`)
      .auth(await t.tokenFor('job_seeker', 'js-dpo'), { type: 'bearer' });
    const record = await requestAccessRecord(
      t,
      await t.tokenFor('admin', 'ops-1'),
      'js-dpo',
      'DSAR-2026-0001',
    );
    expect(explanation.status).toBe(200);
    expect(record.status).toBe(200);
    const rights = record.body.processing.rights as Array<{ right: string; how: string }>;
    return {
      howToContest: String(explanation.body.howToContest),
      erasure: String(rights.find((right) => right.right === 'erasure')?.how),
    };
  }

  it(
    'gives the configured contact (PRIVACY_CONTACT) wherever the person is told to write to the officer',
    async () => {
      const texts = await readContactTexts({ PRIVACY_CONTACT: CONTACT });
      expect(texts.howToContest).toContain(`délégué à la protection des données (${CONTACT})`);
      expect(texts.erasure).toContain(`délégué à la protection des données (${CONTACT})`);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'says the agency gives it when none is configured',
    async () => {
      const texts = await readContactTexts({});
      expect(texts.howToContest).toContain('(votre agence vous donne ses coordonnées)');
      expect(texts.erasure).toContain('(votre agence vous donne ses coordonnées)');
    },
    CASE_TIMEOUT_MS,
  );
});
