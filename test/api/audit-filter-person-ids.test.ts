import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLoggedTextRefusal, trackAppended } from '../support/logged-text-refusals.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createAndPublish, seedCatalogAndSeeker } from '../support/workflow.ts';

const PURPOSE = 'suite à une réclamation';
const SEEKER = 'js-filtered';

/** The words of the refusal for a person's id in a filter, whoever the person is. */
const FILTER_REFUSAL =
  /parameter holds the id of a person the decision log names, and the log keeps the filters it is given readable for good, naming people only by pseudonym: .* instead\. This refusal is recorded in the decision log/;

/** What each filter takes instead, as the refusal asks for it. */
const SEND_INSTEAD = {
  subject: 'give the job seeker’s pseudonym (the `subject` of their events) instead.',
  actor: 'give the actor’s pseudonym (the `actor` of their events) instead.',
  modelVersion: 'give the version of a model instead.',
  modelId: 'give the id of a registered model instead.',
} as const;

/**
 * `audit.queried` keeps its `filters` in clear for good, beside its purpose. The purpose is refused
 * when it holds the id of a person the log names (record 0018); the filters are checked the same way:
 * `subject` and `actor` take any token of `[A-Za-z0-9._:-]{1,64}` (the `Pseudonym` schema) and
 * `modelVersion` any text, and an auditor who types the job seeker's id where the pseudonym goes
 * would leave that id in the log, where no erasure reaches it.
 */
describe('the filters an auditor gives, as audit.queried keeps them', () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor', 'aud-1');
    await seedCatalogAndSeeker(t, SEEKER);
    await createAndPublish(t, await t.tokenFor('counselor', 'c-001'), SEEKER, { approve: 1 });
  });
  afterAll(() => t.close());

  const payloadsHolding = async (text: string) =>
    (await t.container.db('decision_events').select('type', 'payload')).filter((row) =>
      String(typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload)).includes(text),
    );
  const read = (path: string, filter: Record<string, string>) =>
    t.http.get(path).query(filter).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', PURPOSE);

  for (const path of ['/v1/audit/events', '/v1/audit/events/export'] as const) {
    const operation = path.endsWith('export') ? 'exportAuditEvents' : 'listAuditEvents';
    for (const [parameter, id] of [
      ['subject', SEEKER],
      ['actor', SEEKER],
      ['actor', 'c-001'],
      ['modelVersion', SEEKER],
      ['modelId', SEEKER],
    ] as const) {
      it(`refuses the id of a person the log names (${id}) as the ${parameter} filter of ${operation}, naming the parameter, and keeps it nowhere`, async () => {
        const { result: res, appended } = await trackAppended(t, () => read(path, { [parameter]: id }));
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'https://aiguillage.example/problems/invalid-input',
          parameter,
        });
        expect(res.body.detail).toMatch(`the ${parameter} parameter`);
        expect(res.body.detail).toMatch(FILTER_REFUSAL);
        // The refusal alone is logged, as the purpose's is: the operation and the parameter, never the value.
        expect(appended).toEqual([
          aLoggedTextRefusal(t, { role: 'auditor', id: 'aud-1' }, operation, { parameter }),
        ]);
        expect((await payloadsHolding(id)).map((row) => row.type)).toEqual([]);
      });

      it(`says once, of the id of a person (${id}) as the ${parameter} filter of ${operation}, what was wrong and what to send instead`, async () => {
        const res = await read(path, { [parameter]: id });
        expect(res.status).toBe(422);
        const [wrong] = String(res.body.detail).split('. This refusal is recorded');
        expect(`${wrong}.`).toBe(
          `the ${parameter} parameter holds the id of a person the decision log names, and the log keeps the ` +
            `filters it is given readable for good, naming people only by pseudonym: ${SEND_INSTEAD[parameter]}`,
        );
      });
    }
  }

  it('answers a query on the person’s pseudonym, and refuses a model version that mentions sensitive details, which the log would keep readable', async () => {
    const pseudonym = t.container.decisionLog.pseudonymiser.pseudonymise(SEEKER);
    for (const parameter of ['subject', 'actor'] as const) {
      expect((await read('/v1/audit/events', { [parameter]: pseudonym })).status).toBe(200);
    }
    expect((await read('/v1/audit/events', { modelVersion: '1.1.0' })).status).toBe(200);
    expect((await payloadsHolding(pseudonym)).filter((row) => row.type === 'audit.queried')).toHaveLength(2);

    const { result: res, appended } = await trackAppended(t, () =>
      read('/v1/audit/events', { modelVersion: 'suivi des personnes handicapées' }),
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ parameter: 'modelVersion' });
    expect(appended).toEqual([]);
  });
});
