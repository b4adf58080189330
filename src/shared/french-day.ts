import { parseIsoDay } from './iso-day.ts';

const FRENCH_DAY = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

/**
 * The day of an instant or of a calendar date (`2027-01-11`), as the person reads it: « 11 janvier
 * 2027 », and the first of a month with its ordinal, « 1er octobre 2026 », which Intl leaves out.
 */
export function formatFrenchDay(timestampOrDay: string): string {
  // A calendar date is read at midday, so that no time zone moves it to the day before.
  const instant = timestampOrDay.length === 10 ? `${timestampOrDay}T12:00:00Z` : timestampOrDay;
  return FRENCH_DAY.formatToParts(new Date(instant))
    .map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value))
    .join('');
}

const PARIS_ISO_DAY = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  timeZone: 'Europe/Paris',
});

/**
 * The calendar day (`2027-01-11`) an instant falls on in France, where the people and their
 * agencies live: between midnight and 1 or 2 a.m. in Paris, the UTC day is still the day before.
 */
export function parisDayOf(instant: Date): string {
  return PARIS_ISO_DAY.format(instant);
}

/**
 * "Today" wherever the product means it (a session after today, an outcome not after today): the
 * day in France, as a day number (days since 1970-01-01), never the UTC day.
 */
export function parisDayNumberOf(instant: Date): number {
  return parseIsoDay(parisDayOf(instant));
}
