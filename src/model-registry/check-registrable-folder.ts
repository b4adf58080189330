/**
 * What a folder of the models directory must hold to be registered: a model.onnx with the stated
 * SHA-256, a valid manifest listing the features this code computes and naming an addressable id, a
 * card with something to read, and a model the runtime loads and whose outputs keep the model
 * contract. Each refusal says which of these the folder fails.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_NAMES } from '../model/features.ts';
import {
  assertFeatureList,
  assertStorableTexts,
  ManifestError,
  type ModelManifest,
} from '../model/manifest.ts';
import {
  CARD_FILE,
  computeSha256,
  MANIFEST_FILE,
  MODEL_FILE,
  readModelFolder,
  readModelFolderFile,
} from '../model/model-folder.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { countShownCharacters } from '../shared/shown-text.ts';
import type { ScorerLoader } from './active-scorer-cache.ts';
import { describeRegistrationError } from './model-refusals.ts';

/** What registration stores of a folder besides its stated SHA-256: the manifest and the hashes of it and the card. */
export interface RegistrableFolder {
  manifest: ModelManifest;
  manifestSha256: string;
  cardSha256: string;
}

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
/** The contract's pattern for a model id in a path, and the models table's column widths. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,139}$/;
const MAX_NAME_LENGTH = 64;

/**
 * Checks `folder` of `modelsDir` for registration with the stated `sha256` of its model.onnx, loading
 * it with `loadScorer` (then closing it); refused with an InvalidInputError saying what is wrong.
 */
export async function checkRegistrableFolder(
  modelsDir: string,
  loadScorer: ScorerLoader,
  folder: string,
  sha256: string,
): Promise<RegistrableFolder> {
  if (!FOLDER_NAME.test(folder))
    throw new InvalidInputError('folder must be a folder name inside the models directory');
  const location = path.join(modelsDir, folder);
  if (!(await isFolder(location)))
    throw new InvalidInputError(
      `folder ${folder} is not in the models directory: copy the model's folder (${MODEL_FILE}, ` +
        `${MANIFEST_FILE}, ${CARD_FILE}) into the models directory (MODELS_DIR) of every API process, ` +
        'then register it under that folder name',
    );
  try {
    const loaded = await readModelFolder(location, sha256);
    assertFeatureList(loaded.manifest, FEATURE_NAMES);
    assertModelId(loaded.manifest);
    assertStorableTexts(loaded.manifest);
    // The card is served to auditors and counselors: a model without one is not registrable, nor
    // one whose card shows nothing to read.
    const card = await readModelFolderFile(location, CARD_FILE);
    if (countShownCharacters(card.toString('utf8')) === 0) {
      throw new InvalidInputError(`the ${CARD_FILE} of folder ${folder} is empty: there is no card to read`);
    }
    const cardSha256 = computeSha256(card);
    const { manifest, manifestSha256 } = loaded;
    // The runtime loads the manifest that was checked above, or refuses one changed meanwhile.
    await (await loadScorer(location, { sha256: loaded.sha256, manifestSha256 })).close();
    // After the load: a model.onnx damaged on its way is told as such, not as a stranger to its card.
    assertCardNamesModel(card.toString('utf8'), loaded.sha256, folder);
    return { manifest, manifestSha256, cardSha256 };
  } catch (error) {
    throw describeRegistrationError(error, folder);
  }
}

/** A SHA-256 written as a card writes one: 64 hexadecimal digits, not inside a longer run. */
const CARD_SHA256 = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])/g;

/**
 * A card that names SHA-256 hashes but not that of the folder's model.onnx is another model's card
 * (copied with the folder, or left from an earlier training): its figures are not this model's. A
 * card naming no hash at all (written by hand) is not checked: nothing in it says which file it is of.
 */
function assertCardNamesModel(card: string, sha256: string, folder: string): void {
  const named = [...new Set(Array.from(card.matchAll(CARD_SHA256), ([hash]) => hash.toLowerCase()))];
  if (named.length === 0 || named.includes(sha256)) return;
  throw new InvalidInputError(
    `the ${CARD_FILE} of folder ${folder} names the SHA-256 of another model.onnx (${named.join(', ')}), ` +
      `not this one's (${sha256}): it is the card of another model, whose figures are not this model's, or this ` +
      `model.onnx is not the file it describes. Put the model's own card beside it (npm run train writes both ` +
      'together) and register it again',
    { file: CARD_FILE, modelSha256: sha256, cardNamesSha256: named },
  );
}

/** The registry id `<name>-<version>` must be addressable in the API and fit the models table. */
function assertModelId(manifest: ModelManifest): void {
  const id = `${manifest.name}-${manifest.version}`;
  if (
    !MODEL_ID.test(id) ||
    manifest.name.length > MAX_NAME_LENGTH ||
    manifest.version.length > MAX_NAME_LENGTH
  ) {
    throw new ManifestError(
      '$.name',
      `name and version must form an id matching ${MODEL_ID.source}, each at most ${MAX_NAME_LENGTH} characters`,
    );
  }
}

async function isFolder(location: string): Promise<boolean> {
  try {
    return (await fs.stat(location)).isDirectory();
  } catch {
    return false;
  }
}
