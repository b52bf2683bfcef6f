import type { Sql } from '../functions/_lib/db';
import { CHURN_STATES, RFM_CLASSES } from '../shared/domain/rfm';
import { QUALITY_ISSUES } from '../shared/domain/data-quality';
import type { HttpRequest, Operation } from './operations';

// The console dashboards and the data quality report (issue 7) as operator requests, target
// 500 ms server time at 1 M members: each chart, and drill-down pages of each kind. The quality
// report needs an audit run of the org (the bench's data-quality job makes one, or
// `select public.data_quality_snapshot(<org>)`).

export type DashboardSamples = {
  // Months with members joining (brand time zone), newest first, and the channels of the newest.
  months: string[];
  channels: string[];
  stores: string[];
  associates: string[];
  // Two tags of different groups (a segment's tag rule), the most used first.
  tags: string[];
};

export const loadDashboardSamples = async (sql: Sql, orgId: string): Promise<DashboardSamples> => {
  // The quality report and its lists read the latest audit run: make one if there is none.
  const [run] = await sql`select 1 from public.data_quality_runs where org_id = ${orgId} limit 1`;
  if (!run) await sql`select public.data_quality_snapshot(${orgId})`;
  const months = await sql<{ month: string }[]>`
    select distinct to_char(month, 'YYYY-MM') as month from public.member_growth_counts where org_id = ${orgId} order by 1 desc limit 12`;
  const channels = await sql<{ c: string }[]>`select distinct join_channel as c from public.member_growth_counts where org_id = ${orgId}`;
  const stores = await sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} order by md5(id::text) limit 20`;
  const associates = await sql<{ id: string }[]>`
    select s.id from public.staff s where s.org_id = ${orgId} and s.role = 'associate' and s.active order by md5(s.id::text) limit 50`;
  const tags = await sql<{ id: string }[]>`
    select distinct on (t.group_id) t.id from public.tags t
    where t.org_id = ${orgId} and t.retired_at is null
      and t.group_id in (select g.id from public.tag_groups g where g.org_id = ${orgId} and g.name not like '[bench]%' order by g.sort_order limit 2)
    order by t.group_id, t.name`;
  return {
    months: months.map((m) => m.month),
    channels: channels.map((c) => c.c),
    stores: stores.map((s) => s.id),
    associates: associates.map((a) => a.id),
    tags: tags.map((t) => t.id),
  };
};

const at = <T>(xs: readonly T[], i: number): T => {
  const v = xs[i % xs.length];
  if (v === undefined) throw new Error('no samples');
  return v;
};
const get = (path: string, q: Record<string, string> = {}): HttpRequest => {
  const qs = new URLSearchParams(q).toString();
  return { method: 'GET', path: qs ? `${path}?${qs}` : path };
};
const drill = (q: Record<string, string>): HttpRequest => get('/api/console/dashboard-members', q);
const segmentCount = (rules: Record<string, unknown>): HttpRequest => ({ method: 'POST', path: '/api/console/segment-count', body: { rules } });
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export const dashboardOperations = (d: DashboardSamples): Operation[] => [
  { name: 'dashboard: member growth by channel and store (12 months)', as: 'operator', target: 'dashboard', http: () => get('/api/console/dashboard-growth', { months: '12' }) },
  { name: 'dashboard: RFM grid, churn and tier', as: 'operator', target: 'dashboard', http: () => get('/api/console/dashboard-segments') },
  { name: 'dashboard: RFM grid, churn and tier of one store', as: 'operator', target: 'dashboard', http: (i) => get('/api/console/dashboard-segments', { storeId: at(d.stores, i) }) },
  { name: 'dashboard: greeting results (30 days)', as: 'operator', target: 'dashboard', http: () => get('/api/console/dashboard-greetings', { days: '30' }) },
  { name: "dashboard: associates' customers and activity", as: 'operator', target: 'dashboard', http: () => get('/api/console/dashboard-associates') },
  { name: 'dashboard drill: joined in a month by channel', as: 'operator', target: 'dashboard', http: (i) => drill({ kind: 'growth', month: at(d.months, i), channel: at(d.channels, i) }) },
  { name: 'dashboard drill: joined in a month in a store', as: 'operator', target: 'dashboard', http: (i) => drill({ kind: 'growth', month: at(d.months, i), storeId: at(d.stores, i) }) },
  { name: 'dashboard drill: an RFM class', as: 'operator', target: 'dashboard', http: (i) => drill({ kind: 'rfm', rfmClass: at(RFM_CLASSES, i) }) },
  { name: 'dashboard drill: a churn state', as: 'operator', target: 'dashboard', http: (i) => drill({ kind: 'churn', churnState: at(CHURN_STATES, i) }) },
  { name: 'dashboard drill: members without a tier', as: 'operator', target: 'dashboard', http: () => drill({ kind: 'tier' }) },
  {
    name: "dashboard drill: an associate's customers not contacted in 30 days",
    as: 'operator',
    target: 'dashboard',
    http: (i) => drill({ kind: 'associate', staffId: at(d.associates, i), contacted: 'no' }),
  },
  // Segments (issue 7): the rule builder's live count, target 300 ms, and a member page.
  { name: 'segment count: one RFM class, org-wide', as: 'operator', target: 'segment', http: (i) => segmentCount({ rfmClasses: [at(RFM_CLASSES, i)] }) },
  {
    name: 'segment count: RFM classes + consent + spend ≥ ¥1,000',
    as: 'operator',
    target: 'segment',
    http: () => segmentCount({ rfmClasses: ['important_value', 'important_keep'], consents: ['granted'], spendMinFen: 100_000 }),
  },
  { name: 'segment count: tags of 2 groups in 3 stores', as: 'operator', target: 'segment', http: (i) => segmentCount({ tagIds: d.tags, storeIds: [at(d.stores, i), at(d.stores, i + 1), at(d.stores, i + 2)] }) },
  {
    name: 'segment count: birthday month + bought in 90 days + churn',
    as: 'operator',
    target: 'segment',
    http: (i) => segmentCount({ birthdayMonth: (i % 12) + 1, lastPurchaseAfter: daysAgo(90), churnStates: ['active', 'at_risk'] }),
  },
  {
    name: 'segment members: first page of an RFM class',
    as: 'operator',
    target: 'segment',
    http: (i) => ({ method: 'POST', path: '/api/console/segment-members', body: { rules: { rfmClasses: [at(RFM_CLASSES, i)] } } }),
  },
  { name: 'data quality report (score, counts, history)', as: 'operator', target: 'dashboard', http: () => get('/api/console/data-quality') },
  { name: 'data quality list: one check, first page', as: 'operator', target: 'dashboard', http: (i) => drill({ kind: 'quality', issue: at(QUALITY_ISSUES, i) }) },
];
