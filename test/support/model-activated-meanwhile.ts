import { expect } from 'vitest';
import type { TestModelFolder } from '../model-registry/support/model-folders.ts';
import type { TestApp } from './test-app.ts';
import { createSet, type SetBody } from './workflow.ts';

/**
 * What a request held at a read of the registry must then see: `model` registered and activated by
 * an admin, and a set made with it by the counselor for `seekerId`, which is returned.
 */
export async function activateModelAndSuggest(
  t: TestApp,
  tokens: { admin: string; counselor: string },
  model: TestModelFolder,
  seekerId: string,
): Promise<SetBody> {
  const registered = await t.http
    .post('/v1/models')
    .auth(tokens.admin, { type: 'bearer' })
    .send({ folder: model.folder, sha256: model.sha256 });
  expect(registered.status).toBe(201);
  const activated = await t.http
    .post(`/v1/models/${model.id}/activate`)
    .auth(tokens.admin, { type: 'bearer' })
    .send();
  expect(activated.status).toBe(200);
  const { set } = await createSet(t, tokens.counselor, seekerId);
  expect(set.model?.id).toBe(model.id);
  return set;
}
