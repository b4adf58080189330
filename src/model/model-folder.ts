import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJson } from './format-json.ts';
import { type ModelManifest, parseModelManifest } from './manifest.ts';

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
  sha256: string;
}

/** The bytes of model.onnx are not the ones the caller expected. */
export class ModelIntegrityError extends Error {
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`model.onnx has sha256 ${actualSha256}, expected ${expectedSha256}`);
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

/** Writes `<outDir>/<name>-<version>/` and returns its path. */
export async function writeModelFolder(outDir: string, contents: ModelFolderContents): Promise<string> {
  const folder = join(outDir, nameModelFolder(contents.manifest));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, MODEL_FILE), contents.onnx);
  await writeFile(join(folder, MANIFEST_FILE), formatJson(contents.manifest));
  await writeFile(join(folder, CARD_FILE), contents.card);
  for (const attachment of contents.attachments) {
    await writeFile(join(folder, attachment.fileName), attachment.content);
  }
  return folder;
}

/**
 * Reads a model folder's manifest and ONNX bytes. With `expectedSha256`, refuses bytes whose hash
 * differs, so a model is only ever used under the identity it was registered with.
 */
export async function readModelFolder(folder: string, expectedSha256?: string): Promise<LoadedModelFolder> {
  const onnx = new Uint8Array(await readFile(join(folder, MODEL_FILE)));
  const sha256 = computeSha256(onnx);
  if (expectedSha256 !== undefined && sha256 !== expectedSha256.toLowerCase()) {
    throw new ModelIntegrityError(expectedSha256, sha256);
  }
  const manifest = parseModelManifest(JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')));
  return { manifest, onnx, sha256 };
}
