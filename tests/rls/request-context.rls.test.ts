import type { Tx } from '../../functions/_lib/db';
import { claimsFor, type Actor } from '../helpers/rls-fixtures';
import { asOwner, forged, setupWorld, sorted } from './rls-helpers';

// The RLS helpers keep the caller's facts (org, staff id, role, stores) for the transaction
// (20261206000200_request_context.sql). Attacks on that cache: facts read for one person must
// never answer for another, a forged org stays forged, writes to the facts' tables are seen at
// once, and a hand-made cache that does not match the claims is ignored.
const ctx = setupWorld();

type Facts = { org: string | null; staff: string | null; role: string | null; stores: string[]; wide: boolean; admin: boolean };

// In the caller's transaction: switch to `actor` (role authenticated + claims), read the facts.
const become = async (tx: Tx, actor: Actor): Promise<Facts> => {
  await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claimsFor(actor))}, true)`;
  return facts(tx);
};
const facts = async (tx: Tx): Promise<Facts> => {
  const [f] = await tx<{ org: string | null; staff: string | null; role: string | null; stores: string[]; wide: boolean; admin: boolean }[]>`
    select private.jwt_org_id()::text as org, private.my_staff_id()::text as staff, private.my_staff_role() as role,
           private.my_store_ids()::text[] as stores, private.is_org_wide() as wide, private.is_org_admin() as admin`;
  if (!f) throw new Error('no row');
  return { ...f, stores: sorted(f.stores) };
};
const inOneTx = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => asOwner(ctx().sql, fn);

describe('one transaction, several people: each gets their own facts', () => {
  test('associate A1, then associate A2, then an operator, then a member, then A1 again', async () => {
    const { w } = ctx();
    const seen = await inOneTx(async (tx) => [
      await become(tx, w.actors.associateA1),
      await become(tx, w.actors.associateA2),
      await become(tx, w.actors.operatorA),
      await become(tx, w.actors.memberM1),
      await become(tx, w.actors.associateA1),
    ]);
    expect(seen[0]).toEqual({ org: w.orgA, staff: w.staff.associateA1, role: 'associate', stores: [w.stores.a1], wide: false, admin: false });
    expect(seen[1]).toEqual({ org: w.orgA, staff: w.staff.associateA2, role: 'associate', stores: [w.stores.a2], wide: false, admin: false });
    expect(seen[2]).toMatchObject({ org: w.orgA, staff: w.staff.operatorA, role: 'operator', wide: true, admin: false });
    expect(seen[2]?.stores).toEqual(expect.arrayContaining([w.stores.a1, w.stores.a2]));
    expect(seen[2]?.stores).not.toContain(w.stores.b1);
    expect(seen[3]).toEqual({ org: w.orgA, staff: null, role: null, stores: [], wide: false, admin: false });
    expect(seen[4]).toEqual(seen[0]);
  });

  test('a forged org claim after a genuine request in the same transaction gets nothing', async () => {
    const { w } = ctx();
    const [genuine, fake] = await inOneTx(async (tx) => [await become(tx, w.actors.adminA), await become(tx, forged(w, 'adminA'))]);
    expect(genuine).toMatchObject({ org: w.orgA, role: 'admin', admin: true });
    expect(fake).toEqual({ org: null, staff: null, role: null, stores: [], wide: false, admin: false });
  });

  test('claims cleared: no facts, and no policy lets rows through', async () => {
    const { w } = ctx();
    const [after, members] = await inOneTx(async (tx) => {
      await become(tx, w.actors.operatorA);
      await tx`select set_config('request.jwt.claims', '', true)`;
      return [await facts(tx), await tx`select id from public.members`];
    });
    expect(after).toEqual({ org: null, staff: null, role: null, stores: [], wide: false, admin: false });
    expect(members).toHaveLength(0);
  });
});

describe('writes to the facts are seen at once', () => {
  test('staff deactivated earlier in the transaction: no staff id, no stores, no customers', async () => {
    const { w } = ctx();
    const [before, after, visible] = await inOneTx(async (tx) => {
      const b = await become(tx, w.actors.associateA1);
      await tx`reset role`;
      await tx`update public.staff set active = false where id = ${w.staff.associateA1}`;
      const a = await become(tx, w.actors.associateA1);
      return [b, a, await tx`select id from public.members`];
    });
    expect(before.staff).toBe(w.staff.associateA1);
    expect(after).toEqual({ org: w.orgA, staff: null, role: null, stores: [], wide: false, admin: false });
    expect(visible).toHaveLength(0);
  });

  test('a store assignment added in the transaction is seen by the next statement', async () => {
    const { w } = ctx();
    const [before, after] = await inOneTx(async (tx) => {
      const b = await become(tx, w.actors.associateA1);
      await tx`reset role`;
      await tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.associateA1}, ${w.stores.a2})`;
      await tx`select set_config('role', 'authenticated', true)`;
      return [b, await facts(tx)];
    });
    expect(before.stores).toEqual([w.stores.a1]);
    expect(after.stores).toEqual(sorted([w.stores.a1, w.stores.a2]));
  });

  test('an admin who creates a store reads it in the same transaction', async () => {
    const { w } = ctx();
    const codes = await inOneTx(async (tx) => {
      await become(tx, w.actors.adminA);
      await tx`select id from public.stores`;
      await tx`insert into public.stores (org_id, code, name) values (${w.orgA}, 'ANEW', '新店')`;
      return (await tx<{ code: string }[]>`select code from public.stores order by code`).map((r) => r.code);
    });
    expect(codes).toContain('ANEW');
  });
});

describe('a hand-made cache is ignored unless it matches the claims', () => {
  test('request.ctx.* set by hand for other claims: the facts are read from the tables', async () => {
    const { w } = ctx();
    const seen = await inOneTx(async (tx) => {
      await tx`select set_config('request.ctx.org_id', ${w.orgB}, true), set_config('request.ctx.role', 'admin', true),
                      set_config('request.ctx.store_ids', ${`{${w.stores.b1}}`}, true), set_config('request.ctx.key', 'v1:{}', true)`;
      return become(tx, w.actors.associateA1);
    });
    expect(seen).toEqual({ org: w.orgA, staff: w.staff.associateA1, role: 'associate', stores: [w.stores.a1], wide: false, admin: false });
  });
});
