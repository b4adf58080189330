import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJson } from './format-json.ts';
import { ManifestError, type ModelManifest, parseModelManifest } from './manifest.ts';

/** File names inside a model folder (DESIGN.md, "The model contract"). */
export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';
export const CARD_FILE = 'MODEL_CARD.md';

/** Everything a model folder holds. */
export interface ModelFolderContents {
  manifest: ModelManifest;
  onnx: Uint8Array;
  card: string;
  /** Extra files beside the card (the shape plots), by file name. */
  attachments: ReadonlyArray<{ fileName: string; content: string }>;
}

/** A model read back from its folder, its bytes checked. */
export interface LoadedModelFolder {
  manifest: ModelManifest;
  onnx: Uint8Array;
  /** SHA-256 of model.onnx. */
  sha256: string;
  /** SHA-256 of manifest.json, the bytes the manifest was parsed from. */
  manifestSha256: string;
}

/** The hashes a model folder must have: model.onnx's, and manifest.json's when one was registered. */
export interface ExpectedModelHashes {
  sha256: string;
  /** Null (or absent) for a model registered before manifests were hashed: its manifest is not checked. */
  manifestSha256?: string | null;
}

/** The bytes of a model folder's file (model.onnx, manifest.json, MODEL_CARD.md) are not the ones expected. */
export class ModelIntegrityError extends Error {
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
    readonly file: string = MODEL_FILE,
  ) {
    super(`${file} has sha256 ${actualSha256}, expected ${expectedSha256}`);
    this.name = 'ModelIntegrityError';
  }
}

/** Returns the folder name of a model: `<name>-<version>`. */
export function nameModelFolder(manifest: Pick<ModelManifest, 'name' | 'version'>): string {
  return `${manifest.name}-${manifest.version}`;
}

/** Returns the lowercase hex SHA-256 of some bytes (how the registry identifies model.onnx). */
export function computeSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A model folder is written once: a registered model is pinned by the hashes of its files, and a
 * card or manifest written over would make its registry refuse them (409 `model-file-changed`).
 */
export class ModelFolderExistsError extends Error {
  constructor(readonly folder: string) {
    super(
      `${folder} exists already: a model folder is never written over (the registry holds its files' hashes); ` +
        'write the new model elsewhere (--out), or give it another --model-version',
    );
    this.name = 'ModelFolderExistsError';
  }
}

/**
 * Writes `<outDir>/<name>-<version>/` and returns its path. Refuses a folder that exists already
 * (`ModelFolderExistsError`), writing nothing.
 */
export async function writeModelFolder(outDir: string, contents: ModelFolderContents): Promise<string> {
  const folder = join(outDir, nameModelFolder(contents.manifest));
  await mkdir(outDir, { recursive: true });
  try {
    await mkdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ModelFolderExistsError(folder);
    throw error;
  }
  await writeFile(join(folder, MODEL_FILE), contents.onnx);
  await writeFile(join(folder, MANIFEST_FILE), formatJson(contents.manifest));
  await writeFile(join(folder, CARD_FILE), contents.card);
  for (const attachment of contents.attachments) {
    await writeFile(join(folder, attachment.fileName), attachment.content);
  }
  return folder;
}

/**
 * Reads a model folder's manifest and ONNX bytes. With expected hashes, refuses a model.onnx, and a
 * manifest.json, whose hash differs, so a model is only ever used under the identity it was
 * registered with: the manifest holds the baselines and the phrases job seekers are shown. The
 * manifest is parsed from the very bytes that were hashed.
 */
export async function readModelFolder(
  folder: string,
  expected?: string | ExpectedModelHashes,
): Promise<LoadedModelFolder> {
  const hashes: Partial<ExpectedModelHashes> =
    typeof expected === 'string' ? { sha256: expected } : (expected ?? {});
  const onnx = new Uint8Array(await readModelFolderFile(folder, MODEL_FILE));
  const sha256 = computeSha256(onnx);
  assertSha256(MODEL_FILE, sha256, hashes.sha256);
  const manifestBytes = await readModelFolderFile(folder, MANIFEST_FILE);
  const manifestSha256 = computeSha256(manifestBytes);
  assertSha256(MANIFEST_FILE, manifestSha256, hashes.manifestSha256);
  const manifest = parseModelManifest(readManifestJson(manifestBytes));
  return { manifest, onnx, sha256, manifestSha256 };
}

/**
 * The bytes of `file` of a model folder. The system's refusal to read a folder of that name (EISDIR)
 * names no path, unlike a missing file's: it is given the file's, so that a refusal can name the file.
 */
export async function readModelFolderFile(folder: string, file: string): Promise<Buffer> {
  const location = join(folder, file);
  try {
    return await readFile(location);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code !== undefined && failure.path === undefined) failure.path = location;
    throw error;
  }
}

/** The JSON of manifest.json's bytes; a file that is not JSON (cut short, say) is a ManifestError saying where it breaks. */
function readManifestJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ManifestError(
      '$',
      `${MANIFEST_FILE} is not JSON (${(error as Error).message}): copy the whole file again, or write it as the model was exported`,
    );
  }
}

/** Refuses a file whose hash is not the expected one; nothing to check when none is expected. */
export function assertSha256(file: string, actual: string, expected: string | null | undefined): void {
  if (expected !== undefined && expected !== null && actual !== expected.toLowerCase()) {
    throw new ModelIntegrityError(expected, actual, file);
  }
}
