import type { Sql } from '../functions/_lib/db';
import type { ScaleLogin } from './scale-config';
import { dashboardOperations, loadDashboardSamples, type DashboardSamples } from './dashboard-operations';

// The operations `npm run bench` measures: HTTP requests through the real function path. The
// bench records the SQL each request's transaction ran and replays it for the RLS and floor
// columns (see run.ts), so an operation is only its request: later features add theirs here.

export type HttpRequest = { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown };
export type TargetKind = 'search' | 'card' | 'tag-write' | 'dashboard' | null;

export type Operation = {
  name: string;
  as: ScaleLogin;
  target: TargetKind;
  // i = the i-th request of a run; inputs cycle through the samples.
  http: (i: number) => HttpRequest;
  // Operations that change data and are undone by the next one (tag add → tag remove) run
  // interleaved with it in every mode, so each replay finds the data as the request did.
  pairedWithNext?: boolean;
};

export type Samples = {
  orgId: string;
  storeMembers: { id: string; name: string | null; initials: string | null; last4: string | null }[];
  orgMembers: { id: string; name: string | null; last4: string | null }[];
  tagCombos: { names: string[]; ids: string[] }[];
  writeTag: { name: string; id: string };
  writeMembers: string[];
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
    search('search: pinyin initials (wf)', 'associate', 'search', (i) => ({ q: (at(withInitials, i).initials ?? '').slice(0, 2) })),
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
    search('search: name prefix, org-wide (operator)', 'operator', null, (i) => ({ q: namePrefix(at(orgNamed, i).name ?? '', i) })),
    search('search: last 4, org-wide (operator)', 'operator', null, (i) => ({ q: at(orgPhone, i).last4 ?? '0000' })),
    card('customer card, any store (operator)', 'operator', s.orgMembers.map((m) => m.id)),
    // Console dashboards and data quality (issue 7).
    ...dashboardOperations(s.dashboard),
  ];
};

// Bench interactions are marked so the run can delete them afterwards.
export const BENCH_NOTE = '[bench] 跟进测试';

// Samples, read as the owner before the run. Deterministic (hash order, not random()), so two
// runs on the same data ask the same questions.
export const loadSamples = async (sql: Sql, orgId: string, associateAccountId: string): Promise<Samples> => {
  const storeMembers = await sql<Samples['storeMembers']>`
    select m.id, m.name, m.name_initials as initials, m.phone_last4 as last4
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
  return { orgId, storeMembers, orgMembers, tagCombos, writeTag, writeMembers, dashboard: await loadDashboardSamples(sql, orgId) };
};
