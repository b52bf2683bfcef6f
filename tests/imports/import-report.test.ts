import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sql } from '../../functions/_lib/db';
import { protectNormalisedPhone } from '../../functions/_lib/crypto/phone';
import { importFile, type FileImportResult } from '../../functions/_lib/import/file-import';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { ensureTestEnv } from '../helpers/test-env';
import { CUSTOMERS, ORDERS, VARIANTS, encodeTable, type Table, type Variant } from './messy-files';

// The import end to end on generated messy files (UTF-8 with and without BOM, GBK, XLSX;
// Chinese headers; every defect): the row-by-row report is asserted exactly — accepted, fixed
// and how, merged into whom and by which rule, rejected and why — for every encoding; the
// same file again changes nothing; orders find their customers by the same rules.

let db: TestDb;
let dir: string;

beforeAll(async () => {
  ensureTestEnv();
  db = await createTestDb();
  dir = await mkdtemp(path.join(tmpdir(), 'import-test-'));
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

type World = { orgId: string; members: Record<'sun' | 'zhouPhone' | 'zhouPos' | 'wu', string> };

const one = async (q: Promise<{ id: string }[]>): Promise<string> => {
  const [r] = await q;
  if (!r) throw new Error('insert returned nothing');
  return r.id;
};

// An org with two stores and the members the file meets: 孙 by phone (no name, gender unknown),
// two different members holding 周's phone and 周's POS number, and 吴 with everything.
export const seedOrg = async (sql: Sql): Promise<World> => {
  const orgId = await one(sql`insert into public.orgs (name, wx_appid) values ('Import org', ${`wxi${Math.random().toString(36).slice(2, 17).padEnd(15, '0')}`}) returning id`);
  for (const code of ['A1', 'A2']) await sql`insert into public.stores (org_id, code, name) values (${orgId}, ${code}, ${`门店${code}`})`;
  const member = async (name: string | null, gender: string, phone: string | null, pos: string | null, joined = '2023-01-01T00:00:00Z'): Promise<string> => {
    const p = phone ? protectNormalisedPhone(`+86${phone}`, phone) : null;
    const id = await one(sql`
      insert into public.members (org_id, name, gender, phone_enc, phone_hash, phone_last4, phone_masked, joined_at)
      values (${orgId}, ${name}, ${gender}, ${p?.enc ?? null}, ${p?.hash ?? null}, ${p?.last4 ?? null}, ${p?.masked ?? null}, ${joined}) returning id`);
    if (p) await sql`insert into public.member_identities (org_id, kind, value, member_id) values (${orgId}, 'phone', ${p.hash}, ${id})`;
    if (pos) await sql`insert into public.member_identities (org_id, kind, value, member_id) values (${orgId}, 'pos', ${pos}, ${id})`;
    return id;
  };
  return {
    orgId,
    members: {
      sun: await member(null, 'unknown', '13600136000', null),
      zhouPhone: await member('周九', 'unknown', '13500135000', null),
      zhouPos: await member('周先生', 'male', null, 'VIP900'),
      wu: await member('吴十', 'male', '13300133000', null),
    },
  };
};

const fileOf = async (t: Table, variant: Variant, name?: string): Promise<string> => {
  const { bytes, fileName } = await encodeTable(t, variant);
  const file = path.join(dir, `${Math.random().toString(36).slice(2, 8)}-${name ?? fileName}`);
  await writeFile(file, bytes);
  return file;
};

// [row, outcome, member (its name, or the member number when it has none), rule, field, detail, fixes]
type Line = [number, string, string | null, string | null, string | null, string | null, string | null];
export const reportOf = async (sql: Sql, orgId: string, jobId: string): Promise<Line[]> => {
  const rows = await sql<{ row_no: number; outcome: string; member: string | null; rule: string | null; field: string | null; detail: string | null; fixes: string | null }[]>`
    select r.row_no, r.outcome, coalesce(m.name, '#' || m.member_no) as member, r.rule, r.field, r.detail, nullif(r.fixes, '') as fixes
    from public.import_job_rows r left join public.members m on m.org_id = r.org_id and m.id = r.member_id
    where r.org_id = ${orgId} and r.job_id = ${jobId} order by r.row_no`;
  return rows.map((r) => [r.row_no, r.outcome, r.member, r.rule, r.field, r.detail, r.fixes]);
};

// Everything an import may write, for "the same file again changes nothing".
export const stateOf = async (sql: Sql, orgId: string): Promise<unknown> => ({
  members: await sql`select id, member_no, name, gender, birthday_calendar, birth_year, birth_month, birth_day, birth_leap_month, region_code, phone_hash,
    store_id, joined_at, join_channel, order_count, lifetime_spend_fen, deleted_at from public.members where org_id = ${orgId} order by member_no`,
  identities: await sql`select kind, value, member_id from public.member_identities where org_id = ${orgId} order by kind, value`,
  orders: await sql`select id, order_no, member_id, store_id, total_fen, ordered_at from public.orders where org_id = ${orgId} order by order_no`,
  candidates: await sql`select member_a, member_b, rule, status from public.member_merge_candidates where org_id = ${orgId} order by member_a, member_b`,
});

const run = (orgId: string, filePath: string, extra: Partial<Parameters<typeof importFile>[0]> = {}): Promise<FileImportResult> =>
  importFile({ sql: db.sql, orgId, filePath, source: 'pos', staging: db.embedded ? 'insert' : 'copy', ...extra });

const memberNo = async (id: string): Promise<string> => {
  const [m] = await db.sql<{ no: string }[]>`select member_no::text as no from public.members where id = ${id}`;
  return m?.no ?? 'missing';
};

// The customers file's report: the same for every encoding (conflict names the two members).
const customerReport = (conflicting: string): Line[] => [
  [2, 'accepted', '张三', null, null, '新建会员', null],
  [3, 'fixed', '李四', null, null, '新建会员',
    '手机号：去掉空格、横线或括号；手机号：去掉国家码 +86；姓名：去掉多余空格；性别：性别“女士”记为女；生日：农历日期转为数字；入会时间：日期格式统一为 YYYY-MM-DD'],
  [4, 'fixed', '王五', null, null, '新建会员',
    '手机号：全角转半角；性别：性别“F”记为女；生日：1990 年 2 月没有 30 日，未导入；地区：无法识别的地区“火星”，未导入；入会时间：日期格式统一为 YYYY-MM-DD；门店代码：没有门店“ZZZ”，未设置'],
  [5, 'rejected', null, null, 'phone', '不是有效的电话号码', null],
  [6, 'rejected', null, null, 'phone', '没有手机号、会员卡号、unionid 或 openid，无法识别是哪位顾客', null],
  [7, 'merged', '张三', 'phone', null, '与第 2 行是同一位顾客（手机号相同）', '手机号：去掉空格、横线或括号'],
  [8, 'merged', '孙八', 'phone', null, '补充：姓名、性别', null],
  [9, 'conflict', null, null, null, `标识指向不同的会员（${conflicting}），已记为待合并，请在“会员合并”中处理`, null],
  // line 10 is blank: no report row
  [11, 'unchanged', '吴十', 'phone', null, '与已有会员一致，无变化', null],
  [12, 'fixed', '郑十一', null, null, '新建会员', '性别：性别“2”记为女；生日：农历日期转为数字；入会时间：Excel 日期序号转为日期'],
];

describe.each(VARIANTS)('customers file as %s', (variant) => {
  let w: World;
  let file: string;
  let first: FileImportResult;
  let conflicting: string;
  beforeAll(async () => {
    w = await seedOrg(db.sql);
    file = await fileOf(CUSTOMERS, variant);
    first = await run(w.orgId, file);
    conflicting = `会员 ${await memberNo(w.members.zhouPhone)}、会员 ${await memberNo(w.members.zhouPos)}`;
  });

  test('the encoding is detected and the mapping suggested from the Chinese headers', () => {
    expect(first.encoding).toBe(variant === 'xlsx' ? 'xlsx' : variant === 'gbk' ? 'gb18030' : 'utf-8');
    expect(first.kind).toBe('customers');
    expect(first.mapping).toEqual({
      姓名: 'name', 手机号码: 'phone', 会员卡号: 'posNo', 性别: 'gender', 生日: 'birthday', 历法: 'birthdayCalendar',
      所在地区: 'region', 开卡门店: 'storeCode', 开卡时间: 'joinedAt',
    });
  });

  test('the report, row by row', async () => {
    expect(await reportOf(db.sql, w.orgId, first.jobId)).toEqual(customerReport(conflicting));
    expect(first.counts).toEqual({ accepted: 1, fixed: 3, merged: 2, unchanged: 1, conflict: 1, rejected: 2 });
    expect(first.totalRows).toBe(10);
    const [job] = await db.sql`select status, total_rows, accepted, fixed, merged, unchanged, conflicts, rejected, repeat_of from public.import_jobs where id = ${first.jobId}`;
    expect(job).toEqual({ status: 'done', total_rows: 10, accepted: 1, fixed: 3, merged: 2, unchanged: 1, conflicts: 1, rejected: 2, repeat_of: null });
  });

  test('what was stored: normalised values, identities, and the conflict as a merge candidate', async () => {
    const members = await db.sql<Record<string, unknown>[]>`
      select m.name, m.gender, m.birthday_calendar, m.birth_year, m.birth_month, m.birth_day, m.birth_leap_month, m.region_code,
             m.phone_masked, s.code as store, m.join_channel, m.joined_at,
             (select array_agg(i.kind || ':' || case when i.kind = 'phone' then 'hash' else i.value end order by i.kind, i.value)
              from public.member_identities i where i.member_id = m.id) as ids
      from public.members m left join public.stores s on s.id = m.store_id
      where m.org_id = ${w.orgId} and m.join_channel = 'import' order by m.member_no`;
    const at = (iso: string): Date => new Date(iso);
    expect(members).toEqual([
      { name: '张三', gender: 'male', birthday_calendar: 'solar', birth_year: 1990, birth_month: 8, birth_day: 15, birth_leap_month: false, region_code: '310104',
        phone_masked: '138****8000', store: 'A1', join_channel: 'import', joined_at: at('2024-01-04T16:00:00Z'), ids: ['phone:hash', 'pos:VIP001', 'pos:VIP005'] },
      { name: '李四', gender: 'female', birthday_calendar: 'lunar', birth_year: null, birth_month: 8, birth_day: 15, birth_leap_month: false, region_code: '440305',
        phone_masked: '139****9000', store: 'A2', join_channel: 'import', joined_at: at('2024-01-06T01:30:00Z'), ids: ['phone:hash', 'pos:VIP002'] },
      { name: '王五', gender: 'female', birthday_calendar: null, birth_year: null, birth_month: null, birth_day: null, birth_leap_month: false, region_code: null,
        phone_masked: '137****7000', store: null, join_channel: 'import', joined_at: at('2024-01-06T16:00:00Z'), ids: ['phone:hash'] },
      { name: '郑十一', gender: 'female', birthday_calendar: 'lunar', birth_year: 2001, birth_month: 4, birth_day: 8, birth_leap_month: true, region_code: '310105',
        phone_masked: '131****1000', store: 'A1', join_channel: 'import', joined_at: at('2024-01-04T16:00:00Z'), ids: ['phone:hash', 'pos:VIP011'] },
    ].sort((a, b) => a.joined_at.getTime() - b.joined_at.getTime()));
    const [sun] = await db.sql`select name, gender from public.members where id = ${w.members.sun}`;
    expect(sun).toEqual({ name: '孙八', gender: 'male' });
    const [zhou] = await db.sql`select name, gender from public.members where id = ${w.members.zhouPhone}`;
    expect(zhou).toEqual({ name: '周九', gender: 'unknown' });
    const candidates = await db.sql`select member_a, member_b, rule, source, row_no, status from public.member_merge_candidates where org_id = ${w.orgId}`;
    const [a, b] = [w.members.zhouPhone, w.members.zhouPos].sort();
    expect(candidates).toEqual([{ member_a: a, member_b: b, rule: 'phone/pos', source: 'import', row_no: 9, status: 'open' }]);
  });

  test('the same file again changes nothing, and says so row by row', async () => {
    const before = await stateOf(db.sql, w.orgId);
    const again = await run(w.orgId, file);
    expect(await stateOf(db.sql, w.orgId)).toEqual(before);
    expect(again.repeatOf).toBe(first.jobId);
    expect(again.counts).toEqual({ accepted: 0, fixed: 0, merged: 0, unchanged: 8, conflict: 0, rejected: 2 });
    const report = await reportOf(db.sql, w.orgId, again.jobId);
    expect(report.map((r) => [r[0], r[1], r[2]])).toEqual([
      [2, 'unchanged', '张三'], [3, 'unchanged', '李四'], [4, 'unchanged', '王五'], [5, 'rejected', null], [6, 'rejected', null],
      [7, 'unchanged', '张三'], [8, 'unchanged', '孙八'], [9, 'unchanged', null], [11, 'unchanged', '吴十'], [12, 'unchanged', '郑十一'],
    ]);
    expect(report.find((r) => r[0] === 9)?.[5]).toBe(`标识指向不同的会员（${conflicting}），待合并记录已存在`);
  });
});

describe('orders file (after the customers)', () => {
  let w: World;
  let file: string;
  let first: FileImportResult;
  beforeAll(async () => {
    w = await seedOrg(db.sql);
    await run(w.orgId, await fileOf(CUSTOMERS, 'utf-8'));
    file = await fileOf(ORDERS, 'gbk', 'orders.csv');
    first = await run(w.orgId, file, { source: 'pos-orders' });
  });

  test('the kind is guessed from the headers; the report, row by row', async () => {
    expect(first.kind).toBe('orders');
    expect(first.mapping).toEqual({ 订单编号: 'orderNo', 手机: 'phone', 会员卡号: 'posNo', 实付金额: 'amount', 下单时间: 'orderedAt', 门店编码: 'storeCode' });
    expect(await reportOf(db.sql, w.orgId, first.jobId)).toEqual([
      [2, 'fixed', '张三', 'phone', null, '新订单', '金额：全角转半角；金额：去掉货币符号；金额：去掉千分位逗号；下单时间：日期格式统一为 YYYY-MM-DD'],
      [3, 'accepted', '李四', 'pos', null, '新订单', null],
      [4, 'rejected', null, null, 'phone', '找不到这位顾客：请先导入顾客，再导入订单', null],
      [5, 'unchanged', '张三', 'phone', null, '与第 2 行重复', '手机号：去掉空格、横线或括号；手机号：去掉国家码 +86'],
      [6, 'accepted', null, null, null, '新订单（未关联会员）', null],
      [7, 'rejected', null, null, 'amount', '金额不能为负数', null],
      [8, 'rejected', null, null, 'orderNo', '订单号与第 3 行相同，但金额或时间不同', null],
      [9, 'rejected', null, null, 'phone', '顾客标识指向不同的会员，请先在“会员合并”中处理', null],
      [10, 'rejected', null, null, 'orderedAt', '没有 13 月', '金额：全角转半角'],
    ]);
    expect(first.counts).toEqual({ accepted: 2, fixed: 1, merged: 0, unchanged: 1, conflict: 0, rejected: 5 });
  });

  test('orders are stored in fen at the brand-zone instant, and the members\' aggregates follow', async () => {
    const orders = await db.sql`
      select o.order_no, o.total_fen::int as fen, o.ordered_at, m.name, s.code as store, o.source
      from public.orders o left join public.members m on m.id = o.member_id left join public.stores s on s.id = o.store_id
      where o.org_id = ${w.orgId} order by o.order_no`;
    expect(orders).toEqual([
      { order_no: 'SO-1', fen: 123450, ordered_at: new Date('2024-01-05T02:00:00Z'), name: '张三', store: 'A1', source: 'import' },
      { order_no: 'SO-2', fen: 9900, ordered_at: new Date('2024-01-06T04:00:00Z'), name: '李四', store: null, source: 'import' },
      { order_no: 'SO-4', fen: 5000, ordered_at: new Date('2024-01-06T16:00:00Z'), name: null, store: null, source: 'import' },
    ]);
    const [zhang] = await db.sql`select order_count, lifetime_spend_fen::int as spend from public.members where org_id = ${w.orgId} and name = '张三'`;
    expect(zhang).toEqual({ order_count: 1, spend: 123450 });
  });

  test('the same orders file again changes nothing', async () => {
    const before = await stateOf(db.sql, w.orgId);
    const again = await run(w.orgId, file, { source: 'pos-orders' });
    expect(await stateOf(db.sql, w.orgId)).toEqual(before);
    expect(again.counts).toEqual({ accepted: 0, fixed: 0, merged: 0, unchanged: 4, conflict: 0, rejected: 5 });
  });
});

describe('dry run, remembered mapping, broken files', () => {
  test('a dry run reports every row and stores nothing (no job either)', async () => {
    const w = await seedOrg(db.sql);
    const before = await stateOf(db.sql, w.orgId);
    let seen: Line[] = [];
    const r = await run(w.orgId, await fileOf(CUSTOMERS, 'utf-8-bom'), {
      dryRun: true,
      onReport: async (tx, jobId) => {
        seen = await reportOf(tx as unknown as Sql, w.orgId, jobId);
      },
    });
    expect(r.dryRun).toBe(true);
    expect(r.counts).toEqual({ accepted: 1, fixed: 3, merged: 2, unchanged: 1, conflict: 1, rejected: 2 });
    expect(seen.map((l) => l[1])).toEqual(['accepted', 'fixed', 'fixed', 'rejected', 'rejected', 'merged', 'merged', 'conflict', 'unchanged', 'fixed']);
    expect(await stateOf(db.sql, w.orgId)).toEqual(before);
    expect(await db.sql`select id from public.import_jobs where org_id = ${w.orgId}`).toHaveLength(0);
    expect(await db.sql`select 1 from private.import_customer_rows where org_id = ${w.orgId}`).toHaveLength(0);
  });

  test('a confirmed mapping is remembered per source and used next time', async () => {
    const w = await seedOrg(db.sql);
    const t: Table = { headers: ['客户', '联系号码', 'VIP'], rows: [['甲', '13800138000', 'V1']] };
    const mapping = { 客户: 'name', 联系号码: 'phone', VIP: 'posNo' } as const;
    await run(w.orgId, await fileOf(t, 'utf-8'), { source: 'crm', kind: 'customers', mapping });
    const [src] = await db.sql`select mapping from public.import_sources where org_id = ${w.orgId} and name = 'crm'`;
    expect(src?.mapping).toEqual(mapping);
    const next = await run(w.orgId, await fileOf({ ...t, rows: [['乙', '13900139000', 'V2']] }, 'utf-8'), { source: 'crm', kind: 'customers' });
    expect(next.mapping).toEqual(mapping);
    expect(next.counts.accepted).toBe(1);
    // Another source does not see it: 联系号码/VIP are not known headers, so nothing identifies a customer.
    await expect(run(w.orgId, await fileOf(t, 'utf-8'), { source: 'other', kind: 'customers' })).rejects.toThrow('至少要有一列手机号');
  });

  test('a file that switches encoding half-way fails whole, the job marked failed', async () => {
    const w = await seedOrg(db.sql);
    // Past the first read (1 MB): the job exists by then, and must end failed with nothing stored.
    const head = Buffer.from(`姓名,手机\r\n${'张三,13800138000\r\n'.repeat(100_000)}`, 'utf8');
    const file = path.join(dir, 'mixed.csv');
    await writeFile(file, Buffer.concat([head, iconv.encode('李四,13900139000\r\n', 'gbk')]));
    await expect(run(w.orgId, file, { kind: 'customers' })).rejects.toThrow('不是有效的 UTF-8');
    const jobs = await db.sql`select status, error from public.import_jobs where org_id = ${w.orgId}`;
    expect(jobs).toEqual([{ status: 'failed', error: expect.stringContaining('UTF-8') }]);
    expect(await db.sql`select 1 from public.members where org_id = ${w.orgId} and join_channel = 'import'`).toHaveLength(0);
  });

  test('an old .xls file is refused with what to do', async () => {
    const w = await seedOrg(db.sql);
    const file = path.join(dir, 'old.xls');
    await writeFile(file, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    await expect(run(w.orgId, file)).rejects.toThrow('另存为 .xlsx 或 CSV');
  });
});
