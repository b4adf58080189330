import type { GeoPoint } from '../shared/geo.ts';

/** A ROME domain of the synthetic labour market, with its occupations and the skills its courses teach. */
export interface SyntheticDomain {
  prefix: string;
  label: string;
  occupations: readonly string[];
  /** Relative weight of the domain among women's and men's targets (synthetic occupational segregation). */
  weightFemale: number;
  weightMale: number;
}

export interface SyntheticCity {
  name: string;
  communeCode: string;
  point: GeoPoint;
  weight: number;
}

export const SYNTHETIC_DOMAINS: readonly SyntheticDomain[] = [
  {
    prefix: 'M18',
    label: 'Informatique',
    occupations: ['M1805', 'M1810', 'M1802'],
    weightFemale: 1,
    weightMale: 3,
  },
  { prefix: 'J15', label: 'Soins', occupations: ['J1501', 'J1506'], weightFemale: 4, weightMale: 1 },
  { prefix: 'N11', label: 'Logistique', occupations: ['N1103', 'N1105'], weightFemale: 1, weightMale: 3 },
  { prefix: 'D15', label: 'Commerce', occupations: ['D1507', 'D1505'], weightFemale: 3, weightMale: 2 },
  { prefix: 'G16', label: 'Restauration', occupations: ['G1602', 'G1603'], weightFemale: 2, weightMale: 2 },
  { prefix: 'F16', label: 'Bâtiment', occupations: ['F1603', 'F1606'], weightFemale: 0.5, weightMale: 3 },
  {
    prefix: 'K13',
    label: 'Aide à la personne',
    occupations: ['K1302', 'K1304'],
    weightFemale: 4,
    weightMale: 0.7,
  },
  { prefix: 'M16', label: 'Secrétariat', occupations: ['M1602', 'M1607'], weightFemale: 3, weightMale: 1 },
  { prefix: 'H29', label: 'Mécanique', occupations: ['H2909', 'H2913'], weightFemale: 0.5, weightMale: 2.5 },
  { prefix: 'A14', label: 'Agriculture', occupations: ['A1414', 'A1405'], weightFemale: 1, weightMale: 1.5 },
];

export const SYNTHETIC_CITIES: readonly SyntheticCity[] = [
  { name: 'Paris', communeCode: '75056', point: { lat: 48.8566, lon: 2.3522 }, weight: 6 },
  { name: 'Lyon', communeCode: '69123', point: { lat: 45.764, lon: 4.8357 }, weight: 3 },
  { name: 'Marseille', communeCode: '13055', point: { lat: 43.2965, lon: 5.3698 }, weight: 3 },
  { name: 'Lille', communeCode: '59350', point: { lat: 50.6292, lon: 3.0573 }, weight: 2 },
  { name: 'Toulouse', communeCode: '31555', point: { lat: 43.6047, lon: 1.4442 }, weight: 2 },
  { name: 'Nantes', communeCode: '44109', point: { lat: 47.2184, lon: -1.5536 }, weight: 2 },
  { name: 'Bordeaux', communeCode: '33063', point: { lat: 44.8378, lon: -0.5792 }, weight: 2 },
  { name: 'Strasbourg', communeCode: '67482', point: { lat: 48.5734, lon: 7.7521 }, weight: 1.5 },
  { name: 'Rennes', communeCode: '35238', point: { lat: 48.1173, lon: -1.6778 }, weight: 1.5 },
  { name: 'Clermont-Ferrand', communeCode: '63113', point: { lat: 45.7772, lon: 3.087 }, weight: 1 },
  { name: 'Guéret', communeCode: '23096', point: { lat: 46.1714, lon: 1.8717 }, weight: 0.5 },
];

/** Skills taught per domain: `SK-<domain>-<n>`, plus transversal skills `SK-TR-<n>`. */
export const SKILLS_PER_DOMAIN = 8;
export const TRANSVERSAL_SKILLS: readonly string[] = ['SK-TR-1', 'SK-TR-2', 'SK-TR-3', 'SK-TR-4'];

/** Returns the skill codes of a domain. */
export function listDomainSkills(domain: SyntheticDomain): string[] {
  return Array.from({ length: SKILLS_PER_DOMAIN }, (_, i) => `SK-${domain.prefix}-${i + 1}`);
}
