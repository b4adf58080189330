import crypto from 'node:crypto';
import { expect } from 'vitest';
import type { CourseInput } from '../../src/courses/course.ts';
import type { DecisionEventType } from '../../src/decision-log/decision-event.ts';
import type { JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import { OPEN_STATUSES, type RecommendationSet } from '../../src/recommendations/recommendation.ts';
import type { Settings } from '../../src/settings/settings.ts';
import { aCourse, aJobSeeker } from './builders.ts';
import type { TestApp } from './test-app.ts';

/** The day the workflow tests live on: every builder course starts after it. */
export const WORKFLOW_START = new Date('2026-10-01T08:00:00.000Z');

/** A clock a test can move forward; hand `clock.now` to `startTestApp({ now })`. */
export interface TestClock {
  now: () => Date;
  advance(milliseconds: number): void;
}

export function aClock(start: Date = WORKFLOW_START): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}

/**
 * A small catalog around Lyon for a job seeker aiming at J1501 (aide-soignant): courses that pass
 * the hard filters, and others that must never be suggested (too far, inactive, level too high).
 */
export const WORKFLOW_CATALOG: Record<string, CourseInput> = {
  'LYON-AS-1': aCourse(),
  'LYON-AS-2': aCourse({ title: 'Aide-soignant en alternance', provider: 'Croix-Rouge Lyon' }),
  'LYON-ASH': aCourse({
    title: 'Agent de service hospitalier',
    provider: 'GRETA Lyon',
    skills: ['hygiene', 'accueil'],
    exitLevel: 3,
    durationHours: 280,
    location: { lat: 45.75, lon: 4.85 },
  }),
  'VILLEURBANNE-AES': aCourse({
    title: 'Accompagnant éducatif et social',
    provider: 'IRFSS Villeurbanne',
    targetOccupations: ['K1302'],
    skills: ['accueil'],
    exitLevel: 3,
    durationHours: 525,
    location: { lat: 45.7719, lon: 4.8902 },
    city: 'Villeurbanne',
    returnToEmploymentRate: null,
  }),
  'LYON-SEC': aCourse({
    title: 'Secrétaire médical',
    provider: 'AFPA Lyon',
    targetOccupations: ['M1609'],
    skills: ['accueil', 'bureautique'],
    location: { lat: 45.77, lon: 4.82 },
    returnToEmploymentRate: 0.64,
  }),
  'PARIS-AS': aCourse({
    title: 'Aide-soignant',
    provider: 'IFSI Paris',
    location: { lat: 48.8566, lon: 2.3522 },
    city: 'Paris',
  }),
  'LYON-OLD': aCourse({ title: 'Ancienne session', active: false, nextSessionStart: null }),
  'LYON-IDE': aCourse({
    title: 'Infirmier',
    provider: 'IFSI Lyon',
    exitLevel: 6,
    prerequisiteLevel: 4,
    durationHours: 4200,
  }),
};

/** Course ids of the catalog that pass the hard filters for {@link aWorkflowSeeker}. */
export const REACHABLE_COURSE_IDS = ['LYON-AS-1', 'LYON-AS-2', 'LYON-ASH', 'LYON-SEC', 'VILLEURBANNE-AES'];

/** A job seeker in Lyon, level 3, 30 km of mobility, on counselor `c-001`'s caseload. */
export function aWorkflowSeeker(overrides: Partial<JobSeekerInput> = {}): JobSeekerInput {
  return aJobSeeker({ counselorId: 'c-001', ...overrides });
}

/** Writes the catalog through the API, as an admin. */
export async function seedCatalog(t: TestApp, catalog: Record<string, CourseInput> = WORKFLOW_CATALOG) {
  const admin = await t.tokenFor('admin', 'ops-1');
  for (const [id, course] of Object.entries(catalog)) {
    const res = await t.http.put(`/v1/courses/${id}`).auth(admin, { type: 'bearer' }).send(course);
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`could not write course ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
}

/** Syncs a job seeker as the case-management integration would. */
export async function syncSeeker(
  t: TestApp,
  seekerId: string,
  input: JobSeekerInput = aWorkflowSeeker(),
  { reEnrol = false }: { reEnrol?: boolean } = {},
) {
  const res = await putSeeker(t, seekerId, input, reEnrol);
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`could not sync job seeker ${seekerId}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The case-management system's sync, as sent; with `reEnrol`, the explicit return of a person erased. */
export async function putSeeker(
  t: TestApp,
  seekerId: string,
  input: JobSeekerInput = aWorkflowSeeker(),
  reEnrol = false,
) {
  const integration = await t.tokenFor('integration', 'svc-crm');
  return t.http
    .put(`/v1/job-seekers/${seekerId}`)
    .query(reEnrol ? { reEnrol: 'true' } : {})
    .auth(integration, { type: 'bearer' })
    .send(input);
}

const seededApps = new WeakSet<TestApp>();

/** The workflow catalog (written once per app) and one job seeker on `c-001`'s caseload (or the given counselor's). */
export async function seedCatalogAndSeeker(
  t: TestApp,
  seekerId = 'js-1',
  input: JobSeekerInput = aWorkflowSeeker(),
): Promise<{ seekerId: string }> {
  if (!seededApps.has(t)) {
    await seedCatalog(t);
    seededApps.add(t);
  }
  await syncSeeker(t, seekerId, input);
  return { seekerId };
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** POST …/recommendations with a fresh Idempotency-Key unless one is given. */
export function requestSet(
  t: TestApp,
  token: string,
  seekerId: string,
  options: { idempotencyKey?: string; limit?: number } = {},
) {
  const request = t.http
    .post(`/v1/job-seekers/${seekerId}/recommendations`)
    .auth(token, { type: 'bearer' })
    .set('Idempotency-Key', options.idempotencyKey ?? newIdempotencyKey());
  return options.limit === undefined ? request.send() : request.send({ limit: options.limit });
}

/** The items of a set the counselor approved, in order. */
export function approvedItems(set: SetBody): ItemBody[] {
  return set.items.filter((item) => item.decision === 'approved');
}

/** The first course of the model's the set approved (a set made with `createAndPublish` has one). */
export function firstApproved(set: SetBody): ItemBody {
  const item = approvedItems(set).find((candidate) => candidate.source === 'model');
  if (item === undefined) throw new Error(`set ${set.id} approved none of the model's courses`);
  return item;
}

/** The job seeker objects to AI processing of their data (POST /v1/me/objection). */
export async function objectToAi(t: TestApp, seekerId: string): Promise<void> {
  const token = await t.tokenFor('job_seeker', seekerId);
  const res = await t.http.post('/v1/me/objection').auth(token, { type: 'bearer' }).send({});
  if (res.status !== 200) throw new Error(`could not object: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Whether the person's latest sync gave them back an objection the decision log still holds. */
export async function wasObjectionRestored(t: TestApp, seekerId: string): Promise<unknown> {
  const { decisionLog, pseudonymiser } = t.container.decisionLog;
  const events = await decisionLog.listEvents({
    types: ['job_seeker.upserted'],
    subject: pseudonymiser.pseudonymise(seekerId),
    limit: 1000,
  });
  return events.at(-1)?.payload.objectionRestored;
}

/** Every key of a JSON value, at any depth: to show that a body holds no field of some name. */
export function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  }
  return [];
}

/** POST …/manual-recommendations (a set the counselor fills by hand) with a fresh Idempotency-Key unless one is given. */
export function requestManualSet(t: TestApp, token: string, seekerId: string, idempotencyKey?: string) {
  return t.http
    .post(`/v1/job-seekers/${seekerId}/manual-recommendations`)
    .auth(token, { type: 'bearer' })
    .set('Idempotency-Key', idempotencyKey ?? newIdempotencyKey())
    .send();
}

/**
 * A set by hand holding `courseIds` (each added, so approved), started with the AI switched off for
 * the while (the settings are then the defaults again); returns it with its ETag. Starting it
 * withdraws the person's other open sets, as asking for suggestions does: for two open at once, put
 * the earlier back with `reopenAsLeftBeforeWithdrawal`.
 */
export async function createSetByHand(
  t: TestApp,
  token: string,
  seekerId: string,
  courseIds: readonly string[] = ['LYON-AS-1'],
  settings: Partial<Settings> = {},
): Promise<{ set: SetBody; etag: string }> {
  await putSettings(t, { ...settings, aiEnabled: false });
  try {
    const res = await requestManualSet(t, token, seekerId);
    if (res.status !== 201)
      throw new Error(`could not start a set by hand: ${res.status} ${JSON.stringify(res.body)}`);
    let current = { set: res.body as SetBody, etag: String(res.headers.etag) };
    for (const courseId of courseIds) {
      const added = await act(t, token, current.set.id, 'items', current.etag, {
        courseId,
        reason: 'Choisie avec la personne en entretien',
      });
      if (added.status !== 201)
        throw new Error(`could not add ${courseId}: ${added.status} ${JSON.stringify(added.body)}`);
      current = { set: added.body as SetBody, etag: String(added.headers.etag) };
    }
    return current;
  } finally {
    await putSettings(t, {});
  }
}

/**
 * Puts a set that a new set of the person (suggestions asked for again, a set by hand started)
 * withdrew back open, in `status` (the one it was withdrawn in), as sets of one person left open side
 * by side before that rule still are in a database that kept them (their rules, a blind-first
 * shortlist withdrawing its twins, an addition naming a newer set's suggestion or a second review
 * owed, hold for them). Its withdrawal stays in the log.
 */
export async function reopenAsLeftBeforeWithdrawal(
  t: TestApp,
  setId: string,
  status: 'awaiting_shortlist' | 'pending_review' | 'awaiting_second_review',
): Promise<void> {
  const reopened = await t.container
    .db('recommendation_sets')
    .where({ id: setId, status: 'discarded' })
    .update({ status, closed_at: null, discard_reason: null, discarded_by: null });
  if (reopened !== 1) throw new Error(`set ${setId} was not withdrawn`);
}

/** The events of one type about `seekerId`, oldest first. */
export function listEventsAbout(t: TestApp, seekerId: string, type: DecisionEventType) {
  const { decisionLog, pseudonymiser } = t.container.decisionLog;
  return decisionLog.listEvents({
    types: [type],
    subject: pseudonymiser.pseudonymise(seekerId),
    limit: 1000,
  });
}

/**
 * Whether set `setId` goes to a second review, as an auditor reads it: from its creation event
 * (`secondReviewRequired`), since its counselor is not told before asking to publish it.
 */
export async function readSecondReviewDraw(t: TestApp, setId: string): Promise<unknown> {
  const types = ['recommendation.generated', 'recommendation.created_manually'] as const;
  let afterSeq = 0;
  for (;;) {
    const events = await t.container.decisionLog.decisionLog.listEvents({ types, afterSeq, limit: 1000 });
    const created = events.find((event) => event.payload.setId === setId);
    if (created !== undefined) return created.payload.secondReviewRequired;
    const last = events.at(-1);
    if (last === undefined) throw new Error(`no creation event of set ${setId}`);
    afterSeq = last.seq;
  }
}

/** The ids of the person's open sets in `counselor`'s queue. */
export async function listOpenSetIds(t: TestApp, counselor: string, seekerId: string): Promise<string[]> {
  const res = await t.http
    .get(`/v1/recommendations?seekerId=${seekerId}`)
    .auth(counselor, { type: 'bearer' });
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ id: string; status: RecommendationSet['status'] }>)
    .filter((set) => OPEN_STATUSES.includes(set.status))
    .map((set) => set.id);
}

/** The data-subject request the access records of the tests answer, unless one names another. */
export const ACCESS_REQUEST = 'DSAR-2026-0142';

/** GET a person's access record as `token` (an admin), answering `reference` (no X-Access-Request when null). */
export function requestAccessRecord(
  t: TestApp,
  token: string,
  seekerId: string,
  reference: string | null = ACCESS_REQUEST,
) {
  const request = t.http.get(`/v1/job-seekers/${seekerId}/access-record`).auth(token, { type: 'bearer' });
  return reference === null ? request : request.set('X-Access-Request', reference);
}

/** The request for erasure the erasures of the tests answer, unless one names another. */
export const ERASURE_REQUEST = 'ERASE-2026-0031';

/** DELETE a job seeker (erasure) as `token` (an admin), answering `reference` (no X-Erasure-Request when null). */
export function eraseJobSeeker(
  t: Pick<TestApp, 'http'>,
  token: string,
  seekerId: string,
  reference: string | null = ERASURE_REQUEST,
) {
  const request = t.http.delete(`/v1/job-seekers/${seekerId}`).auth(token, { type: 'bearer' });
  return reference === null ? request : request.set('X-Erasure-Request', reference);
}

/** The body of a set as the API returns it (the parts the tests read). */
export interface SetBody {
  id: string;
  seekerId: string;
  status: string;
  model: { id: string; version: string; sha256: string } | null;
  attributionMethod: { method: string } | null;
  version: number;
  createdAt: string;
  openedAt: string | null;
  publishedAt: string | null;
  replacedBy: { setId: string; at: string } | null;
  itemsHidden: boolean;
  caveats: Array<{ code: string; message: string }>;
  noCandidateReason: string | null;
  items: ItemBody[];
  shortlist: { courseIds: string[]; overlap: number; submittedAt: string } | null;
  expiresAt: string;
  secondReview: {
    /** Null until its counselor asks to publish the set. */
    required: boolean | null;
    firstReviewerId: string | null;
    reviewerId: string | null;
    openedAt: string | null;
    reads: Array<{ by: string; at: string }>;
    returned: { by: string; at: string; comment: string | null } | null;
    approved: { by: string; at: string; comment: string | null } | null;
  };
  allowedActions: string[];
  warnings?: Array<{ code: string; field: string; terms: string[] }>;
}

export interface ItemBody {
  itemId: string;
  course: { id: string; title: string };
  courseAvailable: boolean;
  rank: number | null;
  displayOrder: number | null;
  score: number | null;
  source: 'model' | 'counselor';
  decision: 'pending' | 'approved' | 'rejected';
  decisionSeconds: number | null;
  earlierModelSuggestion: { setId: string; suggestedAt: string } | null;
  attributions: Array<{
    feature: string;
    label: string;
    value: number;
    valueText: string | null;
    contribution: number;
  }>;
  explanation: string;
}

/** Creates a set and checks it was created; returns it with its ETag. */
export async function createSet(
  t: TestApp,
  token: string,
  seekerId = 'js-1',
  options: { limit?: number } = {},
): Promise<{ set: SetBody; etag: string }> {
  const res = await requestSet(t, token, seekerId, options);
  if (res.status !== 201)
    throw new Error(`could not create a set: ${res.status} ${JSON.stringify(res.body)}`);
  return { set: res.body as SetBody, etag: String(res.headers.etag) };
}

/** GET a set (the owner's first read opens it); returns the set and its ETag. */
export async function readSet(
  t: TestApp,
  token: string,
  setId: string,
): Promise<{ set: SetBody; etag: string }> {
  const res = await t.http.get(`/v1/recommendations/${setId}`).auth(token, { type: 'bearer' });
  if (res.status !== 200)
    throw new Error(`could not read set ${setId}: ${res.status} ${JSON.stringify(res.body)}`);
  return { set: res.body as SetBody, etag: String(res.headers.etag) };
}

/**
 * A second reviewer's approval as the review asks for it: the set read first (which records the
 * reading), then approved with the ETag that read gave.
 */
export async function approveAfterReading(t: TestApp, token: string, setId: string, comment?: string) {
  const { etag } = await readSet(t, token, setId);
  return act(t, token, setId, 'second-review', etag, {
    decision: 'approve',
    ...(comment === undefined ? {} : { comment }),
  });
}

/**
 * The courses of a blind-first set's model items, in rank order, read through the service as its
 * counselor (c-001): their own view hides them until the shortlist is in.
 */
export async function hiddenModelCourses(t: TestApp, setId: string): Promise<string[]> {
  const { set } = await t.container.services.recommendations.getRecommendationSet(
    { subject: 'c-001', roles: ['counselor'] },
    setId,
  );
  return set.items.map((item) => item.course.id);
}

/** What a counselor sends to decide one item. */
export type DecisionBody = {
  decision: 'approve' | 'reject';
  reasonCode?: string;
  comment?: string;
  acknowledgeSensitiveTerms?: boolean;
};

/** One decision on one item, with the given If-Match (none when undefined). */
export function decide(
  t: TestApp,
  token: string,
  setId: string,
  itemId: string,
  etag: string | undefined,
  body: DecisionBody,
) {
  const request = t.http
    .post(`/v1/recommendations/${setId}/items/${itemId}/decision`)
    .auth(token, { type: 'bearer' });
  return (etag === undefined ? request : request.set('If-Match', etag)).send(body);
}

/** POST …/{action} on a set with the given If-Match (none when undefined). */
export function act(
  t: TestApp,
  token: string,
  setId: string,
  action: 'publish' | 'discard' | 'retract' | 'shortlist' | 'second-review' | 'items',
  etag: string | undefined,
  body: object = {},
) {
  const request = t.http.post(`/v1/recommendations/${setId}/${action}`).auth(token, { type: 'bearer' });
  return (etag === undefined ? request : request.set('If-Match', etag)).send(body);
}

/**
 * Decides every pending item one by one (there is no bulk approval): approves the first
 * `approve` items by rank and rejects the rest with a reason. Returns the set and its ETag.
 */
export async function decideAll(
  t: TestApp,
  token: string,
  setId: string,
  options: { approve?: number } = {},
): Promise<{ set: SetBody; etag: string }> {
  const { set, etag } = await readSet(t, token, setId);
  const toApprove = options.approve ?? Number.POSITIVE_INFINITY;
  const pending = set.items.filter((candidate) => candidate.decision === 'pending');
  return decideEach(
    t,
    token,
    setId,
    etag,
    pending.map((item, index) => [
      item.itemId,
      index < toApprove
        ? { decision: 'approve' }
        : { decision: 'reject', reasonCode: 'not_matching_project' },
    ]),
  );
}

/**
 * Decides the given items one by one, in order, each with the ETag the previous decision answered
 * (the first with `etag`). Returns the set and its ETag.
 */
export async function decideEach(
  t: TestApp,
  token: string,
  setId: string,
  etag: string,
  decisions: ReadonlyArray<readonly [itemId: string, body: DecisionBody]>,
): Promise<{ set: SetBody; etag: string }> {
  let current: { set: SetBody | undefined; etag: string } = { set: undefined, etag };
  for (const [itemId, body] of decisions) {
    const res = await decide(t, token, setId, itemId, current.etag, body);
    if (res.status !== 200) {
      throw new Error(`could not decide ${itemId}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    current = { set: res.body as SetBody, etag: String(res.headers.etag) };
  }
  if (current.set === undefined) return readSet(t, token, setId);
  return { set: current.set, etag: current.etag };
}

/** Creates a set, decides every item (approving `approve` of them) and publishes it. */
export async function createAndPublish(
  t: TestApp,
  token: string,
  seekerId = 'js-1',
  options: { approve?: number; message?: string } = {},
): Promise<SetBody> {
  const { set: created } = await createSet(t, token, seekerId);
  const { etag } = await decideAll(
    t,
    token,
    created.id,
    options.approve === undefined ? {} : { approve: options.approve },
  );
  const res = await act(
    t,
    token,
    created.id,
    'publish',
    etag,
    options.message === undefined ? {} : { message: options.message },
  );
  if (res.status !== 200)
    throw new Error(`could not publish ${created.id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as SetBody;
}

/** The body of `PUT /v1/settings`: the settings the tests start from, with `changes`. */
export function settingsBody(changes: Partial<Settings> = {}) {
  return {
    aiEnabled: true,
    blindFirst: false,
    secondReviewRate: 0,
    setTtlHours: 168,
    fastDecisionSeconds: 10,
    ...changes,
  };
}

/** Replaces the settings as an admin, starting from the defaults. */
export async function putSettings(t: TestApp, changes: Partial<Settings>): Promise<void> {
  const admin = await t.tokenFor('admin', 'ops-1');
  const res = await t.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(settingsBody(changes));
  if (res.status !== 200)
    throw new Error(`could not change settings: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A domain set for unit tests of the rules: one pending model item, owned by `c-001`. */
export function aRecommendationSet(overrides: Partial<RecommendationSet> = {}): RecommendationSet {
  const course = WORKFLOW_CATALOG['LYON-AS-1'];
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    seekerId: 'js-1',
    counselorId: 'c-001',
    status: 'pending_review',
    model: { id: 'aiguillage-ebm-1.0.0', version: '1.0.0', sha256: 'a'.repeat(64) },
    attributionMethod: { method: 'exact-additive' },
    createdBy: 'c-001',
    createdAt: WORKFLOW_START.toISOString(),
    createdAtSeq: 0,
    expiresAt: new Date(WORKFLOW_START.getTime() + 168 * 3_600_000).toISOString(),
    openedAt: null,
    publishedAt: null,
    publishedAtSeq: null,
    publishedBy: null,
    closedAt: null,
    orderedAt: null,
    version: 1,
    noCandidateReason: null,
    message: null,
    discardReason: null,
    discardedBy: null,
    retraction: null,
    replacedBy: null,
    secondReview: {
      required: false,
      firstReviewerId: null,
      reviewerId: null,
      round: 0,
      reads: [],
      returned: null,
      approved: null,
    },
    blindFirst: false,
    shortlist: null,
    profileSnapshot: null,
    items: [
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000101',
        course: {
          id: 'LYON-AS-1',
          title: course?.title ?? 'Aide-soignant',
          provider: course?.provider ?? 'IFSI Lyon',
          modality: 'in_person',
          nextSessionStart: '2027-01-11',
          city: 'Lyon',
          location: { lat: 45.764, lon: 4.8357 },
          returnToEmploymentRate: 0.81,
        },
        rank: 1,
        displayOrder: null,
        score: 0.7,
        features: [1, 0.5],
        attributions: [],
        counselorExplanation: 'Score 0.70',
        seekerExplanation: { summary: 'Cette formation correspond à votre projet.', reasons: [] },
        source: 'model',
        decision: 'pending',
        reasonCode: null,
        comment: null,
        decidedBy: null,
        decidedAt: null,
        decisionSeconds: null,
        addedReason: null,
        addedAtSeq: null,
        earlierModelSuggestion: null,
      },
    ],
    ...overrides,
  };
}

/** Items the job seeker can neither have explained nor answer any more (404, as for an unknown item). */
export async function expectGoneFromPortal(
  t: TestApp,
  token: string,
  itemIds: readonly string[],
): Promise<void> {
  for (const itemId of itemIds) {
    const explanation = await t.http
      .get(`/v1/me/recommendations/${itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(explanation.status).toBe(404);
    const feedback = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(token, { type: 'bearer' })
      .send({ response: 'interested' });
    expect(feedback.status).toBe(404);
  }
}
