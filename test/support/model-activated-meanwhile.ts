import { expect } from 'vitest';
import type { TestModelFolder } from '../model-registry/support/model-folders.ts';
import { registerAndActivate } from './model-activation.ts';
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
  await registerAndActivate(t, tokens.admin, model);
  const { set } = await createSet(t, tokens.counselor, seekerId);
  expect(set.model?.id).toBe(model.id);
  return set;
}
