import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, NO_ROWS, ONE_ROW, firstId, forged, idsSeenBy, outcomeAs, setupWorld, sorted, type Outcome, type Row } from './rls-helpers';

// The workbench's tables (handover_batches, handover_items) and routines (reveal_member_phone,
// hand_over_customers, undo_handover, deactivate_staff), attacked by every actor. This file adds
// to the world: m1 is owned by associate A1; a second associate A1b in store A1; a hand-over
// batch by manager A1 (A1 → A1b, item m1, recorded but not applied).
type Extra = { associateA1b: string; batchA: string };
let x: Extra = { associateA1b: '', batchA: '' };
const ctx = setupWorld(async (sql, w) => {
  await sql`update public.members set associate_id = ${w.staff.associateA1} where id = ${w.members.m1}`;
  await sql`update public.members set associate_id = ${w.staff.associateA2} where id = ${w.members.m2}`;
  await sql`update public.members set associate_id = ${w.staff.associateB1} where id = ${w.members.mb}`;
  const acc = await firstId(sql<Row[]>`insert into public.accounts (org_id, wx_openid) values (${w.orgA}, 'assoc-a1b') returning id`);
  const associateA1b = await firstId(sql<Row[]>`insert into public.staff (org_id, account_id, name, role) values (${w.orgA}, ${acc}, 'a1b', 'associate') returning id`);
  await sql`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${associateA1b}, ${w.stores.a1})`;
  const batchA = await firstId(sql<Row[]>`
    insert into public.handover_batches (org_id, from_staff_id, to_staff_id, performed_by, reason, member_count)
    values (${w.orgA}, ${w.staff.associateA1}, ${associateA1b}, ${w.staff.managerA1}, 'reassignment', 1) returning id`);
  await sql`insert into public.handover_items (org_id, batch_id, member_id) values (${w.orgA}, ${batchA}, ${w.members.m1})`;
  x = { associateA1b, batchA };
});

const batches = (tx: Tx) => tx<Row[]>`select id from public.handover_batches`;
const items = (tx: Tx) => tx<Row[]>`select member_id as id from public.handover_items`;

// Runs one routine call as `actor` and reports rows or the SQLSTATE.
const call = (actor: Actor | null, run: (tx: Tx) => Promise<{ count: number }>): Promise<Outcome> => outcomeAs(ctx().sql, actor, run);
const reveal = async (actor: Actor, member: string): Promise<string | undefined> => {
  const { sql } = ctx();
  const { asPerson } = await import('../helpers/rls-fixtures');
  return asPerson(sql, actor, async (tx) => (await tx<{ outcome: string }[]>`select outcome from public.reveal_member_phone(${member})`)[0]?.outcome);
};

describe('handover_batches / handover_items visibility', () => {
  test.each<[string, (w: RlsWorld) => Actor, (w: RlsWorld) => string[], (w: RlsWorld) => string[]]>([
    ['manager A1 (did it)', (w) => w.actors.managerA1, () => [x.batchA], (w) => [w.members.m1]],
    ['admin A (org-wide)', (w) => w.actors.adminA, () => [x.batchA], (w) => [w.members.m1]],
    ['associate A1 (handed over)', (w) => w.actors.associateA1, () => [], () => []],
    ['associate A2', (w) => w.actors.associateA2, () => [], () => []],
    ['operator A (not a people manager)', (w) => w.actors.operatorA, () => [], () => []],
    ['removed staff of A1', (w) => w.actors.removedA1, () => [], () => []],
    ['associate B1 (other org)', (w) => w.actors.associateB1, () => [], () => []],
    ['member m1', (w) => w.actors.memberM1, () => [], () => []],
    ['manager A1 with a token forged for org B', (w) => forged(w, 'managerA1'), () => [], () => []],
  ])('%s sees exactly the expected batches and items', async (_name, who, wantBatches, wantItems) => {
    const { sql, w } = ctx();
    expect(await idsSeenBy(sql, who(w), batches)).toEqual(sorted(wantBatches(w)));
    expect(await idsSeenBy(sql, who(w), items)).toEqual(sorted(wantItems(w)));
  });

  test('nobody writes the tables directly (no insert/update/delete privilege)', async () => {
    const { w } = ctx();
    for (const actor of [w.actors.managerA1, w.actors.adminA]) {
      expect(await call(actor, (tx) => tx`insert into public.handover_items (org_id, batch_id, member_id) values (${w.orgA}, ${x.batchA}, ${w.members.m2})`)).toEqual(DENIED);
      expect(await call(actor, (tx) => tx`update public.handover_batches set undone_at = now() where id = ${x.batchA}`)).toEqual(DENIED);
      expect(await call(actor, (tx) => tx`delete from public.handover_batches where id = ${x.batchA}`)).toEqual(DENIED);
    }
    expect(await call(null, (tx) => tx`select * from public.handover_batches`)).toEqual(DENIED);
  });
});

describe('hand_over_customers', () => {
  const hand = (from: (w: RlsWorld) => string, to: (w: RlsWorld) => string, members: ((w: RlsWorld) => string[]) | null) => (tx: Tx) => {
    const { w } = ctx();
    return tx`select * from public.hand_over_customers(${from(w)}, ${to(w)}, ${members ? members(w) : null}::uuid[], 'reassignment')`;
  };
  test.each<[string, (w: RlsWorld) => Actor | null, (tx: Tx) => Promise<{ count: number }>, Outcome]>([
    ['manager A1 moves m1 from A1 to A1b', (w) => w.actors.managerA1, hand((w) => w.staff.associateA1, () => x.associateA1b, (w) => [w.members.m1]), ONE_ROW],
    ['admin A moves all of A1\'s customers to A1b', (w) => w.actors.adminA, hand((w) => w.staff.associateA1, () => x.associateA1b, null), ONE_ROW],
    ['associate A1 cannot hand over', (w) => w.actors.associateA1, hand((w) => w.staff.associateA1, () => x.associateA1b, null), DENIED],
    ['operator A cannot hand over', (w) => w.actors.operatorA, hand((w) => w.staff.associateA1, () => x.associateA1b, null), DENIED],
    ['removed staff cannot hand over', (w) => w.actors.removedA1, hand((w) => w.staff.associateA1, () => x.associateA1b, null), DENIED],
    ['member m1 cannot hand over', (w) => w.actors.memberM1, hand((w) => w.staff.associateA1, () => x.associateA1b, null), DENIED],
    ['anon cannot call it', () => null, hand((w) => w.staff.associateA1, () => x.associateA1b, null), DENIED],
    ['manager A1 cannot give customers to associate A2 (not their store)', (w) => w.actors.managerA1, hand((w) => w.staff.associateA1, (w) => w.staff.associateA2, null), { error: 'P0002' }],
    ['manager A1 cannot move m2 (store A2)', (w) => w.actors.managerA1, hand((w) => w.staff.associateA2, () => x.associateA1b, (w) => [w.members.m2]), { error: 'P0002' }],
    ['manager A1 cannot move org B\'s member', (w) => w.actors.managerA1, hand((w) => w.staff.associateB1, () => x.associateA1b, (w) => [w.members.mb]), { error: 'P0002' }],
    ['manager A1 with a forged org-B token can do nothing', (w) => forged(w, 'managerA1'), hand((w) => w.staff.associateB1, (w) => w.staff.associateB1, null), DENIED],
    ['associate B1 cannot move org A\'s customers', (w) => w.actors.associateB1, hand((w) => w.staff.associateA1, () => x.associateA1b, null), DENIED],
  ])('%s', async (_name, who, run, expected) => {
    expect(await call(who(ctx().w), run)).toEqual(expected);
  });
});

describe('undo_handover', () => {
  const undo = (tx: Tx) => tx`select * from public.undo_handover(${x.batchA})`;
  test.each<[string, (w: RlsWorld) => Actor | null, Outcome]>([
    ['manager A1 (did it) can undo', (w) => w.actors.managerA1, ONE_ROW],
    ['admin A can undo', (w) => w.actors.adminA, ONE_ROW],
    ['associate A1 cannot', (w) => w.actors.associateA1, DENIED],
    ['removed staff cannot', (w) => w.actors.removedA1, DENIED],
    ['associate B1 (other org) cannot', (w) => w.actors.associateB1, DENIED],
    ['anon cannot', () => null, DENIED],
  ])('%s', async (_name, who, expected) => {
    expect(await call(who(ctx().w), undo)).toEqual(expected);
  });

  test('a batch older than 24 hours cannot be undone', async () => {
    const { w, sql } = ctx();
    const { asPerson } = await import('../helpers/rls-fixtures');
    let outcome = '';
    // Aged for real, checked, and restored (the world is shared by the file's tests).
    await sql`update public.handover_batches set created_at = now() - interval '25 hours' where id = ${x.batchA}`;
    try {
      outcome = await asPerson(sql, w.actors.managerA1, async (tx) => {
        try {
          await tx`select * from public.undo_handover(${x.batchA})`;
          return 'undone';
        } catch (e) {
          return String((e as { code?: string }).code);
        }
      });
    } finally {
      await sql`update public.handover_batches set created_at = now() where id = ${x.batchA}`;
    }
    expect(outcome).toBe('23514');
  });
});

describe('reveal_member_phone', () => {
  test.each<[string, (w: RlsWorld) => Actor, (w: RlsWorld) => string, string]>([
    ['associate A1 owns m1: ok', (w) => w.actors.associateA1, (w) => w.members.m1, 'ok'],
    ['manager A1 sees m1 but does not own them', (w) => w.actors.managerA1, (w) => w.members.m1, 'not_owner'],
    ['associate A2 does not see m1', (w) => w.actors.associateA2, (w) => w.members.m1, 'not_found'],
    ['operator A does not own m1', (w) => w.actors.operatorA, (w) => w.members.m1, 'not_owner'],
    ['removed staff of A1', (w) => w.actors.removedA1, (w) => w.members.m1, 'forbidden'],
    ['associate B1 asks for org A\'s m1', (w) => w.actors.associateB1, (w) => w.members.m1, 'not_found'],
    ['member m1 (not staff)', (w) => w.actors.memberM1, (w) => w.members.m1, 'forbidden'],
    ['associate A1 with a forged org-B token', (w) => forged(w, 'associateA1'), (w) => w.members.m1, 'forbidden'],
  ])('%s', async (_name, who, member, expected) => {
    const { w } = ctx();
    expect(await reveal(who(w), member(w))).toBe(expected);
  });

  test('anon cannot call it; a successful reveal writes the audit log in the same transaction', async () => {
    const { w, sql } = ctx();
    expect(await call(null, (tx) => tx`select * from public.reveal_member_phone(${w.members.m1})`)).toEqual(DENIED);
    const { asPerson } = await import('../helpers/rls-fixtures');
    const count = (tx: Tx) => tx<{ n: number }[]>`
      select count(*)::int as n from public.audit_log
      where action = 'member.phone_reveal' and target_id = ${w.members.m1} and actor_account_id = ${w.actors.associateA1.accountId}`;
    const audited = await asPerson(sql, w.actors.associateA1, async (tx) => {
      // Associates cannot read the audit log: count as the connecting owner, in the same transaction.
      await tx`reset role`;
      const before = (await count(tx))[0]?.n ?? -1;
      await tx`select set_config('role', 'authenticated', true)`;
      await tx`select * from public.reveal_member_phone(${w.members.m1})`;
      await tx`reset role`;
      return ((await count(tx))[0]?.n ?? -1) - before;
    });
    expect(audited).toBe(1);
  });
});

describe('deactivate_staff', () => {
  const deactivate = (target: (w: RlsWorld) => string) => (tx: Tx) => tx`select * from public.deactivate_staff(${target(ctx().w)})`;
  test.each<[string, (w: RlsWorld) => Actor | null, (w: RlsWorld) => string, Outcome]>([
    ['manager A1 deactivates associate A1 (their store)', (w) => w.actors.managerA1, (w) => w.staff.associateA1, ONE_ROW],
    ['manager A1 cannot deactivate associate A2 (other store)', (w) => w.actors.managerA1, (w) => w.staff.associateA2, { error: 'P0002' }],
    ['manager A1 cannot deactivate the operator', (w) => w.actors.managerA1, (w) => w.staff.operatorA, { error: 'P0002' }],
    ['manager A1 cannot deactivate org B\'s associate', (w) => w.actors.managerA1, (w) => w.staff.associateB1, { error: 'P0002' }],
    ['admin A deactivates associate A2', (w) => w.actors.adminA, (w) => w.staff.associateA2, ONE_ROW],
    ['associate A1 cannot deactivate A1b', (w) => w.actors.associateA1, () => x.associateA1b, DENIED],
    ['operator A cannot deactivate', (w) => w.actors.operatorA, (w) => w.staff.associateA1, DENIED],
    ['removed staff cannot deactivate', (w) => w.actors.removedA1, (w) => w.staff.associateA1, DENIED],
    ['associate B1 cannot deactivate org A staff', (w) => w.actors.associateB1, (w) => w.staff.associateA1, DENIED],
    ['anon cannot', () => null, (w) => w.staff.associateA1, DENIED],
  ])('%s', async (_name, who, target, expected) => {
    expect(await call(who(ctx().w), deactivate(target))).toEqual(expected);
  });
});

describe('the aggregate columns and merged_into_id', () => {
  test('people can read the aggregates but never write them', async () => {
    const { w } = ctx();
    expect(await call(w.actors.associateA1, (tx) => tx`select lifetime_spend_fen, last_purchase_at, last_contact_at from public.members where id = ${w.members.m1}`)).toEqual(ONE_ROW);
    for (const col of ['lifetime_spend_fen', 'order_count', 'last_purchase_at', 'last_contact_at', 'first_purchase_at', 'associate_id']) {
      expect(await call(w.actors.managerA1, (tx) => tx`update public.members set ${tx(col)} = null where id = ${w.members.m1}`)).toEqual(DENIED);
    }
  });

  test('only operators mark a tag merged (others update nothing)', async () => {
    const { w } = ctx();
    expect(await call(w.actors.associateA1, (tx) => tx`update public.tags set merged_into_id = ${w.tags.a}, retired_at = now() where id = ${w.tags.a}`)).toEqual(NO_ROWS);
    expect(await call(w.actors.associateB1, (tx) => tx`update public.tags set merged_into_id = null where id = ${w.tags.a}`)).toEqual(NO_ROWS);
  });
});
