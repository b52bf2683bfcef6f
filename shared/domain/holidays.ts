// The holiday calendar of a year, computed (lunar festivals and solar terms through the lunar
// library), never a per-year table, so it works for any year the brand will see.
import { HOLIDAY_KEYS, type HolidayKey } from './holiday-keys';
import { formatIsoDate, lunarToSolar, solarTermDate, weekday } from './lunar-calendar';

export { HOLIDAY_KEYS, type HolidayKey };
export type Holiday = { key: HolidayKey; name: string; date: string };

type Rule =
  | { kind: 'solar'; month: number; day: number }
  | { kind: 'lunar'; month: number; day: number }
  | { kind: 'term'; term: string }
  | { kind: 'nthSunday'; month: number; n: number };

const RULES: Record<HolidayKey, { name: string; rule: Rule }> = {
  new_year: { name: '元旦', rule: { kind: 'solar', month: 1, day: 1 } },
  spring_festival: { name: '春节', rule: { kind: 'lunar', month: 1, day: 1 } },
  lantern: { name: '元宵', rule: { kind: 'lunar', month: 1, day: 15 } },
  valentines: { name: '情人节', rule: { kind: 'solar', month: 2, day: 14 } },
  womens_day: { name: '妇女节', rule: { kind: 'solar', month: 3, day: 8 } },
  qingming: { name: '清明', rule: { kind: 'term', term: '清明' } },
  labour_day: { name: '劳动节', rule: { kind: 'solar', month: 5, day: 1 } },
  mothers_day: { name: '母亲节', rule: { kind: 'nthSunday', month: 5, n: 2 } },
  dragon_boat: { name: '端午', rule: { kind: 'lunar', month: 5, day: 5 } },
  childrens_day: { name: '儿童节', rule: { kind: 'solar', month: 6, day: 1 } },
  fathers_day: { name: '父亲节', rule: { kind: 'nthSunday', month: 6, n: 3 } },
  qixi: { name: '七夕', rule: { kind: 'lunar', month: 7, day: 7 } },
  mid_autumn: { name: '中秋', rule: { kind: 'lunar', month: 8, day: 15 } },
  national_day: { name: '国庆', rule: { kind: 'solar', month: 10, day: 1 } },
  double_ninth: { name: '重阳', rule: { kind: 'lunar', month: 9, day: 9 } },
  winter_solstice: { name: '冬至', rule: { kind: 'term', term: '冬至' } },
  christmas: { name: '圣诞', rule: { kind: 'solar', month: 12, day: 25 } },
};

function nthSunday(year: number, month: number, n: number): string {
  const first = formatIsoDate(year, month, 1);
  const offset = (7 - weekday(first)) % 7;
  return formatIsoDate(year, month, 1 + offset + 7 * (n - 1));
}

function dateOf(rule: Rule, year: number): string {
  switch (rule.kind) {
    case 'solar':
      return formatIsoDate(year, rule.month, rule.day);
    // Lunar festivals of lunar year Y all fall inside solar year Y (春节 is at the earliest in
    // late January), never in the regular month's leap twin.
    case 'lunar':
      return lunarToSolar(year, rule.month, rule.day, false);
    case 'term':
      return solarTermDate(year, rule.term);
    case 'nthSunday':
      return nthSunday(year, rule.month, rule.n);
  }
}

// A year's holidays never change: computed once per year (the lunar and solar-term dates cost
// ~4 ms a year, paid by every to-do list before this cache). Callers get copies.
const yearCache = new Map<number, readonly Holiday[]>();

/** Every holiday of a solar year, in date order. */
export function holidaysOfYear(year: number): Holiday[] {
  if (!Number.isInteger(year) || year < 1901 || year > 2099) throw new RangeError(`year out of range: ${year}`);
  let holidays = yearCache.get(year);
  if (!holidays) {
    holidays = HOLIDAY_KEYS.map((key) => ({ key, name: RULES[key].name, date: dateOf(RULES[key].rule, year) })).sort((a, b) =>
      a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
    );
    yearCache.set(year, holidays);
  }
  return holidays.map((h) => ({ ...h }));
}

export function holidayDate(key: HolidayKey, year: number): string {
  return dateOf(RULES[key].rule, year);
}

export function holidayName(key: HolidayKey): string {
  return RULES[key].name;
}

/** The holidays falling on a date (usually none or one; 2 can coincide, e.g. 元宵 and 情人节). */
export function holidaysOn(date: string): Holiday[] {
  return holidaysOfYear(Number(date.slice(0, 4))).filter((h) => h.date === date);
}
