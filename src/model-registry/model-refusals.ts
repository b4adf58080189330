/**
 * What the registry says when it refuses a model, and why a model could not be loaded: one place
 * for the wording of every refusal of a registration, an activation or a recall.
 */
import path from 'node:path';
import { ManifestError } from '../model/manifest.ts';
import { CARD_FILE, MANIFEST_FILE, MODEL_FILE, ModelIntegrityError } from '../model/model-folder.ts';
import { ModelOutputError } from '../scoring/model-output-check.ts';
import { ConflictError, InvalidInputError, problemType } from '../shared/errors.ts';
import type { RegisteredModel } from './registered-model.ts';

/** Why a recalled model is not activated, and what serves instead. */
export const RECALLED_NOT_ACTIVATED =
  'it cannot be activated again: activate another registered model (GET /v1/models lists them), ' +
  'or register the corrected model under a new version';

/** The refusal to act on a recalled model (problem `model-recalled`): `consequence` says what is refused. */
export function recalledConflict(id: string, recalledAt: string, consequence: string): ConflictError {
  return new ConflictError(`model ${id} was recalled on ${recalledAt}; ${consequence}`, {
    ...problemType('model-recalled'),
    recalledAt,
  });
}

/**
 * The refusal to activate, without a reason, a model whose model.onnx is the file of a recalled
 * model (problem `recalled-model-file`, 422): a recall is for good, and the same file registered
 * under a new version would put it back in front of people without a word. An admin's activation
 * `reason` saying why it is sound after all lets it through; the system's activation at start,
 * which has none, never.
 */
export class RecalledModelFileError extends InvalidInputError {}

/** See {@link RecalledModelFileError}. */
export function recalledFileRefusal(
  id: string,
  recalled: readonly RegisteredModel[],
): RecalledModelFileError {
  const named = recalled
    .map(
      (model) =>
        `${model.id} (recalled on ${model.recall?.at ?? 'an unknown day'}: "${model.recall?.reason ?? ''}")`,
    )
    .join(', ');
  return new RecalledModelFileError(
    `model ${id}'s model.onnx is the file of ${recalled.length === 1 ? 'the recalled model' : 'the recalled models'} ${named}: ` +
      'activating it puts that model back in front of people; say in `reason` why it is sound after all ' +
      '(the review that cleared it, what was corrected), or activate another registered model (GET /v1/models lists them)',
    { ...problemType('recalled-model-file'), recalledModelIds: recalled.map((model) => model.id) },
  );
}

/**
 * Why `model` cannot be registered over `existing`, which holds its id: the same name and version, or
 * another split of the same id (`a-b` version `1`, `a` version `b-1`), whose ids stored stay as they are.
 */
export function duplicateOf(model: RegisteredModel, existing: RegisteredModel): ConflictError {
  if (existing.name === model.name && existing.version === model.version) {
    const next =
      existing.sha256 === model.sha256
        ? `with this very model.onnx (folder ${existing.folder}): to serve it, activate it (POST /v1/models/${existing.id}/activate)`
        : `with another model.onnx (sha256 ${existing.sha256}, folder ${existing.folder}): give this model another version in its manifest (npm run train -- --model-version)`;
    return new ConflictError(`model ${model.id} is already registered ${next}`);
  }
  return new ConflictError(
    `name ${model.name} and version ${model.version} make the id ${model.id} of the model registered as name ${existing.name} version ${existing.version}: give this model another name or version`,
  );
}

/** A file of a registered model that is no longer the one registered (problem `model-file-changed`). */
export function fileChanged(message: string, error: ModelIntegrityError): ConflictError {
  return new ConflictError(message, {
    ...problemType('model-file-changed'),
    file: error.file,
    expectedSha256: error.expectedSha256,
    actualSha256: error.actualSha256,
  });
}

/**
 * The refusal to activate model `id`, which could not be loaded from `folder`: `model-file-changed`
 * for a file no longer the one registered; `file` also names a file that was removed or became a folder.
 */
export function loadRefused(id: string, error: unknown, folder: string): ConflictError {
  const message = `model ${id} cannot be loaded any more: ${describeLoadFailure(error, folder)}`;
  if (error instanceof ModelIntegrityError) return fileChanged(message, error);
  const { file } = describeRegistrationError(error, folder).details;
  return new ConflictError(message, typeof file === 'string' ? { file } : {});
}

/** Why a registered model could not be loaded, for the log and for a refused activation. */
export function describeLoadFailure(error: unknown, folder: string): string {
  if (error instanceof ModelIntegrityError) {
    return `${error.file} is no longer the one registered (sha256 ${error.actualSha256}, registered ${error.expectedSha256})`;
  }
  return describeRegistrationError(error, folder).message;
}

/** The refusal of a registration of `folder` that failed with `error`, as the admin reads it. */
export function describeRegistrationError(error: unknown, folder: string): InvalidInputError {
  if (error instanceof InvalidInputError) return error;
  if (error instanceof ModelIntegrityError) {
    // The stated hash is model.onnx's; the manifest's is only checked when it changed meanwhile.
    const message =
      error.file === MODEL_FILE
        ? 'model.onnx does not have the stated sha256: the file in the folder is not the one whose ' +
          'hash you sent (a copy cut short or of another model), or the hash was mistyped; compare ' +
          '`sha256sum model.onnx` on the model you mean with actualSha256, and copy that model.onnx ' +
          'into the folder again or send its hash'
        : `${error.file} changed while the model was being registered`;
    return new InvalidInputError(message, {
      expectedSha256: error.expectedSha256,
      actualSha256: error.actualSha256,
    });
  }
  if (error instanceof ManifestError)
    return new InvalidInputError(`the manifest is not valid: ${error.message}`);
  if (error instanceof ModelOutputError) {
    return new InvalidInputError(
      `the model's outputs break the model contract on reference rows: ${error.message}`,
      problemType('model-outputs-invalid'),
    );
  }
  const { code, path: failedAt } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') {
    if (failedAt === undefined) {
      return new InvalidInputError(
        `folder ${folder} of the models directory has no ${MODEL_FILE}, ${MANIFEST_FILE} or ${CARD_FILE}`,
      );
    }
    const file = path.basename(failedAt);
    return new InvalidInputError(`folder ${folder} of the models directory has no ${file}`, { file });
  }
  if (code === 'EISDIR' && failedAt !== undefined) {
    // A copy that made a folder of the file's name: the runtime's "EISDIR" says neither which nor what to do.
    const file = path.basename(failedAt);
    return new InvalidInputError(
      `${file} of folder ${folder} is a folder, not a file: copy the file itself there, in place of the folder ` +
        'of that name, or export the model again',
      { file },
    );
  }
  return new InvalidInputError(`the model cannot be loaded: ${(error as Error).message}`);
}
