// Birthdays, solar or lunar, with or without a year, and the brand-local calendar date.
//
// Rules (the same everywhere: the planner's SQL keys, the app's "next birthday", the tests):
// - Solar Feb 29 is celebrated on Feb 28 in non-leap years.
// - Lunar day 30 is celebrated on day 29 when that lunar month has 29 days that year.
// - A lunar leap-month birthday (闰月) is celebrated in the leap month of the same number when
//   the lunar year has one; otherwise in the regular month of that number. A regular-month
//   birthday is always celebrated in the regular month (once a year, never twice).
// - "Today" is always a date in the brand's time zone (default Asia/Shanghai), never UTC.
import {
  addDays,
  formatIsoDate,
  isSolarLeapYear,
  lunarLeapMonth,
  lunarMonthDays,
  lunarToSolar,
  parseIsoDate,
  solarMonthDays,
  solarToLunar,
} from './lunar-calendar';

export type BirthdayCalendar = 'solar' | 'lunar';
export type Birthday = { calendar: BirthdayCalendar; month: number; day: number; leapMonth?: boolean; year?: number | null };
export type BirthdayKey = { calendar: BirthdayCalendar; month: number; day: number; leapMonth: boolean };

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Whether a stored birthday is well-formed (lunar days go to 30, solar to the month's max). */
export function isValidBirthday(b: Birthday): boolean {
  if (!Number.isInteger(b.month) || b.month < 1 || b.month > 12 || !Number.isInteger(b.day) || b.day < 1) return false;
  if (b.calendar === 'solar') return !b.leapMonth && b.day <= solarMonthDays(2000, b.month);
  return b.day <= 30;
}

// A date's keys never change; a month's window converts 30 dates to the lunar calendar (~2.7 ms),
// so each date is converted once (bounded: the windows read are around today). Callers get copies.
const keysCache = new Map<string, readonly BirthdayKey[]>();
const KEYS_CACHE_MAX = 4096;

/**
 * Every stored (calendar, month, day, leapMonth) whose birthday falls on `date` (YYYY-MM-DD in
 * the brand's zone), fallbacks included, so "today's birthdays" is one indexed lookup:
 * `where (birthday_calendar, birth_month, birth_day, birth_leap_month) in (...)`.
 */
export function birthdayKeysOn(date: string): BirthdayKey[] {
  let keys = keysCache.get(date);
  if (!keys) {
    keys = computeBirthdayKeysOn(date);
    if (keysCache.size >= KEYS_CACHE_MAX) keysCache.clear();
    keysCache.set(date, keys);
  }
  return keys.map((k) => ({ ...k }));
}

function computeBirthdayKeysOn(date: string): BirthdayKey[] {
  const { year, month, day } = parseIsoDate(date);
  const keys: BirthdayKey[] = [{ calendar: 'solar', month, day, leapMonth: false }];
  if (month === 2 && day === 28 && !isSolarLeapYear(year)) keys.push({ calendar: 'solar', month: 2, day: 29, leapMonth: false });

  const l = solarToLunar(date);
  const shortMonthEnd = l.day === 29 && lunarMonthDays(l.year, l.month, l.leap) === 29;
  const lunarDays = shortMonthEnd ? [29, 30] : [l.day];
  if (l.leap) {
    // Only leap-month birthdays are celebrated in a leap month.
    for (const d of lunarDays) keys.push({ calendar: 'lunar', month: l.month, day: d, leapMonth: true });
  } else {
    for (const d of lunarDays) keys.push({ calendar: 'lunar', month: l.month, day: d, leapMonth: false });
    if (lunarLeapMonth(l.year) !== l.month) {
      for (const d of lunarDays) keys.push({ calendar: 'lunar', month: l.month, day: d, leapMonth: true });
    }
  }
  return keys;
}

/** The solar date on which a birthday is celebrated in a given (solar or lunar) year. */
function occurrenceIn(b: Birthday, year: number): string {
  if (b.calendar === 'solar') {
    return formatIsoDate(year, b.month, Math.min(b.day, solarMonthDays(year, b.month)));
  }
  const leap = Boolean(b.leapMonth) && lunarLeapMonth(year) === b.month;
  const day = Math.min(b.day, lunarMonthDays(year, b.month, leap));
  return lunarToSolar(year, b.month, day, leap);
}

/** The first date on or after `fromDate` on which the birthday is celebrated. */
export function nextBirthday(b: Birthday, fromDate: string): string {
  if (!isValidBirthday(b)) throw new RangeError('invalid birthday');
  const { year } = parseIsoDate(fromDate);
  // A lunar year starts between late January and mid-February, so the lunar year (y - 1) may
  // still be running on fromDate: look at three years and keep the first not before fromDate.
  const candidates = b.calendar === 'solar' ? [year, year + 1] : [year - 1, year, year + 1];
  for (const y of candidates) {
    const d = occurrenceIn(b, y);
    if (d >= fromDate) return d;
  }
  throw new RangeError('no next birthday found');
}

export function isBirthdayOn(b: Birthday, date: string): boolean {
  return birthdayKeysOn(date).some(
    (k) => k.calendar === b.calendar && k.month === b.month && k.day === b.day && k.leapMonth === (b.calendar === 'lunar' && Boolean(b.leapMonth)),
  );
}

/** Whole days from `fromDate` to the next birthday (0 = today). */
export function daysUntilBirthday(b: Birthday, fromDate: string): number {
  const next = parseIsoDate(nextBirthday(b, fromDate));
  const from = parseIsoDate(fromDate);
  return Math.round((Date.UTC(next.year, next.month - 1, next.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
}

export type LocalParts = { date: string; hour: number; minute: number; second: number };

/** The wall-clock date and time of an instant in a time zone. */
export function localParts(now: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalParts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(now)) p[part.type] = part.value;
  return {
    date: formatIsoDate(Number(p.year), Number(p.month), Number(p.day)),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

/** The calendar date (YYYY-MM-DD) of an instant in the brand's time zone. Never silently UTC. */
export function localDate(now: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return localParts(now, timeZone).date;
}

/** The instant at which the wall clock in `timeZone` shows `date` `time` (HH:MM). */
export function zonedTimeToUtc(date: string, time: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const { year, month, day } = parseIsoDate(date);
  const tm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!tm) throw new RangeError(`not a HH:MM time: ${time}`);
  const wall = Date.UTC(year, month - 1, day, Number(tm[1]), Number(tm[2]));
  // Guess with the offset at the wall time read as UTC, then correct once (handles DST zones).
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(t), timeZone);
    const shown = Date.UTC(...ymd(p.date), p.hour, p.minute);
    t += wall - shown;
  }
  return new Date(t);
}

function ymd(date: string): [number, number, number] {
  const { year, month, day } = parseIsoDate(date);
  return [year, month - 1, day];
}

export { addDays };
