import { describe, expect, it } from 'vitest';
import { describeProcessing } from '../../src/access-record/processing-statement.ts';

const PERIODS = { personalDays: 400, logDays: 184, idempotencyHours: 12, readTraceDays: 90 };

describe('the statement of the processing given with an access record', () => {
  it("states how long the counselor's replies to the person's contests are kept", () => {
    const { retention, dataCategories } = describeProcessing(PERIODS, []);

    expect(retention.statement).toContain(
      'Vos réponses, et celles de votre conseiller à vos contestations, sont supprimées 400 jours après avoir été données.',
    );
    expect(dataCategories.join(' ')).toContain('leurs réponses à vos contestations');
  });

  it('states the logic in words the person reads, without the codes the service names its attribution methods by', () => {
    const { logic } = describeProcessing(PERIODS, []);

    expect(logic.statement).not.toMatch(/exact-additive|sampled-shapley|\([a-z]+-[a-z]+\)/);
    expect(logic.statement).toContain('estimée par échantillonnage');
  });

  it('lists no commune among the profile data, which the service does not keep', () => {
    const { dataCategories } = describeProcessing(PERIODS, []);

    expect(dataCategories.join(' ')).toContain('lieu de résidence');
    expect(dataCategories.join(' ')).not.toMatch(/commune/);
  });

  it('names the right to restriction of processing, where to ask it and what the tool does meanwhile', () => {
    const { rights } = describeProcessing(PERIODS, [], 'dpo@agence.example');
    const restriction = rights.find((right) => right.right === 'restriction');

    expect(restriction?.how).toMatch(/art\. 18/);
    expect(restriction?.how).toContain('dpo@agence.example');
    expect(restriction?.how).toMatch(/opposition/);
    expect(restriction?.how).toMatch(/avant que la limitation soit levée/);
  });
});
