import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import { candidateFilterFor } from '../courses/candidate-filter.ts';
import type { Course } from '../courses/course.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { FileReaderRole } from '../file-reads/file-read.ts';
import type { FileReadTracer } from '../file-reads/file-read-service.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import {
  describeIdempotentRequest,
  type IdempotentRequest,
  matchFirstAnswer,
} from '../idempotency/idempotent-request.ts';
import {
  type Enrolment,
  isOnCaseloadOf,
  type JobSeeker,
  type JobSeekerStanding,
  jobSeekerNotFound,
  sameEnrolment,
} from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { ActiveModelSource } from '../scoring/active-model.ts';
import type { Settings } from '../settings/settings.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { ConflictError, DomainError } from '../shared/errors.ts';
import { takePage } from '../shared/take-page.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { buildSuggestions } from './build-suggestions.ts';
import {
  describeRefusal,
  findWhatBarsModel,
  findWhyNoUsableModel,
  type ModelUnavailable,
  refuseForManualPath,
  refuseWhileSuggestionsAvailable,
} from './manual-path.ts';
import {
  buildNewSet,
  firstAnswerOf,
  measureSecondsSince,
  type NewSetFields,
  NO_CONTESTS,
  type RecommendationSet,
  type SetStatus,
  type SetView,
  snapshotProfile,
  viewSetAt,
} from './recommendation.ts';
import type { RecommendationStore, SetQuery, SetSummary } from './recommendation-store.ts';
import { expireDueSets, expireIfDue, findVisibleSet, setNotFound, viewSetFor } from './set-access.ts';
import { listAllowedActions, opensSecondReview, type SetReader } from './set-actions.ts';
import { listCaveatOccupations, listSetCaveats } from './set-caveats.ts';
import type {
  FeedbackPageRequest,
  FeedbackPosition,
  SetFeedbackAnswer,
  SetFeedbackReader,
} from './set-feedback.ts';
import { DEFAULT_TOP_K } from './suggestion-count.ts';
import { withdrawOpenSets } from './withdraw-open-sets.ts';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons.ts';
import { type WithdrawalWarning, warnAboutWithdrawnSets } from './withdrawal-warnings.ts';

export interface RecommendationServiceDeps {
  store: RecommendationStore;
  jobSeekers: JobSeekerStore;
  courses: CourseStore;
  settings: SettingsStore;
  idempotency: IdempotencyStore;
  /** The labels of the occupations a set's caveats name. */
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
  decisionLog: DecisionLog;
  /** The active model; and whether a model was recalled, read in the transaction storing its set. */
  models: ActiveModelSource & {
    isRecalled(modelId: string, trx: Knex.Transaction): Promise<boolean>;
  };
  feedback: SetFeedbackReader;
  /** Traces each read of a person's file (record 0022). */
  reads: FileReadTracer;
  /** The server's key of the second-review draw, which nobody reading a set holds (record 0003). */
  secondReviewDrawKey: Buffer;
  now: () => Date;
}

export interface CreateRequest {
  limit?: number;
  /** The caller's Idempotency-Key. */
  idempotencyKey: string;
}

export interface CreateResult extends SetView {
  /** True when this answers a retry with the same key and body. */
  replayed: boolean;
  /** The person's open sets the creation withdrew, one warning each (a retry says the same). */
  warnings: WithdrawalWarning[];
}

/** Suggestions: computing them, the counselor's queue, and reading a set for review. */
export class RecommendationService {
  constructor(private readonly deps: RecommendationServiceDeps) {}

  /**
   * Scores the catalog for one job seeker of the counselor's caseload and stores the top items as a
   * set awaiting review, withdrawing the person's other open sets (earlier suggestions, sets made
   * by hand): the person has one open set, the new one. Refused (with the manual
   * path, and logged as `suggestion.refused`) when the AI is off, the person objected, no model is
   * active, or the active model cannot be loaded.
   */
  async createRecommendations(
    counselor: Principal,
    seekerId: string,
    request: CreateRequest,
  ): Promise<CreateResult> {
    const { deps } = this;
    const limit = request.limit ?? DEFAULT_TOP_K;
    const creation = describeIdempotentRequest('createRecommendations', seekerId, { limit });
    const retried = await this.answerRetry(counselor, request.idempotencyKey, creation);
    if (retried !== undefined) return retried;

    const seeker = await this.findOnCaseload(counselor, seekerId);
    const barred = findWhatBarsModel(await deps.settings.get(), seeker);
    if (barred !== undefined) throw await this.refuseSuggestions(counselor, seeker, barred);
    const current = await deps.models.currentState();
    if (current.status !== 'loaded') {
      // A failed load or registration is logged by the registry with its cause; the counselor is told where to go.
      const retryAfterMs = current.status === 'unavailable' ? current.retryAfterMs : undefined;
      throw await this.refuseSuggestions(counselor, seeker, findWhyNoUsableModel(current), retryAfterMs);
    }
    const { model } = current;

    const now = deps.now();
    const candidates = await deps.courses.findCandidates(candidateFilterFor(seeker, now));
    const suggestions = await buildSuggestions(model.scorer, seeker, candidates, now, limit);
    const noCandidate = suggestions.items.length === 0 ? findWhyNoCandidate(candidates.courses) : null;
    const fields: NewSetFields = {
      id: createTimeOrderedId(),
      seekerId,
      counselorId: seeker.counselorId,
      model: { id: model.id, version: model.scorer.model.version, sha256: model.scorer.model.sha256 },
      attributionMethod: suggestions.attributionMethod,
      createdBy: counselor.subject,
      noCandidateReason: noCandidate === null ? null : explainNoCandidate(seeker, noCandidate),
      items: suggestions.items,
      profileSnapshot: snapshotProfile(seeker),
    };

    return this.storeNewSet(counselor, fields, seeker, now, request.idempotencyKey, creation, {
      admit: async (trx, settings, locked) => {
        // Suggestions switched off or an objection since the checks above; or the model recalled
        // while it scored (the recall took it out of service, and withdrew its open sets, before
        // this set could be stored): no model was active after it.
        const barredNow =
          findWhatBarsModel(settings, locked) ??
          ((await deps.models.isRecalled(model.id, trx)) ? 'no_active_model' : undefined);
        if (barredNow === undefined) {
          // A catalog write committed while the model scored (an import, from any process, may have
          // withdrawn a suggested course): the answer reads the catalog, as a read of the set would.
          return {
            admitted: undefined,
            catalogMoved: (await deps.courses.readVersion(trx)) !== candidates.catalogVersion,
          };
        }
        // Nothing of the set is stored; its refusal is recorded, and answered once committed, with
        // the manual path's searches from the profile as it stands under the lock.
        await deps.decisionLog.append(trx, describeRefusal(counselor.subject, locked.id, barredNow));
        const profile = await deps.jobSeekers.findById(locked.id, trx);
        if (profile === undefined) throw jobSeekerNotFound(locked.id);
        return { refused: refuseForManualPath(profile, barredNow, deps.now()) };
      },
      // The new suggestions take over from every open set of the person: from earlier ones, so that
      // the person is one review in the queue and one set to publish, not two sets replacing each
      // other; and from a set by hand, which is for when the model may not be used, so that none of what
      // they show can be published as the counselor's own choice.
      withdraw: (trx, set) =>
        withdrawOpenSets(deps, trx, seekerId, {
          reason: WITHDRAWAL_REASONS.suggestionsAsked.stored,
          keepSetId: set.id,
        }),
      writeEvent: async (_trx, set, _admitted, secondReviewOwedBy, withdrawnSetIds) => ({
        type: 'recommendation.generated',
        payload: {
          setId: set.id,
          model: set.model,
          attributionMethod: set.attributionMethod,
          catalogVersion: candidates.catalogVersion,
          // A code: the sentence the counselor reads is built from the person's radius and level.
          noCandidateReason: noCandidate,
          status: set.status,
          secondReviewRequired: set.secondReview.required,
          secondReviewOwedBy,
          items: set.items.map((item) => ({ itemId: item.id, courseId: item.course.id, rank: item.rank })),
          withdrawnSetIds,
        },
        // Scores and attributions are sealed with the features they come from: an additive model's
        // contributions are step functions of the person's values, which its card publishes.
        personal: {
          // How many courses passed the person's filters: counted again in the catalog of that
          // version, it bounds their level and where they live.
          candidateCount: candidates.courses.length,
          featureVectors: set.items.map((item) => ({ itemId: item.id, features: item.features })),
          attributions: set.items.map((item) => ({
            itemId: item.id,
            score: item.score,
            contributions: Object.fromEntries(item.attributions.map((a) => [a.feature, a.contribution])),
          })),
        },
      }),
    });
  }

  /**
   * Records that suggestions were refused for the person (`suggestion.refused`) and returns the
   * refusal naming the manual path. When the log cannot take the record (the database is down),
   * its error is thrown instead: no refusal goes unrecorded. A person erased, or moved to another
   * caseload, since the counselor's request looked them up is "not found", and nothing is logged.
   */
  private async refuseSuggestions(
    counselor: Principal,
    seeker: JobSeeker,
    why: ModelUnavailable,
    retryAfterMs?: number,
  ): Promise<DomainError> {
    const { decisionLog, jobSeekers } = this.deps;
    const refused = await decisionLog.withTransaction(async (trx) => {
      // Read again, locked: an erasure committed since the look-up would otherwise be followed in
      // the log by a refusal naming the person it erased.
      const locked = await jobSeekers.lockById(trx, seeker.id);
      if (locked === undefined || !isOnCaseloadOf(locked, counselor)) throw jobSeekerNotFound(seeker.id);
      await decisionLog.append(trx, describeRefusal(counselor.subject, locked.id, why));
      return locked;
    });
    return refuseForManualPath(refused, why, this.deps.now(), retryAfterMs);
  }

  /**
   * The manual path: an empty set with no model, which the counselor fills from the catalog and
   * publishes as any other, sampled for a second review like any set. Only while the model may not
   * be used for the person (AI off, objection, no active model, the active model cannot be loaded),
   * as found again when the set is stored; nothing about them is scored.
   */
  async createManualRecommendations(
    counselor: Principal,
    seekerId: string,
    request: Pick<CreateRequest, 'idempotencyKey'>,
  ): Promise<CreateResult> {
    const { deps } = this;
    const creation = describeIdempotentRequest('createManualRecommendations', seekerId, {});
    const retried = await this.answerRetry(counselor, request.idempotencyKey, creation);
    if (retried !== undefined) return retried;

    const seeker = await this.findOnCaseload(counselor, seekerId);
    const fields: NewSetFields = {
      id: createTimeOrderedId(),
      seekerId,
      counselorId: seeker.counselorId,
      model: null,
      attributionMethod: null,
      createdBy: counselor.subject,
      noCandidateReason: null,
      items: [],
      profileSnapshot: null,
    };
    // The model is asked only when nothing else bars it, so that a model that fails to load never
    // holds up the manual path.
    const barred = findWhatBarsModel(await deps.settings.get(), seeker);
    const noUsableModel = barred === undefined ? await this.findWhyNoUsableModelFor(seeker) : undefined;
    try {
      return await this.storeManualSet(
        counselor,
        fields,
        seeker,
        request.idempotencyKey,
        creation,
        noUsableModel,
      );
    } catch (error) {
      if (!(error instanceof ModelNotAsked)) throw error;
      // What barred the model was lifted before the set could be stored: the model is asked now,
      // outside the log's lock (loading it may take long, and be logged).
      const why = await this.findWhyNoUsableModelFor(seeker);
      return this.storeManualSet(counselor, fields, seeker, request.idempotencyKey, creation, why);
    }
  }

  /**
   * Why no usable model serves the person's suggestions, the manual path's door when nothing else
   * bars the model; refused when the model is usable.
   */
  private async findWhyNoUsableModelFor(seeker: JobSeeker): Promise<ModelUnavailable> {
    const why = findWhyNoUsableModel(await this.deps.models.currentState());
    // Only where the model may not be used: a counselor who could have had its suggestions would
    // otherwise pick courses after seeing them, outside the review, the second review and the
    // oversight figures, and the person would be told the AI had no part in them.
    if (why === undefined) throw refuseWhileSuggestionsAvailable(seeker);
    return why;
  }

  /**
   * Stores a set by hand, logged with why the model may not be used as found under the log's lock:
   * the kill switch or the objection read there, else `noUsableModel` (the model as asked before;
   * undefined when it was not, for something barred it then: `ModelNotAsked` is thrown when that
   * was lifted since).
   */
  private storeManualSet(
    counselor: Principal,
    fields: NewSetFields,
    enrolment: Enrolment,
    idempotencyKey: string,
    creation: IdempotentRequest,
    noUsableModel: ModelUnavailable | undefined,
  ): Promise<CreateResult> {
    const { deps } = this;
    return this.storeNewSet(counselor, fields, enrolment, deps.now(), idempotencyKey, creation, {
      admit: async (_trx, settings, locked) => {
        const why = findWhatBarsModel(settings, locked) ?? noUsableModel;
        if (why === undefined) throw new ModelNotAsked();
        return { admitted: why };
      },
      // One set at a time for a person: every other open set ends, the model's (which may not be
      // published while the model may not be used) and an earlier set by hand alike, so that the
      // counselor works from this set alone.
      withdraw: (trx, set) =>
        withdrawOpenSets(deps, trx, set.seekerId, {
          reason: WITHDRAWAL_REASONS.setByHandStarted.stored,
          keepSetId: set.id,
        }),
      writeEvent: async (_trx, set, why, secondReviewOwedBy, withdrawnSetIds) => ({
        type: 'recommendation.created_manually',
        payload: {
          setId: set.id,
          status: set.status,
          modelUnavailable: why,
          secondReviewRequired: set.secondReview.required,
          secondReviewOwedBy,
          withdrawnSetIds,
        },
      }),
    });
  }

  /**
   * Stores a new set with its Idempotency-Key and its creation event, in one transaction (which
   * `writeEvent` may use for what the creation changes besides), once the person is seen, locked,
   * still on the set's caseload and the `enrolment` read before, and `admit` let it through. The set
   * is made (status, second-review draw, lifetime) under the settings read there, under the log's lock. A set not drawn for a
   * second review takes over the one an earlier set still owes (`writeEvent` gets that set's id). A
   * request that lost the race to a concurrent one with the same key is answered as a retry of it
   * (`answerRetry`).
   */
  private async storeNewSet<Admitted>(
    counselor: Principal,
    fields: NewSetFields,
    enrolment: Enrolment,
    now: Date,
    idempotencyKey: string,
    creation: IdempotentRequest,
    steps: NewSetSteps<Admitted>,
  ): Promise<CreateResult> {
    const { deps } = this;
    let set: RecommendationSet;
    let catalogMoved: boolean;
    let withdrawnSetIds: string[];
    try {
      const stored = await deps.decisionLog.withTransaction(async (trx) => {
        // Read again, locked: an objection, a move to another counselor or a change of the
        // settings, committed since the checks above, would otherwise find nothing to withdraw or
        // stop, and this set would survive them, or be made under settings the log says had
        // changed before it (record 0004: writers take turns before they read). Of the person, what
        // those checks read: the set holds the profile read before, so the person must be the same
        // enrolment (erased and enrolled again meanwhile, they are another: nothing read before
        // the erasure may be stored after it). Its id tells, not its creation time, which a return
        // in the same millisecond, or under a clock stepped back, shares (`sameEnrolment`).
        const seeker = await deps.jobSeekers.lockStanding(trx, fields.seekerId);
        if (seeker?.counselorId !== fields.counselorId || !sameEnrolment(seeker, enrolment)) {
          throw jobSeekerNotFound(fields.seekerId);
        }
        const settings = await deps.settings.get(trx);
        const admission = await steps.admit(trx, settings, seeker);
        if ('refused' in admission) return admission;
        const made = buildNewSet(fields, settings, now, deps.secondReviewDrawKey);
        // A set not drawn takes over the second review an earlier drawn set of the person still
        // owes: discarding a drawn set, or letting it expire, and starting another is no new draw.
        // Read under the log's lock, so that two creations at once cannot both miss it.
        const secondReviewOwedBy = made.secondReview.required
          ? null
          : ((await deps.store.findOwedSecondReview(made.seekerId, trx)) ?? null);
        if (secondReviewOwedBy !== null) made.secondReview.required = true;
        await deps.store.insert(trx, made);
        const withdrawnSetIds = await steps.withdraw(trx, made);
        await deps.idempotency.insert(trx, {
          subject: counselor.subject,
          key: idempotencyKey,
          operation: creation.operation,
          requestHash: creation.requestHash,
          responseStatus: 201,
          responseBody: JSON.stringify({
            id: made.id,
            seekerId: made.seekerId,
            status: made.status,
            expiresAt: made.expiresAt,
            secondReviewRequired: made.secondReview.required,
            // So that a retry warns as the first answer did.
            ...(withdrawnSetIds.length === 0 ? {} : { withdrawnSetIds }),
          } satisfies StoredCreation),
          createdAt: made.createdAt,
        });
        await deps.decisionLog.append(trx, {
          ...(await steps.writeEvent(trx, made, admission.admitted, secondReviewOwedBy, withdrawnSetIds)),
          actor: { role: 'counselor', id: counselor.subject },
          subjectId: made.seekerId,
        });
        return { made, catalogMoved: admission.catalogMoved === true, withdrawnSetIds };
      });
      if ('refused' in stored) throw stored.refused;
      set = stored.made;
      catalogMoved = stored.catalogMoved;
      withdrawnSetIds = stored.withdrawnSetIds;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const raced = await this.answerRetry(counselor, idempotencyKey, creation);
      if (raced !== undefined) return raced;
      throw error;
    }
    const warnings = await this.warnAboutWithdrawals(set, withdrawnSetIds);
    if (catalogMoved) {
      return { ...(await this.viewOf(set, caseloadReader(counselor))), warnings, replayed: false };
    }
    // Its candidates were read a moment ago as active courses whose session starts after today, in
    // the catalog as it still stood when the set was stored.
    return {
      set,
      readerId: counselor.subject,
      withdrawnCourseIds: new Set(),
      unavailableItemIds: new Set(),
      ...(await this.viewCreatedSet(set, counselor)),
      contests: NO_CONTESTS,
      warnings,
      replayed: false,
    };
  }

  /**
   * The sets of the counselor's caseload, newest first (a previous counselor's included, for people
   * who moved to them). A set whose lifetime has passed is listed as expired (and found by its status
   * filter as such), whether or not its expiry is recorded yet; the read records a batch of due
   * expiries of the deployment, with their events, on the way. The filters (statuses, job seeker, model)
   * narrow either queue alike. `nextAfter` is the last set of the page when another page follows
   * (one more set is read to know), null on the last page. A page of one person's sets (`seekerId`)
   * that lists any is traced as a read of their file; the queue of many people is not. With
   * `recordRead: false` (a HEAD) nothing is traced.
   */
  async listRecommendations(
    counselor: Principal,
    filter: Omit<SetQuery, 'counselorId' | 'now'>,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<{ items: SetSummary[]; nextAfter: SetSummary | null }> {
    const now = this.deps.now();
    await expireDueSets(this.deps, now, 'batch');
    const found = await this.deps.store.list({
      counselorId: counselor.subject,
      now,
      ...filter,
      limit: filter.limit + 1,
    });
    const { items, next } = takePage(found, filter.limit);
    if (recordRead && filter.seekerId !== undefined && items.length > 0) {
      const traced = await this.deps.reads.recordRead(counselor, {
        seekerId: filter.seekerId,
        role: filter.queue === 'second_review' ? 'second_reviewer' : 'counselor',
        operation: 'listRecommendations',
        // A set listed, still theirs: not after an erasure followed by a return.
        ...(items[0] === undefined ? {} : { from: { setId: items[0].id } }),
      });
      // The person erased meanwhile, their sets with them: none is left to list.
      if (!traced) return { items: [], nextAfter: null };
    }
    return { items, nextAfter: next ?? null };
  }

  /**
   * A set for review, with how the catalog offers its courses now. The owner's first read of an open
   * set they have not acted on yet records the opening (decision times count from then); a second
   * reviewer's read of a set awaiting them records their reading, without which they cannot approve
   * it. A set whose lifetime has passed is marked expired first. With `recordRead: false` (a HEAD,
   * whose answer nobody reads) the read records nothing: the set stays unopened, its version as it is.
   * Every read, not only the first, is traced before it is answered (record 0022).
   */
  async getRecommendationSet(
    counselor: Principal,
    setId: string,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<SetView> {
    const { set, reader } = await findVisibleSet(this.deps, counselor, setId);
    const read = recordRead
      ? await this.openRecommendationSet(counselor, set)
      : await expireIfDue(this.deps, set, this.deps.now());
    const view = await this.viewOf(read, reader);
    if (recordRead) await this.traceSetRead(counselor, reader, set, 'getRecommendationSet');
    return view;
  }

  /**
   * The set the counselor may read, expired first when due, with what their read records
   * (`findReadRecord`), and its event, in one transaction.
   */
  private async openRecommendationSet(
    counselor: Principal,
    found: RecommendationSet,
  ): Promise<RecommendationSet> {
    const { deps } = this;
    const setId = found.id;
    const now = deps.now();
    const set = await expireIfDue(deps, found, now);
    if (findReadRecord(set, counselor) === undefined) return set;
    return deps.decisionLog.withTransaction(async (trx) => {
      const fresh = await deps.store.findById(setId, trx);
      const record = fresh === undefined ? undefined : findReadRecord(fresh, counselor);
      if (fresh === undefined || record === undefined) return fresh ?? set;
      const at = now.toISOString();
      let payload: Record<string, unknown>;
      if (record === 'recommendation.opened') {
        fresh.openedAt = at;
        payload = { setId, secondsSinceCreation: measureSecondsSince(fresh.createdAt, now) };
        // Changed meanwhile: the set as stored, which the read did not change.
        if (!(await deps.store.save(trx, fresh, fresh.version)))
          return (await deps.store.findById(setId, trx)) ?? set;
      } else {
        // Each reader's own, the version kept: another's read leaves the ETag a reader holds current.
        fresh.secondReview.reads.push({ by: counselor.subject, at, round: fresh.secondReview.round });
        await deps.store.saveSecondReviewReads(trx, fresh);
        payload = { setId };
      }
      await deps.decisionLog.append(trx, {
        type: record,
        actor: { role: 'counselor', id: counselor.subject },
        subjectId: fresh.seekerId,
        payload,
      });
      return fresh;
    });
  }

  /**
   * One page of what the job seeker answered about the set's courses, oldest first, for whoever may
   * read the set; `nextAfter` is where the next page starts, null on the last. Traced as a read of
   * the person's file, but with `recordRead: false` (a HEAD).
   */
  async listSetFeedback(
    counselor: Principal,
    setId: string,
    page: FeedbackPageRequest,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<{ items: SetFeedbackAnswer[]; nextAfter: FeedbackPosition | null }> {
    const { set, reader } = await findVisibleSet(this.deps, counselor, setId);
    const courses = new Map(set.items.map((item) => [item.id, item.course]));
    const found = await this.deps.feedback.listForSet(set.id, { ...page, limit: page.limit + 1 });
    const { items, next } = takePage(found, page.limit);
    if (recordRead) await this.traceSetRead(counselor, reader, set, 'listSetFeedback');
    return {
      items: items.map((answer) => {
        const course = courses.get(answer.itemId);
        if (course === undefined) throw new Error(`answer ${answer.id} is about no item of set ${set.id}`);
        return { ...answer, courseId: course.id, title: course.title };
      }),
      nextAfter: next === undefined ? null : { createdAt: next.createdAt, id: next.id },
    };
  }

  /** Traces a read of the set: by the person's counselor, or by a second reviewer. */
  private async traceSetRead(
    counselor: Principal,
    reader: SetReader,
    set: RecommendationSet,
    operation: 'getRecommendationSet' | 'listSetFeedback',
  ): Promise<void> {
    const role: FileReaderRole = reader.holdsCaseload ? 'counselor' : 'second_reviewer';
    // The person erased meanwhile, the set with them: answered as a set that does not exist.
    if (
      !(await this.deps.reads.recordRead(counselor, {
        seekerId: set.seekerId,
        role,
        operation,
        setId: set.id,
      }))
    ) {
      throw setNotFound(set.id);
    }
  }

  /**
   * The set as shown to `reader`, with how the catalog offers its courses, read now (outside any
   * transaction, in one query).
   */
  private async viewOf(set: RecommendationSet, reader: SetReader): Promise<SetView> {
    return viewSetFor(this.deps, set, reader, { now: this.deps.now() });
  }

  /** The job seeker, when they are on the counselor's caseload; "not found" otherwise. */
  private async findOnCaseload(counselor: Principal, seekerId: string): Promise<JobSeeker> {
    const seeker = await this.deps.jobSeekers.findById(seekerId);
    if (seeker === undefined || !isOnCaseloadOf(seeker, counselor)) throw jobSeekerNotFound(seekerId);
    return seeker;
  }

  /**
   * A retried creation's answer: the first one again. While the set has not changed since, its
   * ETag still holds and its actions are the set's now (suggestions switched off, a course
   * withdrawn or the lifetime passed show); once it has, the ETag is stale, and so are the actions
   * and caveats that answer listed, replayed as they were: acting on them is refused (412). The
   * person's contests are of a set published since, which the first answer was not: none, as it
   * answered.
   */
  private async answerReplay(replay: Replay, counselor: Principal): Promise<CreateResult> {
    const { firstAnswer } = replay;
    const view = await this.viewOf(firstAnswer, caseloadReader(counselor));
    return {
      ...view,
      contests: NO_CONTESTS,
      warnings: await this.warnAboutWithdrawals(firstAnswer, replay.withdrawnSetIds),
      ...(replay.changedSince ? await this.viewCreatedSet(firstAnswer, counselor) : {}),
      replayed: true,
    };
  }

  /**
   * The answer to a creation sent again with its Idempotency-Key, whether the first request was
   * answered already or is the concurrent one that stored its set first (this request lost the race
   * to it); undefined when the key is new. It is the first answer, unless that answer was the
   * model's suggestions and the model is barred for the person now (their objection, suggestions
   * switched off). Then it is refused as a new request is, the refusal logged and naming the manual
   * path, and told what became of the set the first request made (`createdSetId`,
   * `createdSetStatus`): the model's suggestions for a person it is barred for are no one's to act on.
   */
  private async answerRetry(
    counselor: Principal,
    key: string,
    creation: IdempotentRequest,
  ): Promise<CreateResult | undefined> {
    const replay = await this.findReplay(counselor, key, creation);
    if (replay === undefined) return undefined;
    if (replay.setNow.model === null) return this.answerReplay(replay, counselor);
    const seeker = await this.deps.jobSeekers.findById(replay.setNow.seekerId);
    const barred =
      seeker === undefined ? undefined : findWhatBarsModel(await this.deps.settings.get(), seeker);
    if (seeker === undefined || barred === undefined) return this.answerReplay(replay, counselor);
    const refusal = await this.refuseSuggestions(counselor, seeker, barred);
    const set = viewSetAt(replay.setNow, this.deps.now());
    const fate =
      set.status === 'discarded'
        ? `was withdrawn on ${set.closedAt ?? 'a date not kept'}`
        : `is ${set.status}, its suggestions no longer to be approved`;
    throw new ConflictError(
      `${refusal.message}. The set of suggestions this Idempotency-Key created, ${set.id}, ${fate}`,
      { ...refusal.details, createdSetId: set.id, createdSetStatus: set.status },
    );
  }

  /**
   * What the counselor may do with a set just created (`set` as stored then), and its caveats as of
   * then (see {@link viewNewSet}), the occupations they name labelled as the referential stands now:
   * read only for a set whose caveats name some.
   */
  private async viewCreatedSet(
    set: RecommendationSet,
    counselor: Principal,
  ): Promise<Pick<SetView, 'allowedActions' | 'caveats'>> {
    return viewNewSet(
      set,
      counselor,
      await this.deps.occupationLabels.findLabels(listCaveatOccupations(set)),
    );
  }

  private async findReplay(
    counselor: Principal,
    key: string,
    creation: IdempotentRequest,
  ): Promise<Replay | undefined> {
    const previous = matchFirstAnswer(await this.deps.idempotency.find(counselor.subject, key), creation);
    if (previous === undefined) return undefined;
    const stored = JSON.parse(previous.responseBody) as StoredCreation;
    const set = await this.deps.store.findById(stored.id);
    // Erasure deletes the key with the set; a key outliving its set has nothing left to replay.
    if (set === undefined) throw setNotFound(stored.id);
    // A retry answers as a new request would once the person has moved to another caseload.
    if (!isOnCaseloadOf(await this.deps.jobSeekers.findById(set.seekerId), counselor)) {
      throw jobSeekerNotFound(set.seekerId);
    }
    // Keys stored before the lifetime was kept answer the set's lifetime as it is now.
    const firstAnswer = firstAnswerOf(set, {
      status: stored.status,
      expiresAt: stored.expiresAt ?? set.expiresAt,
      secondReviewRequired: stored.secondReviewRequired ?? set.secondReview.required,
    });
    return {
      firstAnswer,
      setNow: set,
      changedSince: set.version !== firstAnswer.version,
      withdrawnSetIds: stored.withdrawnSetIds ?? [],
    };
  }

  /**
   * The warnings about the sets a creation of `created` withdrew, read as they stand (a withdrawn set
   * never changes again; one erased since is left out).
   */
  private async warnAboutWithdrawals(
    created: RecommendationSet,
    withdrawnSetIds: readonly string[],
  ): Promise<WithdrawalWarning[]> {
    const withdrawn: RecommendationSet[] = [];
    for (const setId of withdrawnSetIds) {
      const set = await this.deps.store.findById(setId);
      if (set !== undefined) withdrawn.push(set);
    }
    return warnAboutWithdrawnSets(created, withdrawn);
  }
}

/**
 * What storing a new set of one kind runs in its transaction, under the log's lock, with the person
 * and the settings read there: whether the set may be stored (what its event needs of that check,
 * or the refusal to answer, committed with what `admit` appended), then its creation event.
 */
interface NewSetSteps<Admitted> {
  admit(
    trx: Knex.Transaction,
    settings: Settings,
    seeker: JobSeekerStanding,
  ): Promise<{ admitted: Admitted; catalogMoved?: boolean } | { refused: DomainError }>;
  /** Withdraws the person's open sets the new set takes over from; returns their ids. */
  withdraw(trx: Knex.Transaction, set: RecommendationSet): Promise<string[]>;
  writeEvent(
    trx: Knex.Transaction,
    set: RecommendationSet,
    admitted: Admitted,
    secondReviewOwedBy: string | null,
    withdrawnSetIds: string[],
  ): Promise<Pick<NewDecisionEvent, 'type' | 'payload' | 'personal'>>;
}

/**
 * A set by hand asked for while the kill switch or an objection barred the model, both lifted before
 * it could be stored, with the model not asked: it is asked then, outside the log's lock, and the
 * storing tried again (rolled back meanwhile, nothing written).
 */
class ModelNotAsked extends Error {}

/** A creation retried with its Idempotency-Key: its first answer, and whether the set moved on since. */
interface Replay {
  firstAnswer: RecommendationSet;
  /** The set as it stands now. */
  setNow: RecommendationSet;
  changedSince: boolean;
  /** The sets its creation withdrew. */
  withdrawnSetIds: readonly string[];
}

/**
 * What the counselor may do with a set just created (`set` as stored then), and its caveats as of
 * then: neither the catalog nor the settings are asked, its courses having been read active as
 * candidates a moment before in the catalog as it still stood when the set was stored (a set by hand
 * has none yet; a catalog changed meanwhile is read instead), and a model's set being stored only
 * with suggestions on (a set by hand is never held).
 */
function viewNewSet(
  set: RecommendationSet,
  counselor: Principal,
  occupationLabels: ReadonlyMap<string, string>,
): Pick<SetView, 'allowedActions' | 'caveats'> {
  const context = { now: new Date(set.createdAt), aiEnabled: true };
  return {
    allowedActions: listAllowedActions(set, caseloadReader(counselor), {
      ...context,
      withdrawnCourseIds: new Set(),
      // A new set: nothing of it was given to the person, who contested nothing.
      unansweredContests: 0,
    }),
    caveats: listSetCaveats(set, { ...context, occupationLabels }),
  };
}

/**
 * The counselor whose caseload holds the person: who creates a set, and whom a retried creation is
 * answered (`findReplay` checks it).
 */
function caseloadReader(counselor: Principal): SetReader {
  return { subject: counselor.subject, holdsCaseload: true };
}

/**
 * What an Idempotency-Key keeps of a creation: which set it made, in which state and until when,
 * from which the first answer is rebuilt (`firstAnswerOf`), rather than a second copy of the
 * person's scores and attributions under the counselor's key. Keys written as whole sets read the
 * same way.
 */
interface StoredCreation {
  id: string;
  seekerId: string;
  status: SetStatus;
  /** The lifetime the creation answered, which a second review renews on the set; absent from keys stored before it was kept. */
  expiresAt?: string;
  /** The person's open sets the creation withdrew, when any; absent from keys stored before they were kept. */
  withdrawnSetIds?: string[];
  /**
   * Whether the set was created drawn for a second review (or owing one), which a publication taking
   * over another set's owed review changes on the set; its counselor is not told it before publishing
   * (the answer's `secondReview.required` is null then); absent from keys stored before it was kept.
   */
  secondReviewRequired?: boolean;
}

/**
 * What the counselor's read of the set records: its opening, by its counselor (`isOpenedByRead`); a
 * second reviewer's reading (`opensSecondReview`); or nothing.
 */
function findReadRecord(
  set: RecommendationSet,
  counselor: Principal,
): 'recommendation.opened' | 'second_review.opened' | undefined {
  if (opensSecondReview(set, counselor)) return 'second_review.opened';
  if (set.counselorId === counselor.subject && isOpenedByRead(set)) return 'recommendation.opened';
  return undefined;
}

/**
 * Whether its counselor's read opens the set: a first read while they review it, before they acted
 * on it. A set whose review is over (published, retracted, discarded, expired), or handed to a
 * second reviewer, is read, never opened: its version, which the second reviewer's If-Match holds,
 * and its log stay as they are. So is a set already shortlisted, decided or added to from the
 * creation's answer: it was reviewed unopened, and a read in another tab (or the case-management
 * tool refreshing) must not make the ETag the deciding tab holds stale.
 */
function isOpenedByRead(set: RecommendationSet): boolean {
  const reviewing = set.status === 'awaiting_shortlist' || set.status === 'pending_review';
  const actedOn =
    set.shortlist !== null ||
    set.items.some((item) => item.source !== 'model' || item.decision !== 'pending');
  return reviewing && set.openedAt === null && !actedOn;
}

/**
 * Why a set holds no suggestion, as the log records it: no course passed the person's filters, or
 * none of those that did could be scored.
 */
type NoCandidateReason = 'no_course_passed_filters' | 'no_candidate_scored';

function findWhyNoCandidate(candidates: readonly Course[]): NoCandidateReason {
  return candidates.length > 0 ? 'no_candidate_scored' : 'no_course_passed_filters';
}

/**
 * The counselor's sentence for a set with no suggestion: the person's own filters that left no
 * course, and what the counselor can do (complete the profile, or search the catalog by hand).
 */
function explainNoCandidate(seeker: JobSeeker, why: NoCandidateReason): string {
  if (why === 'no_candidate_scored') return 'no candidate course could be scored';
  const byHand = 'search the catalog by hand (GET /v1/courses)';
  const locate = `complete their location in the case-management system, or ${byHand}`;
  if (seeker.location === null && !seeker.remoteOk) {
    return (
      'the profile has no home coordinates and the person does not take remote courses, so no course can be ' +
      `found within their reach: ${locate}`
    );
  }
  const open = `is active, starts after today and is open at level ${seeker.educationLevel}`;
  if (seeker.location === null) {
    return `no remote course ${open}, and the profile has no home coordinates, so only remote courses can be suggested: ${locate}`;
  }
  const where = `no course within ${seeker.mobilityRadiusKm} km${seeker.remoteOk ? ' nor any remote course' : ''}`;
  return `${where} ${open}: ${byHand}, beyond the person's radius if they agree`;
}
