import type { GeoPoint } from '../shared/geo.ts';

/** A French commune where demo courses are held and demo job seekers live. */
export interface DemoCity {
  name: string;
  /** INSEE commune code (the official one, e.g. `75056` for Paris, `2A004` for Ajaccio). */
  communeCode: string;
  /** Town hall coordinates, WGS84. */
  point: GeoPoint;
  region: string;
  /** Relative share of the catalog held there, roughly the size of the employment area. */
  weight: number;
}

/** Metropolitan France, Corsica included: every demo coordinate falls inside. */
export const METROPOLITAN_FRANCE_BOUNDS = { minLat: 41.3, maxLat: 51.1, minLon: -5.2, maxLon: 9.6 } as const;

export const DEMO_CITIES: readonly DemoCity[] = [
  city('Paris', '75056', 48.8566, 2.3522, 'Île-de-France', 14),
  city('Marseille', '13055', 43.2965, 5.3698, "Provence-Alpes-Côte d'Azur", 6),
  city('Lyon', '69123', 45.764, 4.8357, 'Auvergne-Rhône-Alpes', 7),
  city('Toulouse', '31555', 43.6047, 1.4442, 'Occitanie', 5),
  city('Nice', '06088', 43.7102, 7.262, "Provence-Alpes-Côte d'Azur", 3),
  city('Nantes', '44109', 47.2184, -1.5536, 'Pays de la Loire', 4),
  city('Montpellier', '34172', 43.6108, 3.8767, 'Occitanie', 3.5),
  city('Strasbourg', '67482', 48.5734, 7.7521, 'Grand Est', 3.5),
  city('Bordeaux', '33063', 44.8378, -0.5792, 'Nouvelle-Aquitaine', 4.5),
  city('Lille', '59350', 50.6292, 3.0573, 'Hauts-de-France', 4.5),
  city('Rennes', '35238', 48.1173, -1.6778, 'Bretagne', 3),
  city('Reims', '51454', 49.2583, 4.0317, 'Grand Est', 1.5),
  city('Le Havre', '76351', 49.4944, 0.1079, 'Normandie', 1.5),
  city('Saint-Étienne', '42218', 45.4397, 4.3872, 'Auvergne-Rhône-Alpes', 1.5),
  city('Toulon', '83137', 43.1242, 5.928, "Provence-Alpes-Côte d'Azur", 1.5),
  city('Grenoble', '38185', 45.1885, 5.7245, 'Auvergne-Rhône-Alpes', 2.5),
  city('Dijon', '21231', 47.322, 5.0415, 'Bourgogne-Franche-Comté', 1.5),
  city('Angers', '49007', 47.4784, -0.5632, 'Pays de la Loire', 1.5),
  city('Nîmes', '30189', 43.8367, 4.3601, 'Occitanie', 1.2),
  city('Clermont-Ferrand', '63113', 45.7772, 3.087, 'Auvergne-Rhône-Alpes', 1.5),
  city('Le Mans', '72181', 48.0061, 0.1996, 'Pays de la Loire', 1.2),
  city('Aix-en-Provence', '13001', 43.5297, 5.4474, "Provence-Alpes-Côte d'Azur", 1.2),
  city('Brest', '29019', 48.3904, -4.4861, 'Bretagne', 1.2),
  city('Tours', '37261', 47.3941, 0.6848, 'Centre-Val de Loire', 1.3),
  city('Amiens', '80021', 49.8941, 2.2958, 'Hauts-de-France', 1.1),
  city('Limoges', '87085', 45.8336, 1.2611, 'Nouvelle-Aquitaine', 1),
  city('Metz', '57463', 49.1193, 6.1757, 'Grand Est', 1.2),
  city('Besançon', '25056', 47.2378, 6.0241, 'Bourgogne-Franche-Comté', 1),
  city('Perpignan', '66136', 42.6887, 2.8948, 'Occitanie', 1),
  city('Orléans', '45234', 47.9029, 1.9093, 'Centre-Val de Loire', 1.2),
  city('Rouen', '76540', 49.4431, 1.0993, 'Normandie', 1.8),
  city('Caen', '14118', 49.1829, -0.3707, 'Normandie', 1.2),
  city('Mulhouse', '68224', 47.7508, 7.3359, 'Grand Est', 0.9),
  city('Nancy', '54395', 48.6921, 6.1844, 'Grand Est', 1.1),
  city('Poitiers', '86194', 46.5802, 0.3404, 'Nouvelle-Aquitaine', 0.8),
  city('Pau', '64445', 43.2951, -0.3708, 'Nouvelle-Aquitaine', 0.7),
  city('La Rochelle', '17300', 46.1603, -1.1511, 'Nouvelle-Aquitaine', 0.7),
  city('Ajaccio', '2A004', 41.9192, 8.7386, 'Corse', 0.5),
  city('Guéret', '23096', 46.1714, 1.8717, 'Nouvelle-Aquitaine', 0.3),
];

/** The demo city of that name; throws on a name the list does not hold (a typo in demo data). */
export function findDemoCity(name: string): DemoCity {
  const found = DEMO_CITIES.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no demo city named ${name}`);
  return found;
}

function city(
  name: string,
  communeCode: string,
  lat: number,
  lon: number,
  region: string,
  weight: number,
): DemoCity {
  return { name, communeCode, point: { lat, lon }, region, weight };
}
