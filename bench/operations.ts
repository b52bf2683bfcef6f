import type { Sql } from '../functions/_lib/db';
import type { ScaleLogin } from './scale-config';
import { dashboardOperations, loadDashboardSamples, type DashboardSamples } from './dashboard-operations';

// The operations `npm run bench` measures: HTTP requests through the real function path. The
// bench records the SQL each request's transaction ran and replays it for the RLS and floor
// columns (see run.ts), so an operation is only its request: later features add theirs here.

export type HttpRequest = { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown };
export type TargetKind = 'search' | 'card' | 'tag-write' | 'bulk-tag' | 'dashboard' | 'segment' | null;

export type Operation = {
  name: string;
  as: ScaleLogin;
  target: TargetKind;
  // i = the i-th request of a run; inputs cycle through the samples.
  http: (i: number) => HttpRequest;
  // Operations that change data and are undone by the next one (tag add → tag remove) run
  // interleaved with it in every mode, so each replay finds the data as the request did.
  pairedWithNext?: boolean;
  // Fewer calls than --requests (slow, heavy operations such as bulk tagging).
  calls?: number;
  // Clients at once for this operation instead of --concurrency. Bulk tagging is one
  // associate's action on one list: its target is that action's latency. Four of them at once
  // on 2 cores measure CPU sharing (each ~1 s of CPU), and on the same 10,000 customers the
  // foreign-key locks of four transactions on the same member rows (multixacts).
  concurrency?: number;
};

export type Samples = {
  orgId: string;
  storeMembers: { id: string; name: string | null; initials: string | null; pinyin: string | null; memberNo: string; last4: string | null }[];
  orgMembers: { id: string; name: string | null; last4: string | null }[];
  tagCombos: { names: string[]; ids: string[] }[];
  writeTag: { name: string; id: string };
  writeMembers: string[];
  // A filter of the associate's store matching ~10,000 customers (bulk tagging).
  bulkFilter: { filter: Record<string, string>; matches: number };
  // One fresh tag per bulk call, so every add really tags ~10,000 customers and every remove
  // really untags them (the same tag twice would make every later call a no-op).
  bulkTags: string[];
  dashboard: DashboardSamples;
};

const at = <T>(xs: readonly T[], i: number): T => {
  const v = xs[i % xs.length];
  if (v === undefined) throw new Error('no samples');
  return v;
};

const query = (q: Record<string, string>): string => new URLSearchParams(q).toString();

// Two of every three name searches type the surname and the first given character (王芳), one
// only the surname (王: the widest common search, ~7 % of a store).
const namePrefix = (name: string, i: number): string => (i % 3 === 2 ? name.slice(0, 1) : name.slice(0, 2));

export const operations = (s: Samples): Operation[] => {
  const named = s.storeMembers.filter((m) => m.name && /^[\u4e00-\u9fff]{2,}/.test(m.name));
  const withInitials = s.storeMembers.filter((m) => (m.initials?.length ?? 0) >= 2);
  const withPhone = s.storeMembers.filter((m) => m.last4);
  const withPinyin = s.storeMembers.filter((m) => (m.pinyin?.length ?? 0) >= 4);
  const orgNamed = s.orgMembers.filter((m) => m.name && /^[\u4e00-\u9fff]{2,}/.test(m.name));
  const orgPhone = s.orgMembers.filter((m) => m.last4);
  const search = (name: string, as: ScaleLogin, target: TargetKind, qOf: (i: number) => Record<string, string>): Operation => ({
    name,
    as,
    target,
    http: (i) => ({ method: 'GET', path: `/api/staff/customers?${query(qOf(i))}` }),
  });
  const card = (name: string, as: ScaleLogin, ids: readonly string[]): Operation => ({
    name,
    as,
    target: 'card',
    http: (i) => ({ method: 'GET', path: `/api/staff/customer?id=${at(ids, i)}` }),
  });
  const tagPair = (i: number) => ({ memberId: at(s.writeMembers, i), tagId: s.writeTag.id });

  return [
    search('search: name prefix (王 / 王芳)', 'associate', 'search', (i) => ({ q: namePrefix(at(named, i).name ?? '', i) })),
    search('search: given name, from the middle (芳)', 'associate', 'search', (i) => ({ q: (at(named, i).name ?? '').slice(1, 2) })),
    search('search: pinyin initials (wf)', 'associate', 'search', (i) => ({ q: (at(withInitials, i).initials ?? '').slice(0, 2) })),
    search('search: full pinyin (wangfang)', 'associate', 'search', (i) => ({ q: at(withPinyin, i).pinyin ?? '' })),
    search('search: member number', 'associate', 'search', (i) => ({ q: at(s.storeMembers, i).memberNo })),
    search('search: last 4 digits', 'associate', 'search', (i) => ({ q: at(withPhone, i).last4 ?? '0000' })),
    search('search: tag combination (all of 2–3)', 'associate', 'search', (i) => ({ tagIds: at(s.tagCombos, i).ids.join(',') })),
    search('list: my store, newest first', 'associate', 'search', () => ({})),
    // Workbench (issue 5): filtered and sorted lists, each one keyset index scan; the to-do list.
    search('list: my customers by spend', 'associate', 'search', () => ({ scope: 'mine', sort: 'spend' })),
    search('list: store, never contacted, by last purchase', 'associate', 'search', () => ({ neverContacted: 'true', sort: 'last_purchase' })),
    search('list: store, birthdays this month', 'associate', 'search', () => ({ birthday: 'month' })),
    {
      name: 'to-do list (birthdays, follow-ups, slipping away, holidays)',
      as: 'associate',
      target: 'search',
      http: () => ({ method: 'GET', path: '/api/staff/todo' }),
    },
    card('customer card', 'associate', s.storeMembers.map((m) => m.id)),
    {
      name: `tag add (${s.writeTag.name})`,
      as: 'associate',
      target: 'tag-write',
      http: (i) => ({ method: 'POST', path: '/api/staff/member-tags', body: tagPair(i) }),
      pairedWithNext: true,
    },
    {
      name: `tag remove (${s.writeTag.name})`,
      as: 'associate',
      target: 'tag-write',
      http: (i) => ({ method: 'DELETE', path: `/api/staff/member-tags?${query(tagPair(i))}` }),
    },
    {
      name: 'log an interaction',
      as: 'associate',
      target: 'tag-write',
      http: (i) => ({ method: 'POST', path: '/api/staff/interactions', body: { memberId: at(s.writeMembers, i), kind: 'note', note: BENCH_NOTE } }),
    },
    card('customer card (manager)', 'manager', s.storeMembers.map((m) => m.id)),
    {
      name: `bulk tag add, ${s.bulkFilter.matches.toLocaleString('en-US')} customers (one at a time)`,
      as: 'associate',
      target: 'bulk-tag',
      http: (i) => ({ method: 'POST', path: '/api/staff/bulk-tags', body: { tagId: at(s.bulkTags, i), action: 'add', filter: s.bulkFilter.filter } }),
      pairedWithNext: true,
      calls: BULK_TAG_CALLS,
      concurrency: 1,
    },
    {
      name: `bulk tag remove, ${s.bulkFilter.matches.toLocaleString('en-US')} customers (one at a time)`,
      as: 'associate',
      target: 'bulk-tag',
      http: (i) => ({ method: 'POST', path: '/api/staff/bulk-tags', body: { tagId: at(s.bulkTags, i), action: 'remove', filter: s.bulkFilter.filter } }),
      calls: BULK_TAG_CALLS,
      concurrency: 1,
    },
    search('search: name prefix, org-wide (operator)', 'operator', null, (i) => ({ q: namePrefix(at(orgNamed, i).name ?? '', i) })),
    search('search: last 4, org-wide (operator)', 'operator', null, (i) => ({ q: at(orgPhone, i).last4 ?? '0000' })),
    search('search: given name, org-wide (operator)', 'operator', null, (i) => ({ q: (at(orgNamed, i).name ?? '').slice(1, 3) })),
    card('customer card, any store (operator)', 'operator', s.orgMembers.map((m) => m.id)),
    // Console dashboards and data quality (issue 7).
    ...dashboardOperations(s.dashboard),
  ];
};

// Bench interactions are marked so the run can delete them afterwards; bench tags live in a
// group of their own, deleted (with what they tagged) at the end.
export const BENCH_NOTE = '[bench] 跟进测试';
export const BENCH_TAG_GROUP = '[bench] 批量';
const BULK_TAG_CALLS = 20;

// Samples, read as the owner before the run. Deterministic (hash order, not random()), so two
// runs on the same data ask the same questions.
export const loadSamples = async (sql: Sql, orgId: string, associateAccountId: string): Promise<Samples> => {
  const storeMembers = await sql<Samples['storeMembers']>`
    select m.id, m.name, m.name_initials as initials, m.name_pinyin as pinyin, m.member_no::text as "memberNo", m.phone_last4 as last4
    from public.members m
    where m.org_id = ${orgId} and m.deleted_at is null
      and m.store_id in (
        select a.store_id from public.staff_stores a join public.staff s on s.org_id = a.org_id and s.id = a.staff_id
        where s.org_id = ${orgId} and s.account_id = ${associateAccountId})
    order by md5(m.id::text) limit 2000`;
  // Org-wide sample without sorting a million rows: a repeatable block sample.
  const orgMembers = await sql<Samples['orgMembers']>`
    select m.id, m.name, m.phone_last4 as last4 from public.members m tablesample system (1) repeatable (42)
    where m.org_id = ${orgId} and m.deleted_at is null
    order by md5(m.id::text) limit 2000`;
  const tags = await sql<{ id: string; name: string }[]>`select id, name from public.tags where org_id = ${orgId} and retired_at is null`;
  const byName = new Map(tags.map((t) => [t.name, t.id]));
  const combos = [
    ['通勤', '高价值'],
    ['门店', '运动'],
    ['M', '连衣裙'],
    ['休闲', '羽绒服', '活跃'],
    ['小程序', '潮流'],
    ['复购', '通勤'],
  ];
  const tagCombos = combos
    .map((names) => ({ names, ids: names.map((n) => byName.get(n)).filter((x): x is string => !!x) }))
    .filter((c) => c.ids.length === c.names.length);
  // The tag written by the tag add/remove pair: a multiple-choice tag few members carry, on
  // members who do not carry it, so add-then-remove leaves the data as it was.
  const writeName = byName.has('VIP专属') ? 'VIP专属' : (tags[0]?.name ?? '');
  const writeTag = { name: writeName, id: byName.get(writeName) ?? '' };
  const writeMembers = (
    await sql<{ id: string }[]>`
      select m.id from unnest(${storeMembers.map((m) => m.id)}::uuid[]) as m(id)
      where not exists (select 1 from public.member_tags mt where mt.org_id = ${orgId} and mt.member_id = m.id and mt.tag_id = ${writeTag.id})`
  ).map((r) => r.id);
  // Bulk tagging: the associate's store's customers who bought on or after the day that makes
  // it ~10,000 of them (the "bulk tag of 10,000").
  const [bulk] = await sql<{ day: string | null; n: number }[]>`
    with store as (
      select a.store_id from public.staff_stores a join public.staff s on s.org_id = a.org_id and s.id = a.staff_id
      where s.org_id = ${orgId} and s.account_id = ${associateAccountId} limit 1),
    cut as (
      select (m.last_purchase_at at time zone o.timezone)::date as day
      from public.members m, store, public.orgs o
      where m.org_id = ${orgId} and o.id = m.org_id and m.store_id = store.store_id and m.deleted_at is null and m.last_purchase_at is not null
      order by m.last_purchase_at desc offset 9999 limit 1)
    select cut.day::text as day, (select count(*)::int from public.members m, store, public.orgs o
      where m.org_id = ${orgId} and o.id = m.org_id and m.store_id = store.store_id and m.deleted_at is null
        and m.last_purchase_at >= (cut.day::timestamp at time zone o.timezone)) as n
    from cut`;
  const bulkFilter = { filter: { scope: 'store', purchasedAfter: bulk?.day ?? '2000-01-01' }, matches: bulk?.n ?? 0 };
  await sql`delete from public.tag_groups where org_id = ${orgId} and name = ${BENCH_TAG_GROUP}`;
  const [group] = await sql<{ id: string }[]>`
    insert into public.tag_groups (org_id, name, selection, sort_order) values (${orgId}, ${BENCH_TAG_GROUP}, 'multiple', 999) returning id`;
  const bulkTags = (
    await sql<{ id: string }[]>`
      insert into public.tags (org_id, group_id, name)
      select ${orgId}, ${group?.id ?? null}, '批量测试' || lpad(n::text, 2, '0') from generate_series(1, ${BULK_TAG_CALLS * 2}) as n
      returning id`
  ).map((r) => r.id);
  return { orgId, storeMembers, orgMembers, tagCombos, writeTag, writeMembers, bulkFilter, bulkTags, dashboard: await loadDashboardSamples(sql, orgId) };
};
