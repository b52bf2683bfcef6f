import { policyNeedsReconsent } from '../../shared/domain/consent-purposes';
import { ageOn, birthdayProblems, birthdaySolarDate } from '../../shared/domain/profile-birthday';
import { addWorkingDays, exportSummary } from '../../shared/domain/profile-rights';
import { birthdaySchema, memberProfileInputSchema } from '../../shared/schemas/member-profile.schema';

// The pure rules behind the member endpoints, table-driven.
const TODAY = '2026-11-22';
const bd = (b: Record<string, unknown>) => birthdaySchema.parse(b);

describe('birthday shape (schema, shared with the app)', () => {
  test.each([
    [{ calendar: 'solar', month: 2, day: 29 }, true], // year-less Feb 29 exists
    [{ calendar: 'solar', year: 2000, month: 2, day: 29 }, true],
    [{ calendar: 'solar', year: 1900, month: 2, day: 29 }, false], // 1900 is not a leap year
    [{ calendar: 'solar', month: 4, day: 31 }, false],
    [{ calendar: 'solar', month: 1, day: 1, leapMonth: true }, false],
    [{ calendar: 'lunar', month: 12, day: 30 }, true],
    [{ calendar: 'lunar', month: 1, day: 31 }, false],
    [{ calendar: 'lunar', month: 0, day: 1 }, false],
    [{ calendar: 'gregorian', month: 1, day: 1 }, false],
    [{ calendar: 'solar', month: 1, day: 1, extra: 1 }, false],
  ])('%j valid: %s', (b, ok) => {
    expect(birthdaySchema.safeParse(b).success).toBe(ok);
  });

  test('a birthday needs the sensitive-data consent, named', () => {
    const r = memberProfileInputSchema.safeParse({ birthday: { calendar: 'solar', month: 1, day: 1 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['sensitiveConsent']);
  });
});

describe('birthday existence (lunar calendar) and age', () => {
  test.each([
    [{ calendar: 'lunar', year: 2023, month: 2, day: 29, leapMonth: true }, []], // 闰二月 2023 has 29 days
    [{ calendar: 'lunar', year: 2023, month: 2, day: 30, leapMonth: true }, ['day']],
    [{ calendar: 'lunar', year: 2023, month: 3, day: 1, leapMonth: true }, ['leapMonth']],
    [{ calendar: 'lunar', year: 2024, month: 6, day: 1, leapMonth: true }, ['leapMonth']], // 2024 has no leap month
    [{ calendar: 'lunar', year: 2020, month: 4, day: 1, leapMonth: true }, []], // 闰四月 2020
    [{ calendar: 'lunar', month: 6, day: 30, leapMonth: true }, []], // without a year: cannot tell
    [{ calendar: 'solar', year: 2027, month: 1, day: 1 }, ['year']], // in the future
  ])('%j → problems at %j', (b, paths) => {
    expect(birthdayProblems(bd(b), TODAY).map((p) => p.path)).toEqual(paths);
  });

  test('a lunar birthday converts to its Gregorian date; age counts whole years', () => {
    expect(birthdaySolarDate(bd({ calendar: 'lunar', year: 1990, month: 8, day: 15 }))).toBe('1990-10-03');
    expect(birthdaySolarDate(bd({ calendar: 'solar', month: 8, day: 15 }))).toBeNull();
    expect(ageOn('2012-11-22', TODAY)).toBe(14);
    expect(ageOn('2012-11-23', TODAY)).toBe(13);
  });
});

describe('due date: 15 working days', () => {
  test.each([
    ['2026-11-20', '2026-12-11'], // Friday → three weeks later, Friday
    ['2026-11-22', '2026-12-11'], // Sunday: counting starts Monday
    ['2026-11-23', '2026-12-14'], // Monday
  ])('from %s → %s', (from, due) => {
    expect(addWorkingDays(from, 15)).toBe(due);
  });
});

describe('policy version', () => {
  test.each([
    [[{ purpose: 'privacy_policy', granted: true, policyVersion: 'v2' }], false],
    [[{ purpose: 'privacy_policy', granted: true, policyVersion: 'v1' }], true],
    [[{ purpose: 'privacy_policy', granted: false, policyVersion: 'v2' }], true],
    [[{ purpose: 'marketing', granted: true, policyVersion: 'v2' }], true],
  ])('%j under v2 asks again: %s', (rows, again) => {
    expect(policyNeedsReconsent(rows, 'v2')).toBe(again);
  });
});

test('the export summary reads the data in the member\'s language', () => {
  const s = exportSummary(
    {
      member: { memberNo: '10000001', name: '林月', birthday: { calendar: 'lunar', year: null, month: 4, day: 30, leapMonth: true }, preferences: ['通勤'] },
      consents: [{ purpose: 'marketing', granted: true }, { purpose: 'marketing', granted: false }],
      orders: [{ totalFen: 12900 }, { totalFen: 100 }],
    },
    '2026-11-22T00:00:00.000Z',
  );
  expect(s).toContain('农历闰4月30日');
  expect(s).toContain('营销消息已撤回');
  expect(s).toContain('2 笔，合计 ¥130.00');
});
