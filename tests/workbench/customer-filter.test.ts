import { birthdayKeyOf, birthdayDateByKey, birthdayKeysFor, churnStateOf, windowDates } from '../../shared/domain/customer-filter';
import { customerFilterSchema, customerListInputSchema, splitTagIds } from '../../shared/schemas/customer-list.schema';
import { handoverInputSchema } from '../../shared/schemas/handover-customers.schema';

// The pure parts of the workbench's filters: birthday windows and their keys, the
// slipping-away rule, and the schemas' field errors.
describe('birthday windows', () => {
  test.each([
    ['today', '2026-11-22', ['2026-11-22']],
    ['week', '2026-12-29', ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04']],
  ] as const)('%s from %s', (window, today, dates) => {
    expect(windowDates(window, today)).toEqual(dates);
  });

  test('a month window is the whole calendar month, leap February included', () => {
    expect(windowDates('month', '2028-02-10')).toHaveLength(29);
    expect(windowDates('month', '2026-02-10')).toHaveLength(28);
    expect(windowDates('month', '2026-11-22')[0]).toBe('2026-11-01');
  });

  test('Feb 29 birthdays are celebrated on Feb 28 in a common year, and on Feb 29 in a leap year', () => {
    const common = birthdayKeysFor(['2026-02-28']).map((k) => birthdayKeyOf(k.calendar, k.month, k.day, k.leapMonth));
    expect(common).toContain('solar|2|29|false');
    const leap = birthdayKeysFor(['2028-02-28']).map((k) => birthdayKeyOf(k.calendar, k.month, k.day, k.leapMonth));
    expect(leap).not.toContain('solar|2|29|false');
  });

  test('keys are unique across the window and each maps to the first date it falls on', () => {
    const dates = windowDates('week', '2026-11-22');
    const keys = birthdayKeysFor(dates);
    const names = keys.map((k) => birthdayKeyOf(k.calendar, k.month, k.day, k.leapMonth));
    expect(new Set(names).size).toBe(names.length);
    const at = birthdayDateByKey(dates);
    expect(at.get('solar|11|22|false')).toBe('2026-11-22');
    expect(at.get('solar|11|28|false')).toBe('2026-11-28');
    // Every day of the week has one solar and at least one lunar key.
    expect(keys.filter((k) => k.calendar === 'solar')).toHaveLength(7);
    expect(keys.filter((k) => k.calendar === 'lunar').length).toBeGreaterThanOrEqual(7);
  });
});

describe('slipping away', () => {
  const day = 86_400_000;
  const now = new Date('2026-11-22T00:00:00Z');
  const ago = (d: number): Date => new Date(now.getTime() - d * day);
  test.each([
    ['one purchase only', ago(200), ago(200), 1, false],
    ['every 10 days, silent 60 days', ago(80), ago(60), 3, true],
    ['every 10 days, silent 15 days (under 30)', ago(35), ago(15), 3, false],
    ['every 100 days, silent 150 days (under twice the rhythm)', ago(350), ago(150), 3, false],
    ['silent for over a year: lapsed, not slipping', ago(600), ago(400), 5, false],
  ] as const)('%s', (_name, first, last, n, expected) => {
    expect(churnStateOf({ firstPurchaseAt: first, lastPurchaseAt: last, orderCount: n }, now) === 'at_risk').toBe(expected);
  });
});

describe('schemas', () => {
  test('the filter names each bad field', () => {
    const r = customerFilterSchema.safeParse({ scope: 'all', birthday: 'year', purchasedAfter: '2026-02-30', neverContacted: 'yes', extra: 1 });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [i.path.join('.')]));
    expect(paths).toEqual(expect.arrayContaining(['scope', 'birthday', 'purchasedAfter', 'neverContacted', 'extra']));
  });

  test('defaults: store scope, newest first, 20 a page; tag ids are de-duplicated and lower-cased', () => {
    expect(customerListInputSchema.parse({})).toMatchObject({ scope: 'store', sort: 'joined', limit: 20 });
    const id = 'AAAAAAAA-0000-4000-8000-000000000000';
    expect(splitTagIds(`${id},${id.toLowerCase()}`)).toEqual([id.toLowerCase()]);
  });

  test('a hand-over to the same associate is refused on the receiving field', () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const r = handoverInputSchema.safeParse({ fromStaffId: id, toStaffId: id, reason: 'leaving' });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['toStaffId']);
  });
});
