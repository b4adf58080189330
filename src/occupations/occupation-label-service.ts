import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { InvalidInputError, problemType } from '../shared/errors.ts';
import { checkOccupationLabels, describeLoad, type OccupationLabel, sortByCode } from './occupation-label.ts';
import type { OccupationLabelStore } from './occupation-label-store.ts';

/**
 * The referential of occupation labels: loaded whole by an admin, read by staff and explanations.
 * Every load is logged with what it changed, since it changes what job seekers read.
 */
export class OccupationLabelService {
  constructor(
    private readonly store: OccupationLabelStore,
    private readonly decisionLog: DecisionLog,
  ) {}

  async listLabels(): Promise<OccupationLabel[]> {
    return this.store.list();
  }

  /**
   * Puts `labels` in place of the whole referential (see {@link checkOccupationLabels}), logged as
   * `occupation_labels.loaded` in the same transaction, and gives them back as loaded, ordered by
   * code as the list is: not read again, where another load may already have replaced them. An empty
   * list would remove every label: refused unless `acknowledgeEmptyReferential` confirms it
   * (InvalidInputError `empty-referential`), as a file exported empty by mistake would do it.
   */
  async replaceLabels(
    admin: Principal,
    labels: readonly OccupationLabel[],
    options: { acknowledgeEmptyReferential?: boolean } = {},
  ): Promise<OccupationLabel[]> {
    if (labels.length === 0 && options.acknowledgeEmptyReferential !== true) {
      throw new InvalidInputError(
        'items is empty: loading it would remove every occupation label, and persons and counselors would ' +
          'read the codes alone; send the referential, or send acknowledgeEmptyReferential: true with the ' +
          'empty list to remove every label',
        { ...problemType('empty-referential'), field: 'items' },
      );
    }
    const checked = checkOccupationLabels(labels);
    await this.decisionLog.withTransaction(async (trx) => {
      await this.load(trx, admin, await this.store.listForLoad(trx), checked);
    });
    return checked;
  }

  /**
   * Adds the labels of the codes the referential has none for, keeping every label it holds (an
   * admin's), in one transaction: a load landing meanwhile is kept, and added to. Logged as any load
   * when it adds a label; a referential that lacks none is left alone, and nothing logged.
   */
  async addMissingLabels(writer: Principal, labels: readonly OccupationLabel[]): Promise<{ added: number }> {
    const checked = checkOccupationLabels(labels);
    return this.decisionLog.withTransaction(async (trx) => {
      const held = await this.store.listForLoad(trx);
      const labelled = new Set(held.map(({ code }) => code));
      const added = checked.filter(({ code }) => !labelled.has(code));
      if (added.length > 0) await this.load(trx, writer, held, sortByCode([...held, ...added]));
      return { added: added.length };
    });
  }

  /** Replaces `before`, read by `listForLoad` in `trx`, with `after`, and logs what changed. */
  private async load(
    trx: Knex.Transaction,
    admin: Principal,
    before: readonly OccupationLabel[],
    after: readonly OccupationLabel[],
  ): Promise<void> {
    await this.store.replaceAll(trx, after);
    await this.decisionLog.append(trx, {
      type: 'occupation_labels.loaded',
      actor: { role: 'admin', id: admin.subject },
      payload: describeLoad(before, after),
    });
  }
}
