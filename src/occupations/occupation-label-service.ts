import { checkOccupationLabels, type OccupationLabel } from './occupation-label.ts';
import type { OccupationLabelStore } from './occupation-label-store.ts';

/** The referential of occupation labels: loaded whole by an admin, read by staff and explanations. */
export class OccupationLabelService {
  constructor(private readonly store: OccupationLabelStore) {}

  async listLabels(): Promise<OccupationLabel[]> {
    return this.store.list();
  }

  /** Puts `labels` in place of the whole referential (see {@link checkOccupationLabels}). */
  async replaceLabels(labels: readonly OccupationLabel[]): Promise<OccupationLabel[]> {
    await this.store.replaceAll(checkOccupationLabels(labels));
    return this.store.list();
  }
}
