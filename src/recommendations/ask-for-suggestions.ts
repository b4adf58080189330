/**
 * Asking the model for a person's suggestions, step by step: a retry answered first; the person,
 * what bars the model and the model itself read before scoring; the catalog scored; the set stored
 * with the checks made again under the log's lock, the sets it takes over from and its event.
 */
import type { Principal } from '../auth/principal.ts';
import { candidateFilterFor } from '../courses/candidate-filter.ts';
import { describeIdempotentRequest } from '../idempotency/idempotent-request.ts';
import { jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { answerRetry } from './answer-retry.ts';
import { buildSuggestions } from './build-suggestions.ts';
import { explainNoCandidate, findWhyNoCandidate } from './explain-no-candidate.ts';
import {
  describeRefusal,
  findWhatBarsModel,
  findWhyNoUsableModel,
  refuseForManualPath,
} from './manual-path.ts';
import { type NewSetFields, snapshotProfile } from './recommendation.ts';
import { refuseSuggestions } from './refuse-suggestions.ts';
import {
  type CreateRequest,
  type CreateResult,
  findOnCaseload,
  type SetCreationDeps,
} from './set-creation.ts';
import { storeNewSet } from './store-new-set.ts';
import { DEFAULT_TOP_K } from './suggestion-count.ts';
import { withdrawOpenSets } from './withdraw-open-sets.ts';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons.ts';

/**
 * The model's suggestions for one job seeker of the counselor's caseload, stored as a set awaiting
 * review that takes over from the person's other open sets, or the logged refusal naming the manual
 * path (see `RecommendationService.createRecommendations`).
 */
export async function askForSuggestions(
  deps: SetCreationDeps,
  counselor: Principal,
  seekerId: string,
  request: CreateRequest,
): Promise<CreateResult> {
  const limit = request.limit ?? DEFAULT_TOP_K;
  const creation = describeIdempotentRequest('createRecommendations', seekerId, { limit });
  const retried = await answerRetry(deps, counselor, request.idempotencyKey, creation);
  if (retried !== undefined) return retried;

  const seeker = await findOnCaseload(deps, counselor, seekerId);
  const barred = findWhatBarsModel(await deps.settings.get(), seeker);
  if (barred !== undefined) {
    // Undefined when the bar was lifted before the refusal could be logged: asked as though it never stood.
    const refusal = await refuseSuggestions(deps, counselor, seeker, barred);
    if (refusal !== undefined) throw refusal;
  }
  let current = await deps.models.currentState();
  while (current.status !== 'loaded') {
    // A failed load or registration is logged by the registry with its cause; the counselor is told where to go.
    const retryAfterMs = current.status === 'unavailable' ? current.retryAfterMs : undefined;
    const refusal = await refuseSuggestions(
      deps,
      counselor,
      seeker,
      findWhyNoUsableModel(current),
      retryAfterMs,
    );
    if (refusal !== undefined) throw refusal;
    // A model activated where none was, before the refusal could be logged: the request is asked of it.
    current = await deps.models.currentState();
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

  return storeNewSet(deps, counselor, fields, seeker, now, request.idempotencyKey, creation, {
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
