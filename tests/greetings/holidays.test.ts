import { holidaysOfYear, holidaysOn, HOLIDAY_KEYS } from '../../shared/domain/holidays';

// The known calendar (from the published Chinese calendar), written out by hand: the code
// computes these, it never reads them.
const KNOWN: Record<number, Record<string, string>> = {
  2024: { 春节: '02-10', 元宵: '02-24', 清明: '04-04', 母亲节: '05-12', 端午: '06-10', 父亲节: '06-16', 七夕: '08-10', 中秋: '09-17', 重阳: '10-11', 冬至: '12-21' },
  2025: { 春节: '01-29', 元宵: '02-12', 清明: '04-04', 母亲节: '05-11', 端午: '05-31', 父亲节: '06-15', 七夕: '08-29', 中秋: '10-06', 重阳: '10-29', 冬至: '12-21' },
  2026: { 春节: '02-17', 元宵: '03-03', 清明: '04-05', 母亲节: '05-10', 端午: '06-19', 父亲节: '06-21', 七夕: '08-19', 中秋: '09-25', 重阳: '10-18', 冬至: '12-22' },
  2027: { 春节: '02-06', 元宵: '02-20', 清明: '04-05', 母亲节: '05-09', 端午: '06-09', 父亲节: '06-20', 七夕: '08-08', 中秋: '09-15', 重阳: '10-08', 冬至: '12-22' },
  2028: { 春节: '01-26', 元宵: '02-09', 清明: '04-04', 母亲节: '05-14', 端午: '05-28', 父亲节: '06-18', 七夕: '08-26', 中秋: '10-03', 重阳: '10-26', 冬至: '12-21' },
  2029: { 春节: '02-13', 元宵: '02-27', 清明: '04-04', 母亲节: '05-13', 端午: '06-16', 父亲节: '06-17', 七夕: '08-16', 中秋: '09-22', 重阳: '10-16', 冬至: '12-21' },
  2030: { 春节: '02-03', 元宵: '02-17', 清明: '04-05', 母亲节: '05-12', 端午: '06-05', 父亲节: '06-16', 七夕: '08-05', 中秋: '09-12', 重阳: '10-05', 冬至: '12-22' },
};
const FIXED: Record<string, string> = { 元旦: '01-01', 情人节: '02-14', 妇女节: '03-08', 劳动节: '05-01', 儿童节: '06-01', 国庆: '10-01', 圣诞: '12-25' };

const cases = Object.entries(KNOWN).flatMap(([year, days]) =>
  Object.entries({ ...days, ...FIXED }).map(([name, md]) => ({ year: Number(year), name, expected: `${year}-${md}` })),
);

describe('holidaysOfYear', () => {
  test.each(cases)('$year $name is $expected', ({ year, name, expected }) => {
    const found = holidaysOfYear(year).filter((h) => h.name === name);
    expect(found).toHaveLength(1);
    expect(found[0]?.date).toBe(expected);
  });

  test.each([2024, 2025, 2026, 2027, 2028, 2029, 2030])('%i has all 17 holidays once, in date order, inside the year', (year) => {
    const list = holidaysOfYear(year);
    expect(list.map((h) => h.key).sort()).toEqual([...HOLIDAY_KEYS].sort());
    const dates = list.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    for (const d of dates) expect(d.startsWith(`${year}-`)).toBe(true);
  });

  test('works for years far from the test table (computed, not a table)', () => {
    expect(holidaysOfYear(2049).find((h) => h.key === 'spring_festival')?.date).toBe('2049-02-02');
    expect(holidaysOfYear(2000).find((h) => h.key === 'mid_autumn')?.date).toBe('2000-09-12');
  });

  test('holidaysOn finds coincident holidays and nothing on an ordinary day', () => {
    expect(holidaysOn('2029-06-17').map((h) => h.name)).toEqual(['父亲节']);
    expect(holidaysOn('2025-03-09')).toEqual([]);
    expect(holidaysOn('2024-02-10').map((h) => h.key)).toEqual(['spring_festival']);
  });

  test('rejects years outside the supported range', () => {
    expect(() => holidaysOfYear(1800)).toThrow(RangeError);
    expect(() => holidaysOfYear(2024.5)).toThrow(RangeError);
  });
});
