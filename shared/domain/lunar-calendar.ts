// The library ships no types; the declaration sits next to this file and is referenced so that
// every project compiling shared/ (functions, the Taro app) sees it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./lunar-javascript.d.ts" />
// A thin, typed, cached layer over lunar-javascript: the only module that touches the library.
// Dates cross this boundary as 'YYYY-MM-DD' strings of the brand's local calendar (no Date, so
// no time zone can sneak in). Lunar months are 1–12 with a separate leap flag.
import { Lunar, LunarMonth, LunarYear, Solar } from 'lunar-javascript';

export type LunarDate = { year: number; month: number; day: number; leap: boolean };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(date: string): { year: number; month: number; day: number } {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > solarMonthDays(year, month)) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return { year, month, day };
}

export function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isSolarLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function solarMonthDays(year: number, month: number): number {
  if (month === 2) return isSolarLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Adds whole days to a YYYY-MM-DD date (calendar arithmetic in UTC, which has no DST). */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseIsoDate(date);
  const t = new Date(Date.UTC(year, month - 1, day + days));
  return formatIsoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const { year, month, day } = parseIsoDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

// The library builds whole-year tables per call (~1 ms); a process sees few distinct years.
const leapMonthCache = new Map<number, number>();
const monthDaysCache = new Map<string, number>();

/** The leap month (1–12) of a lunar year, or 0 when it has none. */
export function lunarLeapMonth(lunarYear: number): number {
  let v = leapMonthCache.get(lunarYear);
  if (v === undefined) {
    v = LunarYear.fromYear(lunarYear).getLeapMonth();
    leapMonthCache.set(lunarYear, v);
  }
  return v;
}

/** Days (29 or 30) of a lunar month; leap = the leap month of that number. */
export function lunarMonthDays(lunarYear: number, month: number, leap: boolean): number {
  const key = `${lunarYear}:${leap ? -month : month}`;
  let v = monthDaysCache.get(key);
  if (v === undefined) {
    const m = LunarMonth.fromYm(lunarYear, leap ? -month : month);
    if (!m) throw new RangeError(`no lunar month ${leap ? 'leap ' : ''}${month} in ${lunarYear}`);
    v = m.getDayCount();
    monthDaysCache.set(key, v);
  }
  return v;
}

export function solarToLunar(date: string): LunarDate {
  const { year, month, day } = parseIsoDate(date);
  const l = Solar.fromYmd(year, month, day).getLunar();
  const m = l.getMonth();
  return { year: l.getYear(), month: Math.abs(m), day: l.getDay(), leap: m < 0 };
}

export function lunarToSolar(lunarYear: number, month: number, day: number, leap = false): string {
  const s = Lunar.fromYmd(lunarYear, leap ? -month : month, day).getSolar();
  return formatIsoDate(s.getYear(), s.getMonth(), s.getDay());
}

/** The date of a solar term (by its Chinese name, e.g. 清明, 冬至) within a solar year. */
export function solarTermDate(year: number, termName: string): string {
  // A lunar year's table spans from the previous winter to the next spring, so look in the
  // tables of the lunar years around the solar year and keep the date inside it.
  for (const probe of [`${year}-06-01`, `${year}-01-15`, `${year}-12-31`]) {
    const { year: y, month, day } = parseIsoDate(probe);
    const table = Solar.fromYmd(y, month, day).getLunar().getJieQiTable();
    for (const [name, solar] of Object.entries(table)) {
      if (solar.getYear() !== year) continue;
      if (name === termName || JIEQI_PINYIN[termName] === name) return formatIsoDate(solar.getYear(), solar.getMonth(), solar.getDay());
    }
  }
  throw new RangeError(`solar term ${termName} not found in ${year}`);
}

// The library names the terms at a table's edges by pinyin constants.
const JIEQI_PINYIN: Record<string, string> = {
  冬至: 'DONG_ZHI', 小寒: 'XIAO_HAN', 大寒: 'DA_HAN', 立春: 'LI_CHUN', 雨水: 'YU_SHUI', 惊蛰: 'JING_ZHE', 大雪: 'DA_XUE',
};
