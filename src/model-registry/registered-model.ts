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
