import type { ModelManifest } from '../model/manifest.ts';

export const MODEL_STATUSES = ['registered', 'active', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** A model known to the registry. Exactly one is `active` at a time once any is. */
export interface RegisteredModel {
  /** `<name>-<version>`, also the folder name under the models directory. */
  id: string;
  name: string;
  version: string;
  /** SHA-256 of model.onnx as registered; the bytes are checked against it at every load. */
  sha256: string;
  /**
   * SHA-256 of manifest.json as registered (features, baselines, the phrases job seekers read),
   * checked at every load. Null for a model registered before manifests were hashed: not checked.
   */
  manifestSha256: string | null;
  /**
   * SHA-256 of MODEL_CARD.md as registered, checked each time the card is served. Null for a model
   * registered before cards were hashed: its card is served unchecked.
   */
  cardSha256: string | null;
  /** Folder name inside the models directory. */
  folder: string;
  manifest: ModelManifest;
  status: ModelStatus;
  registeredBy: string;
  registeredAt: string;
  activatedBy: string | null;
  activatedAt: string | null;
  retiredAt: string | null;
}
