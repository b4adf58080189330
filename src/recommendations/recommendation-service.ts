import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { CandidateFilter, Course } from '../courses/course.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { isOnCaseloadOf, type JobSeeker } from '../job-seekers/job-seeker.ts';
import { jobSeekerNotFound } from '../job-seekers/job-seeker-service.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { ActiveModelSource } from '../scoring/active-model.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { ConflictError, InvalidInputError, ServiceUnavailableError } from '../shared/errors.ts';
import { buildSuggestions } from './build-suggestions.ts';
import {
  firstAnswerOf,
  isSampledForSecondReview,
  type RecommendationSet,
  type SetStatus,
  snapshotProfile,
} from './recommendation.ts';
import type { RecommendationStore, SetSummary } from './recommendation-store.ts';
import { expireIfDue, findVisibleSet, setNotFound } from './set-access.ts';

export const DEFAULT_TOP_K = 10;
export const MAX_TOP_K = 50;
/** How many due sets one queue read expires at most; the rest follow on the next reads. */
const EXPIRY_BATCH_SIZE = 100;

export interface RecommendationServiceDeps {
  store: RecommendationStore;
  jobSeekers: JobSeekerStore;
  courses: CourseStore;
  settings: SettingsStore;
  idempotency: IdempotencyStore;
  decisionLog: DecisionLog;
  models: ActiveModelSource;
  now: () => Date;
}

export interface CreateRequest {
  limit?: number;
  /** The caller's Idempotency-Key. */
  idempotencyKey: string;
}

export interface CreateResult {
  set: RecommendationSet;
  /** True when this answers a retry with the same key and body. */
  replayed: boolean;
}

/** Suggestions: computing them, the counselor's queue, and reading a set for review. */
export class RecommendationService {
  constructor(private readonly deps: RecommendationServiceDeps) {}

  /**
   * Scores the catalog for one job seeker of the counselor's caseload and stores the top items as a
   * set awaiting review. Refused (with the manual path) when the AI is off or the person objected.
   */
  async createRecommendations(
    counselor: Principal,
    seekerId: string,
    request: CreateRequest,
  ): Promise<CreateResult> {
    const { deps } = this;
    const limit = request.limit ?? DEFAULT_TOP_K;
    const requestHash = hashRequest('createRecommendations', seekerId, { limit });
    const replay = await this.findReplay(counselor, request.idempotencyKey, requestHash);
    if (replay !== undefined) return { set: replay, replayed: true };

    const seeker = await deps.jobSeekers.findById(seekerId);
    if (seeker === undefined || !isOnCaseloadOf(seeker, counselor)) throw jobSeekerNotFound(seekerId);
    const settings = await deps.settings.get();
    if (!settings.aiEnabled) throw manualPath(seeker, 'suggestions are switched off');
    if (seeker.aiObjection)
      throw manualPath(seeker, 'the job seeker objected to AI processing of their data');
    const model = await deps.models.current();
    if (model === undefined)
      throw new ServiceUnavailableError('no model is active; propose courses from the catalog');

    const now = deps.now();
    const candidates = await deps.courses.findCandidates(candidateFilterFor(seeker, now));
    const suggestions = await buildSuggestions(model.scorer, seeker, candidates, now, limit);
    const setId = crypto.randomUUID();
    const set: RecommendationSet = {
      id: setId,
      seekerId,
      counselorId: seeker.counselorId,
      status: settings.blindFirst && suggestions.items.length > 0 ? 'awaiting_shortlist' : 'pending_review',
      model: { id: model.id, version: model.scorer.model.version, sha256: model.scorer.model.sha256 },
      attributionMethod: suggestions.attributionMethod,
      createdBy: counselor.subject,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + settings.setTtlHours * 3_600_000).toISOString(),
      openedAt: null,
      publishedAt: null,
      publishedBy: null,
      version: 1,
      noCandidateReason: suggestions.items.length === 0 ? explainNoCandidate(seeker, candidates) : null,
      message: null,
      discardReason: null,
      secondReview: {
        required: isSampledForSecondReview(setId, settings.secondReviewRate),
        firstReviewerId: null,
        reviewerId: null,
      },
      shortlist: null,
      items: suggestions.items,
      profileSnapshot: snapshotProfile(seeker),
    };

    try {
      await deps.decisionLog.withTransaction(async (trx) => {
        await deps.store.insert(trx, set);
        await deps.idempotency.insert(trx, {
          subject: counselor.subject,
          key: request.idempotencyKey,
          operation: 'createRecommendations',
          requestHash,
          responseStatus: 201,
          responseBody: JSON.stringify({ id: setId, seekerId, status: set.status } satisfies StoredCreation),
          createdAt: now.toISOString(),
        });
        await deps.decisionLog.append(trx, {
          type: 'recommendation.generated',
          actor: { role: 'counselor', id: counselor.subject },
          subjectId: seekerId,
          payload: {
            setId,
            model: set.model,
            attributionMethod: set.attributionMethod,
            candidateCount: candidates.length,
            status: set.status,
            secondReviewRequired: set.secondReview.required,
            items: set.items.map((item) => ({ itemId: item.id, courseId: item.course.id, rank: item.rank })),
          },
          // Scores and attributions are sealed with the features they come from: an additive model's
          // contributions are step functions of the person's values, which its card publishes.
          personal: {
            featureVectors: set.items.map((item) => ({ itemId: item.id, features: item.features })),
            attributions: set.items.map((item) => ({
              itemId: item.id,
              score: item.score,
              contributions: Object.fromEntries(item.attributions.map((a) => [a.feature, a.contribution])),
            })),
          },
        });
      });
    } catch (error) {
      // A concurrent retry with the same key won the race: answer as it did.
      const raced = await this.findReplay(counselor, request.idempotencyKey, requestHash);
      if (raced !== undefined) return { set: raced, replayed: true };
      // The person was erased (or purged as idle) meanwhile: the set's foreign key refused it.
      if ((await deps.jobSeekers.findById(seekerId)) === undefined) throw jobSeekerNotFound(seekerId);
      throw error;
    }
    return { set, replayed: false };
  }

  /**
   * The sets of the counselor's caseload, newest first (a previous counselor's included, for people
   * who moved to them). Sets whose lifetime has passed are marked expired first, so that the queue
   * (and its status filter) never shows them as still open.
   */
  async listRecommendations(
    counselor: Principal,
    filter: {
      status?: SetStatus;
      seekerId?: string;
      after?: { createdAt: string; id: string };
      limit: number;
    },
  ): Promise<SetSummary[]> {
    await this.expireDueSets();
    return this.deps.store.list({ counselorId: counselor.subject, ...filter });
  }

  /** Moves open sets whose lifetime has passed to `expired`, each with its event. */
  async expireDueSets(batchSize = EXPIRY_BATCH_SIZE): Promise<number> {
    const { deps } = this;
    const now = deps.now();
    const due = await deps.store.findDue(now, batchSize);
    for (const setId of due) {
      const set = await deps.store.findById(setId);
      if (set !== undefined) await expireIfDue(deps, set, now);
    }
    return due.length;
  }

  /**
   * A set for review. The owner's first read records the opening (decision times count from
   * then); a set whose lifetime has passed is marked expired first.
   */
  async getRecommendationSet(counselor: Principal, setId: string): Promise<RecommendationSet> {
    const { deps } = this;
    const found = await findVisibleSet(deps, counselor, setId);
    const now = deps.now();
    const set = await expireIfDue(deps, found, now);
    if (set.openedAt !== null || set.counselorId !== counselor.subject || set.status === 'expired')
      return set;
    return deps.decisionLog.withTransaction(async (trx) => {
      const fresh = await deps.store.findById(setId, trx);
      if (fresh === undefined || fresh.openedAt !== null) return fresh ?? set;
      const version = fresh.version;
      fresh.openedAt = now.toISOString();
      if (!(await deps.store.save(trx, fresh, version))) return fresh;
      await deps.decisionLog.append(trx, {
        type: 'recommendation.opened',
        actor: { role: 'counselor', id: counselor.subject },
        subjectId: fresh.seekerId,
        payload: { setId, secondsSinceCreation: (now.getTime() - Date.parse(fresh.createdAt)) / 1000 },
      });
      return fresh;
    });
  }

  private async findReplay(
    counselor: Principal,
    key: string,
    requestHash: string,
  ): Promise<RecommendationSet | undefined> {
    const previous = await this.deps.idempotency.find(counselor.subject, key);
    if (previous === undefined) return undefined;
    if (previous.requestHash !== requestHash || previous.operation !== 'createRecommendations') {
      throw new InvalidInputError('this Idempotency-Key was already used for a different request', {
        idempotencyKey: key,
      });
    }
    const stored = JSON.parse(previous.responseBody) as StoredCreation;
    const set = await this.deps.store.findById(stored.id);
    // Erasure deletes the key with the set; a key outliving its set has nothing left to replay.
    if (set === undefined) throw setNotFound(stored.id);
    // A retry answers as a new request would once the person has moved to another caseload.
    if (!isOnCaseloadOf(await this.deps.jobSeekers.findById(set.seekerId), counselor)) {
      throw jobSeekerNotFound(set.seekerId);
    }
    return firstAnswerOf(set, stored.status);
  }
}

/**
 * The hard filters for one person: active, next session ahead, reachable (within the mobility
 * radius, or remote when accepted), prerequisites met. Shared with the benchmark.
 */
export function candidateFilterFor(seeker: JobSeeker, referenceDate: Date): CandidateFilter {
  return {
    referenceDate,
    near: seeker.location === null ? null : { point: seeker.location, radiusKm: seeker.mobilityRadiusKm },
    includeRemote: seeker.remoteOk,
    maxPrerequisiteLevel: seeker.educationLevel,
  };
}

/**
 * What an Idempotency-Key keeps of a creation: which set it made and in which state, from which
 * the first answer is rebuilt (`firstAnswerOf`), rather than a second copy of the person's scores
 * and attributions under the counselor's key. Keys written as whole sets read the same way.
 */
interface StoredCreation {
  id: string;
  seekerId: string;
  status: SetStatus;
}

function hashRequest(operation: string, target: string, body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([operation, target, body]))
    .digest('hex');
}

function manualPath(seeker: JobSeeker, why: string): ConflictError {
  const occupation = seeker.targetOccupations[0];
  const query = new URLSearchParams({ active: 'true', ...(occupation === undefined ? {} : { occupation }) });
  // A radius search leaves remote courses out, so it is only proposed to someone who cannot learn remotely.
  if (seeker.location !== null && !seeker.remoteOk) {
    query.set('near', `${seeker.location.lat},${seeker.location.lon}`);
    query.set('withinKm', String(Math.max(1, seeker.mobilityRadiusKm)));
  }
  return new ConflictError(`${why}; propose courses from the catalog instead`, {
    type: 'https://aiguillage.example/problems/ai-unavailable',
    manualPath: `/v1/courses?${query.toString()}`,
  });
}

function explainNoCandidate(seeker: JobSeeker, candidates: readonly Course[]): string {
  if (candidates.length > 0) return 'no candidate course could be scored';
  const where =
    seeker.location === null
      ? seeker.remoteOk
        ? 'no remote course'
        : 'the profile has no coordinates and remote courses are not accepted, so no course'
      : `no course within ${seeker.mobilityRadiusKm} km${seeker.remoteOk ? ' nor any remote course' : ''}`;
  return `${where} is active, starts in the future and is open at level ${seeker.educationLevel}`;
}
