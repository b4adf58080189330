const DAYS_PER_WEEK = 7;

/**
 * A span counted in weeks (days divided by seven, as the features count it) as a person says it:
 * days under a week, whole weeks when it falls on one, otherwise the nearest week with « environ »,
 * never the decimals of a division by seven (« 39,86 semaines »). The sign is the caller's to say.
 */
export function formatFrenchWeeks(weeks: number): string {
  // Rounded to whole days first: the value comes back from float32 a hair off the day it counts.
  const days = Math.round(Math.abs(weeks) * DAYS_PER_WEEK);
  if (days < DAYS_PER_WEEK) return countFrench(days, 'jour');
  const nearest = countFrench(Math.round(days / DAYS_PER_WEEK), 'semaine');
  return days % DAYS_PER_WEEK === 0 ? nearest : `environ ${nearest}`;
}

/** « 0 jour », « 1 jour », « 2 jours »: French keeps the singular below 2. */
function countFrench(count: number, noun: string): string {
  return `${count} ${noun}${count >= 2 ? 's' : ''}`;
}
