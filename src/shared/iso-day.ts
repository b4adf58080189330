const DAY_MS = 86_400_000;
const DIGIT_0 = 48;

/** The `YYYY-MM-DD` of a day number (days since 1970-01-01, UTC). */
export function formatIsoDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Returns the day number (days since 1970-01-01, UTC) of the date a string starts with. Plain
 * `YYYY-MM-DD` prefixes are read arithmetically, as Date.parse reads them (a day past the month's end
 * rolls over); anything else goes through Date.parse itself, so both paths agree on every input.
 */
export function parseIsoDay(isoDate: string): number {
  const year = readDigits(isoDate, 0, 4);
  const month = readDigits(isoDate, 5, 2);
  const day = readDigits(isoDate, 8, 2);
  if (
    isoDate.charCodeAt(4) === 0x2d &&
    isoDate.charCodeAt(7) === 0x2d &&
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31
  ) {
    return countDaysSinceEpoch(year, month, day);
  }
  const time = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(time)) {
    throw new RangeError(`not an ISO date: ${isoDate}`);
  }
  return time / DAY_MS;
}

/** Reads `length` decimal digits at `start`; -1 when any of them is not a digit. */
function readDigits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (years 0 to 9999; `day` may run past the month). */
function countDaysSinceEpoch(year: number, month: number, day: number): number {
  // Counted from 1 March, so that the leap day ends the year: the classic civil-to-days method.
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Whether a year of the proleptic Gregorian calendar has a 29 February. */
function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** The days of a month (1 to 12) of the proleptic Gregorian calendar. */
export function countDaysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Why a text that starts as a date (`YYYY-MM-DD`, month 01 to 12, day 01 to 31) names no day of the
 * calendar: `2027-02-29 is no day of the calendar (2027 is no leap year: its February ends on the
 * 28th)`. Undefined when it names one, or does not start as such a date. Told beside the words of a
 * refused date, whose form the caller did write right: without it, "must be a date (2026-12-04)"
 * leaves them looking for what is wrong with `2027-02-29`.
 */
export function describeMissingDay(text: string): string | undefined {
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || year < 0 || month < 1 || month > 12) {
    return undefined;
  }
  const days = countDaysInMonth(year, month);
  if (day < 1 || day > 31 || day <= days) return undefined;
  const why =
    month === 2 && day === 29
      ? `${text.slice(0, 4)} is no leap year: its February ends on the 28th`
      : `${MONTH_NAMES[month - 1]} has ${days} days`;
  return `${text.slice(0, 10)} is no day of the calendar (${why})`;
}
