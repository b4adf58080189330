import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  decideEach,
  putSettings,
  readSet,
  requestManualSet,
  requestSet,
  type SetBody,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const CATALOGUE = new URL('../../docs/decision-log-events.md', import.meta.url);

/** A section of the catalogue: the names in backticks of its public part and of its sealed part. */
interface DocumentedType {
  publicNames: Set<string>;
  sealedNames: Set<string>;
}

/** Reads `## type` sections; the public part runs from "Public payload" to "- Sealed", the sealed part after it. */
async function readCatalogue(): Promise<Map<string, DocumentedType>> {
  const text = await readFile(CATALOGUE, 'utf8');
  const sections = new Map<string, DocumentedType>();
  for (const section of text.split(/^## /m).slice(1)) {
    const type = section.slice(0, section.indexOf('\n')).trim();
    const publicStart = section.indexOf('- Public payload');
    const sealedStart = section.indexOf('- Sealed');
    const names = (part: string) =>
      new Set([...part.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1] ?? ''));
    sections.set(type, {
      publicNames: names(section.slice(publicStart, sealedStart)),
      sealedNames: names(section.slice(sealedStart)),
    });
  }
  return sections;
}

/** The public fields the events write that their type's section does not name in its public part. */
function listUndocumentedPublicFields(
  events: readonly DecisionEvent[],
  catalogue: Map<string, DocumentedType>,
): string[] {
  const undocumented = events.flatMap((event) =>
    Object.keys(event.payload)
      .filter((field) => !catalogue.get(event.type)?.publicNames.has(field))
      .map((field) => `${event.type}: ${field}`),
  );
  return [...new Set(undocumented)];
}

/** The sealed fields the events write (opened with the person's key) that their section does not name as sealed. */
async function listUndocumentedSealedFields(
  t: TestApp,
  events: readonly DecisionEvent[],
  catalogue: Map<string, DocumentedType>,
): Promise<string[]> {
  const { subjectKeyring } = t.container.decisionLog;
  const undocumented: string[] = [];
  for (const event of events) {
    if (event.personal === null) continue;
    const opened = await subjectKeyring.decryptPersonal(event.personal);
    if (opened.status !== 'readable') throw new Error(`event ${event.seq}: ${opened.status}`);
    for (const field of Object.keys(opened.value as Record<string, unknown>)) {
      if (!catalogue.get(event.type)?.sealedNames.has(field)) undocumented.push(`${event.type}: ${field}`);
    }
  }
  return [...new Set(undocumented)];
}

const HOUR = 3_600_000;

/**
 * One set taken through the whole loop an auditor follows (suggestion, opening, decisions, an
 * addition, the order, a second review, publication, the person's reading, answer and contest, the
 * counselor's reply, an outcome, the retraction); then every event the log holds is held against
 * the catalogue, field by field, public and sealed apart.
 */
describe('the catalogue of decision-log events against what a whole review loop writes', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let published: SetBody;
  let events: DecisionEvent[];
  let catalogue: Map<string, DocumentedType>;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
    const { set: created } = await createSet(t, counselor, 'js-1', { limit: 3 });
    clock.advance(60_000);
    const { etag: opened } = await readSet(t, counselor, created.id);
    const [first, second, third] = created.items;
    if (first === undefined || second === undefined || third === undefined)
      throw new Error('needs three items');
    clock.advance(30_000);
    const decided = await decideEach(t, counselor, created.id, opened, [
      [
        first.itemId,
        // A text the screening flags, confirmed: its event's members are held against the catalogue too.
        {
          decision: 'approve',
          comment: 'Projet cohérent, sans arrêt maladie prévu',
          acknowledgeSensitiveTerms: true,
        },
      ],
    ]);
    clock.advance(5_000);
    const rejected = await decideEach(t, counselor, created.id, decided.etag, [
      [second.itemId, { decision: 'reject', reasonCode: 'not_matching_project' }],
    ]);
    clock.advance(12_000);
    const approvedLast = await decideEach(t, counselor, created.id, rejected.etag, [
      [third.itemId, { decision: 'approve' }],
    ]);
    clock.advance(30_000);
    const added = await act(t, counselor, created.id, 'items', approvedLast.etag, {
      courseId: 'LYON-IDE',
      reason: 'La personne vise ce métier à terme, compatible avec son handicap',
      acknowledgeSensitiveTerms: true,
    });
    expect(added.status).toBe(201);
    const approvedIds = (added.body.items as Array<{ itemId: string; decision: string }>)
      .filter((item) => item.decision === 'approved')
      .map((item) => item.itemId)
      .reverse();
    const ordered = await t.http
      .put(`/v1/recommendations/${created.id}/order`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', String(added.headers.etag))
      .send({ itemIds: approvedIds });
    const handed = await act(t, counselor, created.id, 'publish', String(ordered.headers.etag), {
      message: 'Voici des formations à regarder ensemble.',
    });
    expect(handed.body.status).toBe('awaiting_second_review');
    clock.advance(HOUR);
    const approved = await approveAfterReading(t, otherCounselor, created.id, 'Relu, cohérent.');
    expect(approved.status).toBe(200);
    published = approved.body as SetBody;

    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const item = first.itemId;
    expect(
      (await t.http.get(`/v1/me/recommendations/${item}/explanation`).auth(seeker, { type: 'bearer' }))
        .status,
    ).toBe(200);
    const answer = (body: object) =>
      t.http.post(`/v1/me/recommendations/${item}/feedback`).auth(seeker, { type: 'bearer' }).send(body);
    expect((await answer({ response: 'interested', comment: 'Merci' })).status).toBe(201);
    expect((await answer({ response: 'contest', comment: 'Je ne comprends pas ce choix' })).status).toBe(201);
    const replied = await t.http
      .post(`/v1/recommendations/${created.id}/items/${item}/contest-reply`)
      .auth(counselor, { type: 'bearer' })
      .send({ message: 'Nous en parlons à notre prochain rendez-vous.' });
    expect(replied.status).toBe(201);
    const integration = await t.tokenFor('integration', 'svc-crm');
    const outcome = await t.http
      .put(`/v1/job-seekers/js-1/outcomes/${first.course.id}`)
      .auth(integration, { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' });
    expect([200, 201]).toContain(outcome.status);
    const { etag } = await readSet(t, counselor, created.id);
    const retracted = await act(t, counselor, created.id, 'retract', etag, {
      reason: 'La session a été annulée par l’organisme (maladie du formateur).',
      acknowledgeSensitiveTerms: true,
    });
    expect(retracted.status).toBe(200);

    events = await t.container.decisionLog.decisionLog.listEvents({ limit: 1000 });
    catalogue = await readCatalogue();
  });
  afterAll(() => t.close());

  it('went through every step of the loop', () => {
    expect(published.status).toBe('published');
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      'recommendation.generated',
      'recommendation.opened',
      'item.decided',
      'item.added',
      'items.reordered',
      'second_review.requested',
      'second_review.opened',
      'second_review.completed',
      'recommendation.published',
      'explanation.opened',
      'feedback.given',
      'contest.replied',
      'outcome.recorded',
      'recommendation.retracted',
    ]) {
      expect(types).toContain(type);
    }
  });

  it('wrote the confirmed sensitive texts it sent, so that their members are checked too', () => {
    const confirmed = events
      .filter((event) => event.payload.sensitiveTermsAcknowledged === true)
      .map((event) => event.type);
    expect(confirmed).toEqual(['item.decided', 'item.added', 'recommendation.retracted']);
  });

  it('documents every type it writes', () => {
    expect([...new Set(events.map((event) => event.type))].filter((type) => !catalogue.has(type))).toEqual(
      [],
    );
  });

  it('documents every public field it writes in the public part of its type', () => {
    expect(listUndocumentedPublicFields(events, catalogue)).toEqual([]);
  });

  it('documents every sealed field it writes in the sealed part of its type', async () => {
    expect(await listUndocumentedSealedFields(t, events, catalogue)).toEqual([]);
  });

  it('does not tell auditors, in the contract, that the public part holds what the log seals', () => {
    const schemas = (loadOpenApiDocument().components as { schemas: Record<string, unknown> }).schemas;
    const payload = (schemas.AuditEvent as { properties: { payload: { description: string } } }).properties
      .payload;
    const sealed = [...(catalogue.get('recommendation.generated')?.sealedNames ?? [])];
    expect(sealed).toContain('attributions');
    expect(sealed.filter((name) => new RegExp(`\\b${name}\\b`, 'i').test(payload.description))).toEqual([]);
  });

  /** The log as an auditor reads it (GET /v1/audit/events), this set's events only. */
  async function readSetEvents(): Promise<
    Array<{ type: string; actor: { pseudonym: string }; payload: Record<string, unknown> }>
  > {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const res = await t.http
      .get('/v1/audit/events?limit=200')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'review loop check');
    expect(res.status).toBe(200);
    return (
      res.body.items as Array<{
        type: string;
        actor: { pseudonym: string };
        payload: Record<string, unknown>;
      }>
    ).filter((event) => event.payload.setId === published.id);
  }

  it('logs the time an addition took since the previous act on the set, measured as a decision is', async () => {
    const added = (await readSetEvents()).filter((event) => event.type === 'item.added');
    expect(added.map((event) => event.payload.secondsSincePreviousAct)).toEqual([30]);
  });

  it('gives oversight figures that the events of the set give by hand', async () => {
    const setEvents = await readSetEvents();
    const generated = setEvents.find((event) => event.type === 'recommendation.generated');
    const decisions = setEvents.filter((event) => event.type === 'item.decided');
    expect(decisions.map((event) => event.payload.secondsSincePreviousAct)).toEqual([30, 5, 12]);
    expect(decisions.map((event) => event.payload.decision)).toEqual(['approved', 'rejected', 'approved']);
    expect(setEvents.filter((event) => event.type === 'item.added')).toHaveLength(1);
    const secondReview = setEvents.find((event) => event.type === 'second_review.completed');
    expect(secondReview?.payload).toMatchObject({ decision: 'approve', secondsSinceOpened: 0 });

    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const res = await t.http
      .get('/v1/audit/stats/oversight')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'oversight figures check');
    expect(res.status).toBe(200);
    // One row for the set's counselor, one for its second reviewer, in either order.
    expect(res.body.rows).toHaveLength(2);
    expect(res.body.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          counselor: generated?.actor.pseudonym,
          week: '2026-W40',
          sets: 1,
          items: 3,
          decisions: 3,
          approvalRate: 0.6667,
          rejectionRate: 0.3333,
          catalogRejections: 0,
          additions: 1,
          additionRate: 0.25,
          timedDecisions: 3,
          medianDecisionSeconds: 12,
          // 5 s only, at most the default threshold of 10 s.
          fastDecisionShare: 0.3333,
          reviewedSets: 1,
          openedBeforeFirstDecisionShare: 1,
          publishedItems: 3,
          explanationsOpened: 1,
          explanationOpenedShare: 0.3333,
          rejectionReasons: { not_matching_project: 1 },
          feedback: { contest: 1 },
          secondReviewApprovals: 0,
          timedSecondReviews: 0,
        }),
        // The second reviewer's row: no set of their own, the approval they gave as soon as they read.
        expect.objectContaining({
          counselor: secondReview?.actor.pseudonym,
          week: '2026-W40',
          sets: 0,
          secondReviewApprovals: 1,
          secondReviewReturns: 0,
          timedSecondReviews: 1,
          medianSecondReviewSeconds: 0,
          fastSecondReviewShare: 1,
        }),
      ]),
    );
  });
});

/**
 * The other ways a set goes: blind-first with a pick of the counselor's own, discarded; the person's
 * objection and its withdrawal; the kill switch, its refusal and a set made by hand, expired.
 */
describe('the catalogue of decision-log events against what the other ways of a set write', () => {
  let t: TestApp;
  let clock: TestClock;
  let events: DecisionEvent[];
  let catalogue: Map<string, DocumentedType>;

  beforeAll(async () => {
    let counselor: string;
    ({ t, clock, counselor } = await startWorkflowApp());
    await putSettings(t, { blindFirst: true });
    const { set: blind, etag } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const shortlisted = await act(t, counselor, blind.id, 'shortlist', etag, { courseIds: ['LYON-IDE'] });
    expect(shortlisted.status).toBe(200);
    const discarded = await act(t, counselor, blind.id, 'discard', String(shortlisted.headers.etag), {
      reason: 'La personne a changé de projet après un arrêt maladie.',
      acknowledgeSensitiveTerms: true,
    });
    expect(discarded.status).toBe(200);
    await putSettings(t, {});
    const admin = await t.tokenFor('admin', 'ops-1');
    const labelled = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .send({ items: [{ code: 'J1501', label: 'Soins d’hygiène, de confort du patient' }] });
    expect(labelled.status).toBe(200);
    const { set: open } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const objected = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: 'Je préfère en parler avec mon conseiller.' });
    expect(objected.status).toBe(200);
    expect((await readSet(t, counselor, open.id)).set.status).toBe('discarded');
    expect((await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' })).status).toBe(204);
    await putSettings(t, { aiEnabled: false });
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(409);
    expect((await requestManualSet(t, counselor, 'js-1')).status).toBe(201);
    clock.advance(200 * HOUR);
    expect((await t.http.get('/v1/recommendations').auth(counselor, { type: 'bearer' })).status).toBe(200);

    events = await t.container.decisionLog.decisionLog.listEvents({ limit: 1000 });
    catalogue = await readCatalogue();
  });
  afterAll(() => t.close());

  it('went through each of those ways', () => {
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      'shortlist.submitted',
      'recommendation.discarded',
      'objection.recorded',
      'objection.withdrawn',
      'settings.changed',
      'occupation_labels.loaded',
      'suggestion.refused',
      'recommendation.created_manually',
      'recommendation.expired',
    ]) {
      expect(types).toContain(type);
    }
    expect(
      events.find((event) => event.type === 'recommendation.discarded')?.payload.sensitiveTermsAcknowledged,
    ).toBe(true);
  });

  it('documents every public field they write in the public part of its type', () => {
    expect(listUndocumentedPublicFields(events, catalogue)).toEqual([]);
  });

  it('documents every sealed field they write in the sealed part of its type', async () => {
    expect(await listUndocumentedSealedFields(t, events, catalogue)).toEqual([]);
  });
});
