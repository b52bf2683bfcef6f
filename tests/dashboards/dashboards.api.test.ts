import type { StartedApp } from '../../server/start-app';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// The console dashboards over real HTTP against the demo org (300 members with orders,
// interactions, RFM classes from the order triggers) plus tiers, greeting outbox rows and 1:1
// greetings added here. Ground truth for every number is a hand-written query on the tables;
// every drill-down list, paged to the end, holds exactly the members the number counted.

type Growth = { months: string[]; byChannel: { month: string; channel: string; n: number }[]; byStore: { month: string; storeId: string | null; n: number }[]; stores: { id: string; code: string }[] };
type Segments = { total: number; rfm: { rfmClass: string | null; n: number }[]; churn: { churnState: string; n: number }[]; tier: { tier: string | null; n: number }[] };
type Day = { date: string; planned: number; queued: number; sent: number; unknown: number; failed: Record<string, number>; skipped: Record<string, number> };
type Greetings = { from: string; to: string; campaigns: { campaignId: string | null; name: string; days: Day[] }[] };
type Associates = { days: number; since: string; associates: { staffId: string; name: string; active: boolean; customers: number; contacted: number; interactions: number; greetings: number }[] };
type Drill = { total: number; items: { id: string; memberNo: string; phoneMasked: string | null; detail: Record<string, unknown> | null }[]; nextCursor: string | null };
type Err = { error: { code: string; fields?: { path: string }[] } };

const TZ = 'Asia/Shanghai';
const CRON_SECRET = 'test-cron-secret-dashboards-01';
let app: StartedApp;
let operator: string;
let admin: string;
let associate: string;
let manager: string;
let member: string;
let orgId: string;
let campaignId: string;

const sortedIds = (xs: { id: string }[]): string[] => xs.map((x) => x.id).sort();

// Every page of a drill-down list; the same member never twice.
const drillAll = async (query: Record<string, string>, token = operator): Promise<{ total: number; ids: string[] }> => {
  const ids: string[] = [];
  let cursor: string | null = null;
  let total = -1;
  for (let page = 0; page < 100; page++) {
    const q: URLSearchParams = new URLSearchParams({ ...query, limit: '7', ...(cursor ? { cursor } : {}) });
    const r: { status: number; body: Drill } = await api<Drill>(app, `/api/console/dashboard-members?${q}`, { token });
    if (r.status !== 200) throw new Error(`drill ${q} → ${r.status} ${JSON.stringify(r.body)}`);
    total = r.body.total;
    for (const it of r.body.items) {
      expect(it.phoneMasked === null || /^\d{3}\*{4}\d{4}$/.test(it.phoneMasked)).toBe(true);
      ids.push(it.id);
    }
    cursor = r.body.nextCursor;
    if (!cursor) break;
  }
  expect(new Set(ids).size).toBe(ids.length);
  return { total, ids: ids.sort() };
};

const get = async <T>(path: string, token = operator): Promise<T> => {
  const r = await api<T>(app, path, { token });
  if (r.status !== 200) throw new Error(`${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeAll(async () => {
  process.env.CRON_SECRET = CRON_SECRET;
  app = await startTestApp(300);
  orgId = app.demo.orgId as string;
  const tokens = await Promise.all(['demo-operator', 'demo-admin', 'demo-associate-a', 'demo-manager-a', 'demo-member-1'].map((o) => loginAs(app, o)));
  [operator, admin, associate, manager, member] = tokens as [string, string, string, string, string];
  // Tiers for some members (set by the brand, e.g. a POS import).
  await app.sql`update public.members set tier = case when member_no % 5 = 0 then '金卡' when member_no % 5 = 1 then '银卡' else null end where org_id = ${orgId}`;
  // Outbox rows of the demo birthday automation on two days of the window, every status.
  const [c] = await app.sql<{ id: string; template_id: string }[]>`select id, template_id from public.greeting_campaigns where org_id = ${orgId} limit 1`;
  campaignId = c!.id;
  await app.sql`
    insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, campaign_id, template_id, status, reason, sent_at)
    select m.org_id, m.id, ${campaignId}, (now() at time zone ${TZ})::date - (m.member_no % 2)::int, ${campaignId}, ${c!.template_id},
           (array['sent', 'sent', 'failed', 'skipped', 'skipped', 'queued', 'retrying', 'unknown'])[1 + (m.member_no % 8)::int],
           (array[null, null, 'refused', 'no_consent', 'no_credit', null, null, null])[1 + (m.member_no % 8)::int],
           case when m.member_no % 8 < 2 then now() end
    from (select * from public.members where org_id = ${orgId} order by member_no limit 120) m`;
  // 1:1 greetings sent by 王芳 (two of them today, one long ago).
  const [wang] = await app.sql<{ id: string }[]>`select s.id from public.staff s join public.accounts a on a.id = s.account_id where a.wx_openid = 'demo-associate-a'`;
  await app.sql`
    insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, staff_id, status, sent_at)
    select m.org_id, m.id, 'manual:' || ${c!.template_id}, (now() at time zone ${TZ})::date - m.ago, ${c!.template_id}, ${wang!.id}, 'sent',
           now() - make_interval(days => m.ago)
    from (select x.*, case when row_number() over (order by x.member_no) = 3 then 45 else 0 end as ago
          from public.members x where x.org_id = ${orgId} and x.associate_id = ${wang!.id} order by x.member_no limit 3) m`;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('member growth by join channel and store', () => {
  test('every cell equals the hand-written count; the months are the brand\'s last 12', async () => {
    const g = await get<Growth>('/api/console/dashboard-growth?months=12');
    expect(g.months).toHaveLength(12);
    const truthChannel = await app.sql<{ month: string; channel: string; n: number }[]>`
      select to_char(joined_at at time zone ${TZ}, 'YYYY-MM') as month, join_channel as channel, count(*)::int as n
      from public.members where org_id = ${orgId} and deleted_at is null
        and to_char(joined_at at time zone ${TZ}, 'YYYY-MM') >= ${g.months[0]!}
      group by 1, 2 order by 1, 2`;
    expect([...g.byChannel].sort((a, b) => (a.month + a.channel < b.month + b.channel ? -1 : 1))).toEqual(truthChannel);
    const truthStore = await app.sql<{ month: string; storeId: string | null; n: number }[]>`
      select to_char(joined_at at time zone ${TZ}, 'YYYY-MM') as month, store_id as "storeId", count(*)::int as n
      from public.members where org_id = ${orgId} and deleted_at is null
        and to_char(joined_at at time zone ${TZ}, 'YYYY-MM') >= ${g.months[0]!}
      group by 1, 2`;
    const key = (x: { month: string; storeId: string | null }) => `${x.month}|${x.storeId}`;
    expect([...g.byStore].sort((a, b) => (key(a) < key(b) ? -1 : 1))).toEqual([...truthStore].sort((a, b) => (key(a) < key(b) ? -1 : 1)));
    expect(g.stores.map((s) => s.code)).toEqual(['S001', 'S002']);
  });

  test('a channel bar and a store bar open exactly their members', async () => {
    const g = await get<Growth>('/api/console/dashboard-growth?months=12');
    const cell = [...g.byChannel].sort((a, b) => b.n - a.n)[0]!;
    const d = await drillAll({ kind: 'growth', month: cell.month, channel: cell.channel });
    const truth = await app.sql<{ id: string }[]>`
      select id from public.members where org_id = ${orgId} and deleted_at is null and join_channel = ${cell.channel}
        and to_char(joined_at at time zone ${TZ}, 'YYYY-MM') = ${cell.month}`;
    expect(d).toEqual({ total: cell.n, ids: sortedIds(truth) });
    const sc = [...g.byStore].sort((a, b) => b.n - a.n)[0]!;
    const ds = await drillAll({ kind: 'growth', month: sc.month, storeId: sc.storeId ?? 'none' });
    const truthS = await app.sql<{ id: string }[]>`
      select id from public.members where org_id = ${orgId} and deleted_at is null and store_id is not distinct from ${sc.storeId}
        and to_char(joined_at at time zone ${TZ}, 'YYYY-MM') = ${sc.month}`;
    expect(ds).toEqual({ total: sc.n, ids: sortedIds(truthS) });
  });
});

const segmentTruth = async () => ({
  rfm: await app.sql<{ rfmClass: string | null; n: number }[]>`
    select rfm_class as "rfmClass", count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null group by 1`,
  churn: await app.sql<{ churnState: string; n: number }[]>`
    select churn_state as "churnState", count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null group by 1`,
  tier: await app.sql<{ tier: string | null; n: number }[]>`
    select tier, count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null group by 1`,
});
const bySegment = <T extends Record<string, unknown>>(xs: T[], k: keyof T): T[] => [...xs].sort((a, b) => (String(a[k]) < String(b[k]) ? -1 : 1));
const expectSegmentsTrue = async (): Promise<Segments> => {
  const s = await get<Segments>('/api/console/dashboard-segments');
  const t = await segmentTruth();
  expect(bySegment(s.rfm, 'rfmClass')).toEqual(bySegment(t.rfm, 'rfmClass'));
  expect(bySegment(s.churn, 'churnState')).toEqual(bySegment(t.churn, 'churnState'));
  expect(bySegment(s.tier, 'tier')).toEqual(bySegment(t.tier, 'tier'));
  expect(s.total).toBe(t.tier.reduce((a, b) => a + b.n, 0));
  return s;
};

describe('RFM grid, churn and tier distributions', () => {
  test('the counts are the members\' columns, grouped', async () => {
    const s = await expectSegmentsTrue();
    // The demo data has purchasers in several classes and members who never bought.
    expect(s.rfm.filter((r) => r.rfmClass !== null).length).toBeGreaterThan(2);
    expect(s.rfm.some((r) => r.rfmClass === null)).toBe(true);
  });

  test('every cell opens exactly its members', async () => {
    const s = await get<Segments>('/api/console/dashboard-segments');
    for (const r of s.rfm) {
      const d = await drillAll({ kind: 'rfm', ...(r.rfmClass ? { rfmClass: r.rfmClass } : {}) });
      const truth = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and rfm_class is not distinct from ${r.rfmClass}`;
      expect(d).toEqual({ total: r.n, ids: sortedIds(truth) });
    }
    for (const c of s.churn) {
      const d = await drillAll({ kind: 'churn', churnState: c.churnState });
      const truth = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and churn_state = ${c.churnState}`;
      expect(d).toEqual({ total: c.n, ids: sortedIds(truth) });
    }
    for (const t of s.tier) {
      const d = await drillAll({ kind: 'tier', ...(t.tier ? { tier: t.tier } : {}) });
      const truth = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and tier is not distinct from ${t.tier}`;
      expect(d).toEqual({ total: t.n, ids: sortedIds(truth) });
    }
  });

  test('one store\'s distribution', async () => {
    const [s1] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} and code = 'S001'`;
    const s = await get<Segments>(`/api/console/dashboard-segments?storeId=${s1!.id}`);
    const [t] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null and store_id = ${s1!.id}`;
    expect(s.total).toBe(t!.n);
    const gold = s.tier.find((x) => x.tier === '金卡')!;
    const d = await drillAll({ kind: 'tier', tier: '金卡', storeId: s1!.id });
    expect(d.total).toBe(gold.n);
    expect(d.ids).toHaveLength(gold.n);
  });
});

describe('greeting results', () => {
  test('per campaign and day, the same numbers as the campaign\'s own statistics', async () => {
    const g = await get<Greetings>('/api/console/dashboard-greetings?days=30');
    const mine = g.campaigns.find((c) => c.campaignId === campaignId)!;
    expect(mine.days).toHaveLength(2);
    const stats = await get<{ days: Day[] }>(`/api/console/greetings-stats?campaignId=${campaignId}`);
    const inWindow = stats.days.filter((d) => d.date >= g.from && d.date <= g.to).sort((a, b) => (a.date < b.date ? -1 : 1));
    expect(mine.days).toEqual(inWindow);
    expect(mine.days.reduce((a, d) => a + d.sent, 0)).toBe(30);
    // The 1:1 greetings of the window (the one sent 45 days ago is outside it).
    const manual = g.campaigns.find((c) => c.campaignId === null)!;
    expect(manual.days.reduce((a, d) => a + d.sent, 0)).toBe(2);
  });

  test('every bar segment opens exactly its members', async () => {
    const g = await get<Greetings>('/api/console/dashboard-greetings?days=30');
    const mine = g.campaigns.find((c) => c.campaignId === campaignId)!;
    for (const day of mine.days) {
      const cells: [string, string | undefined, number, string[]][] = [
        ['sent', undefined, day.sent, ['sent']],
        ['queued', undefined, day.queued, ['queued', 'claimed', 'sending', 'retrying']],
        ['unknown', undefined, day.unknown, ['unknown']],
        ...Object.entries(day.failed).map(([r, n]) => ['failed', r, n, ['failed']] as [string, string, number, string[]]),
        ...Object.entries(day.skipped).map(([r, n]) => ['skipped', r, n, ['skipped']] as [string, string, number, string[]]),
      ];
      for (const [status, reason, n, statuses] of cells) {
        const d = await drillAll({ kind: 'greeting', campaignId, date: day.date, status, ...(reason ? { reason } : {}) });
        const truth = await app.sql<{ id: string }[]>`
          select member_id as id from public.greeting_sends where org_id = ${orgId} and campaign_id = ${campaignId}
            and occasion_date = ${day.date}::date and status = any (${statuses}) ${reason ? app.sql`and coalesce(reason, 'unknown') = ${reason}` : app.sql``}`;
        expect({ cell: `${day.date} ${status} ${reason ?? ''}`, ...d }).toEqual({ cell: `${day.date} ${status} ${reason ?? ''}`, total: n, ids: sortedIds(truth) });
      }
    }
  });
});

const associateTruth = async (staffId: string) => {
  const [t] = await app.sql<{ customers: number; contacted: number; interactions: number; greetings: number }[]>`
    with since as (select ((now() at time zone ${TZ})::date - 29) as d)
    select
      (select count(*)::int from public.members where org_id = ${orgId} and deleted_at is null and associate_id = ${staffId}) as customers,
      (select count(*)::int from public.members, since where org_id = ${orgId} and deleted_at is null and associate_id = ${staffId}
         and last_contact_at >= (since.d::timestamp at time zone ${TZ})) as contacted,
      (select count(*)::int from public.interactions, since where org_id = ${orgId} and staff_id = ${staffId}
         and (occurred_at at time zone ${TZ})::date >= since.d) as interactions,
      (select count(*)::int from public.greeting_sends, since where org_id = ${orgId} and staff_id = ${staffId} and status = 'sent'
         and sent_at >= (since.d::timestamp at time zone ${TZ})) as greetings`;
  return t!;
};

describe("associates' customers and activity", () => {
  test('customers owned, contacted in 30 days, interactions and 1:1 greetings equal the tables', async () => {
    const a = await get<Associates>('/api/console/dashboard-associates');
    expect(a.associates.length).toBeGreaterThanOrEqual(3);
    for (const s of a.associates) {
      expect({ name: s.name, customers: s.customers, contacted: s.contacted, interactions: s.interactions, greetings: s.greetings }).toEqual({
        name: s.name,
        ...(await associateTruth(s.staffId)),
      });
    }
    const wang = a.associates.find((s) => s.name === '王芳')!;
    expect(wang.greetings).toBe(2);
    expect(wang.interactions).toBeGreaterThan(0);
  });

  test("an associate's customers, contacted and not contacted, open exactly those members", async () => {
    const a = await get<Associates>('/api/console/dashboard-associates');
    const wang = a.associates.find((s) => s.name === '王芳')!;
    const all = await drillAll({ kind: 'associate', staffId: wang.staffId });
    const yes = await drillAll({ kind: 'associate', staffId: wang.staffId, contacted: 'yes' });
    const no = await drillAll({ kind: 'associate', staffId: wang.staffId, contacted: 'no' });
    const truthAll = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and associate_id = ${wang.staffId}`;
    const truthYes = await app.sql<{ id: string }[]>`
      select id from public.members where org_id = ${orgId} and deleted_at is null and associate_id = ${wang.staffId}
        and last_contact_at >= (((now() at time zone ${TZ})::date - 29)::timestamp at time zone ${TZ})`;
    expect(all).toEqual({ total: wang.customers, ids: sortedIds(truthAll) });
    expect(yes).toEqual({ total: wang.contacted, ids: sortedIds(truthYes) });
    expect(no.total).toBe(wang.customers - wang.contacted);
    expect(no.ids).toEqual(all.ids.filter((id) => !yes.ids.includes(id)));
  });

  test('a store filter lists only the associates working there', async () => {
    const [s2] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} and code = 'S002'`;
    const a = await get<Associates>(`/api/console/dashboard-associates?storeId=${s2!.id}`);
    expect(a.associates.map((s) => s.name)).toEqual(['李娜']);
  });
});

describe('the counters stay exact as members change', () => {
  test('tier, store, owner, contact, joining and erasure; then the cron folds the deltas', async () => {
    const [s1] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} and code = 'S001'`;
    const [s2] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} and code = 'S002'`;
    await app.sql`update public.members set tier = '钻石' where org_id = ${orgId} and member_no % 7 = 3`;
    await app.sql`update public.members set store_id = ${s2!.id} where org_id = ${orgId} and store_id = ${s1!.id} and member_no % 11 = 0`;
    await app.sql`update public.members set deleted_at = now() where org_id = ${orgId} and member_no % 13 = 0`;
    await app.sql`
      insert into public.members (org_id, store_id, name, join_channel) values (${orgId}, ${s1!.id}, '新会员甲', 'store_qr'), (${orgId}, null, '新会员乙', 'organic')`;
    const [someone] = await app.sql<{ id: string; associate_id: string }[]>`
      select id, associate_id from public.members where org_id = ${orgId} and deleted_at is null and associate_id is not null and last_contact_at is null limit 1`;
    await app.sql`insert into public.interactions (org_id, member_id, staff_id, kind, note) values (${orgId}, ${someone!.id}, ${someone!.associate_id}, 'call', '回访')`;
    // A contact long ago (its day is folded into '-infinity' by the compaction below).
    const [other] = await app.sql<{ id: string; associate_id: string }[]>`
      select id, associate_id from public.members where org_id = ${orgId} and deleted_at is null and associate_id is not null
        and last_contact_at is null and id <> ${someone!.id} limit 1`;
    await app.sql`insert into public.interactions (org_id, member_id, staff_id, kind, note, occurred_at)
                  values (${orgId}, ${other!.id}, ${other!.associate_id}, 'visit', '老顾客', now() - interval '200 days')`;
    await expectSegmentsTrue();
    const a = await get<Associates>('/api/console/dashboard-associates');
    for (const s of a.associates) expect({ customers: s.customers, contacted: s.contacted, interactions: s.interactions }).toMatchObject(
      await associateTruth(s.staffId).then(({ customers, contacted, interactions }) => ({ customers, contacted, interactions })),
    );

    const [before] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.member_counts where org_id = ${orgId}`;
    const r = await api<{ orgs: number; rowsFolded: number }>(app, '/api/cron/dashboard-counters', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(r.status).toBe(200);
    expect(r.body.rowsFolded).toBeGreaterThan(0);
    const [after] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.member_counts where org_id = ${orgId}`;
    expect(after!.n).toBeLessThan(before!.n);
    const [unfolded] = await app.sql<{ n: number }[]>`
      select ((select count(*) from public.member_contact_counts where org_id = ${orgId} and contact_day < current_date - 101 and contact_day <> '-infinity')
            + (select count(*) from public.staff_activity_counts where org_id = ${orgId} and day < current_date - 101 and day <> '-infinity'))::int as n`;
    expect(unfolded!.n).toBe(0);
    const [folded] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.staff_activity_counts where org_id = ${orgId} and day = '-infinity'`;
    expect(folded!.n).toBeGreaterThan(0);
    await expectSegmentsTrue();
    const g = await get<Growth>('/api/console/dashboard-growth?months=36');
    const [t] = await app.sql<{ n: number }[]>`
      select count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null
        and to_char(joined_at at time zone ${TZ}, 'YYYY-MM') >= ${g.months[0]!}`;
    expect(g.byChannel.reduce((x, c) => x + c.n, 0)).toBe(t!.n);
    expect(g.byStore.reduce((x, c) => x + c.n, 0)).toBe(t!.n);
  });

  test('the cron needs its secret', async () => {
    expect((await api(app, '/api/cron/dashboard-counters')).status).toBe(401);
    expect((await api(app, '/api/cron/dashboard-counters', { headers: { authorization: 'Bearer wrong-secret-wrong-secret' } })).status).toBe(401);
  });
});

describe('who may read the dashboards', () => {
  const paths = [
    '/api/console/dashboard-growth',
    '/api/console/dashboard-segments',
    '/api/console/dashboard-greetings',
    '/api/console/dashboard-associates',
    '/api/console/dashboard-members?kind=churn&churnState=active',
  ];
  test('operators and admins: yes', async () => {
    for (const p of paths) {
      expect((await api(app, p, { token: operator })).status).toBe(200);
      expect((await api(app, p, { token: admin })).status).toBe(200);
    }
  });
  test.each([
    ['an associate', () => associate],
    ['a store manager', () => manager],
    ['a member', () => member],
  ])('%s: 403', async (_who, token) => {
    for (const p of paths) expect((await api(app, p, { token: token() })).status).toBe(403);
  });
  test('anonymous: 401; a forged token: 401', async () => {
    for (const p of paths) {
      expect((await api(app, p)).status).toBe(401);
      expect((await api(app, p, { token: `${operator.slice(0, -4)}AAAA` })).status).toBe(401);
    }
  });
});

describe('bad input names the field', () => {
  test.each([
    ['kind=nope', 'kind'],
    ['kind=growth&month=2026-13', 'month'],
    ['kind=growth', 'month'],
    ['kind=rfm&rfmClass=best', 'rfmClass'],
    ['kind=churn&churnState=active&extra=1', 'extra'],
    ['kind=associate&staffId=nope', 'staffId'],
    ['kind=quality&issue=drop_table', 'issue'],
    ['kind=churn&churnState=active&limit=1000', 'limit'],
  ])('%s → 400 naming %s', async (q, field) => {
    const r = await api<Err>(app, `/api/console/dashboard-members?${q}`, { token: operator });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
  });

  test("a cursor of another list is refused", async () => {
    const first = await api<Drill>(app, '/api/console/dashboard-members?kind=churn&churnState=no_purchase&limit=1', { token: operator });
    expect(first.body.nextCursor).not.toBeNull();
    const r = await api<Err>(app, `/api/console/dashboard-members?kind=tier&limit=1&cursor=${first.body.nextCursor}`, { token: operator });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path)).toEqual(['cursor']);
  });

  test('an unknown campaign is a 404', async () => {
    const r = await api(app, `/api/console/dashboard-members?kind=greeting&campaignId=00000000-0000-4000-8000-000000000000&date=2026-01-01&status=sent`, { token: operator });
    expect(r.status).toBe(404);
  });
});
