import { checkOccupationLabels, type OccupationLabel } from './occupation-label.ts';
import type { OccupationLabelStore } from './occupation-label-store.ts';

/** The referential of occupation labels: loaded whole by an admin, read by staff and explanations. */
export class OccupationLabelService {
  constructor(private readonly store: OccupationLabelStore) {}

  async listLabels(): Promise<OccupationLabel[]> {
    return this.store.list();
  }

  /**
   * Puts `labels` in place of the whole referential (see {@link checkOccupationLabels}) and gives them
   * back as loaded, ordered by code as the list is: not read again, where another load may already
   * have replaced them.
   */
  async replaceLabels(labels: readonly OccupationLabel[]): Promise<OccupationLabel[]> {
    const checked = checkOccupationLabels(labels);
    await this.store.replaceAll(checked);
    return checked.sort((a, b) => (a.code < b.code ? -1 : 1));
  }
}
