import { describe, expect, it } from 'vitest';
import { screenText } from '../../src/screening/sensitive-terms.ts';

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

  it('warns about plurals, phrases and hyphenated forms', () => {
    expect(screenText('comment', 'Plusieurs maladies chroniques')[0]?.terms).toEqual(['maladie']);
    expect(screenText('comment', 'A des problèmes de santé importants')[0]?.terms).toEqual([
      'probleme de sante',
    ]);
    expect(screenText('comment', 'En burn-out depuis juin')[0]?.terms).toEqual(['burn out']);
    expect(screenText('comment', 'Se déplace en fauteuil roulant')[0]?.terms).toEqual(['fauteuil roulant']);
    expect(screenText('message', 'Two health conditions to discuss')).toHaveLength(1);
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
