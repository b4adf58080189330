import { expect } from 'vitest';
import type { TestModelFolder } from '../model-registry/support/model-folders.ts';
import type { TestApp } from './test-app.ts';

/**
 * `model` registered and activated by `admin` through the API, each step checked to go through. With
 * the reason an admin gives: the test models share the shipped model.onnx, which an activation after
 * a recall of one of them takes (record 0017).
 */
export async function registerAndActivate(t: TestApp, admin: string, model: TestModelFolder): Promise<void> {
  const registered = await t.http
    .post('/v1/models')
    .auth(admin, { type: 'bearer' })
    .send({ folder: model.folder, sha256: model.sha256 });
  expect(registered.status, registered.text).toBe(201);
  const activated = await t.http
    .post(`/v1/models/${model.id}/activate`)
    .auth(admin, { type: 'bearer' })
    .send({ reason: 'Fiche du modèle relue, revue de mise en service faite' });
  expect(activated.status, activated.text).toBe(200);
}
