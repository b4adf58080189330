import { isRemoteOnly } from '../courses/course.ts';
import { countMonthsUnemployed } from '../model/features.ts';
import { describeOccupation } from '../occupations/occupation-label.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type {
  CourseSnapshot,
  ProfileSnapshot,
  RecommendationSet,
} from '../recommendations/recommendation.ts';
import { formatFrenchDay } from '../shared/french-day.ts';
import { formatFrenchNumber, formatFrenchPercent } from '../shared/french-number.ts';

/** One thing the model used to suggest a course, in the person's words, with where it came from. */
export interface DataUsedEntry {
  label: string;
  value: string;
  source: string;
}

/**
 * The person's data the model used for `course`, from the profile kept with the set. A set made before
 * profiles were kept has none: the person's file as it is now (`current`) is shown instead, and its
 * source says so. The occupations aimed at are told with their names (`occupationLabels`).
 */
export async function describeDataUsedFor(
  set: RecommendationSet,
  current: ProfileSnapshot | undefined,
  course: CourseSnapshot,
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>,
): Promise<DataUsedEntry[]> {
  const profile = set.profileSnapshot ?? current;
  if (profile === undefined) return [];
  const labels = await occupationLabels.findLabels(profile.targetOccupations);
  const suggestedOn = formatFrenchDay(set.createdAt);
  const source =
    set.profileSnapshot !== null
      ? `${FILE_SOURCE}, tel qu’il était le ${suggestedOn}, date de cette suggestion (dossier mis à jour le ${formatFrenchDay(profile.updatedAt)})`
      : `${FILE_SOURCE}, dans son état actuel (mis à jour le ${formatFrenchDay(profile.updatedAt)}) : ` +
        `son état à la date de cette suggestion, le ${suggestedOn}, n’a pas été conservé`;
  return describeProfileUsed(profile, course, set.createdAt, source, labels);
}

const FILE_SOURCE = 'votre dossier de demandeur d’emploi, transmis par votre agence';

/** The French qualification levels (3 to 8) with the diplomas people know them by. */
const EDUCATION_LEVELS: Readonly<Record<number, string>> = {
  3: 'CAP, BEP',
  4: 'baccalauréat',
  5: 'bac + 2 (BTS, DUT)',
  6: 'bac + 3 (licence, BUT)',
  7: 'bac + 5 (master)',
  8: 'doctorat',
};

function describeEducationLevel(level: number): string {
  const diplomas = EDUCATION_LEVELS[level];
  return diplomas === undefined ? `niveau ${level}` : `niveau ${level} : ${diplomas}`;
}

/**
 * The profile fields the model used, in plain words, each with where it came from, as the model read
 * them on `suggestedAt` (the set's reference date): months unemployed counted on from the last sync, the
 * home as what is kept of it (a position, not an address) or, unknown, what the estimate of `course`
 * counted in place of its distance. Skills are the file's codes as stored, as the export gives them:
 * no label exists for them, and none is made up.
 */
function describeProfileUsed(
  profile: ProfileSnapshot,
  course: CourseSnapshot,
  suggestedAt: string,
  source: string,
  occupationLabels: ReadonlyMap<string, string>,
): DataUsedEntry[] {
  const yesNo = (value: boolean) => (value ? 'oui' : 'non');
  const occupations = profile.targetOccupations.map((code) => describeOccupation(code, occupationLabels));
  return [
    { label: 'Métiers visés', value: occupations.join(', '), source },
    { label: 'Niveau de diplôme', value: describeEducationLevel(profile.educationLevel), source },
    {
      label: 'Compétences',
      value: profile.skills.join(', ') || 'aucune renseignée',
      source,
    },
    { label: 'Années d’expérience', value: formatFrenchNumber(profile.yearsExperience), source },
    {
      label: 'Mois sans emploi',
      value: describeMonthsUnemployed(profile, suggestedAt),
      source,
    },
    { label: 'Position du domicile', value: describeHomeUsed(profile, course), source },
    { label: 'Rayon de mobilité', value: `${formatFrenchNumber(profile.mobilityRadiusKm)} km`, source },
    { label: 'Formation à distance acceptée', value: yesNo(profile.remoteOk), source },
    {
      label: 'Disponible à partir du',
      value: profile.availableFrom === null ? 'dès maintenant' : formatFrenchDay(profile.availableFrom),
      source,
    },
  ];
}

/**
 * The home as the model used it: its position (coordinates are kept, not the postal address) or, unknown,
 * that no distance was measured, and for a course held in part in a place what the estimate counted
 * instead: the distance the person accepts to travel.
 */
function describeHomeUsed(profile: ProfileSnapshot, course: CourseSnapshot): string {
  if (profile.location !== null) return 'connue : des coordonnées, pas votre adresse postale';
  if (isRemoteOnly(course.modality)) {
    return 'non connue : la formation se suit à distance, aucune distance n’a été calculée';
  }
  return (
    'non connue : aucune distance n’a été mesurée ; l’estimation a compté à sa place la distance que vous ' +
    `acceptez de parcourir (${formatFrenchNumber(profile.mobilityRadiusKm)} km)`
  );
}

/**
 * What the model used of the course, from the catalog as the suggestion kept it: its features
 * (occupations, levels, duration, modality, place, session, funding, certification) and the rate the
 * reasons about past trainees rest on, told as unknown when the catalog had none.
 */
export function describeCourseDataUsed(set: RecommendationSet, course: CourseSnapshot): DataUsedEntry[] {
  const source = `${CATALOG_SOURCE}, tel qu’il était le ${formatFrenchDay(set.createdAt)}, date de cette suggestion`;
  return [
    {
      label: 'Caractéristiques de la formation',
      value:
        'métiers visés, compétences enseignées, niveaux d’entrée et de sortie, durée, modalité, lieu, date de ' +
        'la prochaine session, financement, certification',
      source,
    },
    describeRateUsed(course, source),
  ];
}

/**
 * What a course the counselor added rests on: no data about the person, which the tool used none of
 * for it (said plainly rather than by an empty list), and the course as the catalog gave it when the
 * counselor chose it, the return-to-employment rate the person's list shows included. An addition
 * keeps no day of its own: the publication, which came after the choice, is the day the person knows.
 */
export function describeAdditionDataUsed(set: RecommendationSet, course: CourseSnapshot): DataUsedEntry[] {
  const given =
    set.publishedAt === null ? '' : `, avant de vous la proposer le ${formatFrenchDay(set.publishedAt)}`;
  const source = `${CATALOG_SOURCE}, tel qu’il était quand votre conseiller a retenu cette formation${given}`;
  return [
    {
      label: 'Vos données',
      value:
        'aucune : l’outil d’aide à la décision n’a utilisé aucune donnée vous concernant pour cette formation, ' +
        'choisie par votre conseiller',
      source: 'votre conseiller, qui a ajouté cette formation',
    },
    {
      label: 'Caractéristiques de la formation',
      value: 'intitulé, organisme, modalité, lieu, date de la prochaine session',
      source,
    },
    describeRateUsed(course, source),
  ];
}

const CATALOG_SOURCE = 'le catalogue des formations';

/** The course's return-to-employment rate, as the catalog gave it (`source`), told as unknown when it had none. */
function describeRateUsed(course: CourseSnapshot, source: string): DataUsedEntry {
  const rate = course.returnToEmploymentRate;
  return {
    label: 'Taux de retour à l’emploi de la formation',
    // A share of whom, and when: the catalog's rate is of past trainees in work six months after the course.
    value:
      rate === null
        ? 'non connu'
        : `${formatFrenchPercent(rate)} des anciens stagiaires en emploi six mois après la formation`,
    source,
  };
}

/**
 * The months unemployed the model used: the file's count as synced, plus the whole months from that
 * sync to the suggestion, which the person is told when there are any.
 */
function describeMonthsUnemployed(profile: ProfileSnapshot, suggestedAt: string): string {
  const { months, synced, elapsed } = countMonthsUnemployed(profile, new Date(suggestedAt));
  if (elapsed === 0) return String(months);
  return (
    `${months} (${synced} dans votre dossier mis à jour le ${formatFrenchDay(profile.updatedAt)}, ` +
    // « 1 mois écoulé », « 2 mois écoulés »: French keeps the singular below 2.
    `plus ${elapsed} mois écoulé${elapsed >= 2 ? 's' : ''} jusqu’au ${formatFrenchDay(suggestedAt)}, date de cette suggestion)`
  );
}
