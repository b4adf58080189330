/**
 * The manual path's set: an empty set by hand, only while the model may not be used for the
 * person, found so again when the set is stored, and logged with why.
 */
import type { Principal } from '../auth/principal.ts';
import { describeIdempotentRequest, type IdempotentRequest } from '../idempotency/idempotent-request.ts';
import type { Enrolment, JobSeeker } from '../job-seekers/job-seeker.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { answerRetry } from './answer-retry.ts';
import {
  findWhatBarsModel,
  findWhyNoUsableModel,
  type ModelUnavailable,
  refuseWhileSuggestionsAvailable,
} from './manual-path.ts';
import type { NewSetFields } from './recommendation.ts';
import {
  type CreateRequest,
  type CreateResult,
  findOnCaseload,
  type SetCreationDeps,
} from './set-creation.ts';
import { storeNewSet } from './store-new-set.ts';
import { withdrawOpenSets } from './withdraw-open-sets.ts';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons.ts';

/**
 * The empty set by hand the counselor fills from the catalog, stored while the model may not be
 * used for the person; refused while it may (see `RecommendationService.createManualRecommendations`).
 */
export async function startSetByHand(
  deps: SetCreationDeps,
  counselor: Principal,
  seekerId: string,
  request: Pick<CreateRequest, 'idempotencyKey'>,
): Promise<CreateResult> {
  const creation = describeIdempotentRequest('createManualRecommendations', seekerId, {});
  const retried = await answerRetry(deps, counselor, request.idempotencyKey, creation);
  if (retried !== undefined) return retried;

  const seeker = await findOnCaseload(deps, counselor, seekerId);
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
  const noUsableModel = barred === undefined ? await findWhyNoUsableModelFor(deps, seeker) : undefined;
  try {
    return await storeManualSet(
      deps,
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
    const why = await findWhyNoUsableModelFor(deps, seeker);
    return storeManualSet(deps, counselor, fields, seeker, request.idempotencyKey, creation, why);
  }
}

/**
 * Why no usable model serves the person's suggestions, the manual path's door when nothing else
 * bars the model; refused when the model is usable.
 */
async function findWhyNoUsableModelFor(
  deps: Pick<SetCreationDeps, 'models'>,
  seeker: JobSeeker,
): Promise<ModelUnavailable> {
  const why = findWhyNoUsableModel(await deps.models.currentState());
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
function storeManualSet(
  deps: SetCreationDeps,
  counselor: Principal,
  fields: NewSetFields,
  enrolment: Enrolment,
  idempotencyKey: string,
  creation: IdempotentRequest,
  noUsableModel: ModelUnavailable | undefined,
): Promise<CreateResult> {
  return storeNewSet(deps, counselor, fields, enrolment, deps.now(), idempotencyKey, creation, {
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
 * A set by hand asked for while the kill switch or an objection barred the model, both lifted before
 * it could be stored, with the model not asked: it is asked then, outside the log's lock, and the
 * storing tried again (rolled back meanwhile, nothing written).
 */
class ModelNotAsked extends Error {}
