import type { ModelManifest } from '../model/manifest.ts';

/** `recalled`: found faulty and recalled by an admin, for good (never activated again). */
export const MODEL_STATUSES = ['registered', 'active', 'retired', 'recalled'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** An admin's recall of a model found faulty: who, when and why (the reason is kept readable in the log). */
export interface ModelRecall {
  by: string;
  at: string;
  reason: string;
}

/** A model known to the registry. At most one is `active` at a time. */
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
  /** When it stopped being the active model: replaced, or recalled while active. */
  retiredAt: string | null;
  /** Its recall, for a `recalled` model; null otherwise. */
  recall: ModelRecall | null;
}
