import { describe, expect, it } from 'vitest';
import {
  RECALL_REASON,
  tellSetReasonToPerson,
  WITHDRAWAL_REASONS,
  writeRecallReason,
} from '../../src/recommendations/withdrawal-reasons.ts';

describe('the reasons the application writes when it withdraws a set, as the person reads them', () => {
  it('tells the person each of the application’s reasons in the second person, never as « la personne »', () => {
    for (const { stored, toPerson } of Object.values(WITHDRAWAL_REASONS)) {
      expect(tellSetReasonToPerson(stored)).toBe(toPerson);
      expect(toPerson).toMatch(/\bvous\b/);
      expect(toPerson).not.toMatch(/la personne/);
    }
    expect(tellSetReasonToPerson('la personne s’est opposée au traitement par l’IA')).toBe(
      'vous vous êtes opposé au traitement par l’IA',
    );
  });

  it('shows a counselor’s own reason as written', () => {
    expect(tellSetReasonToPerson('La personne a trouvé un emploi.')).toBe('La personne a trouvé un emploi.');
  });

  it('tells the person what a recall means for them first, that the tool was withdrawn and their counselor may propose other courses, then the admin’s words', () => {
    const stored = writeRecallReason('biais constaté sur les distances');
    expect(stored).toBe(
      'le modèle qui a fait ces propositions a été rappelé : biais constaté sur les distances',
    );
    expect(tellSetReasonToPerson(stored)).toBe(
      `${RECALL_REASON.toPerson} Motif donné : biais constaté sur les distances`,
    );
    expect(RECALL_REASON.toPerson).toMatch(/retiré/);
    expect(RECALL_REASON.toPerson).toMatch(/votre conseiller peut vous proposer d’autres formations/);
  });
});
