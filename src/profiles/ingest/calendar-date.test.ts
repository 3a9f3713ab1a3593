import { describe, expect, it } from 'vitest';
import { parseCalendarDate, parseDayFirstDate } from './calendar-date.js';

describe('parseCalendarDate', () => {
  it.each([
    ['1990-07-14', '1990-07-14'],
    ['14-07-1990', '1990-07-14'],
    ['2020-02-29', '2020-02-29'],
    ['29-02-2000', '2000-02-29'],
    ['0001-01-01', '0001-01-01'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseCalendarDate(value)).toBe(expected);
  });

  it.each([
    '2019-02-29',
    '29-02-1900',
    '31-04-2021',
    '2021-13-01',
    '2021-00-10',
    '2021-01-00',
    '0000-01-01',
    '1990/07/14',
    '14.07.1990',
    '1990-7-14',
    '07-14-1990',
    '',
  ])('rejects %j', (value) => {
    expect(parseCalendarDate(value)).toBeUndefined();
  });
});

describe('parseDayFirstDate', () => {
  it('rejects year-first form', () => {
    expect(parseDayFirstDate('1990-07-14')).toBeUndefined();
  });

  it('reads day-first form', () => {
    expect(parseDayFirstDate('26-08-2020')).toBe('2020-08-26');
  });
});
