import { describe, expect, it } from 'vitest';
import {
  tellDiscardReasonToPerson,
  WITHDRAWAL_REASONS,
} from '../../src/recommendations/withdrawal-reasons.ts';

describe('the reasons the application writes when it withdraws a set, as the person reads them', () => {
  it('tells the person each of the application’s reasons in the second person, never as « la personne »', () => {
    for (const { stored, toPerson } of Object.values(WITHDRAWAL_REASONS)) {
      expect(tellDiscardReasonToPerson(stored)).toBe(toPerson);
      expect(toPerson).toMatch(/\bvous\b/);
      expect(toPerson).not.toMatch(/la personne/);
    }
    expect(tellDiscardReasonToPerson('la personne s’est opposée au traitement par l’IA')).toBe(
      'vous vous êtes opposé au traitement par l’IA',
    );
  });

  it('shows any other reason as written: a counselor’s own words, a recall’s', () => {
    for (const written of [
      'La personne a trouvé un emploi.',
      'le modèle qui a fait ces propositions a été rappelé : biais constaté sur les distances',
    ]) {
      expect(tellDiscardReasonToPerson(written)).toBe(written);
    }
  });
});
