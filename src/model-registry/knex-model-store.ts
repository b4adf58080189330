import type { Knex } from 'knex';
import { engineOf } from '../db/database.ts';
import { readJson, readNullableString } from '../db/row-values.ts';
import { parseModelManifest } from '../model/manifest.ts';
import type { ModelStore } from './model-store.ts';
import type { ModelStatus, RegisteredModel } from './registered-model.ts';

const TABLE = 'models';

export class KnexModelStore implements ModelStore {
  constructor(private readonly db: Knex) {}

  async findById(id: string, trx?: Knex.Transaction): Promise<RegisteredModel | undefined> {
    const row = await (trx ?? this.db)(TABLE).where({ id }).first();
    return row === undefined ? undefined : toModel(row);
  }

  async findActiveId(): Promise<string | undefined> {
    const row = await this.db(TABLE).where({ status: 'active' }).first('id');
    return row === undefined ? undefined : String(row.id);
  }

  async findActive(trx?: Knex.Transaction): Promise<RegisteredModel | undefined> {
    const row = await (trx ?? this.db)(TABLE).where({ status: 'active' }).first();
    return row === undefined ? undefined : toModel(row);
  }

  async list(): Promise<RegisteredModel[]> {
    const rows = await this.db(TABLE).orderBy([
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

  async activate(
    trx: Knex.Transaction,
    id: string,
    by: string,
    now: Date,
  ): Promise<{ changed: boolean; previousId: string | undefined }> {
    await lockForActivation(trx);
    const previous = await this.findActive(trx);
    if (previous?.id === id) return { changed: false, previousId: id };
    const stamp = now.toISOString();
    await trx(TABLE)
      .where({ status: 'active' })
      .whereNot({ id })
      .update({ status: 'retired', retired_at: stamp });
    await markActive(trx, id, by, stamp);
    return { changed: true, previousId: previous?.id };
  }

  async activateIfNoneActive(trx: Knex.Transaction, id: string, by: string, now: Date): Promise<boolean> {
    await lockForActivation(trx);
    if ((await this.findActive(trx)) !== undefined) return false;
    await markActive(trx, id, by, now.toISOString());
    return true;
  }
}

/**
 * Serialises activations. Without it, on PostgreSQL two activations committing concurrently under
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
  };
}
