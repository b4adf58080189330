import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsStore } from '../../src/settings/settings-store.ts';
import { aJobSeeker } from '../support/builders.ts';
import { createGate } from '../support/gate.ts';
import { aListOfTimestamps, anIdLikeText } from '../support/id-like-text.ts';
import { aLoggedTextRefusal, PERSON_ID_REFUSAL, trackAppended } from '../support/logged-text-refusals.ts';
import { withoutInstance } from '../support/problem-body.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock } from '../support/workflow.ts';

const DEFAULTS = {
  aiEnabled: true,
  blindFirst: false,
  secondReviewRate: 0,
  setTtlHours: 168,
  fastDecisionSeconds: 10,
};

describe('settings API', () => {
  const clock = aClock();
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('starts from the documented defaults, changed by nobody: no last change', async () => {
    const res = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...DEFAULTS, lastChange: null });
  });

  it('replaces the settings, says who changed them and when, and logs what changed', async () => {
    const next = { ...DEFAULTS, aiEnabled: false, secondReviewRate: 0.25 };
    const res = await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(next);
    expect(res.status).toBe(200);
    const at = clock.now().toISOString();
    expect(res.body).toEqual({
      ...next,
      lastChange: { by: 'ops-1', at, reason: null },
    });
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(read.body).toEqual(res.body);

    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['settings.changed'] });
    const last = events.at(-1);
    expect(last?.actor.role).toBe('admin');
    expect(last?.actor.pseudonym).not.toBe('ops-1');
    expect(last?.payload.changes).toEqual([
      { setting: 'aiEnabled', from: true, to: false },
      { setting: 'secondReviewRate', from: 0, to: 0.25 },
    ]);
    await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(DEFAULTS);
  });

  it('logs why the settings changed when the admin says, for the auditors to read', async () => {
    const reason = 'Incident 2026-14 : suggestions suspendues le temps de l’analyse du modèle';
    const res = await t.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .send({ ...DEFAULTS, aiEnabled: false, changeReason: `  ${reason} ` });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('changeReason');
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['settings.changed'] });
    expect(events.at(-1)?.payload).toEqual({
      changes: [{ setting: 'aiEnabled', from: true, to: false }],
      reason,
    });
    await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(DEFAULTS);
  });

  it('shows who changed the settings last, when, and the reason they gave, as the log keeps it', async () => {
    clock.advance(60_000);
    const reason = 'Coupe-circuit levé : incident 2026-14 clos';
    const changed = await t.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .send({ ...DEFAULTS, blindFirst: true, changeReason: ` ${reason}  ` });
    expect(changed.status).toBe(200);
    const at = clock.now().toISOString();
    expect(changed.body.lastChange).toEqual({ by: 'ops-1', at, reason });
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(read.body).toMatchObject({
      lastChange: { by: 'ops-1', at, reason },
    });
    const [event] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['settings.changed'],
      afterSeq: (await t.container.decisionLog.decisionLog.readHead()).seq - 1,
    });
    expect(read.body.lastChange.reason).toBe(event?.payload.reason);
    expect(read.body.lastChange.at).toBe(event?.occurredAt);
  });

  it('shows no reason for a last change made without one, though the change before had one', async () => {
    clock.advance(60_000);
    const other = await t.tokenFor('admin', 'ops-2');
    const changed = await t.http.put('/v1/settings').auth(other, { type: 'bearer' }).send(DEFAULTS);
    expect(changed.status).toBe(200);
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(read.body.lastChange).toEqual({ by: 'ops-2', at: clock.now().toISOString(), reason: null });
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['settings.changed'] });
    expect(events.at(-1)?.payload).not.toHaveProperty('reason');
  });

  it('refuses a change reason that mentions sensitive details, since the log keeps it readable, changing nothing', async () => {
    const before = await t.container.decisionLog.decisionLog.readHead();
    const res = await t.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .send({ ...DEFAULTS, aiEnabled: false, changeReason: 'Plainte d’une personne handicapée' });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ field: 'changeReason', terms: expect.any(Array) });
    expect(res.body.detail).toMatch(/changeReason field is kept readable/);
    expect((await t.container.decisionLog.decisionLog.readHead()).seq).toBe(before.seq);
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(read.body.aiEnabled).toBe(true);
    expect(read.body.lastChange.reason).toBeNull();
  });

  it('refuses a change reason with a sensitive word in fullwidth letters or in its French form, as the plain English one', async () => {
    for (const changeReason of [
      'Plainte d’une personne ｈａｎｄｉｃａｐéｅ',
      'Plainte d’une personne sortie de l’hôpital la veille',
      'Plainte: personne sortie du hospital',
    ]) {
      const res = await t.http
        .put('/v1/settings')
        .auth(admin, { type: 'bearer' })
        .send({ ...DEFAULTS, aiEnabled: false, changeReason });
      expect(res.status, changeReason).toBe(422);
      expect(res.body).toMatchObject({ field: 'changeReason', terms: [expect.any(String)] });
    }
  });

  it('refuses a change reason holding the id of a job seeker the log is about, changing nothing and logging the refusal alone', async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    const synced = await t.http
      .put('/v1/job-seekers/js-named')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker());
    expect(synced.status).toBe(201);
    const { result: res, appended } = await trackAppended(t, () =>
      t.http
        .put('/v1/settings')
        .auth(admin, { type: 'bearer' })
        .send({ ...DEFAULTS, aiEnabled: false, changeReason: 'Signalé par le dossier js-named' }),
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'changeReason' });
    expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
    expect(appended).toEqual([
      aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'putSettings', { field: 'changeReason' }),
    ]);
    expect(JSON.stringify(appended)).not.toMatch(/js-named|Signalé/);
    expect((await t.http.get('/v1/settings').auth(admin, { type: 'bearer' })).body.aiEnabled).toBe(true);
  });

  it('refuses a change reason naming a job seeker or an admin by their id in another case, with another hyphen or in fullwidth letters, in the same words, and logs each refusal', async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    const synced = await t.http
      .put('/v1/job-seekers/js-2001')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker());
    expect(synced.status).toBe(201);
    const written = [
      'JS-2001',
      'Js-2001',
      'js\u20112001', // the non-breaking hyphen a word processor puts in
      'js\u20102001',
      'js\u20132001',
      'js\u22122001',
      'js\ufe632001',
      'ＪＳ－２００１',
      'OPS-1', // the admin who acted in the log
      'ops\u20111',
    ];
    const details = new Set<string>();
    for (const id of written) {
      const { result: res, appended } = await trackAppended(t, () =>
        t.http
          .put('/v1/settings')
          .auth(admin, { type: 'bearer' })
          .send({ ...DEFAULTS, aiEnabled: false, changeReason: `Plainte du dossier ${id}` }),
      );
      expect(res.status, `kept readable for good: Plainte du dossier ${id}`).toBe(422);
      expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
      details.add(JSON.stringify(withoutInstance(res.body)));
      expect(appended).toEqual([
        aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'putSettings', { field: 'changeReason' }),
      ]);
    }
    expect(details.size).toBe(1);
    expect((await t.http.get('/v1/settings').auth(admin, { type: 'bearer' })).body.aiEnabled).toBe(true);
    const plain = await t.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .send({ ...DEFAULTS, changeReason: 'Suite au TICKET INC‑2026‑118, SANS DOSSIER' });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
  });

  it('answers 422, never 500, to a change reason of more id-like pieces than are searched, and finds a job seeker’s id at the end of a long one', async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    const synced = await t.http
      .put('/v1/job-seekers/js-late')
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker());
    expect(synced.status).toBe(201);
    const before = await t.container.decisionLog.decisionLog.readHead();
    const put = (changeReason: string) =>
      t.http
        .put('/v1/settings')
        .auth(admin, { type: 'bearer' })
        .send({ ...DEFAULTS, aiEnabled: false, changeReason });

    const idLike = await put(anIdLikeText(500));
    expect(idLike.status, JSON.stringify(idLike.body)).toBe(422);
    expect(idLike.body).toMatchObject({ field: 'changeReason' });
    expect(idLike.body.detail).toMatch(
      /more than 10,000 pieces that could be ids: say why the settings change in words/,
    );
    expect((await t.container.decisionLog.decisionLog.readHead()).seq).toBe(before.seq);
    const named = await put(`Relevés ${aListOfTimestamps(18)}, dossier js-late`);
    expect(named.status, JSON.stringify(named.body)).toBe(422);
    expect(named.body.detail).toMatch(PERSON_ID_REFUSAL);

    const plain = await put(`Relevés ${aListOfTimestamps(18)}, aucun dossier`);
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(DEFAULTS);
  });

  it('refuses a change reason naming an admin who acted in the log, says to refer to the role, and logs the refusal', async () => {
    const changed = await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(DEFAULTS);
    expect(changed.status).toBe(200);
    const { result: res, appended } = await trackAppended(t, () =>
      t.http
        .put('/v1/settings')
        .auth(admin, { type: 'bearer' })
        .send({ ...DEFAULTS, aiEnabled: false, changeReason: 'Arrêt demandé par ops-1' }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ field: 'changeReason' });
    expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
    expect(appended).toEqual([
      aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'putSettings', { field: 'changeReason' }),
    ]);
  });

  it('keeps who threw the kill switch and why, and its ETag, when a later PUT changes no setting', async () => {
    clock.advance(60_000);
    const reason = 'Incident 2026-15 : suggestions suspendues le temps de l’analyse';
    const thrown = await t.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .send({ ...DEFAULTS, aiEnabled: false, changeReason: reason });
    expect(thrown.status).toBe(200);
    const lastChange = { by: 'ops-1', at: clock.now().toISOString(), reason };
    clock.advance(60_000);
    const other = await t.tokenFor('admin', 'ops-2');
    const same = await t.http
      .put('/v1/settings')
      .auth(other, { type: 'bearer' })
      .send({ ...DEFAULTS, aiEnabled: false });
    expect(same.status).toBe(200);
    expect(same.headers.etag).toBe(thrown.headers.etag);
    expect(same.body.lastChange).toEqual(lastChange);
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(read.headers.etag).toBe(thrown.headers.etag);
    expect(read.body).toEqual({ ...DEFAULTS, aiEnabled: false, lastChange });
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['settings.changed'] });
    expect(events.at(-1)?.payload).toEqual({ changes: [] });
    await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(DEFAULTS);
  });

  it('takes back the body GET returned, changed where needed: who, when and why are the service’s own', async () => {
    const read = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    clock.advance(60_000);
    const edited = {
      ...read.body,
      blindFirst: true,
      lastChange: { by: 'someone-else', at: '2026-01-01T00:00:00.000Z', reason: 'Une raison reprise' },
      // What an earlier version of the API answered, sent back by a script written then.
      updatedBy: 'someone-else',
      updatedAt: null,
    };
    const res = await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(edited);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const at = clock.now().toISOString();
    expect(res.body).toEqual({
      ...DEFAULTS,
      blindFirst: true,
      lastChange: { by: 'ops-1', at, reason: null },
    });
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['settings.changed'] });
    expect(events.at(-1)?.payload.changes).toEqual([{ setting: 'blindFirst', from: false, to: true }]);
    await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(DEFAULTS);
  });

  it.each([
    ['a rate above 1', { ...DEFAULTS, secondReviewRate: 1.5 }, '/body/secondReviewRate'],
    ['a lifetime of zero hours', { ...DEFAULTS, setTtlHours: 0 }, '/body/setTtlHours'],
    ['a fractional lifetime', { ...DEFAULTS, setTtlHours: 1.5 }, '/body/setTtlHours'],
    ['a kill switch that is not a boolean', { ...DEFAULTS, aiEnabled: 'no' }, '/body/aiEnabled'],
  ])('refuses %s with 400 naming the field', async (_name, body, path) => {
    const before = await t.container.decisionLog.decisionLog.readHead();
    const res = await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(before);
  });

  it('refuses a partial or unknown setting with 400', async () => {
    const { fastDecisionSeconds: _left, ...partial } = DEFAULTS;
    expect((await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(partial)).status).toBe(400);
    const extra = { ...DEFAULTS, autoApprove: true };
    expect((await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(extra)).status).toBe(400);
  });

  describe('If-Match', () => {
    const put = (body: object, ifMatch?: string) => {
      const request = t.http.put('/v1/settings').auth(admin, { type: 'bearer' });
      return (ifMatch === undefined ? request : request.set('If-Match', ifMatch)).send(body);
    };
    const read = () => t.http.get('/v1/settings').auth(admin, { type: 'bearer' });

    it('gives the settings an ETag that every change moves on', async () => {
      const first = await read();
      expect(first.headers.etag).toMatch(/^"\d+"$/);
      const changed = await put({ ...DEFAULTS, setTtlHours: 72 }, first.headers.etag);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      expect((await read()).headers.etag).toBe(changed.headers.etag);
      await put(DEFAULTS);
    });

    it('answers 304 with no body to If-None-Match holding the current ETag, and the settings once changed', async () => {
      const etag = String((await read()).headers.etag);
      const unchanged = await read().set('If-None-Match', etag);
      expect(unchanged.status).toBe(304);
      expect(unchanged.text).toBe('');
      expect(unchanged.headers.etag).toBe(etag);

      await put({ ...DEFAULTS, fastDecisionSeconds: 12 }, etag);
      const changed = await read().set('If-None-Match', etag);
      expect(changed.status).toBe(200);
      expect(changed.body.fastDecisionSeconds).toBe(12);
      await put(DEFAULTS);
    });

    it('refuses a change made on settings read before another admin changed them, with 412, writing nothing', async () => {
      const { etag } = (await read()).headers;
      expect((await put({ ...DEFAULTS, blindFirst: true })).status).toBe(200);
      const head = await t.container.decisionLog.decisionLog.readHead();
      const stale = await put({ ...DEFAULTS, aiEnabled: false }, etag);
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(stale.body.currentEtag).toBe((await read()).headers.etag);
      expect((await read()).body).toMatchObject({ aiEnabled: true, blindFirst: true });
      expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
      await put(DEFAULTS);
    });

    it('refuses a tag naming a version the settings never had with 412 saying so, writing nothing', async () => {
      const { etag } = (await read()).headers;
      const head = await t.container.decisionLog.decisionLog.readHead();
      const never = await put({ ...DEFAULTS, aiEnabled: false }, '"99999"');
      expect(never.status).toBe(412);
      expect(never.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(never.body.detail).toBe(
        `If-Match names a version the settings never had ("99999"); send the ETag their read gave (If-Match: ${etag})`,
      );
      expect(never.body.currentEtag).toBe(etag);
      expect((await read()).body.aiEnabled).toBe(true);
      expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
    });

    it('refuses a weak ETag of the settings with 412 saying a strong one is needed, writing nothing', async () => {
      const { etag } = (await read()).headers;
      const head = await t.container.decisionLog.decisionLog.readHead();
      const weak = await put({ ...DEFAULTS, aiEnabled: false }, `W/${etag}`);
      expect(weak.status).toBe(412);
      expect(weak.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(weak.body.detail).toBe(
        `a weak ETag does not name one version; send the settings' strong ETag (If-Match: ${etag})`,
      );
      expect(weak.body.currentEtag).toBe(etag);
      expect((await read()).body.aiEnabled).toBe(true);
      expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
    });

    it('lets exactly one of two admins change the settings they both read', async () => {
      const { etag } = (await read()).headers;
      const answers = await Promise.all([
        put({ ...DEFAULTS, secondReviewRate: 0.5 }, etag),
        put({ ...DEFAULTS, fastDecisionSeconds: 30 }, etag),
      ]);
      expect(answers.map((res) => res.status).sort()).toEqual([200, 412]);
      await put(DEFAULTS);
    });

    it('logs two changes made at once without If-Match each from what the other left', async () => {
      // The first change is held in its transaction once it has read the settings it replaces.
      const store = (t.container.services.settings as unknown as { store: SettingsStore }).store;
      const get = store.get.bind(store);
      const hasRead = createGate();
      const release = createGate();
      let holding = true;
      store.get = async (trx) => {
        const settings = await get(trx);
        if (trx !== undefined && holding) {
          holding = false;
          hasRead.open();
          await release.opened;
        }
        return settings;
      };
      const head = await t.container.decisionLog.decisionLog.readHead();
      try {
        const first = Promise.resolve(put({ ...DEFAULTS, aiEnabled: false }));
        await hasRead.opened;
        const second = Promise.resolve(put(DEFAULTS));
        // Time for the second change to read the settings too, were it not made to wait its turn.
        await new Promise((resolve) => setTimeout(resolve, 100));
        release.open();
        expect((await Promise.all([first, second])).map((res) => res.status)).toEqual([200, 200]);
      } finally {
        store.get = get;
      }

      const changes = (
        await t.container.decisionLog.decisionLog.listEvents({
          types: ['settings.changed'],
          afterSeq: head.seq,
        })
      ).map((event) => event.payload.changes);
      expect(changes).toEqual([
        [{ setting: 'aiEnabled', from: true, to: false }],
        [{ setting: 'aiEnabled', from: false, to: true }],
      ]);
      expect((await read()).body.aiEnabled).toBe(true);
    });

    it('refuses a list of ETags with 428, even one holding the current ETag, writing nothing', async () => {
      const { etag } = (await read()).headers;
      const head = await t.container.decisionLog.decisionLog.readHead();
      const listed = await put({ ...DEFAULTS, aiEnabled: false }, `"0", ${etag}`);
      expect(listed.status).toBe(428);
      expect(listed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(listed.body.detail).toContain('send the one ETag you last read');
      expect(listed.body.currentEtag).toBe(etag);
      expect((await read()).body.aiEnabled).toBe(true);
      expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
    });

    it('changes the settings without If-Match, so that the kill switch can be thrown at once', async () => {
      expect((await put({ ...DEFAULTS, aiEnabled: false })).status).toBe(200);
      expect((await put(DEFAULTS)).status).toBe(200);
    });
  });

  it('is for admins only', async () => {
    for (const role of ['counselor', 'auditor', 'job_seeker', 'integration'] as const) {
      const token = await t.tokenFor(role, `${role}-1`);
      expect((await t.http.get('/v1/settings').auth(token, { type: 'bearer' })).status).toBe(403);
      expect((await t.http.put('/v1/settings').auth(token, { type: 'bearer' }).send(DEFAULTS)).status).toBe(
        403,
      );
    }
  });
});
