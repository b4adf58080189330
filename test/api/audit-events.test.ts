import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/principal.ts';
import type { Checkpoint } from '../../src/decision-log/checkpoint-signer.ts';
import { DECISION_EVENT_TYPES, type RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { readSigningKeysPem } from '../../src/decision-log/signing-keys-pem.ts';
import { verifyChain } from '../../src/decision-log/verify-chain.ts';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import {
  aGeneratedEvent,
  appendEvents,
  collectText,
  pseudonymOf,
  SHIPPED_MODEL,
} from '../audit/support/audit-events.ts';
import { dropAppendOnlyGuards } from '../decision-log/support/tampering.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decideAll,
  objectToAi,
  readSet,
  type SetBody,
  seedCatalogAndSeeker,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PURPOSE = 'quarterly oversight review';
const DAY = 86_400_000;

interface EventBody extends RecordedDecisionEvent {
  payload: Record<string, unknown>;
}

describe('auditor API: the decision log', () => {
  const clock = aClock(new Date('2026-10-05T09:00:00.000Z'));
  let t: TestApp;
  let auditor: string;
  const setOfModel2 = crypto.randomUUID();

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    auditor = await t.tokenFor('auditor', 'dpo-1');
    // Day 1: c-001 works for js-1 with the shipped model; an admin changes a setting.
    await appendEvents(t, [
      aGeneratedEvent({ counselorId: 'c-001', seekerId: 'js-1' }),
      {
        type: 'item.decided',
        actor: { role: 'counselor', id: 'c-001' },
        subjectId: 'js-1',
        payload: { setId: 'set-a', itemId: 'item-a', decision: 'rejected', reasonCode: 'too_far' },
        personal: { comment: 'canary-7f3c: the course is too far from Vénissieux' },
      },
      {
        type: 'settings.changed',
        actor: { role: 'admin', id: 'ops-1' },
        payload: { changes: [{ setting: 'blindFirst', from: false, to: true }] },
      },
    ]);
    clock.advance(DAY);
    // Day 2: c-002 works for js-2 with a second model version.
    await appendEvents(t, [
      aGeneratedEvent({
        counselorId: 'c-002',
        seekerId: 'js-2',
        setId: setOfModel2,
        model: { id: 'aiguillage-ebm-2.0.0', version: '2.0.0', sha256: 'b'.repeat(64) },
      }),
      {
        type: 'recommendation.opened',
        actor: { role: 'counselor', id: 'c-002' },
        subjectId: 'js-2',
        payload: { setId: setOfModel2, secondsSinceCreation: 12 },
      },
    ]);
    clock.advance(DAY);
  });
  afterAll(() => t.close());

  const get = (path: string, token = auditor, purpose: string | null = PURPOSE) => {
    const request = t.http.get(path).auth(token, { type: 'bearer' });
    return purpose === null ? request : request.set('X-Audit-Purpose', purpose);
  };
  const listAll = async (query = ''): Promise<EventBody[]> => {
    const res = await get(`/v1/audit/events?limit=200${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as EventBody[];
  };
  const auditQueries = async (): Promise<EventBody[]> => {
    const events: EventBody[] = [];
    for await (const event of t.container.decisionLog.decisionLog.streamEvents()) {
      if (event.type === 'audit.queried') events.push(event as EventBody);
    }
    return events;
  };

  describe('access', () => {
    const isIncidentOperation = (op: { template: string }) => op.template.startsWith('/v1/audit/incidents');
    const auditOperations = listDocumentedOperations().filter(
      (op) => op.template.startsWith('/v1/audit/') && !isIncidentOperation(op),
    );

    it('documents the auditor role, and only it, on every audit operation but the incidents', () => {
      expect(auditOperations.map((op) => op.operationId).sort()).toEqual([
        'exportAuditEvents',
        'getAttributionStats',
        'getAuditPublicKey',
        'getDriftStats',
        'getOutcomeStats',
        'getOversightStats',
        'getUsageStats',
        'listAuditCheckpoints',
        'listAuditEvents',
        'verifyAuditLog',
      ]);
      for (const op of auditOperations) expect(op.roles).toEqual(['auditor']);
    });

    it('documents the admin and auditor roles, and only them, on the three incident operations', () => {
      const incidentOperations = listDocumentedOperations().filter(isIncidentOperation);
      expect(incidentOperations.map((op) => op.operationId).sort()).toEqual([
        'listIncidents',
        'recordIncident',
        'recordIncidentNotification',
      ]);
      for (const op of incidentOperations) expect(op.roles).toEqual(['admin', 'auditor']);
    });

    it('documents every event type the log records as a filter value', () => {
      const document = loadOpenApiDocument() as {
        components: { schemas: Record<string, { enum?: string[] }> };
      };
      expect(document.components.schemas.DecisionEventType?.enum).toEqual([...DECISION_EVENT_TYPES]);
    });

    it.each(ROLES.filter((role) => role !== 'auditor'))('refuses the %s role with 403', async (role) => {
      const token = await t.tokenFor(role, `${role}-1`);
      for (const op of auditOperations) {
        const res = await get(op.samplePath, token);
        expect(res.status, op.operationId).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });

    it('answers 400 when the purpose is missing or blank, and logs nothing', async () => {
      const before = (await auditQueries()).length;
      const missing = await get('/v1/audit/events', auditor, null);
      expect(missing.status).toBe(400);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body.errors).toContainEqual(
        expect.objectContaining({ path: '/headers/x-audit-purpose' }),
      );
      expect((await get('/v1/audit/stats/oversight', auditor, '   ')).status).toBe(400);
      expect((await get('/v1/audit/verify', auditor, 'x'.repeat(201))).status).toBe(400);
      expect((await auditQueries()).length).toBe(before);
    });
  });

  describe('the audit trail of audits', () => {
    it('appends audit.queried with the operation, filters, purpose and result count', async () => {
      const actor = pseudonymOf(t, 'c-001');
      const res = await get(
        `/v1/audit/events?type=item.decided,recommendation.generated&actor=${actor}`,
        auditor,
        '  complaint 2026-114 ',
      );
      expect(res.status).toBe(200);
      const logged = (await auditQueries()).at(-1);
      expect(logged).toMatchObject({
        type: 'audit.queried',
        actor: { role: 'auditor', pseudonym: pseudonymOf(t, 'dpo-1') },
        subject: null,
        payload: {
          operation: 'listAuditEvents',
          purpose: 'complaint 2026-114',
          filters: { types: ['item.decided', 'recommendation.generated'], actor, afterSeq: 0 },
          resultCount: 2,
        },
      });
    });

    it('logs every kind of audit query once', async () => {
      const before = (await auditQueries()).length;
      const paths = [
        '/v1/audit/events',
        '/v1/audit/events/export',
        '/v1/audit/verify',
        '/v1/audit/checkpoints',
        '/v1/audit/public-key',
        '/v1/audit/stats/oversight',
        '/v1/audit/stats/usage',
        '/v1/audit/stats/attributions',
        '/v1/audit/stats/drift',
      ];
      for (const path of paths)
        expect((await get(path).buffer(true).parse(collectText())).status, path).toBe(200);
      const logged = (await auditQueries()).slice(before);
      expect(logged.map((event) => event.payload.operation)).toEqual([
        'listAuditEvents',
        'exportAuditEvents',
        'verifyAuditLog',
        'listAuditCheckpoints',
        'getAuditPublicKey',
        'getOversightStats',
        'getUsageStats',
        'getAttributionStats',
        'getDriftStats',
      ]);
      expect(logged.every((event) => event.payload.purpose === PURPOSE)).toBe(true);
    });
  });

  describe('GET /v1/audit/events', () => {
    it('shows events as recorded: pseudonyms, and the personal part sealed, never decrypted', async () => {
      const res = await get('/v1/audit/events?type=item.decided');
      expect(res.status).toBe(200);
      const [decided] = res.body.items as EventBody[];
      expect(decided).toMatchObject({
        actor: { role: 'counselor', pseudonym: pseudonymOf(t, 'c-001') },
        subject: pseudonymOf(t, 'js-1'),
        payload: { decision: 'rejected', reasonCode: 'too_far' },
      });
      expect(decided?.personal).toMatch(/^p1\./);
      expect(JSON.stringify(res.body)).not.toMatch(/canary-7f3c|c-001|js-1/);
    });

    it('filters by type, repeated or comma-separated', async () => {
      const comma = await listAll('&type=settings.changed,recommendation.opened');
      const repeated = await listAll('&type=settings.changed&type=recommendation.opened');
      expect(comma.map((event) => event.type)).toEqual(['settings.changed', 'recommendation.opened']);
      expect(repeated).toEqual(comma);
      expect((await get('/v1/audit/events?type=made.up')).status).toBe(400);
    });

    it('lists each event once when a type is repeated, and logs the query with each type once', async () => {
      const once = await listAll('&type=settings.changed,recommendation.opened');
      expect(once).toHaveLength(2);
      for (const repeated of [
        '&type=settings.changed,settings.changed,recommendation.opened',
        '&type=settings.changed&type=recommendation.opened&type=settings.changed',
      ]) {
        expect(await listAll(repeated), repeated).toEqual(once);
        expect((await auditQueries()).at(-1)?.payload).toMatchObject({
          filters: { types: ['settings.changed', 'recommendation.opened'] },
          resultCount: 2,
        });
      }
    });

    it('filters by counselor and by job seeker pseudonym', async () => {
      const byCounselor = await listAll(`&actor=${pseudonymOf(t, 'c-002')}`);
      expect(byCounselor.map((event) => event.type)).toEqual([
        'recommendation.generated',
        'recommendation.opened',
      ]);
      const bySubject = await listAll(`&subject=${pseudonymOf(t, 'js-1')}`);
      expect(bySubject.map((event) => event.type)).toEqual(['recommendation.generated', 'item.decided']);
    });

    it('filters by time range, from inclusive and to exclusive', async () => {
      const types = '&type=recommendation.generated,item.decided,settings.changed,recommendation.opened';
      const dayOne = await listAll(`${types}&from=2026-10-05T09:00:00Z&to=2026-10-06T09:00:00Z`);
      expect(dayOne.map((event) => event.type)).toEqual([
        'recommendation.generated',
        'item.decided',
        'settings.changed',
      ]);
      const dayTwo = await listAll(`${types}&from=2026-10-06T11:00:00%2B02:00&to=2026-10-06T09:00:01Z`);
      expect(dayTwo.map((event) => event.type)).toEqual([
        'recommendation.generated',
        'recommendation.opened',
      ]);
      expect((await get('/v1/audit/events?from=2026-10-06T00:00:00Z&to=2026-10-05T00:00:00Z')).status).toBe(
        422,
      );
    });

    it('filters by model version: its sets and everything about them', async () => {
      const events = await listAll('&modelVersion=2.0.0');
      expect(events.map((event) => event.type)).toEqual([
        'recommendation.generated',
        'recommendation.opened',
      ]);
      expect(events.every((event) => event.payload.setId === setOfModel2)).toBe(true);
      const shipped = await listAll(`&modelVersion=${SHIPPED_MODEL.version}&type=recommendation.generated`);
      expect(shipped).toHaveLength(1);
    });

    it('filters by model id: that one model’s sets and everything about them, with its version too', async () => {
      const events = await listAll('&modelId=aiguillage-ebm-2.0.0');
      expect(events.map((event) => event.type)).toEqual([
        'recommendation.generated',
        'recommendation.opened',
      ]);
      expect(events.every((event) => event.payload.setId === setOfModel2)).toBe(true);
      expect(await listAll('&modelId=aiguillage-ebm-2.0.0&modelVersion=2.0.0')).toEqual(events);
      expect(await listAll(`&modelId=aiguillage-ebm-2.0.0&modelVersion=${SHIPPED_MODEL.version}`)).toEqual(
        [],
      );
    });

    it('walks the whole log page by page with the cursor', async () => {
      const everything = await listAll(
        '&type=recommendation.generated,item.decided,settings.changed,recommendation.opened',
      );
      const walked: EventBody[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const query: string = cursor === '' ? '' : `&cursor=${cursor}`;
        const res = await get(
          `/v1/audit/events?limit=2&type=recommendation.generated,item.decided,settings.changed,recommendation.opened${query}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        walked.push(...(res.body.items as EventBody[]));
        cursor = res.body.nextCursor as string | null;
      }
      expect(walked).toEqual(everything);
      expect(everything).toHaveLength(5);
    });

    it('answers 400 to an instant no clock shows (a leap second, 30 February), on every period query', async () => {
      for (const path of [
        '/v1/audit/events',
        '/v1/audit/events/export',
        '/v1/audit/stats/oversight',
        '/v1/audit/stats/attributions',
        '/v1/audit/stats/drift',
      ]) {
        for (const [name, value] of [
          ['from', '2026-12-31T23:59:60Z'],
          ['to', '2026-02-30T00:00:00Z'],
        ] as const) {
          const res = await get(`${path}?${name}=${encodeURIComponent(value)}`);
          expect(res.status, `${path} ${name}=${value}`).toBe(400);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`/query/${name}`);
        }
      }
    });

    it('pages with the same filters written another way: types repeated rather than comma-separated and in another order, the same instant in another offset', async () => {
      const types = ['recommendation.generated', 'item.decided', 'settings.changed', 'recommendation.opened'];
      const everything = await listAll(`&type=${types.join(',')}`);
      const first = await get(`/v1/audit/events?limit=2&type=${types.join(',')}&from=2026-10-05T09:00:00Z`);
      expect(first.status).toBe(200);
      const repeated = [...types].reverse().map((type) => `type=${type}`);
      const rest = await get(
        `/v1/audit/events?from=2026-10-05T11:00:00%2B02:00&${repeated.join('&')}&limit=200&cursor=${first.body.nextCursor}`,
      );
      expect(rest.status, JSON.stringify(rest.body)).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect([...first.body.items, ...rest.body.items]).toEqual(everything);
      expect(everything).toHaveLength(5);
    });

    it('refuses a cursor sent with other filters', async () => {
      const first = await get('/v1/audit/events?limit=1&type=recommendation.generated,item.decided');
      expect(first.body.nextCursor).toEqual(expect.any(String));
      for (const other of [
        '',
        '&type=recommendation.generated',
        `&type=recommendation.generated,item.decided&subject=${pseudonymOf(t, 'js-1')}`,
        '&type=recommendation.generated,item.decided&from=2026-10-05T09:00:00.000Z',
      ]) {
        const res = await get(`/v1/audit/events?limit=1${other}&cursor=${first.body.nextCursor}`);
        expect(res.status, other).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([
          {
            path: '/query/cursor',
            message: expect.stringMatching(/^belongs to another query: /),
          },
        ]);
      }
    });

    it('answers 400 to a cursor it did not give out', async () => {
      const res = await get('/v1/audit/events?cursor=abc');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { path: '/query/cursor', message: 'is not a cursor this API gave out' },
      ]);
    });
  });

  describe('GET /v1/audit/events/export', () => {
    it('streams NDJSON that verifies offline against the checkpoints and the public key', async () => {
      const res = await get('/v1/audit/events/export?format=ndjson').buffer(true).parse(collectText());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const text = res.body as string;
      const events = text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedDecisionEvent);
      const toSeq = Number(res.headers['x-audit-to-seq']);
      expect(events).toHaveLength(Number(res.headers['x-audit-event-count']));
      expect(events.at(-1)?.seq).toBe(toSeq);
      expect(Number(res.headers['x-audit-from-seq'])).toBe(events[0]?.seq);
      expect(Object.keys(events[0] ?? {}).sort()).toEqual([
        'actor',
        'eventId',
        'hash',
        'occurredAt',
        'payload',
        'personal',
        'prevHash',
        'seq',
        'subject',
        'type',
      ]);

      const checkpoints = await get(`/v1/audit/checkpoints?toSeq=${toSeq}&limit=200`);
      const publicKey = await get('/v1/audit/public-key').set('Accept', 'text/plain');
      expect(publicKey.headers['content-type']).toMatch(/^text\/plain/);
      const items = checkpoints.body.items as Checkpoint[];
      // The export signs a checkpoint at its last event, so the whole export is covered.
      expect(items.at(-1)?.seq).toBe(toSeq);
      const verdict = await verifyChain(events, {
        checkpoints: items,
        signingKeys: readSigningKeysPem(publicKey.text),
        expectedHead: { seq: toSeq },
      });
      expect(verdict).toMatchObject({ ok: true, checked: toSeq, firstBadSeq: null });

      const forged = events.map((event) => structuredClone(event));
      (forged[1]?.payload as Record<string, unknown>).decision = 'approved';
      expect(
        await verifyChain(forged, { checkpoints: items, signingKeys: readSigningKeysPem(publicKey.text) }),
      ).toMatchObject({
        ok: false,
        firstBadSeq: 2,
      });
    });

    it('names, in the contract, every filter after which an export is no unbroken run of the chain', () => {
      const document = loadOpenApiDocument() as {
        paths: Record<
          string,
          { get: { description: string; parameters: Array<{ $ref?: string; name?: string }> } }
        >;
        components: { parameters: Record<string, { name: string }> };
      };
      const operation = document.paths['/v1/audit/events/export']?.get;
      const names = (operation?.parameters ?? []).map(
        (parameter) =>
          parameter.name ??
          document.components.parameters[String(parameter.$ref).split('/').at(-1) ?? '']?.name,
      );
      // The time range keeps a run (checked with `--range`); the others leave events out of it.
      const leavingEventsOut = names.filter(
        (name) => name !== undefined && !['X-Audit-Purpose', 'format', 'from', 'to'].includes(name),
      );
      expect(leavingEventsOut).toContain('modelId');
      const [sentence] =
        (operation?.description ?? '').replace(/\s+/g, ' ').match(/without [^.]* unbroken run/) ?? [];
      for (const name of leavingEventsOut) expect(sentence, name).toContain(`\`${name}\``);
    });

    it('exports CSV with a header row and one row per matching event', async () => {
      const res = await get('/v1/audit/events/export?format=csv&type=item.decided,settings.changed')
        .buffer(true)
        .parse(collectText());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = (res.body as string).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'seq,eventId,type,occurredAt,actorRole,actorPseudonym,subject,payload,hasPersonal,prevHash,hash',
      );
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(',item.decided,');
      expect(lines[1]).toContain(',true,');
      expect(lines[1]).toContain('"{""decision"":""rejected""');
      expect(res.body).not.toContain('canary-7f3c');
    });

    it('exports each event once when a type is repeated, as many as X-Audit-Event-Count says', async () => {
      for (const format of ['ndjson', 'csv']) {
        for (const repeated of ['type=item.decided,item.decided', 'type=item.decided&type=item.decided']) {
          const res = await get(`/v1/audit/events/export?format=${format}&${repeated}`)
            .buffer(true)
            .parse(collectText());
          expect(res.status).toBe(200);
          const rows = (res.body as string)
            .trimEnd()
            .split(/\r?\n/)
            .slice(format === 'csv' ? 1 : 0);
          expect(rows, `${format} ${repeated}`).toHaveLength(1);
          expect(res.headers['x-audit-event-count']).toBe('1');
          expect((await auditQueries()).at(-1)?.payload).toMatchObject({
            filters: { types: ['item.decided'] },
            resultCount: 1,
          });
        }
      }
    });

    it('streams a log of thousands of events in chunks', async () => {
      await appendEvents(
        t,
        Array.from({ length: 3000 }, (_, index) => ({
          type: 'item.decided' as const,
          actor: { role: 'counselor' as const, id: `c-${index % 7}` },
          subjectId: `js-${index % 50}`,
          payload: {
            setId: `set-${index >> 3}`,
            itemId: `item-${index}`,
            decision: 'approved',
            decisionSeconds: 12,
          },
        })),
      );
      const chunks: number[] = [];
      const res = await get('/v1/audit/events/export').buffer(true).parse(collectText(chunks));
      expect(res.status).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      const lines = (res.body as string).trimEnd().split('\n');
      expect(lines.length).toBe(Number(res.headers['x-audit-event-count']));
      expect(lines.length).toBeGreaterThan(3000);
      expect(chunks.length).toBeGreaterThan(5);
    });

    it('guards in the CSV an actor pseudonym that starts with a minus, which a spreadsheet would read as a formula', async () => {
      // About one pseudonym in 64 starts with "-" (base64url).
      let adminId = '';
      for (let index = 0; adminId === ''; index += 1) {
        if (pseudonymOf(t, `ops-${index}`).startsWith('-')) adminId = `ops-${index}`;
      }
      await appendEvents(t, [
        {
          type: 'settings.changed',
          actor: { role: 'admin', id: adminId },
          payload: { changes: [{ setting: 'blindFirst', from: true, to: false }] },
        },
      ]);
      const res = await get(`/v1/audit/events/export?format=csv&actor=${pseudonymOf(t, adminId)}`)
        .buffer(true)
        .parse(collectText());
      expect(res.status).toBe(200);
      const { parse } = await import('csv-parse/sync');
      const [, row] = parse(res.body as string) as string[][];
      expect(row?.[5]).toBe(`'${pseudonymOf(t, adminId)}`);
      expect(row?.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    });
  });

  describe('verification, checkpoints and the public key', () => {
    it('verifies the whole log and a range, and reports the head', async () => {
      const whole = await get('/v1/audit/verify');
      expect(whole.status).toBe(200);
      expect(whole.body).toMatchObject({ ok: true, firstBadSeq: null, reason: null });
      expect(whole.body.checked).toBe(whole.body.lastSeq);
      expect(whole.body.head.seq).toBe(whole.body.lastSeq + 1);

      const range = await get('/v1/audit/verify?fromSeq=2&toSeq=4');
      expect(range.body).toMatchObject({ ok: true, checked: 3, lastSeq: 4 });
      expect((await get('/v1/audit/verify?fromSeq=0')).status).toBe(400);
      expect((await get('/v1/audit/verify?fromSeq=99999999')).status).toBe(422);
    });

    it('names the verified events no signed checkpoint covers yet, and none once one does', async () => {
      const checkpoint = await t.container.decisionLog.decisionLog.createCheckpoint();
      const covered = await get('/v1/audit/verify');
      expect(covered.body).toMatchObject({ ok: true, lastSeq: checkpoint?.seq, unanchored: null });

      // That verification was logged after the checkpoint: the next one finds its event uncovered.
      const after = await get('/v1/audit/verify');
      const head = Number(checkpoint?.seq) + 1;
      expect(after.body).toMatchObject({
        ok: true,
        lastSeq: head,
        unanchored: { fromSeq: head, toSeq: head },
      });
      const range = await get(`/v1/audit/verify?fromSeq=2&toSeq=${checkpoint?.seq}`);
      expect(range.body.unanchored).toBeNull();
    });

    it('refuses a checkpoints cursor sent with other filters, or to the list of events', async () => {
      await t.container.decisionLog.decisionLog.createCheckpoint();
      await appendEvents(t, [
        { type: 'settings.changed', actor: { role: 'admin', id: 'ops-1' }, payload: { changes: [] } },
      ]);
      await t.container.decisionLog.decisionLog.createCheckpoint();
      const head = (await get('/v1/audit/verify')).body.lastSeq as number;
      const first = await get(`/v1/audit/checkpoints?limit=1&toSeq=${head}`);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      for (const path of [
        '/v1/audit/checkpoints?limit=1',
        `/v1/audit/checkpoints?limit=1&toSeq=${head + 1}`,
        `/v1/audit/events?limit=1`,
      ]) {
        const res = await get(`${path}&cursor=${first.body.nextCursor}`);
        expect(res.status, path).toBe(400);
        expect(res.body.errors).toEqual([
          {
            path: '/query/cursor',
            message: expect.stringMatching(/^belongs to another query: /),
          },
        ]);
      }
    });

    it('lists checkpoints page by page, each signed by the published key', async () => {
      const key = await get('/v1/audit/public-key');
      expect(key.status).toBe(200);
      expect(key.body).toMatchObject({
        algorithm: 'Ed25519',
        publicKeyPem: expect.stringMatching(/BEGIN PUBLIC KEY/),
      });
      await t.container.decisionLog.decisionLog.createCheckpoint();
      await appendEvents(t, [
        { type: 'settings.changed', actor: { role: 'admin', id: 'ops-1' }, payload: { changes: [] } },
      ]);
      await t.container.decisionLog.decisionLog.createCheckpoint();

      const first = await get('/v1/audit/checkpoints?limit=1');
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).not.toBeNull();
      const rest = await get(`/v1/audit/checkpoints?limit=200&cursor=${first.body.nextCursor}`);
      const all = [...first.body.items, ...rest.body.items] as Checkpoint[];
      expect(all.length).toBeGreaterThanOrEqual(3);
      expect(rest.body.nextCursor).toBeNull();
      for (const checkpoint of all) expect(checkpoint.keyId).toBe(key.body.keyId);
      const upTo = all[1]?.seq ?? 0;
      const limited = await get(`/v1/audit/checkpoints?toSeq=${upTo}`);
      const firstUpTo = await get(`/v1/audit/checkpoints?toSeq=${upTo}&limit=1`);
      const restUpTo = await get(`/v1/audit/checkpoints?toSeq=${upTo}&cursor=${firstUpTo.body.nextCursor}`);
      expect([...firstUpTo.body.items, ...restUpTo.body.items]).toEqual(limited.body.items);
      expect((limited.body.items as Checkpoint[]).map((c) => c.seq)).toEqual(
        all.slice(0, 2).map((c) => c.seq),
      );
    });

    it('reports the first bad seq of a log edited in the database', async () => {
      await dropAppendOnlyGuards(t.container.db);
      await t.container
        .db('decision_events')
        .where({ seq: 2 })
        .update({ payload: '{"decision":"approved"}' });
      await t.container.db('decision_events').where({ seq: 3 }).update({ payload: '{"setId":' });
      const res = await get('/v1/audit/verify');
      expect(res.body).toMatchObject({ ok: false, firstBadSeq: 2 });
      // The tampered rows can still be listed, and filtered on their payload.
      const listed = await get('/v1/audit/events?limit=3');
      expect((listed.body.items as EventBody[]).slice(1).map((event) => event.payload)).toEqual([
        { decision: 'approved' },
        '{"setId":',
      ]);
      const byModel = await get('/v1/audit/events?modelVersion=2.0.0');
      expect(byModel.status).toBe(200);
      expect(byModel.body.items).toHaveLength(2);
      const bySet = await get(`/v1/audit/events?setId=${setOfModel2}`);
      expect(bySet.status).toBe(200);
      expect((bySet.body.items as EventBody[]).map((event) => event.type)).toEqual([
        'recommendation.generated',
        'recommendation.opened',
      ]);
    });
  });
});

describe('auditor API: one set’s trail (setId)', () => {
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  /** Published, then replaced by `replacing`'s publication. */
  let published: SetBody;
  /** Left open, then withdrawn when suggestions were asked for again (`replacing`). */
  let withdrawn: string;
  let replacing: SetBody;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    auditor = await t.tokenFor('auditor', 'dpo-1');
    published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    withdrawn = (await createSet(t, counselor, 'js-1')).set.id;
    await readSet(t, counselor, withdrawn);
    const { set } = await createSet(t, counselor, 'js-1');
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const res = await act(t, counselor, set.id, 'publish', etag);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    replacing = res.body as SetBody;
  });
  afterAll(() => t.close());

  const trail = async (query: string): Promise<EventBody[]> => {
    const res = await t.http
      .get(`/v1/audit/events?limit=200&${query}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as EventBody[];
  };

  it('finds a set’s events by its id, from its creation to its publication, and no other set’s', async () => {
    const events = await trail(`setId=${published.id}`);
    const own = events.filter((event) => event.payload.setId === published.id);
    expect(own.map((event) => event.type)).toEqual([
      'recommendation.generated',
      'recommendation.opened',
      ...published.items.map(() => 'item.decided'),
      'recommendation.published',
    ]);
    // The publication that replaced it in front of the person; nothing else of another set.
    expect(events.filter((event) => !own.includes(event))).toEqual([
      expect.objectContaining({
        type: 'recommendation.published',
        payload: expect.objectContaining({ setId: replacing.id, replacesSetId: published.id }),
      }),
    ]);
    expect(events.map((event) => event.payload.setId)).not.toContain(withdrawn);
  });

  it('finds a withdrawn set through the event that withdrew it', async () => {
    const events = await trail(`setId=${withdrawn}`);
    expect(events.map((event) => [event.type, event.payload.setId])).toEqual([
      ['recommendation.generated', withdrawn],
      ['recommendation.opened', withdrawn],
      ['recommendation.discarded', withdrawn],
      ['recommendation.generated', replacing.id],
    ]);
    expect(events.at(-1)?.payload.withdrawnSetIds).toEqual([withdrawn]);
  });

  it('finds a set withdrawn by a change of counselor, and one withdrawn by the person’s objection, through the events that withdrew them', async () => {
    await seedCatalogAndSeeker(t, 'js-2');
    const moved = (await createSet(t, counselor, 'js-2')).set.id;
    await syncSeeker(t, 'js-2', aWorkflowSeeker({ counselorId: 'c-002' }));
    await seedCatalogAndSeeker(t, 'js-3');
    const objected = (await createSet(t, counselor, 'js-3')).set.id;
    await objectToAi(t, 'js-3');
    for (const [setId, type] of [
      [moved, 'job_seeker.upserted'],
      [objected, 'objection.recorded'],
    ] as const) {
      const events = await trail(`setId=${setId}`);
      expect(events[0]).toMatchObject({ type: 'recommendation.generated', payload: { setId } });
      expect(events.at(-1)).toMatchObject({ type, payload: { withdrawnSetIds: [setId] } });
    }
  });

  it('combines with the other filters, takes the id in either case, and finds nothing for a set the log never named', async () => {
    const decided = await trail(
      `setId=${published.id.toUpperCase()}&type=item.decided,recommendation.published`,
    );
    expect(decided.map((event) => event.type)).toEqual([
      ...published.items.map(() => 'item.decided'),
      'recommendation.published',
      'recommendation.published',
    ]);
    expect(await trail(`setId=${published.id}&actor=someone-else`)).toEqual([]);
    expect(await trail(`setId=${crypto.randomUUID()}`)).toEqual([]);
  });

  it('records the filter in audit.queried, and pages and exports the trail alike', async () => {
    const everything = await trail(`setId=${published.id}`);
    const logged: EventBody[] = [];
    for await (const event of t.container.decisionLog.decisionLog.streamEvents()) {
      if (event.type === 'audit.queried') logged.push(event as EventBody);
    }
    expect(logged.at(-1)?.payload).toMatchObject({
      operation: 'listAuditEvents',
      filters: { setId: published.id },
      resultCount: everything.length,
    });

    const first = await t.http
      .get(`/v1/audit/events?setId=${published.id}&limit=2`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    const rest = await t.http
      .get(`/v1/audit/events?setId=${published.id}&cursor=${first.body.nextCursor}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect([...first.body.items, ...rest.body.items]).toEqual(everything);

    const exported = await t.http
      .get(`/v1/audit/events/export?setId=${published.id}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE)
      .buffer(true)
      .parse(collectText());
    expect(exported.status).toBe(200);
    expect(exported.headers['x-audit-event-count']).toBe(String(everything.length));
    const lines = (exported.body as string).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(
      everything.map((event) => event.seq),
    );
    const logs: EventBody[] = [];
    for await (const event of t.container.decisionLog.decisionLog.streamEvents()) {
      if (event.type === 'audit.queried') logs.push(event as EventBody);
    }
    expect(logs.at(-1)?.payload).toMatchObject({
      operation: 'exportAuditEvents',
      filters: { setId: published.id },
    });
  });

  it('refuses a set’s id with a model filter, and one that is no UUID', async () => {
    for (const query of [`setId=${published.id}&modelVersion=1.0.0`, 'setId=set-42']) {
      const res = await t.http
        .get(`/v1/audit/events?${query}`)
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', PURPOSE);
      expect(res.status, query).toBe(400);
      expect(res.body.errors, query).toEqual([{ path: '/query/setId', message: expect.any(String) }]);
    }
  });

  it('refuses a set’s id with modelId or modelVersion, in the list and the export, with a problem saying to read the set’s trail without them', async () => {
    for (const path of ['/v1/audit/events', '/v1/audit/events/export']) {
      for (const model of ['modelId=aiguillage-ebm-1.0.0', 'modelVersion=1.0.0']) {
        const query = `${path}?setId=${published.id}&${model}`;
        const res = await t.http.get(query).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', PURPOSE);
        expect(res.status, query).toBe(400);
        expect(res.headers['content-type'], query).toMatch(/^application\/problem\+json/);
        expect(res.body.errors, query).toEqual([
          {
            path: '/query/setId',
            message: expect.stringMatching(/give it without modelVersion and modelId/),
          },
        ]);
      }
    }
  });
});
