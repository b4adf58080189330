const FRENCH_DAY = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

/** The day of an instant or of a calendar date (`2027-01-11`), as the person reads it: « 11 janvier 2027 ». */
export function formatFrenchDay(timestampOrDay: string): string {
  // A calendar date is read at midday, so that no time zone moves it to the day before.
  const instant = timestampOrDay.length === 10 ? `${timestampOrDay}T12:00:00Z` : timestampOrDay;
  return FRENCH_DAY.format(new Date(instant));
}
