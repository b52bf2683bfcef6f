import type { StartedApp } from '../../server/start-app';
import { churnStateOf, rfmClassOf, scoreMember, type RfmBreakpoints } from '../../shared/domain/rfm';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// RFM over real HTTP and real triggers: the scores the database keeps, after orders arrive,
// move between members (a merge) or are deleted, equal a full recompute with the pure rules of
// shared/domain/rfm.ts; the daily cron; the associates' filters and to-do list on the columns.
const CRON_SECRET = 'test-cron-secret-rfm-0123456789';
type Item = { id: string; rfmClass: string | null; churnState: string };
type List = { items: Item[]; nextCursor: string | null };

let app: StartedApp;
let orgId: string;
let wang: string;
let wangId: string;
let s1: string;

type MemberFacts = {
  id: string; first_purchase_at: Date | null; last_purchase_at: Date | null; order_count: number; lifetime_spend_fen: string;
  rfm_r: number | null; rfm_f: number | null; rfm_m: number | null; rfm_class: string | null; churn_state: string;
};

const breakpoints = async (): Promise<RfmBreakpoints> => {
  const [b] = await app.sql<{ r: Date[]; f: number[]; m: string[] }[]>`select r_edges as r, f_edges as f, m_edges as m from public.rfm_breakpoints where org_id = ${orgId}`;
  if (!b) throw new Error('no breakpoints');
  const four = <T>(xs: T[], f: (x: T) => number) => xs.map(f) as unknown as [number, number, number, number];
  return { r: four(b.r, (d) => new Date(d).getTime()), f: four(b.f, Number), m: four(b.m, Number) };
};

// Every member as the pure rules would score them now, against the stored breakpoints, from
// the member's orders themselves (not the aggregates the triggers keep).
const mismatches = async (only?: string[]): Promise<string[]> => {
  const b = await breakpoints();
  const now = new Date();
  const rows = await app.sql<MemberFacts[]>`
    select m.id, min(o.ordered_at) as first_purchase_at, max(o.ordered_at) as last_purchase_at, count(o.id)::int as order_count,
           coalesce(sum(o.total_fen), 0)::text as lifetime_spend_fen, m.rfm_r, m.rfm_f, m.rfm_m, m.rfm_class, m.churn_state
    from public.members m left join public.orders o on o.org_id = m.org_id and o.member_id = m.id
    where m.org_id = ${orgId} ${only ? app.sql`and m.id = any (${only}::uuid[])` : app.sql``}
    group by m.org_id, m.id`;
  const bad: string[] = [];
  for (const r of rows) {
    const facts = { firstPurchaseAt: r.first_purchase_at, lastPurchaseAt: r.last_purchase_at, orderCount: r.order_count, lifetimeSpendFen: Number(r.lifetime_spend_fen) };
    const s = scoreMember(facts, b);
    const want = { r: s?.r ?? null, f: s?.f ?? null, m: s?.m ?? null, cls: s ? rfmClassOf(s) : null, churn: churnStateOf(facts, now) };
    const got = { r: r.rfm_r, f: r.rfm_f, m: r.rfm_m, cls: r.rfm_class, churn: r.churn_state };
    if (JSON.stringify(want) !== JSON.stringify(got)) bad.push(`${r.id}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
  }
  return bad;
};

beforeAll(async () => {
  process.env.CRON_SECRET = CRON_SECRET;
  app = await startTestApp(400);
  orgId = app.demo.orgId;
  wang = await loginAs(app, 'demo-associate-a');
  const [w] = await app.sql<{ id: string }[]>`select s.id from public.staff s join public.accounts a on a.id = s.account_id where a.wx_openid = 'demo-associate-a'`;
  wangId = w?.id ?? '';
  const [st] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} and code = 'S001'`;
  s1 = st?.id ?? '';
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const day = 86_400_000;
let seq = 0;
const order = (member: string, daysAgo: number, fen: number) =>
  app.sql`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${orgId}, ${member}, ${`RFM-T-${++seq}`}, ${fen}, ${new Date(Date.now() - daysAgo * day)})`;

describe('scores follow the orders', () => {
  test('the seeded brand is scored exactly as the pure rules score it', async () => {
    expect(await mismatches()).toEqual([]);
    const [n] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and rfm_class is not null`;
    expect(n?.n).toBeGreaterThan(100);
  });

  test('after new orders (one statement, several members; then one by one) the incremental scores equal a full recompute', async () => {
    const picks = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} order by member_no offset 20 limit 12`;
    const ids = picks.map((p) => p.id);
    // One multi-row statement for six members, with two orders for one of them.
    await app.sql`
      insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at)
      select ${orgId}, x.id, 'RFM-B-' || x.n, 250000, now() - make_interval(days => x.n::int)
      from unnest(${[...ids.slice(0, 6), ids[0] as string]}::uuid[]) with ordinality as x(id, n)`;
    for (const [i, id] of ids.slice(6).entries()) await order(id, 40 + i * 30, 9900 * (i + 1));
    expect(await mismatches(ids)).toEqual([]);
    // Nobody else changed, and the whole brand still agrees with the rules.
    expect(await mismatches()).toEqual([]);
  });

  test('a regular customer who goes quiet is at risk; a new order makes them active again', async () => {
    const [m] = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and order_count = 0 and store_id = ${s1} and associate_id = ${wangId} order by member_no limit 1`;
    if (!m) throw new Error('no member');
    for (const back of [90, 80, 70, 60]) await order(m.id, back, 50000);
    const [a] = await app.sql<{ churn_state: string }[]>`select churn_state from public.members where id = ${m.id}`;
    expect(a?.churn_state).toBe('at_risk');
    const todo = await api<{ slipping: { id: string }[] }>(app, '/api/staff/todo', { token: wang });
    expect(todo.body.slipping.map((s) => s.id)).toContain(m.id);
    await order(m.id, 0, 50000);
    const [b] = await app.sql<{ churn_state: string }[]>`select churn_state from public.members where id = ${m.id}`;
    expect(b?.churn_state).toBe('active');
    const later = await api<{ slipping: { id: string }[] }>(app, '/api/staff/todo', { token: wang });
    expect(later.body.slipping.map((s) => s.id)).not.toContain(m.id);
  });

  test('a merge that moves orders to another member rescores both; deleting orders too', async () => {
    const [from, to] = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and order_count >= 2 order by member_no offset 5 limit 2`;
    if (!from || !to) throw new Error('no members');
    await app.sql`update public.orders set member_id = ${to.id} where org_id = ${orgId} and member_id = ${from.id}`;
    const [f] = await app.sql<{ rfm_class: string | null; churn_state: string }[]>`select rfm_class, churn_state from public.members where id = ${from.id}`;
    expect(f).toEqual({ rfm_class: null, churn_state: 'no_purchase' });
    expect(await mismatches([from.id, to.id])).toEqual([]);
    await app.sql`delete from public.orders where org_id = ${orgId} and member_id = ${to.id} and ordered_at = (select max(ordered_at) from public.orders where member_id = ${to.id})`;
    expect(await mismatches([from.id, to.id])).toEqual([]);
  });
});

describe('the daily refresh (cron)', () => {
  test('refuses without the cron secret', async () => {
    expect((await api(app, '/api/cron/rfm-refresh')).status).toBe(401);
    expect((await api(app, '/api/cron/rfm-refresh', { headers: { authorization: 'Bearer wrong-secret-0123456789' } })).status).toBe(401);
  });

  test('recomputes the breakpoints from today\'s distribution and writes only what changed', async () => {
    // Time passes: everyone's orders a year older, as if the brand had been quiet for a year.
    await app.sql`alter table public.orders disable trigger user`;
    await app.sql`update public.orders set ordered_at = ordered_at - interval '400 days' where org_id = ${orgId}`;
    await app.sql`update public.members set first_purchase_at = first_purchase_at - interval '400 days', last_purchase_at = last_purchase_at - interval '400 days' where org_id = ${orgId}`;
    await app.sql`alter table public.orders enable trigger user`;
    expect((await mismatches()).length).toBeGreaterThan(0);

    const r = await api<{ orgs: number; changed: number; purchasers: number }>(app, '/api/cron/rfm-refresh', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(r.status).toBe(200);
    expect(r.body.orgs).toBeGreaterThanOrEqual(1);
    expect(r.body.changed).toBeGreaterThan(0);
    expect(await mismatches()).toEqual([]);
    const [lapsed] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and churn_state not in ('lapsed', 'no_purchase')`;
    expect(lapsed?.n).toBe(0);

    // A second run the same day has nothing to write.
    const again = await api<{ changed: number }>(app, '/api/cron/rfm-refresh', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(again.body.changed).toBe(0);
  });
});

describe('the associates\' list', () => {
  const all = async (params: Record<string, string>): Promise<Item[]> => {
    const out: Item[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const qs = new URLSearchParams({ ...params, limit: '50', ...(cursor ? { cursor } : {}) }).toString();
      const r = await api<List>(app, `/api/staff/customers?${qs}`, { token: wang });
      if (r.status !== 200) throw new Error(`list ${r.status} ${JSON.stringify(r.body)}`);
      out.push(...r.body.items);
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    return out;
  };

  test.each([
    [{ rfmClass: 'general_retain' }, "rfm_class = 'general_retain'"],
    [{ rfmClass: 'important_keep,important_retain' }, "rfm_class in ('important_keep', 'important_retain')"],
    [{ churn: 'lapsed' }, "churn_state = 'lapsed'"],
    [{ churn: 'lapsed', rfmClass: 'important_retain', sort: 'spend' }, "churn_state = 'lapsed' and rfm_class = 'important_retain'"],
    [{ scope: 'mine', churn: 'no_purchase' }, "churn_state = 'no_purchase' and associate_id = $wang"],
  ])('%j is exactly the store\'s members with %s', async (params, where) => {
    const got = await all(params as Record<string, string>);
    const want = await app.sql.unsafe<{ id: string }[]>(
      `select id from public.members where org_id = $1 and store_id = $2 and deleted_at is null and ${where.replace('$wang', '$3')}`,
      where.includes('$wang') ? [orgId, s1, wangId] : [orgId, s1],
    );
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((g) => g.id).sort()).toEqual(want.map((w) => w.id).sort());
  });

  test('a bad class or state is a 400 naming the field; the card shows the class and churn state', async () => {
    const r = await api<{ error: { fields: { path: string }[] } }>(app, '/api/staff/customers?rfmClass=vip', { token: wang });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.map((f) => f.path)).toEqual(['rfmClass']);
    const [m] = await app.sql<{ id: string; rfm_class: string; rfm_r: number }[]>`
      select id, rfm_class, rfm_r from public.members where org_id = ${orgId} and store_id = ${s1} and rfm_class is not null limit 1`;
    const card = await api<{ rfm: { rfmClass: string; r: number } | null; churnState: string }>(app, `/api/staff/customer?id=${m?.id}`, { token: wang });
    expect(card.body.rfm).toMatchObject({ rfmClass: m?.rfm_class, r: m?.rfm_r });
    expect(card.body.churnState).toBeDefined();
  });
});
