import { MAX_EDUCATION_LEVEL, MIN_EDUCATION_LEVEL, ROME_CODE } from '../job-seekers/job-seeker.ts';
import { describeDirectionControl, findDirectionControl } from '../shared/direction-controls.ts';
import type { GeoPoint } from '../shared/geo.ts';
import { countDaysInMonth, describeMissingDay } from '../shared/iso-day.ts';
import { countShownCharacters } from '../shared/shown-text.ts';
import { normaliseSkillCodes } from '../shared/skill-codes.ts';
import { holdsUnstorableCharacter, UNSTORABLE_REASON } from '../shared/storable-text.ts';
import { COURSE_ID, type CourseRecord, isRemoteOnly, MODALITIES, type Modality } from './course.ts';

/** One broken rule of a course record: the field (`location.lat`, `skills[2]`) and why. */
export interface FieldProblem {
  field: string;
  reason: string;
}

export type CourseRecordCheck = { course: CourseRecord } | { errors: FieldProblem[] };

/** The field name used when the problem is the line as a whole (not an object, not JSON, …). */
export const WHOLE_RECORD = '(line)';

/** Every field a course record may carry; anything else is refused, as the contract does. */
export const COURSE_RECORD_FIELDS = [
  'id',
  'title',
  'provider',
  'targetOccupations',
  'skills',
  'exitLevel',
  'prerequisiteLevel',
  'durationHours',
  'modality',
  'location',
  'city',
  'nextSessionStart',
  'funded',
  'certifying',
  'returnToEmploymentRate',
  'active',
] as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(COURSE_RECORD_FIELDS);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A course named by spaces alone, or by characters drawn as nothing (a zero-width space, a soft
 * hyphen), would be shown nameless to the counselor and the person.
 */
const SHOWN = { shown: true };

/**
 * Checks one course record (an import line, or an upsert with its id) against the rules of the
 * OpenAPI `CourseFields` schema plus the `ExternalId` id, and lists every broken rule. It is the one
 * place these rules live in code: the import has no OpenAPI validator in front of each line.
 */
export function validateCourseRecord(value: unknown): CourseRecordCheck {
  if (!isRecord(value)) return { errors: [{ field: WHOLE_RECORD, reason: 'must be a JSON object' }] };
  const errors: FieldProblem[] = [];
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) errors.push({ field: shortenForReport(key), reason: 'is not a known field' });
  }
  const fields = new FieldReader(value, errors);
  const course = {
    id: fields.text('id', {
      min: 1,
      max: 64,
      pattern: COURSE_ID,
      patternReason: 'must be 1 to 64 letters, digits or ._:- starting with a letter or digit',
    }),
    title: fields.text('title', { min: 1, max: 300, ...SHOWN }),
    provider: fields.text('provider', { min: 1, max: 200, ...SHOWN }),
    targetOccupations: fields.codes('targetOccupations', {
      min: 1,
      max: 20,
      item: (code) =>
        ROME_CODE.test(code) ? undefined : 'must be a ROME code (a letter A to N, then 4 digits)',
    }),
    skills: fields.codes('skills', {
      min: 0,
      max: 100,
      item: (skill) =>
        skill.trim() === ''
          ? 'must hold a character other than a space'
          : codePointLength(skill) <= 64
            ? undefined
            : 'must be 1 to 64 characters long',
    }),
    exitLevel: fields.level('exitLevel'),
    prerequisiteLevel: fields.level('prerequisiteLevel'),
    durationHours: fields.durationHours('durationHours'),
    modality: fields.modality('modality'),
    location: fields.location(
      'location',
      MODALITIES.find((known) => known === value.modality),
    ),
    city: fields.nullable('city', () => fields.text('city', { max: 120 })),
    nextSessionStart: fields.nullable('nextSessionStart', () => fields.date('nextSessionStart')),
    funded: fields.boolean('funded'),
    certifying: fields.boolean('certifying'),
    returnToEmploymentRate: fields.nullable('returnToEmploymentRate', () =>
      fields.number('returnToEmploymentRate', { min: 0, max: 1, reason: 'must be a number from 0 to 1' }),
    ),
    active: fields.boolean('active'),
  };
  if (errors.length > 0) return { errors };
  // Every reader pushed an error when it returned undefined, so no field is undefined here.
  const checked = course as CourseRecord;
  return { course: { ...checked, skills: normaliseSkillCodes(checked.skills) } };
}

/** True for a plain JSON object (not an array, not null). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MISSING = Symbol('missing');

/** Why a required field given as null (an empty CSV cell) is refused. */
const EMPTY_REASON = 'is required, and is empty here (a blank CSV cell, or null): give its value';

const PLACE_REQUIRED =
  'is required for an in_person or hybrid course: give {lat, lon} where its sessions are held, ' +
  'or make the modality remote when the course is followed at a distance only';

/** Reads typed fields of one object, pushing a problem for each broken rule; undefined means broken. */
class FieldReader {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly errors: FieldProblem[],
    private readonly prefix = '',
  ) {}

  private present(field: string): unknown {
    if (this.record[field] === undefined) {
      this.fail(field, 'is required');
      return MISSING;
    }
    // An empty CSV cell reads as null: saying it is not of the right type would send the admin
    // looking at a value that is not there.
    if (this.record[field] === null) {
      this.fail(field, EMPTY_REASON);
      return MISSING;
    }
    return this.record[field];
  }

  private fail(field: string, reason: string): undefined {
    this.errors.push({ field: this.prefix + field, reason });
    return undefined;
  }

  nullable<T>(field: string, read: () => T | undefined): T | null | undefined {
    if (Object.hasOwn(this.record, field) && this.record[field] === null) return null;
    return read();
  }

  text(
    field: string,
    rule: {
      min?: number;
      max: number;
      pattern?: RegExp;
      patternReason?: string;
      shown?: boolean;
    },
  ): string | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (typeof value !== 'string') return this.fail(field, 'must be a string');
    if (holdsUnstorableCharacter(value)) return this.fail(field, UNSTORABLE_REASON);
    const control = findDirectionControl(value);
    if (control !== undefined) return this.fail(field, describeDirectionControl(control));
    const min = rule.min ?? 0;
    if (value.length < min || codePointLength(value) > rule.max) {
      return this.fail(field, `must be ${min} to ${rule.max} characters long`);
    }
    if (rule.pattern !== undefined && !rule.pattern.test(value)) {
      return this.fail(field, rule.patternReason ?? `must match ${rule.pattern.source}`);
    }
    if (rule.shown === true && countShownCharacters(value) === 0) {
      return this.fail(field, 'must hold a character that shows, other than spaces and invisible characters');
    }
    return value;
  }

  codes(
    field: string,
    rule: { min: number; max: number; item: (code: string) => string | undefined },
  ): string[] | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (!Array.isArray(value)) return this.fail(field, 'must be an array');
    if (value.length < rule.min || value.length > rule.max) {
      return this.fail(field, `must hold ${rule.min} to ${rule.max} items`);
    }
    let valid = true;
    value.forEach((item: unknown, index) => {
      const reason =
        typeof item !== 'string'
          ? 'must be a string'
          : holdsUnstorableCharacter(item)
            ? UNSTORABLE_REASON
            : rule.item(item);
      if (reason !== undefined) {
        this.fail(`${field}[${index}]`, reason);
        valid = false;
      }
    });
    if (!valid) return undefined;
    if (new Set(value).size !== value.length) return this.fail(field, 'must not repeat an item');
    return value as string[];
  }

  number(field: string, rule: { min: number; max: number; reason: string }): number | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.fail(field, 'must be a number');
    if (value < rule.min || value > rule.max) return this.fail(field, rule.reason);
    return value;
  }

  level(field: string): number | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < MIN_EDUCATION_LEVEL ||
      value > MAX_EDUCATION_LEVEL
    ) {
      return this.fail(field, `must be an integer from ${MIN_EDUCATION_LEVEL} to ${MAX_EDUCATION_LEVEL}`);
    }
    return value;
  }

  durationHours(field: string): number | undefined {
    const reason = 'must be more than 0 and at most 5000';
    const value = this.number(field, { min: 0, max: 5000, reason });
    return value === 0 ? this.fail(field, reason) : value;
  }

  modality(field: string): Modality | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (typeof value !== 'string' || !(MODALITIES as readonly string[]).includes(value)) {
      return this.fail(field, `must be one of ${MODALITIES.join(', ')}`);
    }
    return value as Modality;
  }

  boolean(field: string): boolean | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (typeof value !== 'boolean') return this.fail(field, 'must be true or false');
    return value;
  }

  date(field: string): string | undefined {
    const value = this.present(field);
    if (value === MISSING) return undefined;
    if (typeof value !== 'string' || !isIsoDate(value)) {
      const missingDay = typeof value === 'string' ? describeMissingDay(value) : undefined;
      return this.fail(
        field,
        `must be a date as YYYY-MM-DD${missingDay === undefined ? '' : `: ${missingDay}`}`,
      );
    }
    return value;
  }

  /**
   * A course held somewhere (in_person, hybrid) needs its place: without it, no search near a place and
   * no person's radius would ever find it. Null is for a course followed at a distance only. The
   * modality is the record's when it is a known one, undefined otherwise (its own error says why).
   */
  location(field: string, modality: Modality | undefined): GeoPoint | null | undefined {
    const value = this.record[field];
    const heldSomewhere = modality !== undefined && !isRemoteOnly(modality);
    if (value === undefined) {
      if (heldSomewhere) return this.fail(field, PLACE_REQUIRED);
      return this.fail(
        field,
        modality === undefined
          ? 'is required: {lat, lon} where the sessions are held, or null for a remote-only course'
          : 'is required: null for a remote-only course',
      );
    }
    if (value === null) return heldSomewhere ? this.fail(field, PLACE_REQUIRED) : null;
    if (!isRecord(value)) return this.fail(field, 'must be an object with lat and lon, or null');
    const before = this.errors.length;
    for (const key of Object.keys(value)) {
      if (key !== 'lat' && key !== 'lon')
        this.fail(`${field}.${shortenForReport(key)}`, 'is not a known field');
    }
    const point = new FieldReader(value, this.errors, `${this.prefix}${field}.`);
    const lat = point.number('lat', { min: -90, max: 90, reason: 'must be a number from -90 to 90' });
    const lon = point.number('lon', { min: -180, max: 180, reason: 'must be a number from -180 to 180' });
    if (this.errors.length > before || lat === undefined || lon === undefined) return undefined;
    return { lat, lon };
  }
}

/** A real calendar date written YYYY-MM-DD (as JSON Schema's `format: date`). */
function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= countDaysInMonth(year, month);
}

/** String length as JSON Schema counts it: in code points, not UTF-16 units. */
function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/** Unknown keys are echoed back in errors; a hostile key must not blow up the report. */
export function shortenForReport(key: string): string {
  return key.length > 64 ? `${key.slice(0, 61)}...` : key;
}
