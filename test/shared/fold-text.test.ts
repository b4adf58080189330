import { describe, expect, it } from 'vitest';
import { foldAsRead, foldText } from '../../src/shared/fold-text.ts';

describe('folding text for searches and screening', () => {
  it('drops case, accents and other marks, and writes ligatures out', () => {
    expect(foldText('Électricien du BÂTIMENT')).toBe('electricien du batiment');
    expect(foldText('Cœur de métier, Ægée, Straße')).toBe('coeur de metier, aegee, strasse');
    expect(foldText('ÇA ÏLE Ñ')).toBe('ca ile n');
  });

  it("makes every apostrophe the plain one: ’ ‘ ʼ ′ and '", () => {
    expect(['d’État', 'd‘État', 'dʼÉtat', 'd′État', "d'État"].map(foldText)).toEqual(Array(5).fill("d'etat"));
  });

  it('makes every dash put for a hyphen the hyphen-minus: ‐ ‑ ‒ – — ― and −', () => {
    expect(
      ['aide\u2010soignant', 'aide\u2011soignant', 'aide\u2013soignant', 'aide\u2212soignant'].map(foldText),
    ).toEqual(Array(4).fill('aide-soignant'));
  });

  it('keeps what is not a letter as it is', () => {
    expect(foldText('100% _\\ - 3D')).toBe('100% _\\ - 3d');
  });

  it('folds as read: compatibility forms written plainly, invisible characters gone, white space as spaces', () => {
    expect(foldAsRead('Certiﬁcat\tＣＡＣＥＳ\nAide-soi\u00ADgnant')).toBe('certificat caces aide-soignant');
  });
});
