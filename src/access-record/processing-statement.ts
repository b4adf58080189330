import type { RetentionConfig } from '../config.ts';
import { CONSULTATION_WINDOW_MS } from '../file-reads/file-read.ts';
import type { AttributionMethod } from '../model/manifest.ts';
import type { RegisteredModel } from '../model-registry/registered-model.ts';
import type { RecommendationSet } from '../recommendations/recommendation.ts';
import { formatFrenchDay } from '../shared/french-day.ts';

/** The rights the statement tells the person about. */
export type DataSubjectRight =
  | 'access'
  | 'rectification'
  | 'restriction'
  | 'objection'
  | 'erasure'
  | 'complaint';

/** A model involved in the processing: the active one, and those that made a set about the person. */
export interface ModelInvolved {
  id: string;
  version: string;
  sha256: string;
  active: boolean;
  usedForPerson: boolean;
  attributionMethod: AttributionMethod;
  /**
   * When an admin recalled it, found faulty, and why (the reason the person also reads on each set
   * the recall took back); null when it was not recalled.
   */
  recall: { at: string; reason: string } | null;
  /**
   * Where its card is served, to the admin answering the request, who hands it to the person with
   * the record: the person's own token cannot read it.
   */
  card: string;
}

/**
 * What GDPR Art. 15(1) asks an access answer to say beside the data, in French as the person reads
 * it (the portal speaks French): purposes, categories, source, recipients, retention, the logic
 * involved and the person's rights. Short and factual: what this service does, nothing more.
 */
export interface ProcessingStatement {
  purposes: string[];
  dataCategories: string[];
  source: string;
  recipients: string[];
  retention: {
    personalDataDays: number;
    logDays: number;
    idempotencyHours: number;
    readTraceDays: number;
    statement: string;
  };
  logic: { statement: string; models: ModelInvolved[] };
  rights: Array<{ right: DataSubjectRight; how: string }>;
}

export type RetentionPeriods = Pick<
  RetentionConfig,
  'personalDays' | 'logDays' | 'idempotencyHours' | 'readTraceDays'
>;

/** Where the person reaches the data protection officer, as the texts they read say it. */
export function describePrivacyContact(privacyContact: string | undefined): string {
  return privacyContact ?? 'votre agence vous donne ses coordonnées';
}

/**
 * The statement of the processing, with the retention periods configured, the models involved and
 * how to reach the data protection officer (`privacyContact`, when configured).
 */
export function describeProcessing(
  periods: RetentionPeriods,
  models: ModelInvolved[],
  privacyContact?: string,
): ProcessingStatement {
  const { personalDays, logDays, idempotencyHours, readTraceDays } = periods;
  return {
    purposes: [
      'Aider votre conseiller à vous proposer des formations : un outil d’aide à la décision suggère des formations du ' +
        'catalogue, que votre conseiller examine une à une ; aucune ne vous est proposée sans son accord.',
      'Garder la trace de chaque suggestion, décision et publication dans un journal des décisions protégé contre la ' +
        'modification, pour le contrôle humain et les audits (règlement européen sur l’IA, art. 12 et 26).',
      'Vérifier que le contrôle humain est réel (taux d’approbation, temps passé par décision), sur des données ' +
        'pseudonymisées.',
      'Vérifier que les formations proposées mènent quelque part : ce qu’il en est advenu (entrée en formation, emploi ' +
        'dans les six mois), tel que le dossier de votre agence le rapporte, n’est lu qu’en chiffres d’ensemble ' +
        '(règlement européen sur l’IA, art. 26 et 72).',
    ],
    dataCategories: [
      'Votre profil : métiers visés, niveau de diplôme, compétences, années d’expérience, mois sans emploi, lieu de ' +
        'résidence (coordonnées), rayon de mobilité, formation à distance acceptée, date de disponibilité, ' +
        'conseiller qui vous suit.',
      'Les suggestions faites à votre sujet : le profil utilisé, les formations suggérées, la chance de retour à ' +
        'l’emploi estimée par le modèle, les valeurs qu’il a lues et la part de chacune, les explications.',
      'Les décisions de vos conseillers sur chaque formation, leurs motifs, commentaires et messages, et leurs ' +
        'réponses à vos contestations.',
      'Vos réponses aux formations proposées, et votre opposition à l’utilisation de l’outil si vous l’avez exprimée.',
      'Ce qu’il est advenu des formations qui vous ont été proposées : si vous y êtes entré, si vous avez trouvé un ' +
        'emploi dans les six mois, et le jour où votre agence l’a constaté.',
      'Le journal des décisions : chaque événement qui vous concerne, sous un pseudonyme ; ce qui vous est personnel y ' +
        'est chiffré avec une clé propre à vous.',
    ],
    source:
      'Votre profil, le conseiller qui vous suit et ce qu’il est advenu des formations proposées viennent du système ' +
      'de gestion des dossiers de votre agence, qui les transmet à ce service ; le reste est produit par ce service : suggestions du modèle, décisions de vos ' +
      'conseillers, vos réponses.',
    recipients: [
      'Le conseiller qui vous suit et, pour un second avis, un autre conseiller. Chacune de leurs consultations de ' +
        'votre dossier est notée ; celles encore gardées sont listées dans ce relevé, avec leur date et ce qui a été ' +
        'consulté (le motif d’une consultation n’est pas noté).',
      'Les auditeurs et le délégué à la protection des données, qui ne voient que des pseudonymes, des données ' +
        'chiffrées qu’ils ne peuvent pas lire et des chiffres d’ensemble. Leurs consultations du journal qui visent ' +
        'votre pseudonyme ou une liste préparée pour vous sont listées dans ce relevé, avec leur date et leur motif ; ' +
        'une consultation de l’ensemble du journal, qui ne vise personne, n’y figure pas.',
      'Les administrateurs du service, pour répondre à vos demandes, comme celle-ci.',
    ],
    retention: {
      personalDataDays: personalDays,
      logDays,
      idempotencyHours,
      readTraceDays,
      statement:
        `Les suggestions sont supprimées ${personalDays} jours après leur présentation dans votre espace, même si ` +
        'elles y sont encore affichées ; celles qui ne vous ont pas été présentées, ' +
        `${personalDays} jours après que votre conseiller a cessé de les examiner ou qu’elles ont expiré. ` +
        `Vos réponses, et celles de votre conseiller à vos contestations, sont supprimées ${personalDays} jours ` +
        'après avoir été données. Ce qu’il est advenu d’une formation proposée est supprimé avec la suggestion qu’il ' +
        `concerne. Votre profil est supprimé, avec toutes vos suggestions, après ${personalDays} jours sans ` +
        'activité sur votre dossier. Le journal des décisions n’est jamais effacé : ' +
        `${logDays} jours après la dernière activité sur votre dossier (répondre à une demande d’accès n’en est pas ` +
        'une), la clé qui chiffre ce qui vous y est personnel est détruite et ces données deviennent illisibles. ' +
        'Les copies techniques des réponses du ' +
        `service sont gardées ${idempotencyHours} heures. Chaque consultation de votre dossier par un conseiller ` +
        `est notée et gardée ${readTraceDays} jours après sa dernière lecture (des lectures répétées, chacune moins de ` +
        `${CONSULTATION_WINDOW_MS / 60_000} minutes après la précédente, sont une consultation) ; elle ne compte ` +
        'pas comme une activité sur votre dossier.',
    },
    logic: {
      statement:
        'Aucune décision n’est prise automatiquement : chaque formation suggérée par le modèle est examinée par un ' +
        'conseiller, qui l’approuve ou la rejette avant que vous la voyiez. Le modèle estime, pour chaque formation, la ' +
        'chance de retour à l’emploi dans les 6 mois, à partir de valeurs calculées sur votre profil et sur la ' +
        'formation ; la part de chaque valeur dans cette estimation est conservée avec chaque suggestion. Elle est ' +
        'exacte pour un modèle qui additionne la part de chaque valeur, et estimée par échantillonnage (un calcul ' +
        'répété sur des tirages au hasard) pour les autres. La fiche de chaque modèle, qui décrit son fonctionnement, ses données d’entraînement et ' +
        'ses limites, est jointe à cette réponse.' +
        models.map(describeRecall).join(''),
      models,
    },
    rights: [
      {
        right: 'access',
        how:
          'Ce relevé répond à votre demande d’accès (RGPD, art. 15 ; règlement européen sur l’IA, art. 86). Votre espace ' +
          '(rubrique « Mes données ») montre aussi vos données à tout moment.',
      },
      {
        right: 'rectification',
        how:
          'Votre profil vient du dossier de votre agence : pour le corriger, adressez-vous à votre conseiller ; la ' +
          'correction arrive ici avec la mise à jour suivante du dossier. Vous pouvez aussi discuter ou contester une ' +
          'proposition auprès de lui.',
      },
      {
        right: 'restriction',
        how:
          'Pendant que l’exactitude de votre profil est vérifiée, ou dans les autres cas prévus par le RGPD (art. 18), ' +
          'vous pouvez demander au délégué à la protection des données ' +
          `(${describePrivacyContact(privacyContact)}) que vos données soient seulement conservées. Dans l’outil, ` +
          'l’opposition (ci-dessous) arrête toute utilisation de l’IA pour votre dossier dès qu’elle est enregistrée ; ' +
          'le délégué vous dit ce que votre agence suspend pour le reste de votre accompagnement, et vous prévient ' +
          'avant que la limitation soit levée.',
      },
      {
        right: 'objection',
        how:
          'Vous pouvez vous opposer à l’utilisation de l’outil d’aide pour votre dossier, depuis votre espace ou en le ' +
          'disant à votre conseiller, sans conséquence sur votre accompagnement ; vous seul pouvez ensuite retirer ' +
          'cette opposition.',
      },
      {
        right: 'erasure',
        how:
          'Vous pouvez demander l’effacement de vos données au délégué à la protection des données ' +
          `(${describePrivacyContact(privacyContact)}) : votre profil, vos ` +
          'suggestions, vos réponses et ce qu’il est advenu des formations proposées sont supprimés, et ce qui est chiffré à votre nom dans le journal (votre profil ' +
          'tel que le modèle l’a lu, les estimations, vos commentaires) devient illisible. Le journal, qui n’est jamais ' +
          'effacé, garde sous un pseudonyme ce qu’il montre en clair aux auditeurs : quelles formations ont été ' +
          'suggérées, les décisions prises et leurs motifs, le type de vos réponses. Une opposition à l’outil d’aide ' +
          'qui est en cours reste enregistrée : si votre dossier revient, elle s’applique, et vous seul pouvez la retirer.',
      },
      {
        right: 'complaint',
        how: 'Vous pouvez adresser une réclamation à la CNIL (www.cnil.fr).',
      },
    ],
  };
}

/**
 * The active model and every model that made one of `sets`, as the registry knows them. A model
 * the registry no longer holds is described from the set it made.
 */
export function listModelsInvolved(
  registered: readonly RegisteredModel[],
  sets: readonly RecommendationSet[],
): ModelInvolved[] {
  const used = new Map<string, RecommendationSet>();
  for (const set of sets) if (set.model !== null && !used.has(set.model.id)) used.set(set.model.id, set);
  const involved: ModelInvolved[] = registered
    .filter((model) => model.status === 'active' || used.has(model.id))
    .map((model) => ({
      id: model.id,
      version: model.version,
      sha256: model.sha256,
      active: model.status === 'active',
      usedForPerson: used.has(model.id),
      attributionMethod: model.manifest.attributionMethod,
      recall: model.recall === null ? null : { at: model.recall.at, reason: model.recall.reason },
      card: cardPathOf(model.id),
    }));
  for (const [id, set] of used) {
    if (set.model === null || set.attributionMethod === null) continue;
    if (involved.some((model) => model.id === id)) continue;
    involved.push({
      ...set.model,
      active: false,
      usedForPerson: true,
      attributionMethod: set.attributionMethod.method,
      recall: null,
      card: cardPathOf(id),
    });
  }
  return involved;
}

/** The sentence telling the person that a model which made their suggestions was recalled; none otherwise. */
function describeRecall(model: ModelInvolved): string {
  if (model.recall === null) return '';
  return (
    ` Le modèle ${model.id} a été rappelé le ${formatFrenchDay(model.recall.at)}, un défaut y ayant été trouvé ` +
    `(motif : ${model.recall.reason}) : il n’est plus utilisé, et celles de ses suggestions à votre sujet qui étaient ` +
    'encore à l’examen ou publiées vous ont été retirées.'
  );
}

function cardPathOf(modelId: string): string {
  return `/v1/models/${encodeURIComponent(modelId)}/card`;
}
