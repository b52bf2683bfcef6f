// Campaign schedules and brand anniversaries, on the brand's local calendar (YYYY-MM-DD strings,
// no Date, so no time zone can sneak in; "today" comes from localDate(now, brand zone)).
//
// Rules (the same for the planner, the dry run, the console's "next occurrences" and the tests):
// - A schedule starts on `startsOn`; a one-off campaign has exactly that one occurrence.
// - Weekly: every chosen ISO weekday (1 = Monday … 7 = Sunday) on or after startsOn.
// - Monthly on day d: d, or the month's last day when the month is shorter (31 → Apr 30,
//   Feb 28/29; 30 → Feb 28/29), once per month.
// - `until` (inclusive) ends a recurring schedule; without it the schedule never ends.
// - Anniversaries (a store's opening, a member's joining) fall on the same month and day in a
//   later year; Feb 29 falls on Feb 28 in years without one.
import { addDays, formatIsoDate, isSolarLeapYear, parseIsoDate, solarMonthDays, weekday } from './lunar-calendar';

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export type Recurrence = { every: 'week'; weekdays: IsoWeekday[] } | { every: 'month'; day: number };
export type Schedule = { startsOn: string; recurrence: Recurrence | null; until: string | null };

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): IsoWeekday {
  const d = weekday(date);
  return (d === 0 ? 7 : d) as IsoWeekday;
}

/** The day a "monthly on day d" schedule falls on in a given month. */
export function monthlyDayIn(year: number, month: number, day: number): string {
  return formatIsoDate(year, month, Math.min(day, solarMonthDays(year, month)));
}

/** Whether `date` is an occurrence of the schedule. */
export function isOccurrence(s: Schedule, date: string): boolean {
  if (date < s.startsOn) return false;
  const r = s.recurrence;
  if (!r) return date === s.startsOn;
  if (s.until !== null && date > s.until) return false;
  if (r.every === 'week') return r.weekdays.includes(isoWeekday(date));
  const { year, month } = parseIsoDate(date);
  return monthlyDayIn(year, month, r.day) === date;
}

/**
 * The first `limit` occurrences on or after `from`. Walks at most ~2 years of days for weekly and
 * 25 months for monthly schedules, so a schedule that has ended simply yields fewer.
 */
export function occurrencesFrom(s: Schedule, from: string, limit: number): string[] {
  const out: string[] = [];
  const start = from > s.startsOn ? from : s.startsOn;
  const r = s.recurrence;
  if (limit <= 0) return out;
  if (!r) return s.startsOn >= from ? [s.startsOn] : [];
  if (r.every === 'week') {
    for (let i = 0, d = start; i < 740 && out.length < limit; i += 1, d = addDays(d, 1)) {
      if (s.until !== null && d > s.until) break;
      if (r.weekdays.includes(isoWeekday(d))) out.push(d);
    }
    return out;
  }
  let { year, month } = parseIsoDate(start);
  for (let i = 0; i < 25 && out.length < limit; i += 1) {
    const d = monthlyDayIn(year, month, r.day);
    if (s.until !== null && d > s.until) break;
    if (d >= start) out.push(d);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return out;
}

/** Whether the schedule has no occurrence on or after `date` (it is over). */
export function scheduleEndedBefore(s: Schedule, date: string): boolean {
  return occurrencesFrom(s, date, 1).length === 0;
}

/**
 * Whole years since `since` if `date` is its anniversary (a later year, same month and day;
 * Feb 29 → Feb 28 in a year without Feb 29), else null.
 */
export function anniversaryYears(since: string, date: string): number | null {
  const a = parseIsoDate(since);
  const d = parseIsoDate(date);
  if (d.year <= a.year) return null;
  const feb29Fallback = a.month === 2 && a.day === 29 && !isSolarLeapYear(d.year);
  const day = feb29Fallback ? 28 : a.day;
  return d.month === a.month && d.day === day ? d.year - a.year : null;
}

/** The next anniversary of `since` on or after `from` (with its year count). */
export function nextAnniversary(since: string, from: string): { date: string; years: number } {
  const a = parseIsoDate(since);
  const f = parseIsoDate(from);
  for (const year of [Math.max(f.year, a.year + 1), Math.max(f.year, a.year + 1) + 1]) {
    const date = formatIsoDate(year, a.month, Math.min(a.day, solarMonthDays(year, a.month)));
    if (date >= from) return { date, years: year - a.year };
  }
  throw new RangeError('no next anniversary');
}
