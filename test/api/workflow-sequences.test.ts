import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECISION_EVENT_TYPES } from '../../src/decision-log/decision-event.ts';
import { parisDayOf } from '../../src/shared/french-day.ts';
import { createRandom, type Random } from '../../src/shared/random.ts';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { registerAndActivate } from '../support/model-activation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  approvedInOrder,
  touch,
  WALK_OPEN_STATUSES,
  type WalkItem,
  WalkModel,
  type WalkSet,
  type WalkSettings,
} from '../support/walk-model.ts';
import {
  aClock,
  act,
  aWorkflowSeeker,
  decide,
  eraseJobSeeker,
  keysOf,
  newIdempotencyKey,
  putSeeker,
  REACHABLE_COURSE_IDS,
  requestManualSet,
  requestSet,
  type SetBody,
  seedCatalog,
  type TestClock,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';

/**
 * Long seeded random walks through the review workflow, each step checked against a model of what
 * the product promises (records 0003, 0013, 0014, 0015, 0017, 0019, 0020, 0021): the portal shows exactly the approved items
 * of the person's latest set given, a counselor sees only their caseload's sets, a refused action
 * changes nothing, an accepted one logs its events, and the log verifies. A failure prints the seed
 * and the steps taken: `WALK_SEED=<seed> npx vitest run test/api/workflow-sequences.test.ts` replays it
 * (`WALK_SEQUENCES=<n>` walks more seeds from there, `WALK_STEPS=<n>` takes more steps in each;
 * `WALK_LOG=<file>` appends the steps of walks that pass, `WALK_PROCESSES=1|2` runs every walk on one
 * process or on two sharing the database, whose clocks disagree; by default every third walk has two).
 * Now and then a targeted step takes the place of the usual weighted one, for paths that draw reaches
 * rarely (`drawTargetedStep`); its draws come from a stream of their own, so that a walk of one
 * process takes the steps it took before they were added, up to the first targeted step it draws.
 */

const HOUR = 3_600_000;
/** The share of steps a targeted step takes the place of, when one can be taken. */
const TARGETED_SHARE = 0.15;
const SEQUENCES = Number(process.env.WALK_SEQUENCES ?? 3);
const STEPS = Number(process.env.WALK_STEPS ?? 60);
const FIRST_SEED = Number(process.env.WALK_SEED ?? 51_000);
const COUNSELORS = ['c-001', 'c-002', 'c-003'] as const;
const SEEKERS: Record<string, string> = {
  'js-w1': 'c-001',
  'js-w2': 'c-001',
  'js-w3': 'c-002',
  'js-w4': 'c-003',
};
const ACTIVE_COURSES = Object.entries(WORKFLOW_CATALOG)
  .filter(([, course]) => course.active)
  .map(([id]) => id);
const LOGGED_TYPES = DECISION_EVENT_TYPES.filter((type) => type !== 'audit.queried');
/** The shipped model, active when a walk starts. */
const SHIPPED_MODEL_ID = 'aiguillage-ebm-1.1.0';
/** Models registered and activated in turn as a walk recalls the active one (record 0017). */
const SPARE_MODEL_VERSIONS = ['1.2.0', '1.3.0', '1.4.0'];
const RETRACTION_REASON = 'Erreur dans la sélection';
const RECALL_REASON = 'Des écarts de classement ont été constatés';
const MESSAGES = ['Bonjour, voici les formations dont nous avons parlé.', 'À voir ensemble jeudi.'];
/**
 * Texts to the person the free-text screening flags (record 0020): refused (422 `sensitive-terms`)
 * until confirmed with `acknowledgeSensitiveTerms`, then kept with a `sensitive_term` warning.
 */
const SENSITIVE_MESSAGE = 'Vu votre problème de santé, voici des formations adaptées.';
const SENSITIVE_COMMENT = 'Horaires incompatibles avec son handicap';
const SENSITIVE_REPLY = 'Nous en reparlons, compte tenu de votre religion.';
const FLAGGED_TEXTS = new Set([SENSITIVE_MESSAGE, SENSITIVE_COMMENT, SENSITIVE_REPLY]);
const PLAIN_COMMENT = 'Vu ensemble en entretien';
const RETURN_COMMENT = 'Revoir la troisième formation';
const REPLIES = [
  'Nous en reparlons à notre prochain rendez-vous.',
  'Je maintiens ce choix, voyons-le jeudi.',
];

type EtagMode = 'current' | 'stale' | 'none';
/** A contest reply kept with an Idempotency-Key, to send again. */
type KeptReply = {
  counselor: string;
  seekerId: string;
  setId: string;
  itemId: string;
  key: string;
  body: { message: string; acknowledgeSensitiveTerms?: true };
  answeredContests: number;
};
type Res = { status: number; body: unknown; headers: Record<string, string> };
/** Process B of a two-process walk: another app on the same database, and its clock's lag behind A's. */
type SecondProcess = { b: TestApp; lag: number; draws: Random };

/** One walk: an app on its own database and clock, the model, the PRNG and the steps taken. */
class Walk {
  readonly model = new WalkModel();
  readonly steps: string[] = [];
  private readonly tokens = new Map<string, string>();
  private baseline = new Map<string, number>();
  private keys: Array<{ counselor: string; seekerId: string; key: string; manual: boolean }> = [];
  /** The model suggestions come from now; the models registered, and those recalled. */
  private activeModelId = SHIPPED_MODEL_ID;
  private readonly registeredModels = [SHIPPED_MODEL_ID];
  private readonly recalledModels = new Set<string>();
  /** The contest replies kept with an Idempotency-Key. */
  private readonly keptReplies: KeptReply[] = [];

  /** Whether the last request went to process B, whose clock lags A's. */
  private onB = false;

  constructor(
    readonly a: TestApp,
    readonly clock: TestClock,
    /** The draws of the walk's steps; the targeted steps' own stream while one runs. */
    private random: Random,
    /**
     * The draws of the targeted steps, apart from the walk's: a walk of one process takes the same
     * steps as before they were added until the first targeted step it draws.
     */
    private readonly targeted: Random,
    /** The models not registered yet, to activate after a recall. */
    private readonly spareModels: TestModelFolder[] = [],
    /** A second process on A's database, its clock `lag` ms behind A's, and the draws of where each request goes. */
    private readonly second?: SecondProcess,
  ) {}

  /** The app the next request goes to: A, or B drawn half the time when the walk has two processes. */
  get t(): TestApp {
    const second = this.second;
    this.onB = second?.draws.nextBoolean(0.5) ?? false;
    return this.onB && second !== undefined ? second.b : this.a;
  }

  /** When a set the last answer made, handed on or returned expires: a lifetime from the clock of the process that answered. */
  lifetimeEnd(body: SetBody): number {
    const expiresAt = Date.parse(body.expiresAt);
    const lifetime = this.model.settings.setTtlHours * HOUR;
    const lag = this.onB ? (this.second?.lag ?? 0) : 0;
    expect(expiresAt, `a lifetime from ${this.onB ? "B's" : "A's"} clock`).toBeGreaterThanOrEqual(
      this.now() - lag + lifetime,
    );
    expect(expiresAt, 'a lifetime from no clock ahead of A').toBeLessThanOrEqual(this.now() + lifetime);
    return expiresAt;
  }

  async token(
    role: 'admin' | 'counselor' | 'auditor' | 'job_seeker' | 'integration',
    subject: string,
  ): Promise<string> {
    const name = `${role}:${subject}`;
    let token = this.tokens.get(name);
    if (token === undefined) {
      token = await this.a.tokenFor(role, subject);
      this.tokens.set(name, token);
    }
    return token;
  }

  now(): number {
    return this.clock.now().getTime();
  }

  log(line: string): void {
    this.steps.push(`${this.steps.length + 1}. ${line}`);
  }

  /** Every answer: never a 5xx, every 4xx a problem document. */
  answer<R extends Res>(res: R, what: string): R {
    const type = (res.body as { type?: unknown } | undefined)?.type;
    const where = this.second === undefined ? '' : this.onB ? '[B] ' : '[A] ';
    this.log(
      `${where}${what} -> ${res.status}${typeof type === 'string' ? ` ${type.split('/').pop()}` : ''}`,
    );
    expect(res.status, `${what}: ${brief(res.body)}`).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
      expect((res.body as { status?: number }).status, what).toBe(res.status);
    }
    return res;
  }

  async setup(): Promise<void> {
    await seedCatalog(this.t);
    for (const [seekerId, counselorId] of Object.entries(SEEKERS)) {
      const res = await putSeeker(this.t, seekerId, aWorkflowSeeker({ counselorId }));
      expect(res.status).toBe(201);
      this.model.people.set(seekerId, { id: seekerId, counselorId, objected: false, erased: false });
    }
    this.baseline = await this.countEvents();
  }

  // ---- invariants -------------------------------------------------------------------------------

  async countEvents(): Promise<Map<string, number>> {
    const auditor = await this.token('auditor', 'aud-1');
    const counts = new Map<string, number>();
    let cursor: string | null = null;
    let previous = 0;
    do {
      const query: Record<string, string | number> = { type: LOGGED_TYPES.join(','), limit: 200 };
      if (cursor !== null) query.cursor = cursor;
      const res = await this.t.http
        .get('/v1/audit/events')
        .query(query)
        .set('X-Audit-Purpose', 'contrôle de la marche aléatoire')
        .auth(auditor, { type: 'bearer' });
      expect(res.status, brief(res.body)).toBe(200);
      for (const event of res.body.items as Array<{ type: string; seq: number; occurredAt: string }>) {
        counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
        // The log's time never goes back, whichever process's clock wrote each event (record 0004).
        expect(
          Date.parse(event.occurredAt),
          `the time of event ${event.seq}, ${event.type}`,
        ).toBeGreaterThanOrEqual(previous);
        previous = Date.parse(event.occurredAt);
      }
      cursor = res.body.nextCursor as string | null;
    } while (cursor !== null);
    return counts;
  }

  async checkEvents(): Promise<void> {
    const counts = await this.countEvents();
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    for (const type of LOGGED_TYPES) {
      const want = (this.baseline.get(type) ?? 0) + (this.model.events.get(type) ?? 0);
      const got = counts.get(type) ?? 0;
      if (want !== 0 || got !== 0) {
        expected[type] = want;
        actual[type] = got;
      }
    }
    expect(actual, 'events in the log, by type').toEqual(expected);
  }

  async checkQueues(): Promise<void> {
    for (const counselor of COUNSELORS) {
      const token = await this.token('counselor', counselor);
      const res = await this.t.http
        .get('/v1/recommendations')
        .query({ limit: 200 })
        .auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body.suggestionsSwitchedOff).toBe(!this.model.settings.aiEnabled);
      const seen = Object.fromEntries(
        (res.body.items as Array<{ id: string; status: string; replacedBy: unknown }>).map((set) => [
          set.id,
          `${set.status}${set.replacedBy === null ? '' : ' replaced'}`,
        ]),
      );
      const expected = Object.fromEntries(
        [...this.model.sets.values()]
          .filter((set) => {
            const person = this.model.person(set.seekerId);
            return !person.erased && person.counselorId === counselor;
          })
          .map((set) => [set.id, `${set.status}${set.replaced ? ' replaced' : ''}`]),
      );
      expect(seen, `${counselor}'s queue`).toEqual(expected);
      const second = await this.t.http
        .get('/v1/recommendations')
        .query({ queue: 'second_review', limit: 200 })
        .auth(token, { type: 'bearer' });
      expect(second.status).toBe(200);
      expect(
        (second.body.items as Array<{ id: string }>).map((set) => set.id).sort(),
        `${counselor}'s second-review queue`,
      ).toEqual(
        [...this.model.sets.values()]
          .filter((set) => set.status === 'awaiting_second_review' && set.firstReviewerId !== counselor)
          .map((set) => set.id)
          .sort(),
      );
    }
  }

  async checkPortals(): Promise<void> {
    for (const person of this.model.people.values()) {
      const token = await this.token('job_seeker', person.id);
      const res = await this.t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
      if (person.erased) {
        expect(res.status, `${person.id}'s portal once erased`).toBe(404);
        continue;
      }
      expect(res.status).toBe(200);
      const shown = this.model.shownSet(person.id);
      const items = res.body.items as Array<{
        itemId: string;
        order: number;
        suggestedBy: string;
        courseAvailable: boolean;
      }>;
      expect(
        items.map((item) => item.itemId),
        `${person.id}'s portal`,
      ).toEqual(this.model.shownItemIds(person.id));
      expect(items.map((item) => item.order)).toEqual(items.map((_, index) => index + 1));
      expect(res.body.publishedAt === null, `${person.id}'s portal shows a set`).toBe(shown === undefined);
      expect(res.body.retractedAt !== null, `${person.id}'s portal shows a retraction`).toBe(
        shown?.status === 'retracted',
      );
      // Taken back no earlier than proposed, whichever process's clock dated each (record 0013).
      if (res.body.retractedAt !== null)
        expect(
          Date.parse(res.body.retractedAt),
          `${person.id}'s retraction after its publication`,
        ).toBeGreaterThanOrEqual(Date.parse(res.body.publishedAt));
      // The message of the latest set given, and of no other; none once it is retracted.
      expect(res.body.message, `${person.id}'s portal message`).toBe(this.model.shownMessage(person.id));
      const keys = keysOf(res.body);
      for (const forbidden of ['score', 'rank', 'attributions', 'contribution'])
        expect(keys).not.toContain(forbidden);
      const modelItems = new Map((shown?.items ?? []).map((item) => [item.id, item]));
      for (const item of items) {
        const known = modelItems.get(item.itemId);
        expect(item.suggestedBy).toBe(known?.source);
        // A course the catalog withdrew after publication stays, marked so (record 0003).
        expect(item.courseAvailable, `${known?.courseId} available`).toBe(
          !this.model.withdrawnCourses.has(known?.courseId ?? ''),
        );
      }
    }
  }

  async checkAll(): Promise<void> {
    await this.checkQueues();
    await this.checkPortals();
    await this.checkEvents();
  }

  async verifyLog(): Promise<void> {
    const auditor = await this.token('auditor', 'aud-1');
    const res = await this.t.http
      .get('/v1/audit/verify')
      .set('X-Audit-Purpose', 'contrôle de la marche aléatoire')
      .auth(auditor, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.ok, brief(res.body)).toBe(true);
  }

  // ---- reading a set as the model expects -------------------------------------------------------

  /** Whether `counselor` may read the set now (record 0003, record 0014's `maySeeSet`). */
  maySee(counselor: string, set: WalkSet): boolean {
    const person = this.model.person(set.seekerId);
    if (person.erased) return false;
    if (person.counselorId === counselor) return true;
    if (set.firstReviewerId === counselor) return false;
    if (set.status === 'awaiting_second_review') return true;
    // An expiry while it awaited its second review is told as one, a day long (record 0003).
    return set.status === 'expired' && set.expiredAwaiting && this.now() < set.expiresAt + 24 * HOUR;
  }

  /** GET the set as `counselor`, recording in the model what that read records. */
  async read(
    counselor: string,
    set: WalkSet,
    quiet = false,
  ): Promise<{ body: SetBody; etag: string } | undefined> {
    const token = await this.token('counselor', counselor);
    const res = await this.t.http.get(`/v1/recommendations/${set.id}`).auth(token, { type: 'bearer' });
    this.answer(res, `${counselor} reads ${short(set)}${quiet ? ' (to compare)' : ''}`);
    if (!this.maySee(counselor, set)) {
      expect(res.status, `${counselor} reads ${short(set)} of ${set.seekerId}`).toBe(404);
      return undefined;
    }
    expect(res.status, `${counselor} reads ${short(set)}: ${brief(res.body)}`).toBe(200);
    const reviewing = set.status === 'awaiting_shortlist' || set.status === 'pending_review';
    if (set.counselorId === counselor && reviewing && !set.openedAt && !actedOn(set)) {
      set.openedAt = true;
      touch(set);
      this.model.expectEvent('recommendation.opened');
    } else if (
      set.status === 'awaiting_second_review' &&
      set.firstReviewerId !== counselor &&
      !set.currentReads.has(counselor)
    ) {
      set.currentReads.add(counselor);
      set.everRead.add(counselor);
      this.model.expectEvent('second_review.opened');
    }
    this.checkBody(res.body as SetBody, set);
    this.checkEtag(set, String(res.headers.etag));
    expect(res.body.allowedActions, `actions ${counselor} may take on ${short(set)}`).toEqual(
      this.allowedActions(counselor, set),
    );
    return { body: res.body as SetBody, etag: String(res.headers.etag) };
  }

  /** The ETag moves when the set changed, and only then. */
  checkEtag(set: WalkSet, etag: string): void {
    if (set.lastEtag !== undefined) {
      if (set.changed) expect(etag, `${short(set)} changed: a new ETag`).not.toBe(set.lastEtag);
      else expect(etag, `${short(set)} unchanged: the same ETag`).toBe(set.lastEtag);
    }
    set.lastEtag = etag;
    set.changed = false;
  }

  /** What record 0014 lists: the actions none of the refusals would refuse, with the set's ETag. */
  allowedActions(counselor: string, set: WalkSet): string[] {
    const items = set.items ?? [];
    const publishable =
      !items.some((item) => item.decision === 'pending') &&
      items.some((item) => item.decision === 'approved') &&
      this.model.withdrawnApprovals(set).length === 0;
    const allowed: Array<[string, boolean]> = [
      [
        'decide_item',
        this.refusalBefore(counselor, set, 'decide', 'current', false) === undefined && items.length > 0,
      ],
      ['add_item', this.refusalBefore(counselor, set, 'add', 'current', false) === undefined],
      [
        'order_items',
        this.refusalBefore(counselor, set, 'order', 'current', false) === undefined &&
          items.some((item) => item.decision === 'approved'),
      ],
      ['submit_shortlist', this.refusalBefore(counselor, set, 'shortlist', 'current', false) === undefined],
      [
        'publish',
        this.refusalBefore(counselor, set, 'publish', 'current', true) === undefined && publishable,
      ],
      ['second_review', this.refusalBefore(counselor, set, 'second_review', 'current', false) === undefined],
      ['discard', this.refusalBefore(counselor, set, 'discard', 'current', false) === undefined],
      ['retract', this.refusalBefore(counselor, set, 'retract', 'current', false) === undefined],
      [
        'reply_to_contest',
        this.maySee(counselor, set) &&
          (set.status === 'published' || set.status === 'retracted') &&
          [...set.contestCount.values()].some((count) => count > 0),
      ],
    ];
    return allowed.filter(([, yes]) => yes).map(([action]) => action);
  }

  /** A set as the API answers it, against the model. */
  checkBody(body: SetBody, set: WalkSet): void {
    expect(body.id).toBe(set.id);
    expect(body.status, `status of ${short(set)}`).toBe(set.status);
    expect(body.replacedBy !== null, `${short(set)} replaced`).toBe(set.replaced);
    expect(body.secondReview.required, `the draw of ${short(set)} as told`).toBe(
      set.drawTold ? set.secondReviewRequired : null,
    );
    expect(body.openedAt !== null, `${short(set)} opened`).toBe(set.openedAt);
    if (set.status === 'awaiting_second_review') {
      // Only the reads of the current round, each reader's own, count for an approval (record 0003).
      expect(
        body.secondReview.reads.map((read) => read.by).sort(),
        `second-review reads of ${short(set)}`,
      ).toEqual([...set.currentReads].sort());
    }
    // The kill switch says so on a model's set under review, and nowhere else (record 0003).
    const held = !this.model.settings.aiEnabled && !set.manual && WALK_OPEN_STATUSES.includes(set.status);
    expect(
      body.caveats.some((caveat) => caveat.code === 'ai_disabled'),
      `${short(set)} says suggestions are off`,
    ).toBe(held);
    // A message the screening flags, handed on confirmed, is told to the second reviewer on every read (record 0003).
    expect(
      body.caveats.some((caveat) => caveat.code === 'message_sensitive_terms'),
      `${short(set)} says its message seems to mention sensitive information`,
    ).toBe(set.status === 'awaiting_second_review' && isFlagged(set.message));
    const told = body as SetBody & { contests: { unanswered: number }; message: string | null };
    expect(told.contests.unanswered, `contests of ${short(set)} unanswered`).toBe(
      [...set.contestCount.values()].reduce((sum, count) => sum + count, 0),
    );
    expect(told.message, `message of ${short(set)}`).toBe(set.message);
    if (set.items === null) {
      expect(body.itemsHidden).toBe(true);
      return;
    }
    expect(
      body.items.map((item) => `${item.itemId} ${item.source} ${item.decision}`).sort(),
      `items of ${short(set)}`,
    ).toEqual(set.items.map((item) => `${item.id} ${item.source} ${item.decision}`).sort());
  }

  /** Who holds the person's caseload, to read the set before and after an action; undefined once erased. */
  observerOf(set: WalkSet): string | undefined {
    const person = this.model.person(set.seekerId);
    return person.erased ? undefined : person.counselorId;
  }

  // ---- the review actions ----------------------------------------------------------------------

  /**
   * What the product must answer before the action's own rules, in its order (record 0014 and
   * `applyReviewAction`): who may see and act, the expiry, the precondition, the kill switch; a
   * status code for a refusal, undefined when the action goes on to its own rules.
   */
  refusalBefore(
    counselor: string,
    set: WalkSet,
    action: 'decide' | 'add' | 'order' | 'shortlist' | 'publish' | 'second_review' | 'discard' | 'retract',
    etag: EtagMode,
    releasesModelOutput: boolean,
  ): number[] | undefined {
    const person = this.model.person(set.seekerId);
    if (!this.maySee(counselor, set)) {
      if (person.erased) return [404];
      if (set.counselorId === counselor) return [409];
      if (set.everRead.has(counselor)) return [409];
      return [404];
    }
    const anyReader = action === 'second_review' || action === 'retract';
    if (!anyReader && set.counselorId !== counselor) return [403];
    if (set.status === 'expired') return etag === 'none' ? [409, 428] : [409];
    if (etag === 'none') return [428];
    if (etag === 'stale') return [412];
    const statuses: Record<typeof action, string[]> = {
      decide: ['pending_review'],
      add: ['pending_review'],
      order: ['pending_review'],
      shortlist: ['awaiting_shortlist'],
      publish: ['pending_review'],
      second_review: ['awaiting_second_review'],
      discard: [...WALK_OPEN_STATUSES],
      retract: ['published'],
    };
    const statusAllows = statuses[action].includes(set.status);
    if (statusAllows && releasesModelOutput && !set.manual && !this.model.settings.aiEnabled) return [409];
    if (!statusAllows) return [409];
    if (action === 'second_review' && set.firstReviewerId === counselor) return [403];
    return undefined;
  }

  /**
   * Acts, then checks the answer: a refusal with the status expected and nothing changed, or the
   * change. Returns the answer, for the action's own checks.
   */
  async reviewAction(
    what: string,
    counselor: string,
    set: WalkSet,
    action: Parameters<Walk['refusalBefore']>[2],
    etagMode: EtagMode,
    send: (token: string, etag: string | undefined) => Promise<Res>,
    rules: { releases: boolean; ownRule?: () => number[] | undefined; apply: (body: SetBody) => void },
  ): Promise<Res> {
    const observer = this.observerOf(set);
    const before = observer === undefined ? undefined : await this.read(observer, set, true);
    const token = await this.token('counselor', counselor);
    const etag =
      etagMode === 'none'
        ? undefined
        : etagMode === 'stale'
          ? staleEtag(before?.etag)
          : (before?.etag ?? '"1"');
    const refusal = this.refusalBefore(counselor, set, action, etagMode, rules.releases) ?? rules.ownRule?.();
    const res = this.answer(await send(token, etag), `${counselor} ${what} ${short(set)} (${etagMode} ETag)`);
    if (refusal !== undefined) {
      expect(refusal, `${what}: ${brief(res.body)}`).toContain(res.status);
      if (observer !== undefined && before !== undefined) {
        const after = await this.read(observer, set, true);
        expect(after?.etag, `${what} refused changed the ETag`).toBe(before.etag);
        expect(after?.body, `${what} refused changed the set`).toEqual(before.body);
      }
      return res;
    }
    expect(res.status, `${what}: ${brief(res.body)}`).toBe(action === 'add' ? 201 : 200);
    rules.apply(res.body as SetBody);
    touch(set);
    this.checkBody(res.body as SetBody, set);
    this.checkEtag(set, String(res.headers.etag));
    return res;
  }

  // ---- steps -----------------------------------------------------------------------------------

  pickSet(filter: (set: WalkSet) => boolean = () => true): WalkSet | undefined {
    const all = [...this.model.sets.values()].filter((set) => !this.model.person(set.seekerId).erased);
    const fitting = all.filter(filter);
    const from = fitting.length > 0 && this.random.nextBoolean(0.85) ? fitting : all;
    return from.length === 0 ? undefined : this.random.pick(from);
  }

  /** Mostly the set's counselor; sometimes another counselor. */
  pickActor(set: WalkSet): string {
    return this.random.nextBoolean(0.85) ? set.counselorId : this.random.pick(COUNSELORS);
  }

  pickEtag(): EtagMode {
    const draw = this.random.next();
    return draw < 0.85 ? 'current' : draw < 0.93 ? 'stale' : 'none';
  }

  async sync(): Promise<void> {
    const seekerId = this.random.pick(Object.keys(SEEKERS));
    const person = this.model.person(seekerId);
    const moves = this.random.nextBoolean(0.15);
    const counselorId = moves ? this.random.pick(COUNSELORS) : person.counselorId;
    const reEnrol = person.erased && this.random.nextBoolean(0.5);
    await this.syncPerson(seekerId, counselorId, reEnrol);
  }

  /** The case-management system syncs the person onto `counselorId`'s caseload (enrolled again once erased, if `reEnrol`). */
  async syncPerson(seekerId: string, counselorId: string, reEnrol: boolean): Promise<void> {
    const person = this.model.person(seekerId);
    const res = this.answer(
      await putSeeker(
        this.t,
        seekerId,
        aWorkflowSeeker({ counselorId, yearsExperience: this.random.nextInt(0, 10) }),
        reEnrol,
      ),
      `sync ${seekerId} to ${counselorId}${reEnrol ? ' (re-enrolled)' : ''}`,
    );
    if (person.erased && !reEnrol) {
      expect(res.status).toBe(409);
      return;
    }
    expect([200, 201]).toContain(res.status);
    this.model.expectEvent('job_seeker.upserted');
    if (person.erased) {
      person.erased = false;
    } else if (counselorId !== person.counselorId) {
      this.model.withdrawOpenSets(seekerId);
    }
    person.counselorId = counselorId;
  }

  async suggest(manual: boolean): Promise<void> {
    const seekerId = this.random.pick(Object.keys(SEEKERS));
    const person = this.model.person(seekerId);
    const counselor = this.random.nextBoolean(0.85) ? person.counselorId : this.random.pick(COUNSELORS);
    const earlier = this.keys.filter((key) => key.counselor === counselor && key.manual === manual);
    const retry = earlier.length > 0 && this.random.nextBoolean(0.2) ? this.random.pick(earlier) : undefined;
    await this.askForSet(manual, counselor, retry?.seekerId ?? seekerId, retry);
  }

  /** `counselor` asks a set for `target`, with the key of an earlier creation when `retry`; the set made, if any. */
  async askForSet(
    manual: boolean,
    counselor: string,
    target: string,
    retry?: { key: string },
  ): Promise<WalkSet | undefined> {
    const token = await this.token('counselor', counselor);
    const key = retry?.key ?? newIdempotencyKey();
    const res = this.answer(
      manual
        ? await requestManualSet(this.t, token, target, key)
        : await requestSet(this.t, token, target, { idempotencyKey: key }),
      `${counselor} asks ${manual ? 'a set by hand' : 'suggestions'} for ${target}${retry === undefined ? '' : ' (same key again)'}`,
    );
    const targetPerson = this.model.person(target);
    const holds = !targetPerson.erased && targetPerson.counselorId === counselor;
    const first = [...this.model.sets.values()].find((set) => set.idempotencyKey === key);
    // An erasure deletes the key with the set: the key is then new to the service.
    if (retry !== undefined && first !== undefined) {
      if (!holds) {
        expect(res.status).toBe(404);
        return;
      }
      if (!manual && this.model.modelBarredFor(target)) {
        expect(res.status).toBe(409);
        this.model.expectEvent('suggestion.refused');
        return;
      }
      expect(res.status, brief(res.body)).toBe(201);
      expect(res.body.id).toBe(first.id);
      // The first answer again: its ETag holds while the set is as it was made, and is stale once it changed (record 0014).
      const observer = this.observerOf(first);
      if (observer !== undefined) {
        const now = await this.read(observer, first, true);
        if (first.changedSinceCreation)
          expect(String(res.headers.etag), 'a retry after a change').not.toBe(now?.etag);
        else expect(String(res.headers.etag), 'a retry of an unchanged set').toBe(now?.etag);
      }
      return;
    }
    if (!holds) {
      expect(res.status).toBe(404);
      return;
    }
    const barred = this.model.modelBarredFor(target);
    if (manual !== barred) {
      expect(res.status, brief(res.body)).toBe(409);
      if (!manual) {
        this.model.expectEvent('suggestion.refused');
        expect(res.body.manualSetPath).toBe(`/v1/job-seekers/${target}/manual-recommendations`);
      }
      return;
    }
    expect(res.status, brief(res.body)).toBe(201);
    const body = res.body as SetBody;
    const owes = this.model.owesSecondReview(target);
    this.model.withdrawOpenSets(target);
    const blind = !manual && this.model.settings.blindFirst;
    const set: WalkSet = {
      id: body.id,
      seekerId: target,
      counselorId: counselor,
      manual,
      modelId: body.model?.id ?? null,
      message: null,
      blind,
      status: blind ? 'awaiting_shortlist' : 'pending_review',
      expiresAt: this.lifetimeEnd(body),
      items: blind ? null : body.items.map(toWalkItem),
      ordered: false,
      openedAt: false,
      secondReviewRequired: this.model.settings.secondReviewRate === 1 || owes,
      firstReviewerId: null,
      currentReads: new Set(),
      everRead: new Set(),
      expiredAwaiting: false,
      replaced: false,
      publishedRank: null,
      publishedAt: null,
      feedbackCount: new Map(),
      contestCount: new Map(),
      replyCount: new Map(),
      idempotencyKey: key,
      lastEtag: String(res.headers.etag),
      changed: false,
      changedSinceCreation: false,
      drawTold: false,
    };
    this.model.sets.set(set.id, set);
    this.model.expectEvent(manual ? 'recommendation.created_manually' : 'recommendation.generated');
    this.keys.push({ counselor, seekerId: target, key, manual });
    this.checkBody(body, set);
    expect(body.secondReview.required, 'the draw is not told before publication').toBeNull();
    expect(body.model === null).toBe(manual);
    if (!manual) expect(body.model?.id, 'suggestions come from the active model').toBe(this.activeModelId);
    for (const item of body.items) {
      expect(item.source).toBe('model');
      expect(item.decision).toBe('pending');
      expect(REACHABLE_COURSE_IDS, 'only courses that pass the hard filters are suggested').toContain(
        item.course.id,
      );
    }
    if (manual) expect(body.items).toEqual([]);
    return set;
  }

  /**
   * A key of an earlier creation sent for another person, or to the other way of making a set: 422
   * `idempotency-key-reused`, nothing made and nothing logged (404 for a person not on the caseload).
   */
  async misuseKey(): Promise<void> {
    const kept = this.keys.filter((key) =>
      [...this.model.sets.values()].some((set) => set.idempotencyKey === key.key),
    );
    if (kept.length === 0) return;
    const used = this.random.pick(kept);
    const otherOperation = this.random.nextBoolean(0.5);
    const target = otherOperation ? used.seekerId : this.random.pick(Object.keys(SEEKERS));
    if (!otherOperation && target === used.seekerId) return;
    const manual = otherOperation ? !used.manual : used.manual;
    const token = await this.token('counselor', used.counselor);
    const res = this.answer(
      manual
        ? await requestManualSet(this.t, token, target, used.key)
        : await requestSet(this.t, token, target, { idempotencyKey: used.key }),
      `${used.counselor} sends the key of a ${used.manual ? 'set by hand' : 'set of suggestions'} for ${used.seekerId} to ask ${manual ? 'a set by hand' : 'suggestions'} for ${target}`,
    );
    const person = this.model.person(target);
    const holds = !person.erased && person.counselorId === used.counselor;
    expect(holds ? [422] : [404, 422], brief(res.body)).toContain(res.status);
  }

  async readSome(): Promise<void> {
    const set = this.pickSet();
    if (set === undefined) return;
    await this.read(this.pickActor(set), set);
  }

  /** Decides one to three items of a set under review, mostly pending ones, or every one left, one request each. */
  async decideSome(): Promise<void> {
    const set = this.pickSet(
      (candidate) =>
        candidate.status === 'pending_review' &&
        (candidate.items ?? []).some((item) => item.decision === 'pending'),
    );
    if (set === undefined || set.items === null || set.items.length === 0) return;
    const counselor = this.pickActor(set);
    for (let count = this.random.nextBoolean(0.4) ? 8 : this.random.nextInt(1, 3); count > 0; count -= 1) {
      const items = set.items ?? [];
      const pending = items.filter((item) => item.decision === 'pending');
      if (pending.length === 0 && count > 3) return;
      const item = this.random.pick(pending.length > 0 && this.random.nextBoolean(0.9) ? pending : items);
      if (item === undefined) return;
      await this.decideItem(counselor, set, item);
    }
  }

  async decideItem(
    counselor: string,
    set: WalkSet,
    item: WalkItem,
    approve = this.random.nextBoolean(0.6),
  ): Promise<void> {
    const withdrawn = this.model.withdrawnCourses.has(item.courseId);
    // A comment the person reads in their export: mostly none, sometimes one the screening flags.
    const draw = this.random.next();
    const comment = draw < 0.7 ? undefined : draw < 0.8 ? PLAIN_COMMENT : SENSITIVE_COMMENT;
    const acknowledged = comment !== undefined && this.random.nextBoolean(0.6);
    const withoutComment = !approve && comment === undefined && this.random.nextBoolean(0.1);
    // The reason for a course the catalog withdrew, and for that only; given for another, 422.
    const unavailable = !approve && !withoutComment && this.random.nextBoolean(withdrawn ? 0.7 : 0.05);
    const reasonCode = approve
      ? undefined
      : withoutComment
        ? 'other'
        : unavailable
          ? 'course_unavailable'
          : this.random.pick(['not_matching_project', 'too_far', 'schedule_incompatible', 'other']);
    const body = {
      ...(reasonCode === undefined
        ? { decision: 'approve' as const }
        : { decision: 'reject' as const, reasonCode }),
      ...(comment === undefined ? {} : { comment }),
      ...(acknowledged ? { acknowledgeSensitiveTerms: true } : {}),
    };
    // A rejection for `other` needs its comment; then the screening, after the decision's own rules (record 0020).
    const needsComment = reasonCode === 'other' && comment === undefined;
    let screened = false;
    const res = await this.reviewAction(
      `${approve ? 'approves' : `rejects (${reasonCode})`}${comment === undefined ? '' : ` with comment ${JSON.stringify(comment)}${acknowledged ? ' (confirmed)' : ''}`} item ${item.id.slice(-4)} of`,
      counselor,
      set,
      'decide',
      this.pickEtag(),
      (token, etag) => decide(this.t, token, set.id, item.id, etag, body),
      {
        releases: approve && item.source === 'model',
        ownRule: () => {
          if (approve && withdrawn) return [409];
          if (needsComment || (unavailable && !withdrawn)) return [422];
          if (isFlagged(comment) && !acknowledged) {
            screened = true;
            return [422];
          }
          return undefined;
        },
        apply: () => {
          item.decision = approve ? 'approved' : 'rejected';
          if (!approve) item.displayOrder = null;
          this.model.expectEvent('item.decided');
        },
      },
    );
    if (screened) expectTermsRefusal(res, 'comment');
    else if (res.status === 200)
      expect(warnedFields(res.body), 'the warnings of a decision').toEqual(
        isFlagged(comment) ? ['comment'] : [],
      );
  }

  async addCourse(): Promise<void> {
    const set = this.pickSet((candidate) => candidate.status === 'pending_review');
    if (set === undefined) return;
    const courseId = this.random.pick(ACTIVE_COURSES);
    const already = set.items?.some((item) => item.courseId === courseId) ?? false;
    const withdrawn = this.model.withdrawnCourses.has(courseId);
    await this.reviewAction(
      `adds ${courseId} to`,
      this.pickActor(set),
      set,
      'add',
      this.pickEtag(),
      (token, etag) =>
        act(this.t, token, set.id, 'items', etag, {
          courseId,
          reason: 'Choisie avec la personne en entretien',
        }),
      {
        releases: false,
        ownRule: () => (withdrawn ? [422] : already ? [409] : undefined),
        apply: (body) => {
          const added = body.items.find(
            (candidate) => candidate.course.id === courseId && candidate.source === 'counselor',
          );
          expect(added?.decision).toBe('approved');
          if (added !== undefined) set.items?.push(toWalkItem(added));
          this.model.expectEvent('item.added');
        },
      },
    );
  }

  async order(): Promise<void> {
    const set = this.pickSet(
      (candidate) =>
        candidate.status === 'pending_review' &&
        (candidate.items ?? []).some((item) => item.decision === 'approved'),
    );
    if (set === undefined) return;
    const approved = (set.items ?? []).filter((item) => item.decision === 'approved');
    const shuffled = this.random.sample(approved, approved.length);
    const wrong = shuffled.length > 1 && this.random.nextBoolean(0.1);
    const itemIds = (wrong ? shuffled.slice(1) : shuffled).map((item) => item.id);
    if (itemIds.length === 0) return;
    await this.reviewAction(
      `orders ${itemIds.length} items of`,
      this.pickActor(set),
      set,
      'order',
      this.pickEtag(),
      (token, etag) => {
        const request = this.t.http
          .put(`/v1/recommendations/${set.id}/order`)
          .auth(token, { type: 'bearer' });
        return (etag === undefined ? request : request.set('If-Match', etag)).send({ itemIds });
      },
      {
        releases: false,
        ownRule: () => (wrong ? [422] : undefined),
        apply: () => {
          for (const item of set.items ?? []) {
            const index = itemIds.indexOf(item.id);
            item.displayOrder = index === -1 ? null : index + 1;
          }
          set.ordered = true;
          this.model.expectEvent('items.reordered');
        },
      },
    );
  }

  async shortlist(): Promise<void> {
    const set = this.pickSet((candidate) => candidate.status === 'awaiting_shortlist');
    if (set === undefined) return;
    const courseIds = this.random.sample(ACTIVE_COURSES, this.random.nextInt(0, 3));
    await this.shortlistSet(set, courseIds, this.pickActor(set), this.pickEtag());
  }

  async shortlistSet(
    set: WalkSet,
    courseIds: string[],
    counselor: string,
    etagMode: EtagMode,
  ): Promise<void> {
    await this.reviewAction(
      `shortlists [${courseIds.join(', ')}] in`,
      counselor,
      set,
      'shortlist',
      etagMode,
      (token, etag) => act(this.t, token, set.id, 'shortlist', etag, { courseIds }),
      {
        releases: false,
        ownRule: () => (courseIds.some((id) => this.model.withdrawnCourses.has(id)) ? [422] : undefined),
        apply: (body) => {
          set.status = 'pending_review';
          set.items = body.items.map(toWalkItem);
          const modelCourses = body.items
            .filter((item) => item.source === 'model')
            .map((item) => item.course.id);
          const picks = body.items.filter((item) => item.source === 'counselor');
          expect(picks.map((item) => item.course.id).sort(), 'picks the model missed join the set').toEqual(
            courseIds.filter((id) => !modelCourses.includes(id)).sort(),
          );
          for (const item of body.items) expect(item.decision).toBe('pending');
          this.model.expectEvent('shortlist.submitted');
        },
      },
    );
  }

  async publish(): Promise<void> {
    const set = this.pickSet(
      (candidate) =>
        candidate.status === 'pending_review' &&
        (this.random.nextBoolean(0.2) ||
          ((candidate.items ?? []).every((item) => item.decision !== 'pending') &&
            (candidate.items ?? []).some((item) => item.decision === 'approved'))),
    );
    if (set === undefined) return;
    const counselor = this.pickActor(set);
    // Mostly a message to the person, sometimes none (the one written before is kept), one that shows
    // nothing (it goes), or one the screening flags, confirmed or not (record 0020).
    const draw = this.random.next();
    const message =
      draw < 0.4
        ? this.random.pick(MESSAGES)
        : draw < 0.8
          ? undefined
          : draw < 0.88
            ? '   '
            : SENSITIVE_MESSAGE;
    const acknowledged = message !== undefined && this.random.nextBoolean(isFlagged(message) ? 0.6 : 0.1);
    await this.publishSet(set, counselor, message, acknowledged, this.pickEtag());
  }

  async publishSet(
    set: WalkSet,
    counselor: string,
    message: string | undefined,
    acknowledged: boolean,
    etagMode: EtagMode,
  ): Promise<void> {
    let screened = false;
    const res = await this.reviewAction(
      `publishes${message === undefined ? '' : ` with message ${JSON.stringify(message)}${acknowledged ? ' (confirmed)' : ''}`}`,
      counselor,
      set,
      'publish',
      etagMode,
      (token, etag) =>
        act(this.t, token, set.id, 'publish', etag, {
          ...(message === undefined ? {} : { message }),
          ...(acknowledged ? { acknowledgeSensitiveTerms: true } : {}),
        }),
      {
        releases: true,
        ownRule: () => {
          const items = set.items ?? [];
          if (items.some((item) => item.decision === 'pending')) return [409];
          if (!items.some((item) => item.decision === 'approved')) return [409];
          if (this.model.withdrawnApprovals(set).length > 0) return [409];
          if (isFlagged(message) && !acknowledged) {
            screened = true;
            return [422];
          }
          return undefined;
        },
        apply: (body) => {
          if (message !== undefined) set.message = message.trim() === '' ? null : message;
          if (set.secondReviewRequired) {
            set.status = 'awaiting_second_review';
            set.firstReviewerId = counselor;
            set.currentReads = new Set();
            set.drawTold = true;
            set.expiresAt = this.lifetimeEnd(body);
            this.model.expectEvent('second_review.requested');
            expect(body.secondReview.required).toBe(true);
          } else {
            this.model.publish(set, this.now());
            expect(body.secondReview.required).toBe(false);
            expect(
              body.items.filter((item) => item.decision === 'approved').map((item) => item.itemId),
            ).toEqual(expect.arrayContaining(approvedInOrder(set).map((item) => item.id)));
          }
        },
      },
    );
    // The message kept, written now or before, is warned about when the screening flags it.
    if (screened) expectTermsRefusal(res, 'message');
    else if (res.status === 200)
      expect(warnedFields(res.body), 'the warnings of a publication').toEqual(
        isFlagged(set.message) ? ['message'] : [],
      );
  }

  async secondReview(): Promise<void> {
    const set = this.pickSet((candidate) => candidate.status === 'awaiting_second_review');
    if (set === undefined) return;
    const others = COUNSELORS.filter((counselor) => counselor !== set.firstReviewerId);
    const counselor = this.random.nextBoolean(0.8) ? this.random.pick(others) : this.random.pick(COUNSELORS);
    if (this.random.nextBoolean(0.7)) await this.read(counselor, set);
    const approve = this.random.nextBoolean(0.7);
    await this.secondReviewSet(
      set,
      counselor,
      approve,
      this.pickEtag(),
      approve ? undefined : RETURN_COMMENT,
    );
  }

  /**
   * A second reviewer approves or returns the set, with a comment the person reads in their export
   * (record 0003): one the screening flags is refused (422 `sensitive-terms`) unless confirmed, after
   * the access, the state and the approval's own rules (record 0020), and warned about once kept.
   */
  async secondReviewSet(
    set: WalkSet,
    counselor: string,
    approve: boolean,
    etagMode: EtagMode,
    comment: string | undefined,
    acknowledged = false,
  ): Promise<void> {
    const read = set.currentReads.has(counselor);
    let screened = false;
    const res = await this.reviewAction(
      `${approve ? 'approves in second review' : 'returns'}${comment === undefined || comment === RETURN_COMMENT ? '' : ` with comment ${JSON.stringify(comment)}${acknowledged ? ' (confirmed)' : ''}`}`,
      counselor,
      set,
      'second_review',
      etagMode,
      (token, etag) =>
        act(this.t, token, set.id, 'second-review', etag, {
          decision: approve ? 'approve' : 'return',
          ...(comment === undefined ? {} : { comment }),
          ...(acknowledged ? { acknowledgeSensitiveTerms: true } : {}),
        }),
      {
        releases: approve,
        ownRule: () => {
          if (approve && (!read || this.model.withdrawnApprovals(set).length > 0)) return [409];
          if (isFlagged(comment) && !acknowledged) {
            screened = true;
            return [422];
          }
          return undefined;
        },
        apply: (body) => {
          this.model.expectEvent('second_review.completed');
          if (approve) {
            set.approvalComment = comment ?? null;
            this.model.publish(set, this.now());
          } else {
            set.returnComment = comment ?? '';
            set.status = 'pending_review';
            set.expiresAt = this.lifetimeEnd(body);
          }
        },
      },
    );
    // The approval publishes the message handed on: its warning again when the screening flags it (record 0003).
    if (screened) expectTermsRefusal(res, 'comment');
    else if (res.status === 200)
      expect(warnedFields(res.body).sort(), 'the warnings of a second review').toEqual([
        ...(isFlagged(comment) ? ['comment'] : []),
        ...(approve && isFlagged(set.message) ? ['message'] : []),
      ]);
  }

  async discard(): Promise<void> {
    const set = this.pickSet((candidate) => WALK_OPEN_STATUSES.includes(candidate.status));
    if (set === undefined) return;
    await this.reviewAction(
      'discards',
      this.pickActor(set),
      set,
      'discard',
      this.pickEtag(),
      (token, etag) =>
        act(this.t, token, set.id, 'discard', etag, { reason: 'La personne a changé de projet' }),
      {
        releases: false,
        apply: () => {
          set.status = 'discarded';
          this.model.expectEvent('recommendation.discarded');
        },
      },
    );
  }

  async retract(): Promise<void> {
    const set = this.pickSet((candidate) => candidate.status === 'published');
    if (set === undefined) return;
    const person = this.model.person(set.seekerId);
    const counselor = this.random.nextBoolean(0.85) ? person.counselorId : this.random.pick(COUNSELORS);
    await this.retractSet(set, counselor, this.pickEtag());
  }

  async retractSet(set: WalkSet, counselor: string, etagMode: EtagMode): Promise<Res> {
    return this.reviewAction(
      'retracts',
      counselor,
      set,
      'retract',
      etagMode,
      (token, etag) => act(this.t, token, set.id, 'retract', etag, { reason: RETRACTION_REASON }),
      {
        releases: false,
        apply: () => this.model.retract(set),
      },
    );
  }

  async passTime(): Promise<void> {
    const hours = this.random.nextBoolean(0.7)
      ? this.random.nextInt(1, 24)
      : this.model.settings.setTtlHours + 1;
    this.letTimePass(hours);
  }

  letTimePass(hours: number): void {
    // On two processes, the lag more: a set made or renewed by either clock is then due by both, or
    // by neither. Within the lag of its expiry a read through B, which records nothing and reads B's
    // clock, may still show it open (record 0003: an expiry is recorded when a set is next touched).
    this.clock.advance(hours * HOUR + (this.second?.lag ?? 0));
    this.log(`${hours} hours pass`);
    for (const set of this.model.sets.values()) {
      if (set.status === 'awaiting_second_review' && this.now() >= set.expiresAt) set.expiredAwaiting = true;
    }
    this.model.expireDue(this.now());
  }

  async changeSettings(): Promise<void> {
    const settings: WalkSettings = {
      aiEnabled: this.random.nextBoolean(0.85),
      blindFirst: this.random.nextBoolean(0.3),
      secondReviewRate: this.random.nextBoolean(0.4) ? 1 : 0,
      setTtlHours: this.random.pick([24, 72, 168]),
    };
    const admin = await this.token('admin', 'ops-1');
    const res = this.answer(
      await this.t.http
        .put('/v1/settings')
        .auth(admin, { type: 'bearer' })
        .send({ ...settings, fastDecisionSeconds: 10 }),
      `settings ${JSON.stringify(settings)}`,
    );
    expect(res.status).toBe(200);
    this.model.settings = settings;
    this.model.expectEvent('settings.changed');
  }

  /** An item id the person may ask about: theirs in any state, or another person's. */
  pickItem(seekerId: string): string | undefined {
    const explainable = [...this.model.explainable(seekerId)];
    if (explainable.length > 0 && this.random.nextBoolean(0.6)) return this.random.pick(explainable);
    const own = this.model.setsOf(seekerId).flatMap((set) => set.items ?? []);
    const all = [...this.model.sets.values()].flatMap((set) => set.items ?? []);
    const from = own.length > 0 && this.random.nextBoolean(0.85) ? own : all;
    return from.length === 0 ? undefined : this.random.pick(from).id;
  }

  async portalAct(): Promise<void> {
    const given = Object.keys(SEEKERS).filter((id) => this.model.explainable(id).size > 0);
    const seekerId = this.random.pick(
      given.length > 0 && this.random.nextBoolean(0.7) ? given : Object.keys(SEEKERS),
    );
    const person = this.model.person(seekerId);
    const token = await this.token('job_seeker', seekerId);
    const draw = this.random.next();
    if (draw < 0.45) {
      const itemId = this.pickItem(seekerId);
      if (itemId === undefined) return;
      const res = this.answer(
        await this.t.http.get(`/v1/me/recommendations/${itemId}/explanation`).auth(token, { type: 'bearer' }),
        `${seekerId} reads the explanation of item ${itemId.slice(-4)}`,
      );
      const shown = !person.erased && this.model.explainable(seekerId).has(itemId);
      expect(res.status, brief(res.body)).toBe(shown ? 200 : 404);
      if (shown) {
        this.model.expectEvent('explanation.opened');
        expect(keysOf(res.body)).not.toContain('score');
        // The counselor's replies to the person's contests of the course (record 0021).
        const set = this.model.setsOf(seekerId).find((one) => one.items?.some((item) => item.id === itemId));
        expect(
          (res.body.contestReplies as unknown[]).length,
          `replies to the contests of ${itemId.slice(-4)}`,
        ).toBe(set?.replyCount.get(itemId) ?? 0);
      }
    } else if (draw < 0.75) {
      const itemId = this.pickItem(seekerId);
      if (itemId === undefined) return;
      // Contests the most, for the replies they call for (record 0021).
      const response = this.random.pickWeightedItem(
        ['interested', 'not_interested', 'enrolled', 'contest'] as const,
        [1, 1, 1, 2],
      );
      await this.giveFeedback(seekerId, itemId, response);
    } else if (draw < 0.8) {
      await this.checkExport(seekerId);
    } else if (draw < 0.92) {
      // In the portal, or told to a counselor who records it (only the one holding the caseload).
      const counselor = this.random.nextBoolean(0.5)
        ? undefined
        : this.random.nextBoolean(0.8)
          ? person.counselorId
          : this.random.pick(COUNSELORS);
      const res = this.answer(
        counselor === undefined
          ? await this.t.http.post('/v1/me/objection').auth(token, { type: 'bearer' }).send({})
          : await this.t.http
              .post(`/v1/job-seekers/${seekerId}/objection`)
              .auth(await this.token('counselor', counselor), { type: 'bearer' })
              .send({ channel: 'letter' }),
        `${seekerId} objects${counselor === undefined ? '' : ` through ${counselor}`}`,
      );
      const stranger = counselor !== undefined && counselor !== person.counselorId;
      expect(res.status).toBe(person.erased || stranger ? 404 : 200);
      if (stranger) return;
      if (person.erased) return;
      person.objected = true;
      this.model.forgetOutcomes(seekerId);
      this.model.expectEvent('objection.recorded');
      this.model.withdrawOpenSets(seekerId, (set) => !set.manual);
    } else {
      const res = this.answer(
        await this.t.http.delete('/v1/me/objection').auth(token, { type: 'bearer' }),
        `${seekerId} withdraws their objection`,
      );
      expect(res.status).toBe(person.erased ? 404 : person.objected ? 204 : 409);
      if (res.status !== 204) return;
      person.objected = false;
      this.model.expectEvent('objection.withdrawn');
    }
  }

  /** The person answers about an item: their feedback, or a contest (records 0003, 0021). */
  async giveFeedback(
    seekerId: string,
    itemId: string,
    response: 'interested' | 'not_interested' | 'enrolled' | 'contest',
  ): Promise<void> {
    const person = this.model.person(seekerId);
    const token = await this.token('job_seeker', seekerId);
    const res = this.answer(
      await this.t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(token, { type: 'bearer' })
        .send({ response }),
      `${seekerId} answers ${response} about item ${itemId.slice(-4)}`,
    );
    const set = this.model
      .setsOf(seekerId)
      .find((candidate) => candidate.items?.some((item) => item.id === itemId));
    const counts = response === 'contest' ? set?.contestCount : set?.feedbackCount;
    const given = counts?.get(itemId) ?? 0;
    const limit = response === 'contest' ? 3 : 10;
    const shown = !person.erased && this.model.explainable(seekerId).has(itemId);
    // A contest of a replaced set's course is refused: nothing is left there to look at again (record 0015).
    const refused = given >= limit || (response === 'contest' && set?.replaced === true);
    expect(res.status, brief(res.body)).toBe(shown ? (refused ? 409 : 201) : 404);
    if (res.status === 201 && set !== undefined && counts !== undefined) {
      counts.set(itemId, given + 1);
      this.model.expectEvent('feedback.given');
    }
  }

  /** An admin withdraws an active course from the catalog, or offers a withdrawn one again. */
  async changeCatalog(): Promise<void> {
    const withdrawn = [...this.model.withdrawnCourses];
    const courseId = this.random.pick(
      withdrawn.length > 0 && this.random.nextBoolean(0.6) ? withdrawn : ACTIVE_COURSES,
    );
    const active = this.model.withdrawnCourses.has(courseId);
    const admin = await this.token('admin', 'ops-1');
    const res = this.answer(
      await this.t.http
        .put(`/v1/courses/${courseId}`)
        .auth(admin, { type: 'bearer' })
        .send({ ...WORKFLOW_CATALOG[courseId], active }),
      `${active ? 'offer again' : 'withdraw'} course ${courseId}`,
    );
    expect(res.status).toBe(200);
    if (active) this.model.withdrawnCourses.delete(courseId);
    else this.model.withdrawnCourses.add(courseId);
    this.model.expectEvent('course.upserted');
  }

  /** The person's data export: the suggestions they still have, and every set made about them. */
  async checkExport(seekerId: string): Promise<void> {
    const person = this.model.person(seekerId);
    const token = await this.token('job_seeker', seekerId);
    const res = this.answer(
      await this.t.http.get('/v1/me/data').auth(token, { type: 'bearer' }),
      `${seekerId} exports their data`,
    );
    expect(res.status).toBe(person.erased ? 404 : 200);
    if (person.erased) return;
    const sets = this.model.setsOf(seekerId);
    expect(
      (res.body.recommendations as Array<{ itemId: string }>).map((item) => item.itemId).sort(),
      'the suggestions the person still has',
    ).toEqual([...this.model.explainable(seekerId)].sort());
    expect(
      (res.body.suggestionSets as Array<{ id: string }>).map((set) => set.id).sort(),
      'every set made about the person',
    ).toEqual(sets.map((set) => set.id).sort());
    expect(keysOf(res.body.recommendations)).not.toContain('score');
    // A published set's message stays in the file, retracted since or not (record 0013).
    expect(
      Object.fromEntries(
        (res.body.suggestionSets as Array<{ id: string; message: string | null }>).map((set) => [
          set.id,
          set.message,
        ]),
      ),
      'the messages in the export',
    ).toEqual(
      Object.fromEntries(sets.map((set) => [set.id, set.publishedRank === null ? null : set.message])),
    );
    // A retraction's reason, a counselor's as written, a recall's told to the person first (records 0013, 0017).
    const retractions = Object.fromEntries(
      (res.body.suggestionSets as Array<{ id: string; retraction: { reason: string } | null }>).map((set) => [
        set.id,
        set.retraction?.reason.replace(/^.*Motif donné : /su, 'recall: ') ?? null,
      ]),
    );
    expect(retractions, 'the retractions in the export').toEqual(
      Object.fromEntries(
        sets.map((set) => [
          set.id,
          set.status !== 'retracted'
            ? null
            : set.retractedByRecall === true
              ? `recall: ${RECALL_REASON}`
              : RETRACTION_REASON,
        ]),
      ),
    );
    // A set a later publication replaced says so, retracted since or not (records 0015, 0017).
    expect(
      Object.fromEntries(
        (res.body.suggestionSets as Array<{ id: string; replacedBy: unknown }>).map((set) => [
          set.id,
          set.replacedBy !== null,
        ]),
      ),
      'the replaced sets in the export',
    ).toEqual(Object.fromEntries(sets.map((set) => [set.id, set.replaced])));
    // A second reviewer's comments, as written: an approval's once given, the last return's once the review is over (record 0003).
    type Told = { comment: string | null } | null;
    expect(
      Object.fromEntries(
        (
          res.body.suggestionSets as Array<{
            id: string;
            secondReviewReturn: Told;
            secondReviewApproval: Told;
          }>
        ).map((set) => [set.id, [set.secondReviewReturn?.comment, set.secondReviewApproval?.comment]]),
      ),
      "the second reviewers' comments in the export",
    ).toEqual(
      Object.fromEntries(
        sets.map((set) => [
          set.id,
          [WALK_OPEN_STATUSES.includes(set.status) ? undefined : set.returnComment, set.approvalComment],
        ]),
      ),
    );
    expect((res.body.contestReplies as unknown[]).length, 'the replies in the export').toBe(
      sets.reduce((sum, set) => sum + [...set.replyCount.values()].reduce((a, b) => a + b, 0), 0),
    );
    expect(
      (res.body.outcomes as Array<{ courseId: string }>).map((outcome) => outcome.courseId).sort(),
      'the outcomes in the export',
    ).toEqual(
      [...this.model.outcomes.keys()]
        .filter((key) => key.startsWith(`${seekerId} `))
        .map((key) => key.slice(seekerId.length + 1))
        .sort(),
    );
  }

  async erase(): Promise<void> {
    await this.erasePerson(this.random.pick(Object.keys(SEEKERS)));
  }

  async erasePerson(seekerId: string): Promise<void> {
    const person = this.model.person(seekerId);
    const admin = await this.token('admin', 'ops-1');
    const res = this.answer(await eraseJobSeeker(this.t, admin, seekerId), `erase ${seekerId}`);
    if (person.erased) {
      expect(res.status).toBe(404);
      return;
    }
    expect(res.status, brief(res.body)).toBe(204);
    person.erased = true;
    this.model.forgetOutcomes(seekerId);
    for (const set of this.model.setsOf(seekerId)) this.model.sets.delete(set.id);
    this.model.expectEvent('subject.erased');
  }

  /** The models registered and never recalled but the active one: retired by another's activation. */
  retiredModels(): string[] {
    return this.registeredModels.filter((id) => id !== this.activeModelId && !this.recalledModels.has(id));
  }

  /**
   * An admin recalls a model (record 0017): the active one, then activates another so that
   * suggestions go on; one another's activation retired, never recalled, whose sets, shown or
   * replaced, published or still open, go as the active one's would; or one recalled already (409).
   */
  async recall(): Promise<void> {
    const retired = this.retiredModels();
    const successor = retired.length > 0 || this.spareModels.length > 0;
    const recalled = [...this.recalledModels];
    const choices: Array<[number, string[]]> = [
      [successor ? 3 : 0, [this.activeModelId]],
      [retired.length > 0 ? 6 : 0, retired],
      [recalled.length > 0 ? 1 : 0, recalled],
    ];
    if (choices.every(([weight]) => weight === 0)) return;
    await this.recallModel(
      this.random.pick(
        this.random.pickWeightedItem(
          choices.map(([, ids]) => ids),
          choices.map(([weight]) => weight),
        ),
      ),
    );
  }

  async recallModel(modelId: string): Promise<void> {
    const active = modelId === this.activeModelId;
    const admin = await this.token('admin', 'ops-1');
    const res = this.answer(
      await this.t.http
        .post(`/v1/models/${modelId}/recall`)
        .auth(admin, { type: 'bearer' })
        .send({ reason: RECALL_REASON }),
      `recall model ${modelId}${active ? ' (active)' : this.recalledModels.has(modelId) ? ' (recalled)' : ' (retired)'}`,
    );
    if (this.recalledModels.has(modelId)) {
      expect(res.status, brief(res.body)).toBe(409);
      expect(res.body.type).toMatch(/model-recalled$/);
      return;
    }
    expect(res.status, brief(res.body)).toBe(200);
    this.recalledModels.add(modelId);
    this.model.expectEvent('model.recalled');
    const made = [...this.model.sets.values()].filter(
      (set) => set.modelId === modelId && !this.model.person(set.seekerId).erased,
    );
    // Every set it published is retracted, shown or replaced; every one still open withdrawn; the rest left.
    const retracted = made.filter((set) => set.status === 'published');
    const withdrawn = made.filter((set) => WALK_OPEN_STATUSES.includes(set.status));
    for (const set of retracted) {
      set.retractedByRecall = true;
      this.model.retract(set);
    }
    for (const set of withdrawn) {
      set.status = 'discarded';
      touch(set);
      this.model.expectEvent('recommendation.discarded');
    }
    expect([...res.body.retractedSetIds].sort(), 'the sets the recall retracted').toEqual(
      retracted.map((set) => set.id).sort(),
    );
    expect([...res.body.withdrawnSetIds].sort(), 'the sets the recall withdrew').toEqual(
      withdrawn.map((set) => set.id).sort(),
    );
    this.log(
      `the recall retracted ${retracted.length} sets (${retracted.filter((set) => set.replaced).length} replaced) and withdrew ${withdrawn.length}`,
    );
    // Nothing of the model's sets stays explainable to the person, replaced or shown.
    for (const set of made) {
      const person = this.model.person(set.seekerId);
      const item = (set.items ?? []).find((one) => one.decision === 'approved');
      if (item === undefined || person.erased) continue;
      const token = await this.token('job_seeker', set.seekerId);
      const explanation = await this.t.http
        .get(`/v1/me/recommendations/${item.id}/explanation`)
        .auth(token, { type: 'bearer' });
      expect(explanation.status, `explanation of a recalled model's item: ${brief(explanation.body)}`).toBe(
        404,
      );
    }
    if (active) await this.activateSuccessor(admin);
  }

  /** After a recall of the active model: one retired before activated again, or a spare registered and activated. */
  async activateSuccessor(admin: string): Promise<void> {
    const [retired] = this.retiredModels();
    if (retired !== undefined) {
      await this.activate(admin, retired);
      return;
    }
    const spare = this.spareModels.shift();
    if (spare === undefined) return;
    await registerAndActivate(this.t, admin, spare);
    this.log(`register and activate model ${spare.id}`);
    this.model.expectEvent('model.registered');
    this.model.expectEvent('model.activated');
    this.registeredModels.push(spare.id);
    this.activeModelId = spare.id;
  }

  /**
   * An admin activates a model registered before (record 0017): the active one again (logged all
   * the same), one retired, or a recalled one (409 `model-recalled`). The activation withdraws none of
   * the sets of the model it retires.
   */
  async activate(admin: string, modelId: string): Promise<void> {
    const activation = (body: object) =>
      this.t.http.post(`/v1/models/${modelId}/activate`).auth(admin, { type: 'bearer' }).send(body);
    // The walk's models share one model.onnx: once one is recalled, the others take a reason.
    if (this.recalledModels.size > 0 && !this.recalledModels.has(modelId)) {
      const refused = this.answer(await activation({}), `activate model ${modelId} without a reason`);
      expect(refused.status, brief(refused.body)).toBe(422);
      expect(refused.body.type).toMatch(/recalled-model-file$/);
    }
    const res = this.answer(
      await activation({ reason: 'Revue de mise en service faite' }),
      `activate model ${modelId}`,
    );
    if (this.recalledModels.has(modelId)) {
      expect(res.status, brief(res.body)).toBe(409);
      expect(res.body.type).toMatch(/model-recalled$/);
      return;
    }
    expect(res.status, brief(res.body)).toBe(200);
    this.model.expectEvent('model.activated');
    this.activeModelId = modelId;
  }

  /** An admin switches models: a spare registered and activated, or one registered before activated. */
  async switchModel(): Promise<void> {
    const admin = await this.token('admin', 'ops-1');
    if (this.spareModels.length > 0 && this.random.nextBoolean(0.4)) {
      await this.activateSuccessor(admin);
      return;
    }
    const retired = this.retiredModels();
    const recalled = [...this.recalledModels];
    const draw = this.random.next();
    const modelId =
      draw < 0.7 && retired.length > 0
        ? this.random.pick(retired)
        : draw < 0.85 && recalled.length > 0
          ? this.random.pick(recalled)
          : this.activeModelId;
    await this.activate(admin, modelId);
  }

  /**
   * A counselor replies to the person's contests of a course (record 0021), with a message the
   * screening may flag (record 0020), often with an Idempotency-Key; sometimes sends a reply kept
   * with one again.
   */
  async replyToContest(): Promise<void> {
    const kept = this.keptReplies.filter((reply) => this.model.sets.has(reply.setId));
    if (kept.length > 0 && this.random.nextBoolean(0.25)) return this.replyAgain(this.random.pick(kept));
    const set = this.pickSet((candidate) => [...candidate.contestCount.values()].some((count) => count > 0));
    if (set === undefined || set.items === null || set.items.length === 0) return;
    const contested = set.items.filter((item) => (set.contestCount.get(item.id) ?? 0) > 0);
    const item = this.random.pick(
      contested.length > 0 && this.random.nextBoolean(0.85) ? contested : set.items,
    );
    const person = this.model.person(set.seekerId);
    const counselor = this.random.nextBoolean(0.85) ? person.counselorId : this.random.pick(COUNSELORS);
    const message = this.random.nextBoolean(0.8) ? this.random.pick(REPLIES) : SENSITIVE_REPLY;
    const acknowledged = this.random.nextBoolean(isFlagged(message) ? 0.6 : 0.05);
    const key = this.random.nextBoolean(0.6) ? newIdempotencyKey() : undefined;
    await this.replyTo(set, item, counselor, message, acknowledged, key);
  }

  /** `counselor` replies to the person's contests of the item, with an Idempotency-Key if given (record 0021). */
  async replyTo(
    set: WalkSet,
    item: WalkItem,
    counselor: string,
    message: string,
    acknowledged: boolean,
    key: string | undefined,
  ): Promise<void> {
    const person = this.model.person(set.seekerId);
    const body = { message, ...(acknowledged ? { acknowledgeSensitiveTerms: true as const } : {}) };
    const observer = this.observerOf(set);
    const before = observer === undefined ? undefined : await this.read(observer, set, true);
    const token = await this.token('counselor', counselor);
    const request = this.t.http
      .post(`/v1/recommendations/${set.id}/items/${item.id}/contest-reply`)
      .auth(token, { type: 'bearer' });
    const res = this.answer(
      await (key === undefined ? request : request.set('Idempotency-Key', key)).send(body),
      `${counselor} replies ${JSON.stringify(message)}${acknowledged ? ' (confirmed)' : ''} to the contests of item ${item.id.slice(-4)} of ${short(set)}${key === undefined ? '' : ' with a key'}`,
    );
    const unanswered = set.contestCount.get(item.id) ?? 0;
    // The screening comes after the access, the state and the reply's own rule (records 0020, 0021).
    // Who no longer holds the person is told so as for the set's other actions: its counselor, and a
    // second reviewer who read it (record 0003).
    const expected = person.erased
      ? 404
      : person.counselorId !== counselor
        ? set.counselorId === counselor || set.everRead.has(counselor) || this.maySee(counselor, set)
          ? 409
          : 404
        : set.status !== 'published' && set.status !== 'retracted'
          ? 409
          : unanswered === 0
            ? 409
            : isFlagged(message) && !acknowledged
              ? 422
              : 201;
    expect(res.status, brief(res.body)).toBe(expected);
    if (res.status === 422) expectTermsRefusal(res, 'message');
    if (res.status === 201) {
      expect(res.body.answeredContests).toBe(unanswered);
      expect(res.headers['idempotent-replayed'], 'a first reply is no replay').toBeUndefined();
      expect(warnedFields(res.body), 'the warnings of a reply').toEqual(
        isFlagged(message) ? ['message'] : [],
      );
      set.contestCount.set(item.id, 0);
      set.replyCount.set(item.id, (set.replyCount.get(item.id) ?? 0) + 1);
      this.model.expectEvent('contest.replied');
      expect(res.body.contests.unanswered).toBe(
        [...set.contestCount.values()].reduce((sum, count) => sum + count, 0),
      );
      if (key !== undefined)
        this.keptReplies.push({
          counselor,
          seekerId: set.seekerId,
          setId: set.id,
          itemId: item.id,
          key,
          body,
          answeredContests: unanswered,
        });
    }
    // A reply does not change the set: its ETag stays (record 0021).
    if (observer !== undefined && before !== undefined) {
      const after = await this.read(observer, set, true);
      expect(after?.etag, 'a contest reply leaves the ETag').toBe(before.etag);
    }
  }

  /**
   * A reply kept with an Idempotency-Key sent again (record 0021): as it was, the first answer again
   * (201, `Idempotent-Replayed`, the contests as they are now), nothing kept or logged twice, or told
   * as kept (409 `no-longer-on-caseload`) once the person moved to another counselor; with another
   * message, 422 `idempotency-key-reused`. Once the person was erased (enrolled again since or not),
   * the set, the reply and the key went with them: 404, whatever the message (record 0021).
   */
  async replyAgain(kept: KeptReply): Promise<void> {
    const set = this.model.sets.get(kept.setId);
    const same = this.random.nextBoolean(0.7);
    const body = same ? kept.body : { message: REPLIES.find((reply) => reply !== kept.body.message) ?? '' };
    if (set === undefined) {
      const res = this.answer(
        await this.t.http
          .post(`/v1/recommendations/${kept.setId}/items/${kept.itemId}/contest-reply`)
          .auth(await this.token('counselor', kept.counselor), { type: 'bearer' })
          .set('Idempotency-Key', kept.key)
          .send(body),
        `${kept.counselor} sends the reply to item ${kept.itemId.slice(-4)} of erased set …${kept.setId.slice(-6)} again${same ? '' : ' with another message'}`,
      );
      expect(res.status, brief(res.body)).toBe(404);
      return;
    }
    const observer = this.observerOf(set);
    const before = observer === undefined ? undefined : await this.read(observer, set, true);
    const token = await this.token('counselor', kept.counselor);
    const res = this.answer(
      await this.t.http
        .post(`/v1/recommendations/${set.id}/items/${kept.itemId}/contest-reply`)
        .auth(token, { type: 'bearer' })
        .set('Idempotency-Key', kept.key)
        .send(body),
      `${kept.counselor} sends the reply to item ${kept.itemId.slice(-4)} of ${short(set)} again${same ? '' : ' with another message'}`,
    );
    const person = this.model.person(set.seekerId);
    if (!same) {
      expect(res.status, brief(res.body)).toBe(422);
      expect(res.body.type).toMatch(/\/idempotency-key-reused$/);
    } else if (person.counselorId !== kept.counselor) {
      expect(res.status, brief(res.body)).toBe(409);
      expect(res.body.type).toMatch(/\/no-longer-on-caseload$/);
    } else {
      expect(res.status, brief(res.body)).toBe(201);
      expect(res.headers['idempotent-replayed']).toBe('true');
      expect(res.body.answeredContests).toBe(kept.answeredContests);
      expect(res.body.contests.unanswered, 'the contests as they are now').toBe(
        [...set.contestCount.values()].reduce((sum, count) => sum + count, 0),
      );
    }
    if (observer !== undefined && before !== undefined) {
      const after = await this.read(observer, set, true);
      expect(after?.etag, 'a reply sent again leaves the ETag').toBe(before.etag);
    }
  }

  /** The case-management system reports what became of a course (record 0019). */
  async reportOutcome(): Promise<void> {
    // Sometimes an outcome held, sent again; mostly a person with a course proposed now, who did not
    // object; then a course proposed once, any course of theirs, any course.
    const heldKeys = [...this.model.outcomes.keys()];
    const again =
      heldKeys.length > 0 && this.random.nextBoolean(0.25) ? this.random.pick(heldKeys) : undefined;
    const proposed = Object.keys(SEEKERS).filter(
      (id) => this.model.publishedSetsOf(id).length > 0 && !this.model.person(id).objected,
    );
    const seekerId =
      again?.split(' ')[0] ??
      this.random.pick(proposed.length > 0 && this.random.nextBoolean(0.7) ? proposed : Object.keys(SEEKERS));
    const approvedIn = (sets: WalkSet[]) =>
      sets.flatMap((set) => set.items ?? []).filter((item) => item.decision === 'approved');
    const choices = [
      approvedIn(this.model.publishedSetsOf(seekerId)),
      approvedIn(this.model.setsOf(seekerId).filter((set) => set.publishedRank !== null)),
      this.model.setsOf(seekerId).flatMap((set) => set.items ?? []),
    ].map((items) => items.map((item) => item.courseId));
    const draw = this.random.next();
    const wanted = draw < 0.6 ? 0 : draw < 0.8 ? 1 : draw < 0.92 ? 2 : 3;
    const from = choices.slice(wanted).find((courses) => courses.length > 0) ?? ACTIVE_COURSES;
    const courseId = again?.split(' ')[1] ?? this.random.pick(from);
    // Mostly observed today; sometimes earlier than the outcome held, or than the course's first
    // publication to the person, or a day to come.
    const today = parisDayOf(this.clock.now());
    const held = this.model.outcomes.get(`${seekerId} ${courseId}`);
    const firstProposed = this.model.firstProposalTime(seekerId, courseId);
    const dayDraw = this.random.next();
    const observedAt =
      dayDraw < (again === undefined ? 0.25 : 0.5) && held !== undefined
        ? addDays(held.observedAt, -this.random.nextInt(1, 2))
        : dayDraw < 0.16 && firstProposed !== undefined
          ? addDays(parisDayOf(new Date(firstProposed)), -1)
          : dayDraw < 0.24
            ? addDays(today, -this.random.nextInt(1, 3))
            : dayDraw < 0.26
              ? addDays(today, 1)
              : today;
    await this.sendOutcome(seekerId, courseId, observedAt);
  }

  /** The case-management system reports an outcome of the course for the person, observed on `observedAt` (record 0019). */
  async sendOutcome(seekerId: string, courseId: string, observedAt: string): Promise<void> {
    const today = parisDayOf(this.clock.now());
    const held = this.model.outcomes.get(`${seekerId} ${courseId}`);
    const firstProposed = this.model.firstProposalTime(seekerId, courseId);
    const body = {
      entered: this.random.nextBoolean(0.6),
      employedWithinSixMonths: this.random.pick([true, false, null]),
      observedAt,
    };
    const integration = await this.token('integration', 'svc-crm');
    const res = this.answer(
      await this.t.http
        .put(`/v1/job-seekers/${seekerId}/outcomes/${courseId}`)
        .auth(integration, { type: 'bearer' })
        .send(body),
      `outcome of ${courseId} for ${seekerId} ${JSON.stringify(body)}`,
    );
    // Observed, not foreseen: a day after today in France is refused before anything is looked up.
    if (observedAt > today) {
      expect(res.status, brief(res.body)).toBe(422);
      expect(res.body).toMatchObject({ field: 'observedAt', latestObservedAt: today });
      return;
    }
    const person = this.model.person(seekerId);
    if (person.erased) {
      expect(res.status).toBe(404);
      return;
    }
    const problem = (type: string) => {
      expect(res.status, brief(res.body)).toBe(409);
      expect(res.body.type, brief(res.body)).toMatch(new RegExp(`/${type}$`));
    };
    if (person.objected) return problem('objection-stands');
    const proposal = this.model.latestProposal(seekerId, courseId);
    if (proposal === undefined) return problem('no-proposal');
    if (this.model.rejectionSince(seekerId, courseId) !== undefined)
      return problem('proposal-rejected-since');
    // Nothing is observed of a proposal before the day it was first published to the person.
    const proposedOn = firstProposed === undefined ? undefined : parisDayOf(new Date(firstProposed));
    if (proposedOn !== undefined && observedAt < proposedOn) {
      expect(res.status, brief(res.body)).toBe(422);
      expect(res.body).toMatchObject({ field: 'observedAt', proposedOn });
      return;
    }
    // What was learnt since stays: an observation older than the one held is refused (record 0019).
    if (held !== undefined && observedAt < held.observedAt) {
      problem('observation-outdated');
      expect(res.body.heldObservedAt).toBe(held.observedAt);
      return;
    }
    const key = `${seekerId} ${courseId}`;
    const same =
      held !== undefined &&
      held.entered === body.entered &&
      held.employedWithinSixMonths === body.employedWithinSixMonths &&
      held.observedAt === body.observedAt &&
      held.itemId === proposal.item.id;
    expect(res.status, brief(res.body)).toBe(held === undefined ? 201 : 200);
    if (same) return;
    this.model.outcomes.set(key, { ...body, setId: proposal.set.id, itemId: proposal.item.id });
    this.model.expectEvent('outcome.recorded');
  }

  /**
   * A step aimed at a path the weighted draw of `step` reaches rarely, drawn from the targeted
   * stream now and then when one can be taken; undefined when none is drawn (the walk then takes
   * its usual step). A targeted step takes the place of a usual one, so a walk takes as many steps.
   */
  drawTargetedStep(): (() => Promise<void>) | undefined {
    const sets = [...this.model.sets.values()].filter((set) => !this.model.person(set.seekerId).erased);
    const replaced = sets.filter(
      (set) =>
        set.status === 'published' &&
        set.replaced &&
        (set.items ?? []).some((item) => item.decision === 'approved'),
    );
    const successor = this.retiredModels().length > 0 || this.spareModels.length > 0;
    const recallable = replaced.filter(
      (set) =>
        set.modelId !== null &&
        !this.recalledModels.has(set.modelId) &&
        (set.modelId !== this.activeModelId || successor),
    );
    const secondReviews = sets.filter((set) => set.status === 'awaiting_second_review');
    // People shown a set with approved items, suggestions not barred for them.
    const given = [...this.model.people.values()]
      .filter((person) => !person.erased && !this.model.modelBarredFor(person.id))
      .map((person) => person.id)
      .filter((id) => this.model.shownItemIds(id).length > 0);
    const held = [...this.model.outcomes.keys()].filter((key) => {
      const person = this.model.person(key.split(' ')[0] ?? '');
      return !person.erased && !person.objected;
    });
    const paths: Array<[number, string, () => Promise<void>]> = [
      [
        recallable.length > 0 ? 3 : 0,
        'a recall of a replaced set',
        () => this.recallReplacedSet(this.random.pick(recallable)),
      ],
      [
        this.keptReplies.length > 0 ? 1 : 0,
        'a reply sent again after its person left',
        () => this.replyAgainAfterLeaving(),
      ],
      [
        replaced.length > 0 ? 3 : 0,
        'an earlier proposal retracted, then an outcome',
        () => this.retractEarlierThenReport(this.random.pick(replaced)),
      ],
      [
        secondReviews.length > 0 ? 3 : 0,
        'a second review with a flagged comment',
        () => this.secondReviewWithFlaggedComment(secondReviews),
      ],
      [held.length > 0 ? 3 : 0, 'an outdated outcome', () => this.reportOutdatedOutcome(held)],
      [
        replaced.length === 0 && given.length > 0 ? 2 : 0,
        'another set published to a person who has one',
        () => this.publishAnother(this.random.pick(given)),
      ],
      [
        this.keptReplies.length === 0 && given.length > 0 ? 1 : 0,
        'a contest replied to with a key',
        () => this.contestAndReply(this.random.pick(given)),
      ],
    ];
    if (paths.every(([weight]) => weight === 0) || !this.targeted.nextBoolean(TARGETED_SHARE))
      return undefined;
    const [, name, path] = this.targeted.pickWeightedItem(
      paths,
      paths.map(([weight]) => weight),
    );
    return async () => {
      const usual = this.random;
      this.random = this.targeted;
      this.log(`(targeted: ${name})`);
      try {
        await path();
      } finally {
        this.random = usual;
      }
    };
  }

  /**
   * The person's counselor has suggestions made, reviewed and published to a person shown a set
   * already, which the publication replaces (record 0015): the state the recall of a replaced set and
   * the retraction of an earlier proposal start from. Each request is checked as the walk's; the
   * first one refused ends it.
   */
  async publishAnother(seekerId: string): Promise<void> {
    const counselor = this.model.person(seekerId).counselorId;
    const set = await this.askForSet(false, counselor, seekerId);
    if (set === undefined) return;
    if (set.status === 'awaiting_shortlist') {
      await this.shortlistSet(
        set,
        this.random.sample(ACTIVE_COURSES, this.random.nextInt(1, 2)),
        counselor,
        'current',
      );
      if (set.items === null) return;
    }
    for (const [index, item] of (set.items ?? []).entries()) {
      if (item.decision !== 'pending') continue;
      const approve = index === 0 || this.random.nextBoolean(0.6);
      for (let attempt = 0; attempt < 3 && item.decision === 'pending'; attempt += 1)
        await this.decideItem(counselor, set, item, approve);
      if (item.decision === 'pending') return;
    }
    await this.publishSet(set, counselor, undefined, false, 'current');
    if (set.status !== 'awaiting_second_review') return;
    const reviewer = this.random.pick(COUNSELORS.filter((one) => one !== counselor));
    await this.read(reviewer, set);
    await this.secondReviewSet(set, reviewer, true, 'current', undefined);
  }

  /** The person contests an item they are shown, and their counselor replies with an Idempotency-Key (record 0021). */
  async contestAndReply(seekerId: string): Promise<void> {
    const itemId = this.random.pick(this.model.shownItemIds(seekerId));
    const set = this.model.shownSet(seekerId);
    const item = set?.items?.find((one) => one.id === itemId);
    if (set === undefined || item === undefined) return;
    await this.giveFeedback(seekerId, itemId, 'contest');
    if ((set.contestCount.get(itemId) ?? 0) === 0) return;
    const message = this.random.nextBoolean(0.8) ? this.random.pick(REPLIES) : SENSITIVE_REPLY;
    await this.replyTo(
      set,
      item,
      this.model.person(seekerId).counselorId,
      message,
      isFlagged(message),
      newIdempotencyKey(),
    );
  }

  /**
   * A model recalled whose published set a later publication replaced (record 0017): the replaced set
   * is retracted too, keeps its `replacedBy`, stays out of the portal, and none of its items is
   * explained to the person, nor takes their feedback, nor stays among their suggestions.
   */
  async recallReplacedSet(set: WalkSet): Promise<void> {
    const item = (set.items ?? []).find((one) => one.decision === 'approved');
    await this.recallModel(set.modelId ?? '');
    expect(set.status, `${short(set)} retracted by the recall`).toBe('retracted');
    const observer = this.observerOf(set);
    if (observer !== undefined) await this.read(observer, set);
    if (item !== undefined) {
      const token = await this.token('job_seeker', set.seekerId);
      const res = this.answer(
        await this.t.http
          .post(`/v1/me/recommendations/${item.id}/feedback`)
          .auth(token, { type: 'bearer' })
          .send({ response: this.random.pick(['interested', 'contest'] as const) }),
        `${set.seekerId} answers about item ${item.id.slice(-4)} of the recalled ${short(set)}`,
      );
      expect(res.status, brief(res.body)).toBe(404);
    }
    await this.checkExport(set.seekerId);
  }

  /**
   * A reply kept with an Idempotency-Key sent again after its person moved to another counselor's
   * caseload (and maybe back), or was erased and maybe enrolled again (record 0021); enrolled again on
   * the same caseload, its key, gone with the erasure, is new for a reply about a set made since.
   */
  async replyAgainAfterLeaving(): Promise<void> {
    const kept = this.random.pick(this.keptReplies);
    // Once is enough for this path: the usual steps send it again as they find it.
    this.keptReplies.splice(this.keptReplies.indexOf(kept), 1);
    const person = this.model.person(kept.seekerId);
    const draw = this.random.next();
    if (draw < 0.45) {
      const others = COUNSELORS.filter((counselor) => counselor !== person.counselorId);
      await this.syncPerson(kept.seekerId, this.random.pick(others), person.erased);
      if (this.random.nextBoolean(0.3)) {
        await this.replyAgain(kept);
        await this.syncPerson(kept.seekerId, kept.counselor, false);
      }
    } else {
      if (!person.erased) await this.erasePerson(kept.seekerId);
      if (draw < 0.85) {
        const counselorId = this.random.nextBoolean(0.5) ? kept.counselor : this.random.pick(COUNSELORS);
        await this.syncPerson(kept.seekerId, counselorId, true);
        // Nothing of the person before their erasure shows in the file of the person enrolled again (record 0021).
        const holder = this.model.person(kept.seekerId).counselorId;
        const res = this.answer(
          await this.t.http
            .get(`/v1/job-seekers/${kept.seekerId}`)
            .auth(await this.token('counselor', holder), { type: 'bearer' }),
          `${holder} reads the file of ${kept.seekerId}`,
        );
        expect(res.status, brief(res.body)).toBe(200);
        expect(res.body.contests, 'the contests of the person enrolled again').toEqual([]);
      }
    }
    await this.replyAgain(kept);
    // The key went with the erasure: once the person is enrolled again, it is new for another reply.
    const now = this.model.person(kept.seekerId);
    if (draw < 0.45 || now.erased || now.counselorId !== kept.counselor || this.model.modelBarredFor(now.id))
      return;
    await this.publishAnother(kept.seekerId);
    const set = this.model.shownSet(kept.seekerId);
    const item = set?.items?.find((one) => one.id === this.model.shownItemIds(kept.seekerId)[0]);
    if (set === undefined || item === undefined) return;
    await this.giveFeedback(kept.seekerId, item.id, 'contest');
    await this.replyTo(
      set,
      item,
      kept.counselor,
      kept.body.message,
      kept.body.acknowledgeSensitiveTerms === true,
      kept.key,
    );
  }

  /**
   * A set that proposed a course, replaced since by a later publication, retracted by the person's
   * counselor; then an outcome of that course reported (record 0019): it needs a proposal still
   * given to the person, first published on or before the day observed, and the retraction took the
   * outcomes linked to the set with it. Sometimes an outcome is reported before the retraction too.
   */
  async retractEarlierThenReport(set: WalkSet): Promise<void> {
    const approved = (set.items ?? []).filter((item) => item.decision === 'approved');
    const item = this.random.pick(approved);
    const today = parisDayOf(this.clock.now());
    if (this.random.nextBoolean(0.5)) await this.sendOutcome(set.seekerId, item.courseId, today);
    const person = this.model.person(set.seekerId);
    const res = await this.retractSet(set, person.counselorId, 'current');
    if (res.status !== 200) return;
    const published = set.publishedAt === null ? today : parisDayOf(new Date(set.publishedAt));
    await this.sendOutcome(set.seekerId, item.courseId, this.random.nextBoolean(0.5) ? today : published);
    await this.checkExport(set.seekerId);
  }

  /** A second reviewer approves or returns a set with a comment the screening flags, confirmed or not (records 0003, 0020). */
  async secondReviewWithFlaggedComment(sets: WalkSet[]): Promise<void> {
    const set = this.random.pick(sets);
    const others = COUNSELORS.filter((counselor) => counselor !== set.firstReviewerId);
    const counselor = this.random.pick(others);
    if (this.random.nextBoolean(0.85)) await this.read(counselor, set);
    const approve = this.random.nextBoolean(0.5);
    const comment = this.random.nextBoolean(0.8) ? SENSITIVE_COMMENT : approve ? undefined : RETURN_COMMENT;
    const acknowledged = this.random.nextBoolean(0.5);
    await this.secondReviewSet(set, counselor, approve, this.pickEtag(), comment, acknowledged);
    await this.checkExport(set.seekerId);
  }

  /**
   * An outcome held reported again as observed before the one held (record 0019): 409
   * `observation-outdated`, unless another rule refuses it first. When the one held is of the day of
   * the first proposal, a later observation is reported first (a day passing first if that day is
   * today), so that an earlier one can be outdated.
   */
  async reportOutdatedOutcome(heldKeys: string[]): Promise<void> {
    const [seekerId = '', courseId = ''] = this.random.pick(heldKeys).split(' ');
    const today = parisDayOf(this.clock.now());
    const first = this.model.firstProposalTime(seekerId, courseId);
    const firstDay = first === undefined ? today : parisDayOf(new Date(first));
    const held = this.model.outcomes.get(`${seekerId} ${courseId}`);
    if (held !== undefined && held.observedAt <= firstDay) {
      // A day passes first when the course was proposed today, so that a day lies between the two.
      if (today <= firstDay) this.letTimePass(24);
      await this.sendOutcome(seekerId, courseId, parisDayOf(this.clock.now()));
    }
    const now = this.model.outcomes.get(`${seekerId} ${courseId}`) ?? held;
    if (now === undefined) return;
    await this.sendOutcome(seekerId, courseId, addDays(now.observedAt, -this.random.nextInt(1, 2)));
  }

  /** One step, drawn with weights that favour what the sets in their present states let go on. */
  async step(): Promise<void> {
    const sets = [...this.model.sets.values()].filter((set) => !this.model.person(set.seekerId).erased);
    const some = (filter: (set: WalkSet) => boolean) => sets.some(filter);
    const reviewing = some((set) => set.status === 'pending_review');
    const idle = !some((set) => WALK_OPEN_STATUSES.includes(set.status));
    const pending = some(
      (set) =>
        set.status === 'pending_review' && (set.items ?? []).some((item) => item.decision === 'pending'),
    );
    const ready = some(
      (set) =>
        set.status === 'pending_review' &&
        (set.items ?? []).every((item) => item.decision !== 'pending') &&
        (set.items ?? []).some((item) => item.decision === 'approved'),
    );
    const actions: Array<[number, () => Promise<void>]> = [
      [5, () => this.sync()],
      [idle ? 20 : 4, () => this.suggest(false)],
      [4, () => this.suggest(true)],
      [2, () => this.misuseKey()],
      [6, () => this.readSome()],
      [pending ? 20 : 3, () => this.decideSome()],
      [reviewing ? 5 : 1, () => this.addCourse()],
      [reviewing ? 4 : 1, () => this.order()],
      [some((set) => set.status === 'awaiting_shortlist') ? 15 : 1, () => this.shortlist()],
      [ready ? 20 : 3, () => this.publish()],
      [some((set) => set.status === 'awaiting_second_review') ? 15 : 1, () => this.secondReview()],
      [3, () => this.discard()],
      [some((set) => set.status === 'published') ? 4 : 1, () => this.retract()],
      [3, () => this.passTime()],
      [4, () => this.changeSettings()],
      [3, () => this.changeCatalog()],
      [some((set) => set.status === 'published') ? 14 : 4, () => this.portalAct()],
      [1, () => this.erase()],
      [some((set) => set.status === 'published') ? 2 : 1, () => this.recall()],
      [this.retiredModels().length === 0 ? 2 : 1, () => this.switchModel()],
      [
        some((set) => [...set.contestCount.values()].some((count) => count > 0))
          ? 8
          : this.keptReplies.length > 0
            ? 3
            : 1,
        () => this.replyToContest(),
      ],
      [
        some((set) => set.status === 'published') ? (this.model.outcomes.size > 0 ? 8 : 6) : 2,
        () => this.reportOutcome(),
      ],
    ];
    const action = this.random.pickWeightedItem(
      actions.map(([, run]) => run),
      actions.map(([weight]) => weight),
    );
    await action();
  }
}

/** Whether the screening flags the text: one of the walk's sensitive texts. */
function isFlagged(text: string | null | undefined): boolean {
  return text !== null && text !== undefined && FLAGGED_TEXTS.has(text);
}

/** The fields a body's `sensitive_term` warnings name. */
function warnedFields(body: unknown): string[] {
  const warnings = (body as { warnings?: Array<{ code: string; field: string }> }).warnings ?? [];
  return warnings.filter((warning) => warning.code === 'sensitive_term').map((warning) => warning.field);
}

/** A 422 `sensitive-terms` naming the field in its warnings. */
function expectTermsRefusal(res: Res, field: string): void {
  expect(res.status, brief(res.body)).toBe(422);
  expect((res.body as { type: string }).type).toMatch(/\/sensitive-terms$/);
  expect(warnedFields(res.body)).toEqual([field]);
}

/** The ISO day `days` after `day` (before it when negative). */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00.000Z`) + days * 24 * HOUR).toISOString().slice(0, 10);
}

/** The start of a body, for a failure's message. */
function brief(body: unknown): string {
  const text = JSON.stringify(body);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function short(set: WalkSet): string {
  return `set …${set.id.slice(-6)} (${set.status}${set.manual ? ', by hand' : ''})`;
}

function staleEtag(etag: string | undefined): string {
  const version = Number((etag ?? '"1"').replaceAll('"', ''));
  return `"${version - 1}"`;
}

function toWalkItem(item: SetBody['items'][number]): WalkItem {
  return {
    id: item.itemId,
    courseId: item.course.id,
    source: item.source,
    rank: item.rank,
    decision: item.decision,
    displayOrder: item.displayOrder,
  };
}

/** Whether the counselor acted on the set already (a decision, an addition, a shortlist): a read no longer opens it. */
function actedOn(set: WalkSet): boolean {
  if (set.blind && set.items !== null) return true;
  return (set.items ?? []).some((item) => item.source !== 'model' || item.decision !== 'pending');
}

async function runWalk(seed: number, processes: 1 | 2): Promise<void> {
  const clock = aClock();
  // Spare models to activate once the active one is recalled: the shipped ONNX file under other versions.
  const modelsDir = await createModelsDir();
  const spares: TestModelFolder[] = [];
  for (const version of SPARE_MODEL_VERSIONS)
    spares.push(
      await writeShippedVariant(modelsDir.dir, `aiguillage-ebm-${version}`, (manifest) => ({
        ...manifest,
        version,
      })),
    );
  // A walk sends more requests a minute than the limit lets one client send (tested on its own).
  const t = await startTestApp({
    now: clock.now,
    env: { RATE_LIMIT_PER_MINUTE: '1000000', MODELS_DIR: modelsDir.dir },
  });
  // Process B: another API process on the same database and data folder, its clock behind A's by a
  // drawn lag (none at times: then acts of both share a millisecond). Its draws are apart from the
  // walk's, so a walk of one process takes the same steps as before.
  const draws = createRandom(seed + 1_000_000_007);
  const lag = processes === 2 && draws.nextBoolean(0.7) ? draws.nextInt(1, 5_000) : 0;
  const b =
    processes === 2
      ? await startTestApp({
          database: t.database,
          now: () => new Date(clock.now().getTime() - lag),
          env: { RATE_LIMIT_PER_MINUTE: '1000000', MODELS_DIR: modelsDir.dir },
        })
      : undefined;
  const walk = new Walk(
    t,
    clock,
    createRandom(seed),
    createRandom(seed + 2_000_000_011),
    spares,
    b === undefined ? undefined : { b, lag, draws },
  );
  if (b !== undefined) walk.log(`process B starts on A's database, its clock ${lag} ms behind A's`);
  try {
    await walk.setup();
    await walk.changeSettings();
    await walk.checkAll();
    for (let step = 0; step < STEPS; step += 1) {
      await (walk.drawTargetedStep() ?? (() => walk.step()))();
      await walk.checkAll();
    }
    await walk.verifyLog();
    if (process.env.WALK_LOG !== undefined)
      fs.appendFileSync(process.env.WALK_LOG, `seed ${seed}\n${walk.steps.join('\n')}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `walk with seed ${seed} failed (replay: WALK_SEED=${seed} WALK_SEQUENCES=1 WALK_STEPS=${STEPS} WALK_PROCESSES=${processes}): ${message}\nsteps:\n${walk.steps.join('\n')}`,
      { cause: error },
    );
  } finally {
    await b?.container.close();
    await t.close();
    await modelsDir.remove();
  }
}

describe('random walks through the review workflow', () => {
  for (let index = 0; index < SEQUENCES; index += 1) {
    const seed = FIRST_SEED + index;
    const processes = walkProcesses(index);
    // A walk takes 10–40 s alone; the whole suite on two cores may slow it several times over.
    it(
      `keeps the product's promises after every step of walk ${seed}${processes === 2 ? ' across two processes' : ''}`,
      { timeout: 360_000 },
      () => runWalk(seed, processes),
    );
  }
});

/**
 * How many API processes a walk runs on: `WALK_PROCESSES=1` or `2` for every walk; by default every
 * third walk has two, sharing one database with clocks that disagree, as a deployment that outgrew
 * one machine does (record 0004: the log orders what they do, not their clocks).
 */
function walkProcesses(index: number): 1 | 2 {
  const wanted = process.env.WALK_PROCESSES;
  if (wanted === '1' || wanted === '2') return Number(wanted) as 1 | 2;
  return index % 3 === 2 ? 2 : 1;
}
