import { isValidBirthday } from './birthday';
import { lunarLeapMonth, lunarMonthDays, lunarToSolar } from './lunar-calendar';
import type { BirthdayInput as Birthday } from '../schemas/member-profile.schema';

// Checks that go beyond the shape (the schema's job): does this lunar date exist, is the date in
// the future, how old is the member. Server-side only (it loads the lunar tables).

export type BirthdayProblem = { path: 'year' | 'month' | 'day' | 'leapMonth'; message: string };

const pad = (n: number): string => String(n).padStart(2, '0');

// The Gregorian date of a birthday with a year ('YYYY-MM-DD'), or null without a year.
export const birthdaySolarDate = (b: Birthday): string | null => {
  if (b.year === null) return null;
  if (b.calendar === 'solar') return `${b.year}-${pad(b.month)}-${pad(b.day)}`;
  return lunarToSolar(b.year, b.month, b.day, b.leapMonth);
};

export const birthdayProblems = (b: Birthday, today: string): BirthdayProblem[] => {
  // The shape the birthday engine stores (shared/domain/birthday.ts); the schema already checked
  // it with messages, this keeps the two in step.
  if (!isValidBirthday(b)) return [{ path: 'day', message: '这个日期不存在' }];
  if (b.calendar === 'lunar' && b.year !== null) {
    const leap = lunarLeapMonth(b.year);
    if (b.leapMonth && leap !== b.month) {
      return [{ path: 'leapMonth', message: leap ? `农历${b.year}年的闰月是${leap}月，没有闰${b.month}月` : `农历${b.year}年没有闰月` }];
    }
    const days = lunarMonthDays(b.year, b.month, b.leapMonth);
    if (b.day > days) return [{ path: 'day', message: `农历${b.year}年${b.leapMonth ? '闰' : ''}${b.month}月只有${days}天` }];
  }
  const solar = birthdaySolarDate(b);
  if (solar !== null && solar > today) return [{ path: 'year', message: '生日不能在未来' }];
  return [];
};

// Whole years between a 'YYYY-MM-DD' birth date and today ('YYYY-MM-DD').
export const ageOn = (birth: string, today: string): number => {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
};

// Members under this age need a guardian's consent (PIPL Art. 28, 31).
export const GUARDIAN_AGE = 14;
