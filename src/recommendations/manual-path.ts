import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { JobSeeker } from '../job-seekers/job-seeker.ts';
import type { ActiveModelState } from '../scoring/active-model.ts';
import type { Settings } from '../settings/settings.ts';
import { ConflictError, problemType, ServiceUnavailableError } from '../shared/errors.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';
import { formatIsoDay } from '../shared/iso-day.ts';

/** Where the person's counselor starts a set by hand: the manual path's set. */
export function manualSetPathOf(seekerId: string): string {
  return `/v1/job-seekers/${encodeURIComponent(seekerId)}/manual-recommendations`;
}

/**
 * Why the model may not be used for a person now: the doors to the manual path. `model_unavailable`:
 * a model is active but this process cannot load it (a file missing, or changed since registration).
 * `shipped_model_not_registered`: none is active because the shipped model this deployment is
 * configured with could not be registered (as opposed to `no_active_model`, where none was ever
 * configured or an admin has yet to activate one).
 */
export type ModelUnavailable =
  | 'objection'
  | 'switched_off'
  | 'no_active_model'
  | 'model_unavailable'
  | 'shipped_model_not_registered';

const NO_USABLE_MODEL = ['no_active_model', 'model_unavailable', 'shipped_model_not_registered'] as const;

/** The reasons that come from the deployment, not from the person or the settings. */
type NoUsableModel = (typeof NO_USABLE_MODEL)[number];

/**
 * Why the active model cannot be used, whoever the person: none is active, the shipped one could
 * not be registered, or the active one cannot be loaded. Undefined when it is loaded.
 */
export function findWhyNoUsableModel(state: Exclude<ActiveModelState, { status: 'loaded' }>): NoUsableModel;
export function findWhyNoUsableModel(state: ActiveModelState): NoUsableModel | undefined;
export function findWhyNoUsableModel(state: ActiveModelState): NoUsableModel | undefined {
  if (state.status === 'none') return 'no_active_model';
  if (state.status === 'unavailable') {
    return state.cause === 'registration' ? 'shipped_model_not_registered' : 'model_unavailable';
  }
  return undefined;
}

function isNoUsableModel(why: ModelUnavailable): why is NoUsableModel {
  return (NO_USABLE_MODEL as readonly string[]).includes(why);
}

/** What bars the model for a person whatever the model: their objection, or the kill switch. */
export type ModelBar = Exclude<ModelUnavailable, NoUsableModel>;

/** Whether the reason is the person's or the settings' (their objection, the kill switch). */
export function isModelBar(why: ModelUnavailable): why is ModelBar {
  return !isNoUsableModel(why);
}

/**
 * What bars the model for this person whatever the model: their objection (the lasting reason,
 * named first), or the kill switch. Checked before the model is loaded, so that a model that
 * fails to load never blocks the manual path.
 */
export function findWhatBarsModel(
  settings: Settings,
  seeker: Pick<JobSeeker, 'aiObjection'>,
): ModelBar | undefined {
  if (seeker.aiObjection) return 'objection';
  if (!settings.aiEnabled) return 'switched_off';
  return undefined;
}

const MODEL_UNAVAILABLE_TEXTS: Record<ModelUnavailable, string> = {
  objection: 'the job seeker objected to AI processing of their data',
  switched_off: 'suggestions are switched off',
  no_active_model: 'no model is active',
  model_unavailable: 'the active model could not be loaded',
  shipped_model_not_registered: 'no model is active: the shipped model could not be registered',
};

/** Why the model may not be used for the person, in the counselor's words. */
export function describeWhyModelUnavailable(why: ModelUnavailable): string {
  return MODEL_UNAVAILABLE_TEXTS[why];
}

/**
 * The catalog searches that make the manual path for this person: active courses with a session
 * still ahead (after today, as the suggestions' filter asks) of each of their target occupations
 * (the search takes one at a time), near them when their place is known, and, when they accept
 * remote courses, the remote and hybrid ones too in searches of their own (a radius search leaves
 * those held far away out, and the catalog search cannot ask for "near or remote").
 */
export function listManualSearchPaths(seeker: JobSeeker, now: Date): string[] {
  const occupations = seeker.targetOccupations.length === 0 ? [undefined] : seeker.targetOccupations;
  const startsAfter = formatIsoDay(parisDayNumberOf(now) + 1);
  return occupations.flatMap((occupation) => {
    const base = { active: 'true', startsAfter, ...(occupation === undefined ? {} : { occupation }) };
    if (seeker.location === null) return [coursesPath(base)];
    const near = coursesPath({
      ...base,
      near: `${seeker.location.lat},${seeker.location.lon}`,
      withinKm: String(Math.max(1, seeker.mobilityRadiusKm)),
    });
    if (!seeker.remoteOk) return [near];
    // Followed from home, remote and hybrid courses are reachable wherever they are held.
    return [near, coursesPath({ ...base, modality: 'remote' }), coursesPath({ ...base, modality: 'hybrid' })];
  });
}

function coursesPath(query: Record<string, string>): string {
  return `/v1/courses?${new URLSearchParams(query).toString()}`;
}

/**
 * The refusal that names the manual path: the catalog searches, and a set of the counselor's own.
 * `retryAfterMs`: when the model may be usable again, for a model that failed to load or to be
 * registered.
 */
export function refuseForManualPath(
  seeker: JobSeeker,
  why: ModelUnavailable,
  now: Date,
  retryAfterMs?: number,
): ConflictError | ServiceUnavailableError {
  const detail = `${describeWhyModelUnavailable(why)}; propose courses from the catalog instead, in a set of your own`;
  const manualSearchPaths = listManualSearchPaths(seeker, now);
  const details = {
    ...problemType('ai-unavailable'),
    reason: why,
    manualPath: manualSearchPaths[0],
    manualSearchPaths,
    manualSetPath: manualSetPathOf(seeker.id),
  };
  // No usable model is the deployment's state, not the person's: the service is what is missing.
  if (isNoUsableModel(why)) {
    const retryAfterSeconds =
      retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new ServiceUnavailableError(detail, details, retryAfterSeconds);
  }
  return new ConflictError(detail, details);
}

/**
 * The log's record of a refusal (AI Act Art. 12: a situation that may present a risk): which door to
 * the manual path the counselor was shown, by its code, and nothing else of the person. For a person
 * who objected it records that the objection was honoured, nothing of their data being processed.
 */
export function describeRefusal(
  counselorId: string,
  seekerId: string,
  why: ModelUnavailable,
): NewDecisionEvent {
  return {
    type: 'suggestion.refused',
    actor: { role: 'counselor', id: counselorId },
    subjectId: seekerId,
    payload: { reason: why },
  };
}

/** The refusal of a set by hand while the model may be used: where to ask for its suggestions. */
export function refuseWhileSuggestionsAvailable(seeker: JobSeeker): ConflictError {
  return new ConflictError(
    'suggestions can be asked for this person: ask for them, reject those that do not fit and add your own courses to that set; a set by hand is for when the AI may not be used',
    { suggestionsPath: `/v1/job-seekers/${encodeURIComponent(seeker.id)}/recommendations` },
  );
}
