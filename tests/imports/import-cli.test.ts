import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { writeCustomerFile, type CustomerFileStats } from '../../bench/import-files';
import { segmentFactsDrift } from '../helpers/segment-facts';
import { createTestDb, usingServer, type TestDb } from '../helpers/test-db';
import { ensureTestEnv } from '../helpers/test-env';

// `npm run import -- FILE` on a generated file of a few thousand messy rows (POS export: BOM,
// Chinese headers, phones in every format, lunar birthdays, impossible dates, unknown regions
// and stores, repeated customers): the CLI streams it into the staging table with COPY, merges
// set-based, prints the totals and writes the row-by-row report; run again, nothing changes.
const run = promisify(execFile);
const ROWS = 4000;
const describeServer = usingServer() ? describe : describe.skip; // COPY needs a Postgres server

describeServer('npm run import (CLI)', () => {
  let db: TestDb;
  let dir: string;
  let file: string;
  let stats: CustomerFileStats;
  let orgId: string;

  const cli = (...args: string[]) =>
    run(process.execPath, [path.resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs'), path.resolve(__dirname, '../../scripts/import.ts'), ...args], {
      env: { ...process.env, DATABASE_URL: db.url },
      maxBuffer: 1 << 24,
    });

  beforeAll(async () => {
    ensureTestEnv();
    db = await createTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'import-cli-'));
    file = path.join(dir, 'pos-members.csv');
    stats = await writeCustomerFile(file, ROWS, 3, 3);
    const [org] = await db.sql<{ id: string }[]>`insert into public.orgs (name, wx_appid) values ('CLI org', 'wxcli0000000000001') returning id`;
    orgId = org?.id ?? '';
    for (const code of ['S001', 'S002', 'S003']) await db.sql`insert into public.stores (org_id, code, name) values (${orgId}, ${code}, ${code})`;
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('imports, prints the totals and writes the report', async () => {
    const { stdout } = await cli(file, '--org', orgId, '--source', 'pos');
    const counts: Record<string, number> = Object.fromEntries(
      [...stdout.matchAll(/^\s+\S+\s+(accepted|fixed|merged|unchanged|conflict|rejected)\s+([\d,]+)$/gm)].map((m) => [m[1] ?? '', Number((m[2] ?? '').replace(/,/g, ''))]),
    );
    expect(stdout).toContain(`customers import job`);
    expect(counts.rejected).toBe(stats.invalidPhones);
    expect(counts.conflict).toBe(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(ROWS);

    const [job] = await db.sql`select id, status, via, encoding, total_rows, accepted, fixed, merged, unchanged, rejected from public.import_jobs where org_id = ${orgId}`;
    expect(job).toMatchObject({ status: 'done', via: 'cli', encoding: 'utf-8', total_rows: ROWS, rejected: stats.invalidPhones });
    const [members] = await db.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and join_channel = 'import'`;
    expect(members?.n).toBe(Number(job?.accepted) + Number(job?.fixed));
    // Every member can be found again by its POS number; nothing is left in staging.
    const [unlinked] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from public.members m where m.org_id = ${orgId}
        and not exists (select 1 from public.member_identities i where i.member_id = m.id and i.kind = 'pos')`;
    expect(unlinked?.n).toBe(0);
    expect(await db.sql`select 1 from private.import_customer_rows`).toHaveLength(0);

    const report = parse(await readFile(`${file}.report.csv`, 'utf8'), { bom: true }) as string[][];
    expect(report[0]).toEqual(['行号', '结果', '结果代码', '会员号', '订单号', '匹配规则', '问题字段', '说明', '修正']);
    expect(report).toHaveLength(ROWS + 1);
    expect(report.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: ROWS }, (_, i) => i + 2));
    const rejected = report.filter((r) => r[2] === 'rejected');
    expect(rejected).toHaveLength(stats.invalidPhones);
    for (const r of rejected) expect([r[6], r[7], r[3]]).toEqual(['手机号', '不是有效的电话号码', '']);
    for (const r of report.filter((x) => x[2] === 'merged')) expect(r[3]).toMatch(/^\d+$/);
    // Lunar birthdays were read as lunar; impossible dates dropped with the reason.
    const [lunar] = await db.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and birthday_calendar = 'lunar'`;
    expect(lunar?.n).toBeGreaterThan(0);
    expect(report.filter((r) => (r[8] ?? '').includes('月没有 30 日，未导入')).length).toBe(stats.badBirthdays);
    // The segment facts of the imported (and merged-into) members followed the members.
    const [facts] = await db.sql<{ n: number }[]>`select count(*)::int as n from public.member_segment_facts where org_id = ${orgId}`;
    expect(facts?.n).toBe(members?.n);
    expect(await segmentFactsDrift(db.sql, orgId)).toEqual([]);
  });

  test('the same file again: recognised, nothing changes', async () => {
    const snapshot = () => db.sql`select id, name, phone_hash, store_id, region_code, birth_month, joined_at from public.members where org_id = ${orgId} order by id`;
    const before = await snapshot();
    const { stdout } = await cli(file, '--org', orgId, '--source', 'pos');
    expect(stdout).toContain('this exact file was imported before');
    expect(stdout).toMatch(/accepted\s+0\n/);
    expect(stdout).toMatch(/fixed\s+0\n/);
    expect(stdout).toMatch(/merged\s+0\n/);
    expect(await snapshot()).toEqual(before);
  });

  test('a dry run stores nothing', async () => {
    const other = path.join(dir, 'other.csv');
    await writeCustomerFile(other, 200, 99, 3);
    const { stdout } = await cli(other, '--org', orgId, '--source', 'other', '--dry-run');
    expect(stdout).toContain('(dry run, rolled back)');
    expect(await db.sql`select 1 from public.import_jobs where org_id = ${orgId} and source_id in (select id from public.import_sources where name = 'other')`).toHaveLength(0);
  });
});
