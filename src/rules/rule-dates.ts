const MS_PER_MINUTE = 60_000;

export const MS_PER_DAY = 86_400_000;

/** A date or date-time read from a rule value or a profile attribute. */
export interface ParsedDate {
  /** Milliseconds since the Unix epoch. */
  epochMs: number;
  /** True when the text was a calendar date (`YYYY-MM-DD`) without a time. */
  dateOnly: boolean;
}

// `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:MM`, seconds, a fraction and an
// offset (`Z` or `±HH:MM`).
const ISO_DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parses an ISO 8601 calendar date (`2024-06-01`) or date-time (`2024-06-01T10:30:00Z`).
 * A date means midnight UTC, and a date-time without an offset is read as UTC, so the result
 * never depends on the server's time zone. Returns undefined for any other text and for dates
 * that do not exist, such as `2023-02-29` or an hour of 24.
 */
export function parseIsoDate(text: string): ParsedDate | undefined {
  const match = ISO_DATE_PATTERN.exec(text);
  if (!match) return undefined;

  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: hour === undefined ? 0 : Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    second: second === undefined ? 0 : Number(second),
  };
  if (fields.month < 1 || fields.month > 12) return undefined;
  if (fields.hour > 23 || fields.minute > 59 || fields.second > 59) return undefined;

  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, milliseconds);
  // Date rolls an impossible day over into the next month, which is how it is detected here.
  if (date.getUTCMonth() !== fields.month - 1 || date.getUTCDate() !== fields.day) {
    return undefined;
  }

  const offsetMinutes = parseOffsetMinutes(offset);
  if (offsetMinutes === undefined) return undefined;

  return { epochMs: date.getTime() - offsetMinutes * MS_PER_MINUTE, dateOnly: hour === undefined };
}

/** Returns the offset east of UTC in minutes, 0 when there is none, or undefined if invalid. */
function parseOffsetMinutes(offset: string | undefined): number | undefined {
  if (offset === undefined || offset === 'Z' || offset === 'z') return 0;

  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  const sign = offset.startsWith('-') ? -1 : 1;

  return sign * (hours * 60 + minutes);
}

/** Returns the number of whole UTC days between the epoch and `epochMs`. */
export function utcDayNumber(epochMs: number): number {
  return Math.floor(epochMs / MS_PER_DAY);
}
