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
  return { months: months.map((m) => m.month), channels: channels.map((c) => c.c), stores: stores.map((s) => s.id), associates: associates.map((a) => a.id) };
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
  { name: 'data quality report (score, counts, history)', as: 'operator', target: 'dashboard', http: () => get('/api/console/data-quality') },
  { name: 'data quality list: one check, first page', as: 'operator', target: 'dashboard', http: (i) => drill({ kind: 'quality', issue: at(QUALITY_ISSUES, i) }) },
];
