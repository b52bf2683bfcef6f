import type { BirthdayCalendar } from './birthday';
import { zonedTimeToUtc } from './birthday';
import { lunarLeapMonth, lunarMonthDays, lunarToSolar, solarMonthDays } from './lunar-calendar';

// Dates as shops export them: 2024-01-05, 2024/1/5, 2024.1.5, 20240105, 2024年1月5日, Excel
// serial numbers (45296), and 01/05/2024 only where it cannot be misread (one of the first two
// numbers above 12, or both equal). Times are wall-clock times in the brand's zone.
export type DateParts = { year: number; month: number; day: number; hour: number; minute: number; second: number; hasTime: boolean };
export type DateResult = { ok: true; value: DateParts; fixes: string[] } | { ok: false; reason: string };

const pad = (n: number): string => String(n).padStart(2, '0');
export const isoDate = (p: { year: number; month: number; day: number }): string => `${p.year}-${pad(p.month)}-${pad(p.day)}`;

const TIME = '(?:[ T]+(\\d{1,2})[:时](\\d{1,2})(?:[:分](\\d{1,2})(?:\\.\\d+)?秒?)?)?';
const ISO = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})${TIME}$`);
const SLASHED = new RegExp(`^(\\d{4})[/.](\\d{1,2})[/.](\\d{1,2})${TIME}$`);
const CHINESE = new RegExp(`^(\\d{4})年(\\d{1,2})月(\\d{1,2})[日号]?${TIME}$`);
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;
const DAY_FIRST_OR_MONTH_FIRST = new RegExp(`^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})${TIME}$`);
const EXCEL_SERIAL = /^(\d{5})(?:\.(\d+))?$/;

const build = (y: number, mo: number, d: number, h?: string, mi?: string, s?: string): DateResult => {
  if (y < 1900 || y > 2100) return { ok: false, reason: `年份 ${y} 不在 1900–2100 之间` };
  if (mo < 1 || mo > 12) return { ok: false, reason: `没有 ${mo} 月` };
  if (d < 1 || d > solarMonthDays(y, mo)) return { ok: false, reason: `${y} 年 ${mo} 月没有 ${d} 日` };
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: '时间无效' };
  return { ok: true, value: { year: y, month: mo, day: d, hour, minute, second, hasTime: h !== undefined }, fixes: [] };
};

const withFix = (r: DateResult, fix: string | null): DateResult => (r.ok && fix ? { ...r, fixes: [...r.fixes, fix] } : r);

export const parseDate = (raw: string): DateResult => {
  const folded = raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  const fullWidth = folded !== raw.trim() ? '全角转半角' : null;
  let m = ISO.exec(folded);
  if (m) {
    const canonical = /^\d{4}-\d{2}-\d{2}/.test(folded);
    return withFix(withFix(build(+m[1]!, +m[2]!, +m[3]!, m[4], m[5], m[6]), canonical ? null : '日期格式统一为 YYYY-MM-DD'), fullWidth);
  }
  m = SLASHED.exec(folded) ?? CHINESE.exec(folded);
  if (m) return withFix(withFix(build(+m[1]!, +m[2]!, +m[3]!, m[4], m[5], m[6]), '日期格式统一为 YYYY-MM-DD'), fullWidth);
  m = COMPACT.exec(folded);
  if (m) return withFix(build(+m[1]!, +m[2]!, +m[3]!, m[4], m[5], m[6]), '日期格式统一为 YYYY-MM-DD');
  m = EXCEL_SERIAL.exec(folded);
  if (m) {
    const serial = Number(folded);
    if (serial < 20000 || serial > 80000) return { ok: false, reason: `无法识别的日期“${raw.trim().slice(0, 20)}”` };
    // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included); the fraction is the time.
    const ms = Date.UTC(1899, 11, 30) + Math.round(serial * 86_400_000);
    const d = new Date(ms);
    const r = build(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), m[2] ? String(d.getUTCHours()) : undefined, String(d.getUTCMinutes()), String(d.getUTCSeconds()));
    return withFix(r, 'Excel 日期序号转为日期');
  }
  m = DAY_FIRST_OR_MONTH_FIRST.exec(folded);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    const y = +m[3]!;
    if (a > 12 && b <= 12) return withFix(build(y, b, a, m[4], m[5], m[6]), '日/月/年 格式统一为 YYYY-MM-DD');
    if (b > 12 && a <= 12) return withFix(build(y, a, b, m[4], m[5], m[6]), '月/日/年 格式统一为 YYYY-MM-DD');
    if (a === b) return withFix(build(y, a, b, m[4], m[5], m[6]), '日期格式统一为 YYYY-MM-DD');
    return { ok: false, reason: `日期“${raw.trim()}”有歧义（月/日还是日/月？），请写成 YYYY-MM-DD` };
  }
  return { ok: false, reason: `无法识别的日期“${raw.trim().slice(0, 20)}”` };
};

// The zone's offset (ms) at a wall-clock date and hour. Intl is the slow part of converting a
// million timestamps, so a zone whose offset is the same in January and July of a year (no
// daylight saving: Asia/Shanghai) is computed once per year, other zones once per date and hour.
const offsets = new Map<string, number>();
const offsetAt = (timeZone: string, date: string, hour: number): number => {
  const key = `${timeZone}|${date}|${hour}`;
  let off = offsets.get(key);
  if (off === undefined) {
    off = zonedTimeToUtc(date, `${pad(hour)}:00`, timeZone).getTime() - Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10), hour);
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, off);
  }
  return off;
};
const zoneOffset = (timeZone: string, date: string, hour: number): number => {
  const year = date.slice(0, 4);
  const jan = offsetAt(timeZone, `${year}-01-15`, 12);
  return jan === offsetAt(timeZone, `${year}-07-15`, 12) ? jan : offsetAt(timeZone, date, hour);
};

// A date or date-time in the brand's zone → the instant (ISO, UTC).
export const parseInstant = (raw: string, timeZone: string): { ok: true; iso: string; fixes: string[] } | { ok: false; reason: string } => {
  const r = parseDate(raw);
  if (!r.ok) return r;
  const p = r.value;
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return { ok: true, iso: new Date(wall + zoneOffset(timeZone, isoDate(p), p.hour)).toISOString(), fixes: r.fixes };
};

// Birthdays ----------------------------------------------------------------------------------

export type ImportedBirthday = { calendar: BirthdayCalendar; year: number | null; month: number; day: number; leapMonth: boolean };
export type BirthdayResult = { ok: true; value: ImportedBirthday; fixes: string[] } | { ok: false; reason: string };

const LUNAR_PREFIX = /^(?:农历|阴历|旧历|lunar)\s*[:：]?\s*/i;
const SOLAR_PREFIX = /^(?:公历|阳历|新历|solar)\s*[:：]?\s*/i;

// A calendar column's value: 农历/阴历/lunar → lunar; 公历/阳历/新历/solar → solar.
export const parseCalendar = (raw: string): { ok: true; value: BirthdayCalendar } | { ok: false; reason: string } => {
  const v = raw.normalize('NFKC').trim().toLowerCase();
  if (/^(?:农历|阴历|旧历|农|阴|lunar|l)$/.test(v)) return { ok: true, value: 'lunar' };
  if (/^(?:公历|阳历|新历|公|阳|solar|s|gregorian)$/.test(v)) return { ok: true, value: 'solar' };
  return { ok: false, reason: `无法识别的历法“${raw.trim().slice(0, 10)}”` };
};

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const LUNAR_MONTHS: Record<string, number> = { 正: 1, 冬: 11, 腊: 12, 十一: 11, 十二: 12 };
const cnMonth = (s: string): number | null => (/^\d{1,2}$/.test(s) ? Number(s) : (LUNAR_MONTHS[s] ?? CN_DIGITS[s] ?? null));
const cnDay = (s: string): number | null => {
  if (/^\d{1,2}$/.test(s)) return Number(s);
  if (s.startsWith('初')) return CN_DIGITS[s.slice(1)] ?? null;
  if (s === '二十') return 20;
  if (s === '三十') return 30;
  if (s.startsWith('廿')) return 20 + (CN_DIGITS[s.slice(1)] ?? Number.NaN);
  if (s.startsWith('十')) return 10 + (CN_DIGITS[s.slice(1)] ?? Number.NaN);
  return null;
};
const LUNAR_WORDS = /^(?:(\d{4})年)?(闰)?(正|冬|腊|十一|十二|[一二三四五六七八九十]|\d{1,2})月(初[一二三四五六七八九十]|十[一二三四五六七八九]|二十|廿[一二三四五六七八九]|三十|\d{1,2})[日号]?$/;
const YEARLESS = /^(\d{1,2})(?:[-/.]|月)(\d{1,2})[日号]?$/;

// A birthday: solar or lunar (a 农历/阴历 prefix, or the calendar column), with or without a
// year. Lunar dates are checked against the lunar calendar (the leap month exists that year,
// the month has that many days); no birthday lies in the future.
export const parseBirthday = (raw: string, options: { calendar: BirthdayCalendar | null; today: string }): BirthdayResult => {
  let v = raw.normalize('NFKC').trim();
  let calendar: BirthdayCalendar | null = options.calendar;
  const fixes: string[] = [];
  if (LUNAR_PREFIX.test(v)) {
    if (calendar === 'solar') return { ok: false, reason: '生日写着农历，历法一栏却是公历' };
    calendar = 'lunar';
    v = v.replace(LUNAR_PREFIX, '');
  } else if (SOLAR_PREFIX.test(v)) {
    if (calendar === 'lunar') return { ok: false, reason: '生日写着公历，历法一栏却是农历' };
    calendar = 'solar';
    v = v.replace(SOLAR_PREFIX, '');
  }
  calendar ??= 'solar';
  let year: number | null = null;
  let month: number;
  let day: number;
  let leapMonth = false;
  const words = calendar === 'lunar' ? LUNAR_WORDS.exec(v) : null;
  const yearless = YEARLESS.exec(v);
  if (words) {
    year = words[1] ? Number(words[1]) : null;
    leapMonth = words[2] === '闰';
    month = cnMonth(words[3] ?? '') ?? Number.NaN;
    day = cnDay(words[4] ?? '') ?? Number.NaN;
    if (!/^\d/.test(words[3] ?? '') || !/^\d/.test(words[4] ?? '')) fixes.push('农历日期转为数字');
  } else if (yearless) {
    month = Number(yearless[1]);
    day = Number(yearless[2]);
  } else {
    const d = parseDate(v);
    if (!d.ok) return { ok: false, reason: d.reason.replace('无法识别的日期', '无法识别的生日') };
    year = d.value.year;
    month = d.value.month;
    day = d.value.day;
    fixes.push(...d.fixes);
  }
  if (!Number.isInteger(month) || month < 1 || month > 12) return { ok: false, reason: '生日的月份无效' };
  if (!Number.isInteger(day) || day < 1) return { ok: false, reason: '生日的日期无效' };
  if (year !== null && (year < 1900 || year > Number(options.today.slice(0, 4)))) return { ok: false, reason: `生日年份 ${year} 无效` };
  if (calendar === 'solar') {
    if (day > solarMonthDays(year ?? 2000, month)) return { ok: false, reason: `${year ? `${year} 年` : ''}${month} 月没有 ${day} 日` };
    if (year !== null && isoDate({ year, month, day }) > options.today) return { ok: false, reason: '生日不能在未来' };
  } else {
    if (day > 30) return { ok: false, reason: `农历没有${day}日` };
    if (year !== null) {
      const leap = lunarLeapMonth(year);
      if (leapMonth && leap !== month) return { ok: false, reason: leap ? `农历${year}年的闰月是${leap}月，没有闰${month}月` : `农历${year}年没有闰月` };
      const days = lunarMonthDays(year, month, leapMonth);
      if (day > days) return { ok: false, reason: `农历${year}年${leapMonth ? '闰' : ''}${month}月只有${days}天` };
      if (year >= Number(options.today.slice(0, 4)) - 1 && lunarToSolar(year, month, day, leapMonth) > options.today) return { ok: false, reason: '生日不能在未来' };
    }
  }
  return { ok: true, value: { calendar, year, month, day, leapMonth }, fixes };
};
