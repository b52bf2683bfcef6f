import type { DashboardMembersQuery } from '@shared/schemas/dashboard-members.schema';

// A drill-down: the console members page with the coordinates of the clicked number.
export const DRILL_PAGE = '/console/members/index';

type Query = Record<string, string>;

const toQuery = (q: DashboardMembersQuery): Query => {
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && k !== 'cursor' && k !== 'limit') out[k] = String(v);
  return out;
};

export const drillUrl = (q: DashboardMembersQuery, title: string): string => {
  const params = { ...toQuery(q), title };
  return `${DRILL_PAGE}?${Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
};
