import type { Tx } from './db';
import { forbidden, notFound } from './errors';

// Staff endpoints first confirm, from the staff table, that the caller is active staff of the
// token's org. RLS would return nothing anyway; this turns "nothing" into a clear 403.
//
// customPlans: plan this transaction's statements for their actual values. The pool keeps
// prepared statements, and after five runs Postgres may switch a statement to a generic plan
// made without the values; for searches and filters over skewed data (a rare name vs 王, a
// tag on 2 % vs 60 % of a store) the generic plan walks the store's newest-first index and
// filters — measured at 1 M members: a rare pinyin 270 ms generic vs 3 ms custom. Planning
// each time costs a few milliseconds under RLS (the policies' subqueries are planned with it),
// so only requests whose statements are skewed by their values ask for it. Transaction-local,
// so it is pooler-safe.
//
// orgId: the caller's org as the policies see it (private.jwt_org_id()). Queries that name it as
// a value rather than as `(select private.jwt_org_id())` are planned with it: the planner then
// knows how many rows of the org an index range holds (an InitPlan's value is unknown when
// planning, and at 1 M members it picked the org-wide initials index over the store's: 31 ms
// instead of 4). RLS still applies its own org test to every row.
// storeIds: the stores the caller works in (read with the rest, so a list that names the
// caller's store needs no round trip of its own).
export type StaffCaller = { staffId: string; role: string; orgId: string; storeIds: string[] };
export const requireStaff = async (tx: Tx, options: { customPlans?: boolean } = {}): Promise<StaffCaller> => {
  const [row] = await tx<{ staff_id: string | null; role: string | null; org_id: string | null; store_ids: string[] | null }[]>`
    select private.my_staff_id() as staff_id, private.my_staff_role() as role, private.jwt_org_id() as org_id,
           private.my_store_ids()::text[] as store_ids
      ${options.customPlans ? tx`, set_config('plan_cache_mode', 'force_custom_plan', true)` : tx``}`;
  if (!row?.staff_id || !row.role || !row.org_id) throw forbidden('This is for store staff only');
  return { staffId: row.staff_id, role: row.role, orgId: row.org_id, storeIds: row.store_ids ?? [] };
};

// 404 unless the member exists AND the caller may see them (RLS decides).
export const requireVisibleMember = async (tx: Tx, memberId: string): Promise<void> => {
  const rows = await tx`select 1 from public.members where org_id = (select private.jwt_org_id()) and id = ${memberId}`;
  if (rows.length === 0) throw notFound('That customer');
};

// Both checks in one statement (one round trip, one evaluation of the policies' helpers): the
// writes an associate makes many times a day (tag, untag, log) start with it.
export const requireStaffForMember = async (tx: Tx, memberId: string): Promise<{ staffId: string; role: string }> => {
  const [row] = await tx<{ staff_id: string | null; role: string | null; visible: boolean }[]>`
    select private.my_staff_id() as staff_id, private.my_staff_role() as role,
           exists (select 1 from public.members where org_id = (select private.jwt_org_id()) and id = ${memberId}) as visible`;
  if (!row?.staff_id || !row.role) throw forbidden('This is for store staff only');
  if (!row.visible) throw notFound('That customer');
  return { staffId: row.staff_id, role: row.role };
};
