/** The counselors of the demo: each holds a caseload of four demo job seekers. */
export const DEMO_COUNSELOR_IDS = ['c-001', 'c-002', 'c-003'] as const;

/**
 * A demo job seeker as written by hand, so that the README can describe each one. Dates are
 * offsets from the day the demo is generated, so the demo never goes stale.
 */
export interface DemoJobSeekerProfile {
  id: string;
  counselorId: (typeof DEMO_COUNSELOR_IDS)[number];
  /** A city of `DEMO_CITIES`. */
  city: string;
  /** False: no coordinates are on file (the integration may know only the commune, which is not kept). */
  locationKnown: boolean;
  targetOccupations: string[];
  educationLevel: number;
  skills: string[];
  yearsExperience: number;
  monthsUnemployed: number;
  mobilityRadiusKm: number;
  remoteOk: boolean;
  /** Days from the generation date until the person is available; null when available now. */
  availableInDays: number | null;
  /** One line for people trying the demo. */
  summary: string;
}

export const DEMO_JOB_SEEKERS: readonly DemoJobSeekerProfile[] = [
  {
    id: 'js-1001',
    counselorId: 'c-001',
    city: 'Lyon',
    locationKnown: true,
    targetOccupations: ['J1501', 'K1302'],
    educationLevel: 3,
    skills: ['accompagnement-personne', 'aide-repas', 'ergonomie-manutention', 'communication-bienveillante'],
    yearsExperience: 4,
    monthsUnemployed: 7,
    mobilityRadiusKm: 30,
    remoteOk: false,
    availableInDays: null,
    summary: 'Lyon: home care worker for four years, aims at nursing assistant (J1501)',
  },
  {
    id: 'js-1002',
    counselorId: 'c-001',
    city: 'Grenoble',
    locationKnown: true,
    targetOccupations: ['M1805'],
    educationLevel: 5,
    skills: ['html-css', 'javascript', 'sql', 'support-utilisateurs'],
    yearsExperience: 2,
    monthsUnemployed: 5,
    mobilityRadiusKm: 20,
    remoteOk: true,
    availableInDays: 14,
    summary: 'Grenoble: former IT support technician retraining as a web developer (M1805), remote ok',
  },
  {
    id: 'js-1003',
    counselorId: 'c-001',
    city: 'Saint-Étienne',
    locationKnown: true,
    targetOccupations: ['N1103', 'N1101'],
    educationLevel: 3,
    skills: ['preparation-commandes', 'emballage', 'gestion-stocks', 'chargement-dechargement'],
    yearsExperience: 10,
    monthsUnemployed: 14,
    mobilityRadiusKm: 40,
    remoteOk: false,
    availableInDays: null,
    summary: 'Saint-Étienne: ten years of warehouse work, wants a forklift licence (N1103, N1101)',
  },
  {
    id: 'js-1004',
    counselorId: 'c-001',
    city: 'Clermont-Ferrand',
    locationKnown: true,
    targetOccupations: ['G1602', 'G1603'],
    educationLevel: 3,
    skills: ['plonge', 'preparation-froide', 'hygiene-alimentaire'],
    yearsExperience: 1,
    monthsUnemployed: 3,
    mobilityRadiusKm: 25,
    remoteOk: false,
    availableInDays: 30,
    summary: 'Clermont-Ferrand: kitchen porter aiming at cook (G1602), available in a month',
  },
  {
    id: 'js-1005',
    counselorId: 'c-002',
    city: 'Paris',
    locationKnown: true,
    targetOccupations: ['M1203'],
    educationLevel: 4,
    skills: ['saisie-comptable', 'tableur', 'bureautique', 'classement-archivage'],
    yearsExperience: 6,
    monthsUnemployed: 9,
    mobilityRadiusKm: 15,
    remoteOk: true,
    availableInDays: null,
    summary: 'Paris: accounts clerk aiming at assistant accountant (M1203), remote ok',
  },
  {
    id: 'js-1006',
    counselorId: 'c-002',
    city: 'Paris',
    locationKnown: false,
    targetOccupations: ['K2204', 'D1507'],
    educationLevel: 3,
    skills: ['techniques-nettoyage', 'produits-entretien'],
    yearsExperience: 0.5,
    monthsUnemployed: 22,
    mobilityRadiusKm: 10,
    remoteOk: false,
    availableInDays: null,
    summary: 'Paris (commune code only, no coordinates): long-term unemployed, cleaning or shelf stocking',
  },
  {
    id: 'js-1007',
    counselorId: 'c-002',
    city: 'Lille',
    locationKnown: true,
    targetOccupations: ['N4101', 'N4105'],
    educationLevel: 3,
    skills: ['permis-c', 'livraison', 'eco-conduite', 'chargement-dechargement'],
    yearsExperience: 8,
    monthsUnemployed: 4,
    mobilityRadiusKm: 80,
    remoteOk: false,
    availableInDays: null,
    summary: 'Lille: delivery driver wanting long-distance haulage (N4101), travels up to 80 km',
  },
  {
    id: 'js-1008',
    counselorId: 'c-002',
    city: 'Rouen',
    locationKnown: true,
    targetOccupations: ['M1607', 'M1602'],
    educationLevel: 4,
    skills: ['accueil-telephonique', 'bureautique', 'gestion-agenda', 'accueil-physique'],
    yearsExperience: 12,
    monthsUnemployed: 11,
    mobilityRadiusKm: 30,
    remoteOk: true,
    availableInDays: 21,
    summary: 'Rouen: receptionist for twelve years, aims at administrative assistant (M1607)',
  },
  {
    id: 'js-1009',
    counselorId: 'c-003',
    city: 'Marseille',
    locationKnown: true,
    targetOccupations: ['J1506', 'J1501'],
    educationLevel: 4,
    skills: ['soins-hygiene-confort', 'transmissions-ciblees', 'hygiene-hospitaliere', 'relation-patient'],
    yearsExperience: 7,
    monthsUnemployed: 6,
    mobilityRadiusKm: 40,
    remoteOk: false,
    availableInDays: null,
    summary: 'Marseille: nursing assistant for seven years, aims at nurse (J1506)',
  },
  {
    id: 'js-1010',
    counselorId: 'c-003',
    city: 'Toulouse',
    locationKnown: true,
    targetOccupations: ['I1304', 'H2909'],
    educationLevel: 4,
    skills: ['montage-mecanique', 'lecture-plans', 'outillage', 'controle-qualite'],
    yearsExperience: 15,
    monthsUnemployed: 8,
    mobilityRadiusKm: 50,
    remoteOk: false,
    availableInDays: null,
    summary: 'Toulouse: aircraft parts fitter moving to industrial maintenance (I1304)',
  },
  {
    id: 'js-1011',
    counselorId: 'c-003',
    city: 'Nantes',
    locationKnown: true,
    targetOccupations: ['F1703', 'F1606'],
    educationLevel: 3,
    skills: ['lecture-plans', 'maconnerie-blocs', 'securite-chantier'],
    yearsExperience: 3,
    monthsUnemployed: 2,
    mobilityRadiusKm: 50,
    remoteOk: false,
    availableInDays: null,
    summary: 'Nantes: building labourer wanting a mason’s qualification (F1703)',
  },
  {
    id: 'js-1012',
    counselorId: 'c-003',
    city: 'Guéret',
    locationKnown: true,
    targetOccupations: ['D1106', 'D1507'],
    educationLevel: 3,
    skills: ['encaissement', 'accueil-client', 'mise-en-rayon'],
    yearsExperience: 2,
    monthsUnemployed: 13,
    mobilityRadiusKm: 60,
    remoteOk: false,
    availableInDays: 7,
    summary: 'Guéret (rural Creuse): cashier looking for food retail courses (D1106), few courses nearby',
  },
];

export const DEMO_JOB_SEEKER_IDS: readonly string[] = DEMO_JOB_SEEKERS.map((profile) => profile.id);
