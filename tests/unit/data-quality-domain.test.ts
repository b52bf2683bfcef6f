import { readFileSync } from 'node:fs';
import { QUALITY_CHECKS, QUALITY_ISSUES, pointsLost, qualityScore } from '../../shared/domain/data-quality';
import { currentBlock, generatedBlock, lunarYears, QUALITY_MIGRATION, regionCodes } from '../../scripts/quality-reference';
import { monthsEnding, windowStart } from '../../functions/_lib/dashboards';

// The audit's documented rules (shared/domain/data-quality.ts) against its SQL, and the reference
// data in its migration against the libraries it was generated from.

const migration = readFileSync(QUALITY_MIGRATION, 'utf8');

describe('the checks and their weights', () => {
  test('the weights add up to 100 and the keys are unique', () => {
    expect(QUALITY_CHECKS.reduce((a, c) => a + c.weight, 0)).toBe(100);
    expect(new Set(QUALITY_ISSUES).size).toBe(QUALITY_ISSUES.length);
  });

  test('the SQL weights are the documented ones', () => {
    const body = /create or replace function private\.data_quality_weights\(\)[\s\S]*?\$\$([\s\S]*?)\$\$/.exec(migration)?.[1] ?? '';
    const pairs = [...body.matchAll(/'([a-z0-9_]+)',\s*(\d+)/g)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(pairs)).toEqual(Object.fromEntries(QUALITY_CHECKS.map((c) => [c.key, c.weight])));
  });

  test.each([
    [100, {}, 100],
    [100, { missing_phone: 100 }, 90],
    [200, { missing_phone: 100, stale: 50 }, 92.5],
    [3, { missing_phone: 1 }, 96.7],
    [0, {}, null],
  ] as const)('%i members, %j flagged → score %s', (members, counts, score) => {
    const weights = Object.fromEntries(QUALITY_CHECKS.map((c) => [c.key, c.weight]));
    expect(qualityScore(members, counts, weights)).toBe(score);
  });

  test('points lost by one check', () => {
    expect(pointsLost(1000, 250, 10)).toBe(2.5);
    expect(pointsLost(0, 5, 10)).toBe(0);
  });
});

describe('reference data', () => {
  test('the migration holds exactly what the libraries give (npx tsx scripts/quality-reference.ts)', () => {
    expect(currentBlock(migration)).toBe(generatedBlock());
  });

  test('GB/T 2260 codes: provinces, prefectures, counties; HK and Macau', () => {
    const codes = new Set(regionCodes());
    for (const c of ['110000', '110101', '310104', '440300', '440305', '441900', '429004', '810000', '820000']) expect(codes.has(c)).toBe(true);
    for (const c of ['999999', '110199', '000000']) expect(codes.has(c)).toBe(false);
    expect(codes.size).toBeGreaterThan(3000);
  });

  test('lunar years: 2023 has a leap 2nd month of 29 days, 2020 a leap 4th month; every month 29 or 30 days', () => {
    const ys = new Map(lunarYears().map((y) => [y.year, y]));
    expect(ys.get(2023)).toMatchObject({ leapMonth: 2, monthDays: '0101101101010' });
    expect(ys.get(2020)?.leapMonth).toBe(4);
    expect(ys.size).toBe(201);
    for (const y of ys.values()) expect(y.monthDays).toHaveLength(y.leapMonth ? 13 : 12);
  });
});

describe('the brand calendar of the charts', () => {
  test.each([
    ['2026-12-01', 3, ['2026-10', '2026-11', '2026-12']],
    ['2026-02-15', 4, ['2025-11', '2025-12', '2026-01', '2026-02']],
    ['2026-01-31', 1, ['2026-01']],
  ] as const)('%s, %i months → %j', (today, n, months) => {
    expect(monthsEnding(today, n)).toEqual(months);
  });
  test('a 30-day window ends today', () => {
    expect(windowStart('2026-03-01', 30)).toBe('2026-01-31');
    expect(windowStart('2026-03-01', 1)).toBe('2026-03-01');
  });
});
