import { describe, expect, it } from 'vitest';
import { screenText } from '../../src/screening/sensitive-terms.ts';

/** The terms a counselor's text is warned about, as the list writes them. */
function termsOf(text: string): string[] {
  return screenText('comment', text)[0]?.terms ?? [];
}

describe('free-text screening', () => {
  it('warns about a health term in French, whatever the accents and case', () => {
    const [warning] = screenText('comment', 'Personne en Arrêt Maladie depuis mars');
    expect(warning).toMatchObject({ code: 'sensitive_term', field: 'comment' });
    expect(warning?.terms).toContain('arret maladie');
    expect(warning?.message).toMatch(/health/);
  });

  it('warns a job seeker in French, naming the categories in French', () => {
    const [warning] = screenText('comment', 'Mon handicap et ma religion', 'job_seeker');
    expect(warning?.terms).toEqual(['handicap', 'religion']);
    expect(warning?.message).toMatch(/^Ce texte semble parler d’informations sensibles \(santé, religion\)/);
  });

  it('names every category in French for a job seeker', () => {
    const labels: [string, string][] = [
      ['malade', 'santé'],
      ['musulman', 'religion'],
      ["d'origine marocaine", 'origine'],
      ['membre de la CGT', 'appartenance syndicale'],
      ['il est gay', 'orientation sexuelle'],
      ['militant', 'opinions politiques'],
      ['casier judiciaire', 'situation judiciaire'],
    ];
    for (const [text, label] of labels) {
      expect(screenText('comment', text, 'job_seeker')[0]?.message).toContain(`(${label})`);
    }
  });

  it('warns about religion, origin, union membership and sexual orientation, in English too', () => {
    expect(screenText('message', 'She is Muslim')).toHaveLength(1);
    expect(screenText('message', "d'origine marocaine")).toHaveLength(1);
    expect(screenText('message', 'membre de la CGT')).toHaveLength(1);
    expect(screenText('message', 'he is gay')).toHaveLength(1);
  });

  it('does not take « à l’origine » or a path’s « formation d’origine » for where a person comes from', () => {
    for (const text of [
      "À l'origine, la personne visait la vente",
      'a l’origine du projet, un CAP',
      'Formation d’origine : BTS commerce',
      "Retour vers son métier d'origine",
      'Diplômes d’origine reconnus en France',
    ])
      expect(termsOf(text), text).toEqual([]);
    for (const text of [
      "Elle est d'origine algérienne",
      'Personne d’origine marocaine',
      'Son pays d’origine',
      'Parle de ses origines',
      'Origine : Maroc',
    ])
      expect(termsOf(text), text).toEqual(['origine']);
  });

  it('warns about plurals, phrases and hyphenated forms', () => {
    expect(screenText('comment', 'Plusieurs maladies chroniques')[0]?.terms).toEqual(['maladie']);
    expect(screenText('comment', 'A des problèmes de santé importants')[0]?.terms).toEqual([
      'probleme de sante',
    ]);
    expect(screenText('comment', 'En burn-out depuis juin')[0]?.terms).toEqual(['burn out']);
    expect(screenText('comment', 'Se déplace en fauteuil roulant')[0]?.terms).toEqual(['fauteuil roulant']);
    expect(screenText('message', 'Two health conditions to discuss')).toHaveLength(1);
  });

  it('warns about the feminine forms of listed words, each term listed once', () => {
    expect(termsOf('Hospitalisée en mars, disponible en juin')).toEqual(['hospitalise']);
    expect(termsOf('Réfugiée syrienne arrivée en 2024')).toEqual(['refugie']);
    expect(termsOf('Incarcérée deux ans, sortie en janvier')).toEqual(['incarcere']);
    expect(termsOf('Reconnue handicapée')).toEqual(['handicap']);
    expect(termsOf('Elle est juive, lui chrétien')).toEqual(['chretien', 'juif']);
    expect(termsOf('Une personne dépressive, homosexuelle et religieuse')).toEqual([
      'depressif',
      'religieux',
      'homosexuel',
    ]);
  });

  it('warns about French plurals in -aux and English plurals in -ies and -es', () => {
    expect(termsOf('Anciens mandats syndicaux chez son employeur')).toEqual(['syndical']);
    expect(termsOf('Deux séjours dans des hôpitaux')).toEqual(['hopital']);
    expect(termsOf('Two disabilities to take into account')).toEqual(['disability']);
    expect(termsOf('Chronic illnesses, off work since May')).toEqual(['illness']);
    expect(termsOf('Two pregnancies in three years')).toEqual(['pregnancy']);
  });

  it('finds a term after a line break or a tab, which parts words as a space does', () => {
    expect(termsOf('Bonjour, suite à votre\nhospitalisation, je propose')).toEqual(['hospitalisation']);
    expect(termsOf('Suivi\tmaladie\r\nchronique')).toEqual(['maladie']);
  });

  it('finds nothing in the product’s own words and in course names: review à l’aveugle, langues étrangères', () => {
    for (const text of [
      'Revue à l’aveugle activée contre la confiance aveugle',
      'contrôle du mode à l’aveugle',
      'Formation en langues étrangères',
      'Français langue étrangère (FLE), niveau B1',
    ]) {
      expect(termsOf(text), text).toEqual([]);
    }
  });

  it('warns about the French word for a listed English one, and about facts the list once missed', () => {
    expect(termsOf('Hospital stay in March')).toEqual(['hospital']);
    expect(termsOf('Séjour à l’hôpital en mars')).toEqual(['hopital']);
    const missed: [string, string][] = [
      ['Personne aveugle', 'personne aveugle'],
      ['Diabétique, traitement en cours', 'diabetique'],
      ['Trouble bipolaire', 'bipolaire'],
      ['Suivi en santé mentale', 'sante mentale'],
      ['Perçoit l’AAH depuis 2020', 'aah'],
      ['Délégué Force Ouvrière', 'force ouvriere'],
      ['Porte le hijab', 'hijab'],
      ['Jews and Muslims', 'jew'],
    ];
    for (const [text, term] of missed) expect(termsOf(text), text).toContain(term);
  });

  it('warns about a listed word as the reader sees it: split by an invisible character or in fullwidth letters', () => {
    // Each is drawn exactly as the plain word.
    expect(termsOf('Encein\u00ADte de 5 mois')).toEqual(['enceinte']);
    expect(termsOf('Reconnu travailleur hand\u200Bicapé')).toEqual(['handicap']);
    expect(termsOf('Vu votre gros\u2060sesse')).toEqual(['grossesse']);
    expect(termsOf('ｍａｌａｄｉｅ chronique')).toEqual(['maladie']);
  });

  it('does not warn about acronyms and ordinary words that merely look like a listed one', () => {
    expect(screenText('comment', 'A hive of activity, aux horaires de bureau')).toEqual([]);
    expect(screenText('comment', 'Formation en hôtellerie, agent de service hospitalier')).toEqual([]);
    expect(screenText('comment', 'Réseaux sociaux, locaux régionaux, frais généraux')).toEqual([]);
    expect(screenText('comment', 'Le syndic de copropriété, en juillet')).toEqual([]);
  });

  it('does not warn about health care as a field of training', () => {
    expect(screenText('comment', 'Vise les métiers de la santé : projet solide.')).toEqual([]);
    expect(screenText('comment', 'Formation sanitaire et sociale, proche du domicile.')).toEqual([]);
  });

  it('does not warn about ordinary professional text', () => {
    expect(screenText('comment', 'Trop loin du domicile, horaires incompatibles avec la garde.')).toEqual([]);
    expect(screenText('comment', 'La formation de cariste correspond au projet.')).toEqual([]);
  });

  it('matches whole words only', () => {
    expect(screenText('comment', 'entreprise de pavoisement')).toEqual([]);
    expect(screenText('comment', 'le voile est un sujet')).toHaveLength(1);
  });

  it('ignores empty and missing text', () => {
    expect(screenText('comment', undefined)).toEqual([]);
    expect(screenText('comment', '   ')).toEqual([]);
  });
});
