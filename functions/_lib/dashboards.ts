// Shared by the console dashboards and the data quality report: who may read them, the brand's
// calendar (months and days are the brand's, never UTC), and keyset cursors.
import { DEFAULT_TIME_ZONE, addDays, localDate } from '../../shared/domain/birthday';
import type { Tx } from './db';
import { DomainError, forbidden } from './errors';
import { requireStaff } from './staff-guard';

// Operators and admins only (RLS would show them nothing else anyway; this makes it a clear 403).
export const requireConsoleReader = async (tx: Tx): Promise<{ staffId: string; orgId: string }> => {
  const staff = await requireStaff(tx);
  if (staff.role !== 'operator' && staff.role !== 'admin') throw forbidden('The dashboards are for operators and admins');
  const [o] = await tx<{ org_id: string | null }[]>`select private.jwt_org_id() as org_id`;
  if (!o?.org_id) throw forbidden();
  return { staffId: staff.staffId, orgId: o.org_id };
};

export const brandCalendar = async (tx: Tx): Promise<{ today: string; timeZone: string }> => {
  const [org] = await tx<{ timezone: string }[]>`select timezone from public.orgs where id = (select private.jwt_org_id())`;
  const timeZone = org?.timezone ?? DEFAULT_TIME_ZONE;
  return { today: localDate(new Date(), timeZone), timeZone };
};

// 'YYYY-MM' of the n months ending with the month of `today` (oldest first).
export const monthsEnding = (today: string, n: number): string[] => {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const t = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`);
  }
  return out;
};

// The first day of a window of `days` days ending today (brand calendar).
export const windowStart = (today: string, days: number): string => addDays(today, -(days - 1));

const invalidCursor = (): DomainError =>
  new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'cursor', message: 'not a cursor from this list' }]);

// An opaque cursor of a list: its kind (a cursor from one list is refused by another) and the
// keyset position.
export const encodeCursor = (kind: string, key: string, id: string): string => Buffer.from(JSON.stringify([kind, key, id])).toString('base64url');
export const decodeCursor = (cursor: string, kind: string): { key: string; id: string } => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && v[0] === kind && typeof v[1] === 'string' && typeof v[2] === 'string') return { key: v[1], id: v[2] };
  } catch {
    // fall through
  }
  throw invalidCursor();
};

// bigint sums arrive as strings from postgres.js.
export const int = (v: string | number | bigint | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));
