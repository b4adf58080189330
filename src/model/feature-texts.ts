import type { FeatureName } from './features.ts';

/** The words people read about a feature: labels for counselors, phrases for job seekers. */
export interface FeatureTexts {
  labelFr: string;
  labelEn: string;
  /** Plain French for a job seeker when the feature speaks for the course. */
  positivePhraseFr: string;
  /** Plain French for a job seeker when the feature speaks against the course. */
  negativePhraseFr: string;
}

export const FEATURE_TEXTS: Readonly<Record<FeatureName, FeatureTexts>> = {
  occupationMatch: {
    labelFr: 'Correspondance avec le métier visé',
    labelEn: 'Match with the target occupation',
    positivePhraseFr: 'la formation correspond au métier que vous visez',
    negativePhraseFr: 'la formation mène à un métier éloigné de celui que vous visez',
  },
  skillsCoverage: {
    labelFr: 'Compétences déjà acquises',
    labelEn: 'Skills already held',
    positivePhraseFr: 'la formation s’appuie bien sur les compétences que vous avez déjà',
    negativePhraseFr: 'la formation s’appuie peu sur les compétences que vous avez déjà',
  },
  distanceKm: {
    labelFr: 'Distance du domicile (km)',
    labelEn: 'Distance from home (km)',
    positivePhraseFr: 'la formation a lieu près de chez vous ou à distance',
    negativePhraseFr: 'la formation a lieu loin de chez vous',
  },
  withinMobility: {
    labelFr: 'Dans le rayon de mobilité',
    labelEn: 'Within the mobility radius',
    positivePhraseFr: 'la formation est dans la zone où vous pouvez vous déplacer',
    negativePhraseFr: 'la formation est en dehors de la zone où vous pouvez vous déplacer',
  },
  remoteAccessible: {
    labelFr: 'Suivable à distance',
    labelEn: 'Can be followed remotely',
    positivePhraseFr: 'vous pouvez suivre la formation à distance, comme vous l’acceptez',
    negativePhraseFr: 'la formation ne peut pas se suivre à distance',
  },
  levelGap: {
    labelFr: 'Écart de niveau (sortie − actuel)',
    labelEn: 'Level gap (exit − current)',
    positivePhraseFr: 'la formation vous fait monter d’un niveau adapté',
    negativePhraseFr: 'le niveau de la formation est peu adapté au vôtre',
  },
  prerequisiteMet: {
    labelFr: 'Niveau d’entrée atteint',
    labelEn: 'Entry level met',
    positivePhraseFr: 'vous avez le niveau demandé pour entrer en formation',
    negativePhraseFr: 'la formation demande un niveau d’entrée plus élevé que le vôtre',
  },
  // A manifest holds a phrase each way for every feature, but these two are never told: how a model
  // weighs the duration is true of no value alone, so a job seeker reads the hours (`phrasesTrueOf`,
  // `src/model/features.ts`).
  durationHours: {
    labelFr: 'Durée (heures)',
    labelEn: 'Duration (hours)',
    positivePhraseFr: 'la durée de la formation est un atout',
    negativePhraseFr: 'la durée de la formation est un frein',
  },
  weeksToStart: {
    labelFr: 'Semaines avant le début',
    labelEn: 'Weeks until the start',
    positivePhraseFr: 'la formation commence bientôt, quand vous êtes disponible',
    negativePhraseFr:
      'la date de début ne tombe pas bien pour vous (trop tard, avant votre disponibilité, ou pas encore fixée)',
  },
  funded: {
    labelFr: 'Financée',
    labelEn: 'Funded',
    positivePhraseFr: 'la formation est financée pour les demandeurs d’emploi',
    negativePhraseFr: 'la formation n’est pas financée pour les demandeurs d’emploi',
  },
  certifying: {
    labelFr: 'Certifiante',
    labelEn: 'Certifying',
    positivePhraseFr: 'la formation mène à une certification reconnue',
    negativePhraseFr: 'la formation ne mène pas à une certification reconnue',
  },
  employmentRate: {
    labelFr: 'Taux de retour à l’emploi de la formation',
    labelEn: 'Course return-to-employment rate',
    positivePhraseFr: 'beaucoup d’anciens stagiaires de cette formation ont retrouvé un emploi',
    negativePhraseFr: 'peu d’anciens stagiaires de cette formation ont retrouvé un emploi',
  },
  employmentRateMissing: {
    labelFr: 'Taux de retour à l’emploi inconnu',
    labelEn: 'Return-to-employment rate unknown',
    positivePhraseFr: 'les résultats passés de cette formation sont connus',
    negativePhraseFr: 'on ne connaît pas encore les résultats passés de cette formation',
  },
  monthsUnemployed: {
    labelFr: 'Mois sans emploi',
    labelEn: 'Months unemployed',
    positivePhraseFr: 'votre recherche d’emploi est récente, ce qui facilite le retour à l’emploi',
    negativePhraseFr:
      'votre recherche d’emploi dure depuis un moment, la formation devra vous aider à rebondir',
  },
  yearsExperience: {
    labelFr: 'Années d’expérience',
    labelEn: 'Years of experience',
    positivePhraseFr: 'votre expérience professionnelle est un atout pour cette formation',
    negativePhraseFr: 'votre expérience professionnelle est encore limitée',
  },
};
