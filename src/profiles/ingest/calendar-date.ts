const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_FIRST_DATE_PATTERN = /^(\d{2})-(\d{2})-(\d{4})$/;

/**
 * Parses a calendar date written `YYYY-MM-DD` or `DD-MM-YYYY` and returns it as `YYYY-MM-DD`.
 * Returns undefined for any other text and for dates that do not exist, such as `31-02-2020`.
 */
export function parseCalendarDate(value: string): string | undefined {
  const iso = ISO_DATE_PATTERN.exec(value);
  if (iso) {
    return formatDate(iso[1], iso[2], iso[3]);
  }
  return parseDayFirstDate(value);
}

/** Parses only the `DD-MM-YYYY` form and returns it as `YYYY-MM-DD`. */
export function parseDayFirstDate(value: string): string | undefined {
  const dayFirst = DAY_FIRST_DATE_PATTERN.exec(value);
  return dayFirst ? formatDate(dayFirst[3], dayFirst[2], dayFirst[1]) : undefined;
}

/** Returns whether `value` has the `DD-MM-YYYY` shape, whether or not the date exists. */
export function isDayFirstDateShape(value: string): boolean {
  return DAY_FIRST_DATE_PATTERN.test(value);
}

function formatDate(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
): string | undefined {
  if (year === undefined || month === undefined || day === undefined) {
    return undefined;
  }
  if (!isExistingDate(Number(year), Number(month), Number(day))) {
    return undefined;
  }
  return `${year}-${month}-${day}`;
}

function isExistingDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return isLeapYear ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
