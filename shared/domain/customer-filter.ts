import { addDays, birthdayKeysOn, type BirthdayKey } from './birthday';

// Pure pieces of the associates' customer filter, shared by the list, bulk tagging and the
// to-do list (and testable without a database).

export type BirthdayWindowName = 'today' | 'week' | 'month';

// The dates a birthday window covers, for the brand-local `today` (YYYY-MM-DD): today; the 7
// days from today; the whole calendar month of today ("birthdays this month" is what an
// associate plans the month with, including the ones already past).
export const windowDates = (window: BirthdayWindowName, today: string): string[] => {
  if (window === 'today') return [today];
  if (window === 'week') return Array.from({ length: 7 }, (_, i) => addDays(today, i));
  const first = `${today.slice(0, 8)}01`;
  const dates: string[] = [];
  for (let d = first; d.slice(0, 7) === today.slice(0, 7); d = addDays(d, 1)) dates.push(d);
  return dates;
};

// Every stored birthday key that is celebrated on one of `dates`, without duplicates. A member
// matches the window when their (calendar, month, day, leap) is one of these: one indexed
// lookup instead of computing each member's next birthday.
export const birthdayKeysFor = (dates: readonly string[]): BirthdayKey[] => {
  const seen = new Map<string, BirthdayKey>();
  for (const date of dates) {
    for (const k of birthdayKeysOn(date)) seen.set(`${k.calendar}|${k.month}|${k.day}|${k.leapMonth}`, k);
  }
  return [...seen.values()];
};

// The date each key falls on within `dates` (the first one), so the to-do list can say when.
export const birthdayDateByKey = (dates: readonly string[]): Map<string, string> => {
  const at = new Map<string, string>();
  for (const date of dates) {
    for (const k of birthdayKeysOn(date)) {
      const key = `${k.calendar}|${k.month}|${k.day}|${k.leapMonth}`;
      if (!at.has(key)) at.set(key, date);
    }
  }
  return at;
};

export const birthdayKeyOf = (calendar: string, month: number, day: number, leapMonth: boolean): string =>
  `${calendar}|${month}|${day}|${calendar === 'lunar' && leapMonth}`;

// "Slipping away" is the RFM churn state `at_risk` (shared/domain/rfm.ts: silent for more than
// twice the member's own purchase rhythm and at least 30 days, not yet lapsed after a year),
// stored on members as churn_state and kept by the order triggers and the daily RFM refresh.
export { churnStateOf } from './rfm';
