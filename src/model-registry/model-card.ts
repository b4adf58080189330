/**
 * A registered model's card as the registry serves it: read from the models directory, checked
 * against its registered hash (a changed card is never served, nor is its model activated), and
 * headed by a notice once the model was recalled.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { assertSha256, CARD_FILE, computeSha256, ModelIntegrityError } from '../model/model-folder.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { describeLoadFailure, fileChanged } from './model-refusals.ts';
import type { ModelRecall, RegisteredModel } from './registered-model.ts';

/**
 * Read errors that mean the models directory holds no readable card where the registered one was:
 * there is nothing to serve until an admin puts it back (404, like a card removed), rather than a
 * fault of the service. Other errors (a disk fault, too many open files) stay unexpected.
 */
const UNREADABLE_CARD: Readonly<Record<string, string>> = {
  ENOENT: 'is no longer there',
  ENOTDIR: 'is no longer there (its folder is not a folder)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'is not readable by the service (permission denied)',
  EPERM: 'is not readable by the service (permission denied)',
};

/**
 * The card of `model` as it is served: refused when its bytes are no longer the registered ones
 * (unchecked for a model registered before cards were hashed), a NotFoundError naming the file when
 * there is no readable card where it was (logged, so that operators learn it needs putting back),
 * and starting with a notice of its recall once it was recalled.
 */
export async function readServedCard(
  modelsDir: string,
  model: RegisteredModel,
  logger: Pick<Logger, 'error'>,
): Promise<string> {
  const { id } = model;
  const read = await readCard(modelsDir, model);
  if ('unreadable' in read) {
    // Answered 404, so the log is where operators learn that a registered card needs putting back.
    logger.error(
      { modelId: id, file: read.file, code: read.code },
      'a registered model card cannot be read: it is not served',
    );
    throw new NotFoundError(`the card of model ${id} cannot be read: ${read.unreadable}`, {
      file: CARD_FILE,
    });
  }
  const { card } = read;
  try {
    assertSha256(CARD_FILE, computeSha256(card), model.cardSha256);
  } catch (error) {
    if (!(error instanceof ModelIntegrityError)) throw error;
    throw fileChanged(
      `the card of model ${id} in the models directory is no longer the one registered; it is not served`,
      error,
    );
  }
  const text = card.toString('utf8');
  return model.recall === null ? text : `${describeRecall(model.recall)}\n\n${text}`;
}

/**
 * Refuses to activate a model whose card cannot be served (removed, unreadable, or no longer the
 * registered one): counselors and auditors read it while the model serves, and registration
 * refuses a model without one for that reason. A model registered before cards were hashed only
 * needs a readable card.
 */
export async function assertCardServable(modelsDir: string, model: RegisteredModel): Promise<void> {
  const read = await readCard(modelsDir, model);
  const refused = `model ${model.id} cannot be activated`;
  if ('unreadable' in read) {
    throw new ConflictError(`${refused}: its card ${read.unreadable}`, { file: CARD_FILE });
  }
  try {
    assertSha256(CARD_FILE, computeSha256(read.card), model.cardSha256);
  } catch (error) {
    if (!(error instanceof ModelIntegrityError)) throw error;
    throw fileChanged(
      `${refused}: ${describeLoadFailure(error, model.folder)}; its card would not be served`,
      error,
    );
  }
}

/** The notice a recalled model's card starts with: when, and the admin's reason, quoted. */
function describeRecall(recall: ModelRecall): string {
  const reason = recall.reason
    .split(/\r?\n/)
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
  return [
    `> **Recalled on ${recall.at}: do not use this model.** It was found faulty and recalled by an admin: every suggestion it made that was published to a person was taken back, those under review withdrawn, and it cannot be activated again.`,
    '>',
    '> Reason given:',
    reason,
  ].join('\n');
}

/**
 * A registered model's card as the models directory holds it, or why there is none to read there
 * (`unreadable`: the file, in the models directory, and what is wrong with it). Other read errors (a
 * disk fault, too many open files) are thrown.
 */
async function readCard(
  modelsDir: string,
  model: RegisteredModel,
): Promise<{ card: Buffer } | { unreadable: string; file: string; code: string }> {
  try {
    return { card: await fs.readFile(path.join(modelsDir, model.folder, CARD_FILE)) };
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const why = code === undefined ? undefined : UNREADABLE_CARD[code];
    if (code === undefined || why === undefined) throw error;
    const file = `${model.folder}/${CARD_FILE}`;
    return { unreadable: `${file} in the models directory ${why}`, file, code };
  }
}
