import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  createSetByHand,
  hiddenModelCourses,
  putSettings,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type AddedItem = { itemId: string; source: string; earlierModelSuggestion: { setId: string } | null };

/**
 * A course a counselor adds by hand that the model had suggested in another set: the person is told
 * the tool had suggested it to their counselor, which is true whether the counselor kept it there or
 * not, and only of a suggestion a counselor could read (record 0003).
 */
describe('the AI’s part told of a course added by hand', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const additionOf = (items: readonly AddedItem[]): AddedItem => {
    const addition = items.find((item) => item.source === 'counselor');
    if (addition === undefined) throw new Error('the set holds no addition');
    return addition;
  };

  it('says the tool had suggested to the counselor a course rejected in an earlier set, never that it was proposed to the person', async () => {
    await syncSeeker(t, 'js-added-after-rejection');
    const earlier = await createAndPublish(t, counselor, 'js-added-after-rejection', { approve: 1 });
    const rejected = earlier.items.find((item) => item.decision === 'rejected');
    if (rejected === undefined) throw new Error('the earlier set rejected no course');

    const { set, etag } = await createSetByHand(t, counselor, 'js-added-after-rejection', [
      rejected.course.id,
    ]);
    const addition = additionOf(set.items as unknown as AddedItem[]);
    expect(addition.earlierModelSuggestion?.setId).toBe(earlier.id);
    const published = await act(t, counselor, set.id, 'publish', etag);
    expect(published.status).toBe(200);

    const seeker = await t.tokenFor('job_seeker', 'js-added-after-rejection');
    const explanation = await t.http
      .get(`/v1/me/recommendations/${addition.itemId}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(explanation.status).toBe(200);
    expect(explanation.body.aiContribution).toContain(
      'L’outil d’aide à la décision l’avait suggérée à votre conseiller dans une autre sélection, le ',
    );
    expect(explanation.body.aiContribution).not.toContain('proposée pour vous');
  });

  it('does not name a blind-first set whose suggestions were still hidden from the counselor', async () => {
    await syncSeeker(t, 'js-added-after-hidden');
    await putSettings(t, { blindFirst: true });
    const { set: blind } = await createSet(t, counselor, 'js-added-after-hidden');
    expect(blind.status).toBe('awaiting_shortlist');
    const [hidden] = await hiddenModelCourses(t, blind.id);
    if (hidden === undefined) throw new Error('the blind-first set holds no suggestion');

    const { set } = await createSetByHand(t, counselor, 'js-added-after-hidden', [hidden]);

    expect(additionOf(set.items as unknown as AddedItem[]).earlierModelSuggestion).toBeNull();
  });
});
