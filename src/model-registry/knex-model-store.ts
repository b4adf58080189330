import type { Knex } from 'knex';
import { engineOf } from '../db/engine.ts';
import { readJson, readNullableString } from '../db/row-values.ts';
import { parseModelManifest } from '../model/manifest.ts';
import type { Activation, ModelStore, Recall } from './model-store.ts';
import type { ModelRecall, ModelStatus, RegisteredModel } from './registered-model.ts';

const TABLE = 'models';

export class KnexModelStore implements ModelStore {
  constructor(private readonly db: Knex) {}

  async findById(id: string, trx?: Knex.Transaction): Promise<RegisteredModel | undefined> {
    const row = await (trx ?? this.db)(TABLE).where({ id }).first();
    return row === undefined ? undefined : toModel(row);
  }

  async isRecalled(id: string, trx: Knex.Transaction): Promise<boolean> {
    const row = await trx(TABLE).where({ id }).first('recalled_at');
    return readNullableString(row?.recalled_at) !== null;
  }

  async findActiveId(): Promise<string | undefined> {
    const row = await this.db(TABLE).where({ status: 'active' }).first('id');
    return row === undefined ? undefined : String(row.id);
  }

  async findActive(trx?: Knex.Transaction): Promise<RegisteredModel | undefined> {
    const row = await (trx ?? this.db)(TABLE).where({ status: 'active' }).first();
    return row === undefined ? undefined : toModel(row);
  }

  async list(trx?: Knex.Transaction): Promise<RegisteredModel[]> {
    const rows = await (trx ?? this.db)(TABLE).orderBy([
      { column: 'registered_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    return rows.map(toModel);
  }

  async insert(trx: Knex.Transaction, model: RegisteredModel): Promise<void> {
    await trx(TABLE).insert({
      id: model.id,
      name: model.name,
      version: model.version,
      sha256: model.sha256,
      manifest_sha256: model.manifestSha256,
      card_sha256: model.cardSha256,
      folder: model.folder,
      manifest: JSON.stringify(model.manifest),
      status: model.status,
      registered_by: model.registeredBy,
      registered_at: model.registeredAt,
      activated_by: model.activatedBy,
      activated_at: model.activatedAt,
      retired_at: model.retiredAt,
    });
  }

  async activate(trx: Knex.Transaction, id: string, by: string, now: Date): Promise<Activation> {
    await lockForActivation(trx);
    const recall = (await this.findById(id, trx))?.recall ?? null;
    if (recall !== null) return { outcome: 'recalled', recalledAt: recall.at };
    const previous = await this.findActive(trx);
    if (previous?.id === id) return { outcome: 'already_active' };
    const stamp = now.toISOString();
    await trx(TABLE)
      .where({ status: 'active' })
      .whereNot({ id })
      .update({ status: 'retired', retired_at: stamp });
    await markActive(trx, id, by, stamp);
    return { outcome: 'activated', previousId: previous?.id };
  }

  async activateIfNoneActive(trx: Knex.Transaction, id: string, by: string, now: Date): Promise<boolean> {
    await lockForActivation(trx);
    if ((await this.findActive(trx)) !== undefined) return false;
    if ((await this.findById(id, trx))?.status === 'recalled') return false;
    await markActive(trx, id, by, now.toISOString());
    return true;
  }

  async recall(trx: Knex.Transaction, id: string, recall: ModelRecall): Promise<Recall> {
    await lockForActivation(trx);
    const model = await this.findById(id, trx);
    if (model === undefined) return { outcome: 'not_found' };
    if (model.recall !== null) return { outcome: 'already_recalled', recalledAt: model.recall.at };
    const wasActive = model.status === 'active';
    await trx(TABLE)
      .where({ id })
      .update({
        status: 'recalled',
        recalled_by: recall.by,
        recalled_at: recall.at,
        recall_reason: recall.reason,
        ...(wasActive ? { retired_at: recall.at } : {}),
      });
    return { outcome: 'recalled', wasActive };
  }
}

/**
 * Serialises activations and recalls. Without it, on PostgreSQL two activations committing concurrently under
 * read committed each see only the model active in their own snapshot, and both models end up
 * active. EXCLUSIVE still lets readers in. (SQLite: the transaction already holds the write lock.)
 */
async function lockForActivation(trx: Knex.Transaction): Promise<void> {
  if (engineOf(trx) === 'postgres') await trx.raw(`lock table ${TABLE} in exclusive mode`);
}

async function markActive(trx: Knex.Transaction, id: string, by: string, stamp: string): Promise<void> {
  await trx(TABLE)
    .where({ id })
    .update({ status: 'active', activated_by: by, activated_at: stamp, retired_at: null });
}

function toModel(row: Record<string, unknown>): RegisteredModel {
  return {
    id: String(row.id),
    name: String(row.name),
    version: String(row.version),
    sha256: String(row.sha256),
    manifestSha256: readNullableString(row.manifest_sha256),
    cardSha256: readNullableString(row.card_sha256),
    folder: String(row.folder),
    manifest: parseModelManifest(readJson(row.manifest)),
    status: row.status as ModelStatus,
    registeredBy: String(row.registered_by),
    registeredAt: String(row.registered_at),
    activatedBy: readNullableString(row.activated_by),
    activatedAt: readNullableString(row.activated_at),
    retiredAt: readNullableString(row.retired_at),
    recall: toRecall(row),
  };
}

function toRecall(row: Record<string, unknown>): ModelRecall | null {
  if (row.recalled_at === null || row.recalled_at === undefined) return null;
  return { by: String(row.recalled_by), at: String(row.recalled_at), reason: String(row.recall_reason) };
}
