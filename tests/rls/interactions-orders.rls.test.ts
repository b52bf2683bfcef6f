import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import {
  DENIED, NO_ROWS, ONE_ROW, firstId, forged, idsSeenBy, outcomeAs, setupWorld, sorted,
  type Reader, type Row, type WriteCase,
} from './rls-helpers';

// interactions, orders, order_lines. World: one interaction, one order (with one line) each for
// m1 (by associate A1), m2 (by associate A2) and mb (by associate B1). This file adds in org A an
// order of the unassigned member and an anonymised order (member_id null, as after an erasure).
type World = RlsWorld & { orderUnassigned: string; orderAnonymised: string };
let extra = { orderUnassigned: '', orderAnonymised: '' };
const ctx = setupWorld(async (sql, w) => {
  const order = async (member: string | null, no: string): Promise<string> => {
    const id = await firstId(sql<Row[]>`
      insert into public.orders (org_id, member_id, store_id, order_no, total_fen, ordered_at)
      values (${w.orgA}, ${member}, ${w.stores.a1}, ${no}, 1000, now()) returning id`);
    await sql`insert into public.order_lines (org_id, order_id, line_no, sku, name, quantity, unit_price_fen) values (${w.orgA}, ${id}, 1, 'SKU2', '袜子', 1, 1000)`;
    return id;
  };
  extra = { orderUnassigned: await order(w.members.unassigned, 'O-unassigned'), orderAnonymised: await order(null, 'O-anonymised') };
});
const world = (): World => ({ ...ctx().w, ...extra });

// Every row is identified by its member (each member has one interaction and one order); the
// orders added here by their order number.
const readers = {
  interactions: (tx) => tx<Row[]>`select member_id::text as id from public.interactions`,
  orders: (tx) => tx<Row[]>`select coalesce(member_id::text, order_no) as id from public.orders`,
  order_lines: (tx) => tx<Row[]>`
    select coalesce(o.member_id::text, o.order_no) as id
    from public.order_lines l join public.orders o on o.org_id = l.org_id and o.id = l.order_id`,
  // The same, without leaning on the orders policy in the join: lines counted per order id.
  order_lines_by_order_id: (tx) => tx<Row[]>`select order_id::text as id from public.order_lines`,
} satisfies Record<string, Reader>;
type Table = keyof typeof readers;
const TABLES = Object.keys(readers) as Table[];

type Expect = { interactions: (w: World) => string[]; orders: (w: World) => string[] };

// The orders' ids for the members (or order numbers) expected, for order_lines_by_order_id.
const orderIdsOf = async (keys: string[]): Promise<string[]> => {
  if (keys.length === 0) return [];
  const rows = await ctx().sql<Row[]>`
    select id::text as id from public.orders where coalesce(member_id::text, order_no) = any (${keys}::text[])`;
  return rows.map((r) => r.id);
};

const visibilityTests = (who: (w: World) => Actor, expected: Expect): void => {
  test.each(TABLES)('reads exactly the expected rows of %s', async (table) => {
    const w = world();
    const want = table === 'interactions' ? expected.interactions(w)
      : table === 'order_lines_by_order_id' ? await orderIdsOf(expected.orders(w))
      : expected.orders(w);
    expect(await idsSeenBy(ctx().sql, who(w), readers[table])).toEqual(sorted(want));
  });
};

const writeTests = (who: (w: World) => Actor, cases: WriteCase[]): void => {
  test.each(cases)('$name', async ({ run, expected }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx: Tx) => run(tx, w))).toEqual(expected);
  });
};

const log = (tx: Tx, org: string, member: string, staff: string | null) =>
  tx`insert into public.interactions (org_id, member_id, staff_id, kind, note) values (${org}, ${member}, ${staff}, 'call', '回访')`;

// Orders come from the POS import (a service job), never from a person; they are never changed
// or removed by a person either. Interactions are append-only for people.
const nobodyWritesOrders: WriteCase[] = [
  { name: 'cannot insert an order', run: (tx, w) => tx`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${w.orgA}, ${w.members.m1}, 'FAKE-1', 1, now())`, expected: DENIED },
  { name: 'cannot insert an order line', run: (tx, w) => tx`insert into public.order_lines (org_id, order_id, line_no, sku, name, quantity, unit_price_fen) select org_id, id, 9, 'X', 'X', 1, 0 from public.orders where member_id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot change an order total', run: (tx, w) => tx`update public.orders set total_fen = 0 where member_id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot reassign an order to another member', run: (tx, w) => tx`update public.orders set member_id = ${w.members.m1} where member_id = ${w.members.m2}`, expected: DENIED },
  { name: 'cannot delete an order', run: (tx, w) => tx`delete from public.orders where member_id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot delete order lines', run: (tx) => tx`delete from public.order_lines`, expected: DENIED },
  { name: 'cannot edit an interaction', run: (tx, w) => tx`update public.interactions set note = 'rewritten' where member_id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot delete an interaction', run: (tx, w) => tx`delete from public.interactions where member_id = ${w.members.m1}`, expected: DENIED },
];

describe('associate A1 (same store as m1; logged m1\'s interaction)', () => {
  const me = (w: World): Actor => w.actors.associateA1;
  visibilityTests(me, { interactions: (w) => [w.members.m1], orders: (w) => [w.members.m1] });
  writeTests(me, [
    { name: 'can log an interaction on m1 as themselves', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateA1), expected: ONE_ROW },
    { name: 'cannot log on m1 in associate A2\'s name', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateA2), expected: DENIED },
    { name: 'cannot log on m1 anonymously (staff_id null)', run: (tx, w) => log(tx, w.orgA, w.members.m1, null), expected: DENIED },
    { name: 'cannot log on m2 (store A2)', run: (tx, w) => log(tx, w.orgA, w.members.m2, w.staff.associateA1), expected: DENIED },
    { name: 'cannot log on the unassigned member', run: (tx, w) => log(tx, w.orgA, w.members.unassigned, w.staff.associateA1), expected: DENIED },
    { name: 'cannot log on org B\'s member', run: (tx, w) => log(tx, w.orgB, w.members.mb, w.staff.associateA1), expected: DENIED },
    ...nobodyWritesOrders,
  ]);
});

describe('manager A1 (same store as m1)', () => {
  const me = (w: World): Actor => w.actors.managerA1;
  visibilityTests(me, { interactions: (w) => [w.members.m1], orders: (w) => [w.members.m1] });
  writeTests(me, [
    { name: 'can log an interaction on m1 as themselves', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.managerA1), expected: ONE_ROW },
    { name: 'cannot log on m1 in associate A1\'s name', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateA1), expected: DENIED },
    ...nobodyWritesOrders,
  ]);
});

describe('associate A2 (other store than m1)', () => {
  const me = (w: World): Actor => w.actors.associateA2;
  visibilityTests(me, { interactions: (w) => [w.members.m2], orders: (w) => [w.members.m2] });
  writeTests(me, [
    { name: 'cannot log on m1 (store A1)', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateA2), expected: DENIED },
    { name: 'can log on m2 as themselves', run: (tx, w) => log(tx, w.orgA, w.members.m2, w.staff.associateA2), expected: ONE_ROW },
  ]);
});

describe('operator A (whole org)', () => {
  const me = (w: World): Actor => w.actors.operatorA;
  // The anonymised order has no member, so nobody sees it through the request path.
  visibilityTests(me, { interactions: (w) => [w.members.m1, w.members.m2], orders: (w) => [w.members.m1, w.members.m2, w.members.unassigned] });
  writeTests(me, [
    { name: 'can log on the unassigned member as themselves', run: (tx, w) => log(tx, w.orgA, w.members.unassigned, w.staff.operatorA), expected: ONE_ROW },
    { name: 'cannot log on org B\'s member', run: (tx, w) => log(tx, w.orgB, w.members.mb, w.staff.operatorA), expected: DENIED },
    ...nobodyWritesOrders,
  ]);
});

describe('admin A (whole org)', () => {
  const me = (w: World): Actor => w.actors.adminA;
  visibilityTests(me, { interactions: (w) => [w.members.m1, w.members.m2], orders: (w) => [w.members.m1, w.members.m2, w.members.unassigned] });
  writeTests(me, nobodyWritesOrders);
});

describe('associate B1 (other org)', () => {
  const me = (w: World): Actor => w.actors.associateB1;
  visibilityTests(me, { interactions: (w) => [w.members.mb], orders: (w) => [w.members.mb] });
  writeTests(me, [
    { name: 'cannot log on m1 (org A)', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateB1), expected: DENIED },
  ]);
});

describe('member m1 (owner of their orders)', () => {
  const me = (w: World): Actor => w.actors.memberM1;
  // Members see their own orders; interactions are staff's notes and stay with staff.
  visibilityTests(me, { interactions: () => [], orders: (w) => [w.members.m1] });
  writeTests(me, [
    { name: 'cannot log an interaction on themselves', run: (tx, w) => log(tx, w.orgA, w.members.m1, null), expected: DENIED },
    { name: 'cannot log an interaction in associate A1\'s name', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateA1), expected: DENIED },
    ...nobodyWritesOrders,
  ]);
});

describe('member m2 (other member)', () => {
  const me = (w: World): Actor => w.actors.memberM2;
  visibilityTests(me, { interactions: () => [], orders: (w) => [w.members.m2] });
  test('reading m1\'s orders and lines by member id returns nothing', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`
      select id::text as id from public.orders where member_id = ${w.members.m1}
      union all
      select l.order_id::text from public.order_lines l
      where l.order_id in (select id from public.orders where member_id = ${w.members.m1})`)).toEqual([]);
  });
  writeTests(me, [
    { name: 'cannot log an interaction on m1', run: (tx, w) => log(tx, w.orgA, w.members.m1, null), expected: DENIED },
  ]);
});

describe('removed (deactivated) staff A1', () => {
  const me = (w: World): Actor => w.actors.removedA1;
  visibilityTests(me, { interactions: () => [], orders: () => [] });
  writeTests(me, [
    { name: 'cannot log on m1 (their former store\'s member) as themselves', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.removedA1), expected: DENIED },
    ...nobodyWritesOrders,
  ]);
});

describe('anon (no token)', () => {
  test.each(TABLES)('cannot read %s (permission denied)', async (table) => {
    expect(await outcomeAs(ctx().sql, null, readers[table])).toEqual(DENIED);
  });
  test('cannot log an interaction', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, null, (tx) => log(tx, w.orgA, w.members.m1, w.staff.associateA1))).toEqual(DENIED);
  });
});

describe('forged claim (org_id = org B, sub = associate A1\'s account)', () => {
  const me = (w: World): Actor => forged(w, 'associateA1');
  visibilityTests(me, { interactions: () => [], orders: () => [] });
  writeTests(me, [
    { name: 'cannot log on org B\'s member in associate B1\'s name', run: (tx, w) => log(tx, w.orgB, w.members.mb, w.staff.associateB1), expected: DENIED },
    { name: 'cannot log on m1 as associate A1', run: (tx, w) => log(tx, w.orgA, w.members.m1, w.staff.associateA1), expected: DENIED },
    { name: 'cannot delete org B\'s orders', run: (tx, w) => tx`delete from public.orders where org_id = ${w.orgB}`, expected: DENIED },
    { name: 'finds none of org B\'s orders by org id', run: (tx, w) => tx`select id from public.orders where org_id = ${w.orgB}`, expected: NO_ROWS },
  ]);
});
