import { expect } from 'vitest';
import type { TestModelFolder } from '../model-registry/support/model-folders.ts';
import type { TestApp } from './test-app.ts';

/** `model` registered and activated by `admin` through the API, each step checked to go through. */
export async function registerAndActivate(t: TestApp, admin: string, model: TestModelFolder): Promise<void> {
  const registered = await t.http
    .post('/v1/models')
    .auth(admin, { type: 'bearer' })
    .send({ folder: model.folder, sha256: model.sha256 });
  expect(registered.status, registered.text).toBe(201);
  const activated = await t.http
    .post(`/v1/models/${model.id}/activate`)
    .auth(admin, { type: 'bearer' })
    .send();
  expect(activated.status, activated.text).toBe(200);
}
