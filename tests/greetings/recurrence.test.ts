import { localDate } from '../../shared/domain/birthday';
import {
  anniversaryYears,
  isOccurrence,
  isoWeekday,
  monthlyDayIn,
  nextAnniversary,
  occurrencesFrom,
  scheduleEndedBefore,
  type Schedule,
} from '../../shared/domain/recurrence';
import type { CampaignRow } from '../../functions/_lib/messaging/audience';
import { campaignFinished, nextOccasion, occasionAt, occasionOn, occasionsToPlan, upcomingOccurrences } from '../../functions/_lib/messaging/occasions';

// Calendar facts used below: 2026-12-07 is a Monday; 2027 and 2026 are not leap years, 2028 is.

describe('weekdays and month days', () => {
  test.each([
    ['2026-12-07', 1],
    ['2026-12-10', 4],
    ['2026-12-13', 7],
    ['2028-02-29', 2],
  ])('isoWeekday(%s) = %i', (date, expected) => {
    expect(isoWeekday(date)).toBe(expected);
  });

  test.each([
    [2027, 1, 31, '2027-01-31'],
    [2027, 2, 31, '2027-02-28'],
    [2028, 2, 31, '2028-02-29'],
    [2027, 4, 31, '2027-04-30'],
    [2027, 2, 30, '2027-02-28'],
    [2027, 2, 29, '2027-02-28'],
    [2028, 2, 29, '2028-02-29'],
    [2027, 6, 15, '2027-06-15'],
  ])('monthly on day %#: %i-%i day %i → %s', (year, month, day, expected) => {
    expect(monthlyDayIn(year, month, day)).toBe(expected);
  });
});

const weekly = (weekdays: Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startsOn = '2026-12-01', until: string | null = null): Schedule => ({
  startsOn,
  recurrence: { every: 'week', weekdays },
  until,
});
const monthly = (day: number, startsOn = '2026-12-01', until: string | null = null): Schedule => ({ startsOn, recurrence: { every: 'month', day }, until });
const once = (startsOn: string): Schedule => ({ startsOn, recurrence: null, until: null });

describe('isOccurrence', () => {
  test.each<[string, Schedule, string, boolean]>([
    ['one-off on its day', once('2026-12-05'), '2026-12-05', true],
    ['one-off the day after', once('2026-12-05'), '2026-12-06', false],
    ['weekly Monday', weekly([1, 4]), '2026-12-07', true],
    ['weekly Thursday', weekly([1, 4]), '2026-12-10', true],
    ['weekly Tuesday: not chosen', weekly([1, 4]), '2026-12-08', false],
    ['weekly before the start', weekly([1, 4], '2026-12-08'), '2026-12-07', false],
    ['weekly on the end date', weekly([1, 4], '2026-12-01', '2026-12-10'), '2026-12-10', true],
    ['weekly after the end date', weekly([1, 4], '2026-12-01', '2026-12-10'), '2026-12-14', false],
    ['monthly 31 on Jan 31', monthly(31), '2027-01-31', true],
    ['monthly 31 on Feb 28 (short year)', monthly(31), '2027-02-28', true],
    ['monthly 31 not on Feb 27', monthly(31), '2027-02-27', false],
    ['monthly 31 on Feb 29 (leap year)', monthly(31), '2028-02-29', true],
    ['monthly 31 not on Feb 28 of a leap year', monthly(31), '2028-02-28', false],
    ['monthly 31 on Apr 30', monthly(31), '2027-04-30', true],
    ['monthly 30 on Feb 28', monthly(30), '2027-02-28', true],
    ['monthly 30 not on Mar 31', monthly(30), '2027-03-31', false],
    ['monthly 15 on the 15th', monthly(15), '2027-03-15', true],
    ['monthly 1 before the start', monthly(1, '2026-12-02'), '2026-12-01', false],
  ])('%s', (_name, schedule, date, expected) => {
    expect(isOccurrence(schedule, date)).toBe(expected);
  });
});

describe('occurrencesFrom', () => {
  test.each<[string, Schedule, string, number, string[]]>([
    ['weekly Mon/Thu', weekly([4, 1]), '2026-12-01', 4, ['2026-12-03', '2026-12-07', '2026-12-10', '2026-12-14']],
    ['weekly Sunday across the year end', weekly([7]), '2026-12-25', 3, ['2026-12-27', '2027-01-03', '2027-01-10']],
    ['weekly until a date', weekly([1], '2026-12-01', '2026-12-21'), '2026-12-01', 10, ['2026-12-07', '2026-12-14', '2026-12-21']],
    ['from a day before the start', weekly([2], '2026-12-08'), '2026-12-01', 2, ['2026-12-08', '2026-12-15']],
    ['monthly 31 through short months', monthly(31, '2027-01-01'), '2027-01-01', 5, ['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']],
    ['monthly 31 in a leap year', monthly(31, '2028-01-15'), '2028-01-15', 3, ['2028-01-31', '2028-02-29', '2028-03-31']],
    ['monthly from mid-month skips the passed day', monthly(10, '2026-12-01'), '2026-12-11', 2, ['2027-01-10', '2027-02-10']],
    ['monthly until a date', monthly(31, '2027-01-01', '2027-03-30'), '2027-01-01', 5, ['2027-01-31', '2027-02-28']],
    ['one-off in the future', once('2026-12-24'), '2026-12-01', 5, ['2026-12-24']],
    ['one-off in the past', once('2026-11-24'), '2026-12-01', 5, []],
    ['ended', weekly([1], '2026-11-01', '2026-11-30'), '2026-12-01', 3, []],
  ])('%s', (_name, schedule, from, limit, expected) => {
    expect(occurrencesFrom(schedule, from, limit)).toEqual(expected);
    expect(scheduleEndedBefore(schedule, from)).toBe(expected.length === 0);
  });
});

describe('anniversaries (stores opening, members joining)', () => {
  test.each<[string, string, string, number | null]>([
    ['first anniversary', '2025-12-08', '2026-12-08', 1],
    ['fifth', '2021-12-08', '2026-12-08', 5],
    ['the opening day itself is no anniversary', '2026-12-08', '2026-12-08', null],
    ['the day before', '2021-12-08', '2026-12-07', null],
    ['Feb 29 opening, Feb 28 in a short year', '2020-02-29', '2027-02-28', 7],
    ['Feb 29 opening, not Mar 1 in a short year', '2020-02-29', '2027-03-01', null],
    ['Feb 29 opening, Feb 29 in a leap year', '2020-02-29', '2028-02-29', 8],
    ['Feb 29 opening, not Feb 28 in a leap year', '2020-02-29', '2028-02-28', null],
    ['Feb 28 opening stays on Feb 28', '2021-02-28', '2028-02-28', 7],
    ['Dec 31', '2019-12-31', '2026-12-31', 7],
  ])('%s', (_name, since, date, expected) => {
    expect(anniversaryYears(since, date)).toBe(expected);
  });

  test.each([
    ['2021-12-08', '2026-12-01', { date: '2026-12-08', years: 5 }],
    ['2021-12-08', '2026-12-09', { date: '2027-12-08', years: 6 }],
    ['2020-02-29', '2026-12-01', { date: '2027-02-28', years: 7 }],
    ['2020-02-29', '2027-03-01', { date: '2028-02-29', years: 8 }],
    ['2026-11-01', '2026-12-01', { date: '2027-11-01', years: 1 }],
  ])('next anniversary of %s from %s', (since, from, expected) => {
    expect(nextAnniversary(since, from)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Occasions of campaigns (what the planner plans, when it goes out), in the brand's time zone.

const TZ = 'Asia/Shanghai';
const campaign = (over: Partial<CampaignRow>): CampaignRow => ({
  org_id: '00000000-0000-4000-8000-000000000001',
  id: '00000000-0000-4000-8000-000000000002',
  name: 'c',
  kind: 'segment',
  template_id: '00000000-0000-4000-8000-000000000003',
  data: {},
  send_time: '10:00',
  days_ahead: 0,
  holiday_key: null,
  segment: {},
  scheduled_on: '2026-12-01',
  repeat_every: null,
  repeat_weekdays: null,
  repeat_month_day: null,
  repeat_until: null,
  budget_exempt: false,
  status: 'active',
  created_at: new Date(),
  launched_at: null,
  ...over,
});
const weeklyMonThu = campaign({ repeat_every: 'week', repeat_weekdays: [1, 4] });
const monthly31 = campaign({ repeat_every: 'month', repeat_month_day: 31, scheduled_on: '2027-01-01', repeat_until: '2027-04-30' });

describe('campaign occasions', () => {
  test.each<[string, CampaignRow, string, string[]]>([
    ['weekly: Monday plans Monday', weeklyMonThu, '2026-12-07', ['2026-12-07']],
    ['weekly: Tuesday plans Monday (grace day) only', weeklyMonThu, '2026-12-08', ['2026-12-07']],
    ['weekly: Wednesday plans nothing', weeklyMonThu, '2026-12-09', []],
    ['weekly Mon+Tue: Tuesday plans both', campaign({ repeat_every: 'week', repeat_weekdays: [1, 2] }), '2026-12-08', ['2026-12-07', '2026-12-08']],
    ['monthly 31: Feb 28 (short year)', monthly31, '2027-02-28', ['2027-02-28']],
    ['monthly 31: Mar 1 = grace of Feb 28', monthly31, '2027-03-01', ['2027-02-28']],
    ['monthly 31: Apr 30 = the end date', monthly31, '2027-04-30', ['2027-04-30']],
    ['monthly 31: May 31 is after the end', monthly31, '2027-05-31', []],
    ['one-off: its day', campaign({}), '2026-12-01', ['2026-12-01']],
    ['one-off: grace day', campaign({}), '2026-12-02', ['2026-12-01']],
    ['one-off: two days later', campaign({}), '2026-12-03', []],
  ])('%s', (_name, c, today, expected) => {
    expect(occasionsToPlan(c, today, TZ).map((o) => o.occasionDate)).toEqual(expected);
  });

  test('each occurrence goes out at its own send time in the brand zone', () => {
    const [o] = occasionsToPlan(weeklyMonThu, '2026-12-07', TZ);
    expect(o).toEqual({ occasionDate: '2026-12-07', sendDate: '2026-12-07', sendAt: new Date('2026-12-07T02:00:00Z'), holidayName: null });
    // The grace-day plan keeps the occurrence's own (past) send time: it is due at once.
    const [late] = occasionsToPlan(weeklyMonThu, '2026-12-08', TZ);
    expect(late?.sendAt).toEqual(new Date('2026-12-07T02:00:00Z'));
  });

  test.each([
    // Sunday 23:59:59 in Shanghai is 15:59:59 UTC: still Sunday for the brand.
    ['2026-12-06T15:59:59Z', '2026-12-06', []],
    // Midnight in Shanghai: Monday for the brand while UTC is still Sunday.
    ['2026-12-06T16:00:00Z', '2026-12-07', ['2026-12-07']],
    ['2026-12-07T15:59:59Z', '2026-12-07', ['2026-12-07']],
    ['2026-12-07T16:00:00Z', '2026-12-08', ['2026-12-07']],
  ])('brand time zone at midnight: %s is %s', (instant, day, expected) => {
    const today = localDate(new Date(instant), TZ);
    expect(today).toBe(day);
    expect(occasionsToPlan(weeklyMonThu, today, TZ).map((o) => o.occasionDate)).toEqual(expected);
  });

  test('a store anniversary is planned like a birthday: today + days ahead', () => {
    const c = campaign({ kind: 'store_anniversary', scheduled_on: null, days_ahead: 2 });
    expect(occasionOn(c, '2027-02-26', TZ)?.occasionDate).toBe('2027-02-28');
    expect(occasionAt(c, '2027-02-28', TZ)?.sendDate).toBe('2027-02-26');
    expect(nextOccasion(c, '2026-12-01', TZ)?.occasionDate).toBe('2026-12-03');
  });

  test('dry run of one occurrence; next occurrences; done after the last one', () => {
    expect(occasionAt(weeklyMonThu, '2026-12-10', TZ)?.sendAt).toEqual(new Date('2026-12-10T02:00:00Z'));
    expect(occasionAt(weeklyMonThu, '2026-12-09', TZ)).toBeNull();
    expect(nextOccasion(weeklyMonThu, '2026-12-08', TZ)?.occasionDate).toBe('2026-12-10');
    expect(upcomingOccurrences(monthly31, '2027-02-01', 5)).toEqual(['2027-02-28', '2027-03-31', '2027-04-30']);
    expect(campaignFinished(monthly31, '2027-05-01')).toBe(false); // Apr 30's grace day
    expect(campaignFinished(monthly31, '2027-05-02')).toBe(true);
    expect(campaignFinished(weeklyMonThu, '2030-01-01')).toBe(false); // no end date
    expect(campaignFinished(campaign({}), '2026-12-02')).toBe(false);
    expect(campaignFinished(campaign({}), '2026-12-03')).toBe(true);
  });
});
