import type { Tx } from './db';
import { forbidden, notFound } from './errors';

// Staff endpoints first confirm, from the staff table, that the caller is active staff of the
// token's org. RLS would return nothing anyway; this turns "nothing" into a clear 403.
export const requireStaff = async (tx: Tx): Promise<{ staffId: string; role: string }> => {
  const [row] = await tx<{ staff_id: string | null; role: string | null }[]>`
    select private.my_staff_id() as staff_id, private.my_staff_role() as role`;
  if (!row?.staff_id || !row.role) throw forbidden('This is for store staff only');
  return { staffId: row.staff_id, role: row.role };
};

// 404 unless the member exists AND the caller may see them (RLS decides).
export const requireVisibleMember = async (tx: Tx, memberId: string): Promise<void> => {
  const rows = await tx`select 1 from public.members where org_id = (select private.jwt_org_id()) and id = ${memberId}`;
  if (rows.length === 0) throw notFound('That customer');
};
