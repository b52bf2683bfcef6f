import { localDate } from '../../../shared/domain/birthday';
import { nextAnniversary } from '../../../shared/domain/recurrence';
import { parseIsoDate } from '../../../shared/domain/lunar-calendar';
import {
  storeAdminItemSchema,
  storeListInputSchema,
  storeListOutputSchema,
  storeOpeningDateInputSchema,
  type StoreAdminItem,
} from '../../../shared/schemas/store-admin.schema';
import type { Tx } from '../../_lib/db';
import { DomainError, forbidden, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { readSettings } from '../../_lib/messaging/audience';
import { requireStaff } from '../../_lib/staff-guard';

type StoreRow = { id: string; code: string; name: string; city: string | null; active: boolean; opened_on: string | null };

const item = (s: StoreRow, today: string): StoreAdminItem => ({
  id: s.id,
  code: s.code,
  name: s.name,
  city: s.city,
  active: s.active,
  openedOn: s.opened_on,
  nextAnniversary: s.opened_on ? nextAnniversary(s.opened_on, today) : null,
});

const todayOf = async (tx: Tx): Promise<string> => {
  const [o] = await tx<{ org_id: string }[]>`select private.jwt_org_id() as org_id`;
  return localDate(new Date(), (await readSettings(tx, o?.org_id ?? '')).timeZone);
};

// GET  /api/console/stores: the org's stores with their opening dates (operators and admins).
// POST /api/console/stores {storeId, openedOn}: an admin sets (or clears) a store's opening date,
//      the day its anniversary greetings celebrate; audited. RLS ("Admins can update stores")
//      is the boundary; the role check only turns "nothing updated" into a clear 403.
export default route({
  GET: person({
    input: storeListInputSchema,
    output: storeListOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        const { role } = await requireStaff(tx);
        if (role !== 'operator' && role !== 'admin') throw forbidden('This is for operators and admins');
        const today = await todayOf(tx);
        const rows = await tx<StoreRow[]>`
          select id, code, name, city, active, opened_on::text as opened_on from public.stores
          where org_id = (select private.jwt_org_id()) order by code limit 1000`;
        return { stores: rows.map((s) => item(s, today)), canEdit: role === 'admin', today };
      }),
  }),
  POST: person({
    input: storeOpeningDateInputSchema,
    output: storeAdminItemSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { role } = await requireStaff(tx);
        if (role !== 'admin') throw forbidden('Only admins change stores');
        const today = await todayOf(tx);
        if (input.openedOn !== null) {
          let valid = true;
          try {
            parseIsoDate(input.openedOn);
          } catch {
            valid = false;
          }
          if (!valid) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'openedOn', message: 'is not a calendar date' }]);
          if (input.openedOn > today) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'openedOn', message: 'must not be in the future' }]);
          if (input.openedOn < '1900-01-01') throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'openedOn', message: 'is too far in the past' }]);
        }
        const [before] = await tx<{ opened_on: string | null }[]>`
          select opened_on::text as opened_on from public.stores where org_id = (select private.jwt_org_id()) and id = ${input.storeId}`;
        if (!before) throw notFound('That store');
        const [s] = await tx<StoreRow[]>`
          update public.stores set opened_on = ${input.openedOn}::date
          where org_id = (select private.jwt_org_id()) and id = ${input.storeId}
          returning id, code, name, city, active, opened_on::text as opened_on`;
        if (!s) throw notFound('That store');
        await tx`
          insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
          values ((select private.jwt_org_id()), (select auth.uid()), 'store.opening_date_set', 'store', ${s.id},
            ${tx.json({ from: before.opened_on, to: s.opened_on })})`;
        return item(s, today);
      }),
  }),
});
