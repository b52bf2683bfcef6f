import {
  birthdayKeysOn,
  daysUntilBirthday,
  isBirthdayOn,
  localDate,
  nextBirthday,
  zonedTimeToUtc,
  type Birthday,
} from '../../shared/domain/birthday';
import { addDays, lunarLeapMonth, lunarToSolar, solarToLunar } from '../../shared/domain/lunar-calendar';

// Facts of the lunar calendar used below (checked against the published calendar):
// 2025 has a leap 6th month (闰六月): 六月初一 = 2025-06-25, 闰六月初一 = 2025-07-25;
// 2025's 2nd lunar month has 29 days (二月廿九 = 2025-03-28, 三月初一 = 2025-03-29);
// 2023 has a leap 2nd month; 2024 has none.
describe('lunar calendar facts the rules rely on', () => {
  test('leap months and conversions', () => {
    expect(lunarLeapMonth(2025)).toBe(6);
    expect(lunarLeapMonth(2023)).toBe(2);
    expect(lunarLeapMonth(2024)).toBe(0);
    expect(lunarToSolar(2025, 6, 1)).toBe('2025-06-25');
    expect(lunarToSolar(2025, 6, 1, true)).toBe('2025-07-25');
    expect(solarToLunar('2025-07-25')).toEqual({ year: 2025, month: 6, day: 1, leap: true });
    expect(lunarToSolar(2025, 2, 29)).toBe('2025-03-28');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });
});

type Case = { name: string; b: Birthday; from: string; next: string };
const NEXT: Case[] = [
  { name: 'solar, later this year', b: { calendar: 'solar', month: 5, day: 20 }, from: '2025-03-01', next: '2025-05-20' },
  { name: 'solar, today', b: { calendar: 'solar', month: 3, day: 1, year: 1990 }, from: '2025-03-01', next: '2025-03-01' },
  { name: 'solar, passed → next year', b: { calendar: 'solar', month: 1, day: 2 }, from: '2025-03-01', next: '2026-01-02' },
  { name: 'Feb 29 in a leap year', b: { calendar: 'solar', month: 2, day: 29 }, from: '2024-01-01', next: '2024-02-29' },
  { name: 'Feb 29 in a non-leap year → Feb 28', b: { calendar: 'solar', month: 2, day: 29, year: 2000 }, from: '2025-01-01', next: '2025-02-28' },
  { name: 'Feb 29 after Feb 28 of a short year → next year', b: { calendar: 'solar', month: 2, day: 29 }, from: '2025-03-01', next: '2026-02-28' },
  { name: 'Feb 29 toward a leap year', b: { calendar: 'solar', month: 2, day: 29 }, from: '2027-03-01', next: '2028-02-29' },
  { name: 'lunar 正月初一 = 春节', b: { calendar: 'lunar', month: 1, day: 1 }, from: '2025-01-01', next: '2025-01-29' },
  { name: 'lunar in January still of the previous lunar year', b: { calendar: 'lunar', month: 12, day: 20 }, from: '2025-01-01', next: '2025-01-19' },
  { name: 'lunar 八月十五 year-less', b: { calendar: 'lunar', month: 8, day: 15, year: null }, from: '2024-09-18', next: '2025-10-06' },
  { name: 'lunar day 30 in a 29-day month → 29', b: { calendar: 'lunar', month: 2, day: 30 }, from: '2025-03-01', next: '2025-03-28' },
  { name: 'lunar day 30 in a 30-day month', b: { calendar: 'lunar', month: 1, day: 30 }, from: '2025-01-29', next: lunarToSolar(2025, 1, 30) },
  { name: 'leap-month birthday in a year with that leap month', b: { calendar: 'lunar', month: 6, day: 1, leapMonth: true }, from: '2025-06-01', next: '2025-07-25' },
  { name: 'leap-month birthday in a year without it → regular month', b: { calendar: 'lunar', month: 6, day: 1, leapMonth: true }, from: '2026-01-01', next: lunarToSolar(2026, 6, 1) },
  { name: 'regular-month birthday in a leap year → regular month only', b: { calendar: 'lunar', month: 6, day: 1 }, from: '2025-06-26', next: lunarToSolar(2026, 6, 1) },
  { name: 'leap 2nd month (2023) birthday', b: { calendar: 'lunar', month: 2, day: 10, leapMonth: true }, from: '2023-01-01', next: lunarToSolar(2023, 2, 10, true) },
];

describe('nextBirthday / isBirthdayOn', () => {
  test.each(NEXT)('$name: from $from → $next', ({ b, from, next }) => {
    expect(nextBirthday(b, from)).toBe(next);
    expect(isBirthdayOn(b, next)).toBe(true);
    if (next !== from) expect(isBirthdayOn(b, addDays(next, -1))).toBe(false);
    expect(daysUntilBirthday(b, from)).toBeGreaterThanOrEqual(0);
  });

  test('invalid birthdays are rejected', () => {
    expect(() => nextBirthday({ calendar: 'solar', month: 2, day: 30 }, '2025-01-01')).toThrow(RangeError);
    expect(() => nextBirthday({ calendar: 'lunar', month: 13, day: 1 }, '2025-01-01')).toThrow(RangeError);
    expect(() => nextBirthday({ calendar: 'lunar', month: 1, day: 31 }, '2025-01-01')).toThrow(RangeError);
  });
});

describe('birthdayKeysOn', () => {
  const has = (date: string, k: { calendar: 'solar' | 'lunar'; month: number; day: number; leapMonth: boolean }) =>
    birthdayKeysOn(date).some((x) => x.calendar === k.calendar && x.month === k.month && x.day === k.day && x.leapMonth === k.leapMonth);

  test.each([
    { date: '2025-02-28', key: { calendar: 'solar' as const, month: 2, day: 29, leapMonth: false }, expected: true },
    { date: '2024-02-28', key: { calendar: 'solar' as const, month: 2, day: 29, leapMonth: false }, expected: false },
    { date: '2024-02-29', key: { calendar: 'solar' as const, month: 2, day: 29, leapMonth: false }, expected: true },
    { date: '2025-03-28', key: { calendar: 'lunar' as const, month: 2, day: 30, leapMonth: false }, expected: true },
    { date: '2025-03-28', key: { calendar: 'lunar' as const, month: 2, day: 29, leapMonth: false }, expected: true },
    { date: '2025-07-25', key: { calendar: 'lunar' as const, month: 6, day: 1, leapMonth: true }, expected: true },
    { date: '2025-07-25', key: { calendar: 'lunar' as const, month: 6, day: 1, leapMonth: false }, expected: false },
    { date: '2025-06-25', key: { calendar: 'lunar' as const, month: 6, day: 1, leapMonth: true }, expected: false },
    { date: '2025-06-25', key: { calendar: 'lunar' as const, month: 6, day: 1, leapMonth: false }, expected: true },
    { date: lunarToSolar(2026, 6, 1), key: { calendar: 'lunar' as const, month: 6, day: 1, leapMonth: true }, expected: true },
  ])('$date includes $key.calendar $key.month/$key.day leap=$key.leapMonth: $expected', ({ date, key, expected }) => {
    expect(has(date, key)).toBe(expected);
  });

  // Exhaustive: over a whole lunar year (2025: with a leap month and 29-day months), every
  // possible stored birthday is celebrated on exactly one day, and the keys agree with
  // nextBirthday. Also a whole solar year for solar birthdays.
  test('every lunar birthday falls on exactly one day of lunar year 2025, matching nextBirthday', () => {
    const start = lunarToSolar(2025, 1, 1);
    const end = lunarToSolar(2026, 1, 1);
    const counts = new Map<string, string[]>();
    for (let d = start; d < end; d = addDays(d, 1)) {
      for (const k of birthdayKeysOn(d)) {
        if (k.calendar !== 'lunar') continue;
        const id = `${k.month}/${k.day}/${k.leapMonth}`;
        counts.set(id, [...(counts.get(id) ?? []), d]);
      }
    }
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= 30; day++) {
        for (const leapMonth of [false, true]) {
          const dates = counts.get(`${month}/${day}/${leapMonth}`) ?? [];
          expect({ month, day, leapMonth, dates }).toEqual({ month, day, leapMonth, dates: [nextBirthday({ calendar: 'lunar', month, day, leapMonth }, start)] });
        }
      }
    }
  });

  test('every solar birthday falls on exactly one day of 2025 and of 2024', () => {
    for (const year of [2024, 2025]) {
      const seen = new Map<string, number>();
      for (let d = `${year}-01-01`; d < `${year + 1}-01-01`; d = addDays(d, 1)) {
        for (const k of birthdayKeysOn(d)) if (k.calendar === 'solar') seen.set(`${k.month}/${k.day}`, (seen.get(`${k.month}/${k.day}`) ?? 0) + 1);
      }
      expect(seen.size).toBe(366);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
  });
});

describe('local dates in the brand time zone', () => {
  test.each([
    { instant: '2025-01-28T15:59:59Z', tz: 'Asia/Shanghai', date: '2025-01-28' },
    { instant: '2025-01-28T16:00:00Z', tz: 'Asia/Shanghai', date: '2025-01-29' },
    { instant: '2024-12-31T16:00:00Z', tz: 'Asia/Shanghai', date: '2025-01-01' },
    { instant: '2025-01-29T07:59:59Z', tz: 'America/Los_Angeles', date: '2025-01-28' },
    { instant: '2025-01-29T08:00:00Z', tz: 'America/Los_Angeles', date: '2025-01-29' },
    { instant: '2025-01-29T00:00:00Z', tz: 'UTC', date: '2025-01-29' },
  ])('$instant in $tz is $date', ({ instant, tz, date }) => {
    expect(localDate(new Date(instant), tz)).toBe(date);
  });

  test('defaults to Asia/Shanghai, not UTC', () => {
    expect(localDate(new Date('2025-01-28T16:30:00Z'))).toBe('2025-01-29');
  });

  test('a birthday at local midnight: the Shanghai day starts 8 hours before the UTC one', () => {
    const b: Birthday = { calendar: 'lunar', month: 1, day: 1 };
    expect(isBirthdayOn(b, localDate(new Date('2025-01-28T16:00:00Z')))).toBe(true);
    expect(isBirthdayOn(b, localDate(new Date('2025-01-28T15:59:00Z')))).toBe(false);
  });

  test.each([
    { date: '2025-01-29', time: '09:00', tz: 'Asia/Shanghai', utc: '2025-01-29T01:00:00.000Z' },
    { date: '2025-01-29', time: '00:00', tz: 'Asia/Shanghai', utc: '2025-01-28T16:00:00.000Z' },
    { date: '2025-07-04', time: '09:30', tz: 'America/New_York', utc: '2025-07-04T13:30:00.000Z' },
    { date: '2025-01-04', time: '09:30', tz: 'America/New_York', utc: '2025-01-04T14:30:00.000Z' },
  ])('zonedTimeToUtc $date $time $tz = $utc', ({ date, time, tz, utc }) => {
    expect(zonedTimeToUtc(date, time, tz).toISOString()).toBe(utc);
  });
});
