import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import {
  DENIED, NO_ROWS, ONE_ROW, firstId, forged, idsSeenBy, outcomeAs, setupWorld, sorted,
  type Reader, type Row, type WriteCase,
} from './rls-helpers';

// orgs, stores, accounts, staff, staff_stores.
// Besides the shared world, this file adds an INACTIVE store A3 (assigned to associate A1 only)
// and makes associate A1 the associate who serves member m1.
type World = RlsWorld & { a3: string };
let a3 = '';
const ctx = setupWorld(async (sql, w) => {
  a3 = await firstId(sql<Row[]>`insert into public.stores (org_id, code, name, active) values (${w.orgA}, 'A3', 'A3', false) returning id`);
  await sql`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.associateA1}, ${a3})`;
  await sql`update public.members set associate_id = ${w.staff.associateA1} where id = ${w.members.m1}`;
});
const world = (): World => ({ ...ctx().w, a3 });

const readers = {
  orgs: (tx) => tx<Row[]>`select id::text as id from public.orgs`,
  stores: (tx) => tx<Row[]>`select id::text as id from public.stores`,
  accounts: (tx) => tx<Row[]>`select id::text as id from public.accounts`,
  staff: (tx) => tx<Row[]>`select id::text as id from public.staff`,
  staff_stores: (tx) => tx<Row[]>`select staff_id || '@' || store_id as id from public.staff_stores`,
} satisfies Record<string, Reader>;
type Table = keyof typeof readers;
const TABLES = Object.keys(readers) as Table[];
type Visible = Record<Table, (w: World) => string[]>;

const at = (staffId: string, storeId: string): string => `${staffId}@${storeId}`;
const orgAStaff = (w: World): string[] => [w.staff.associateA1, w.staff.associateA2, w.staff.managerA1, w.staff.operatorA, w.staff.adminA, w.staff.removedA1];
const orgAAssignments = (w: World): string[] => [
  at(w.staff.associateA1, w.stores.a1), at(w.staff.associateA1, w.a3), at(w.staff.associateA2, w.stores.a2),
  at(w.staff.managerA1, w.stores.a1), at(w.staff.removedA1, w.stores.a1),
];
const storeA1Assignments = (w: World): string[] => [at(w.staff.associateA1, w.stores.a1), at(w.staff.managerA1, w.stores.a1), at(w.staff.removedA1, w.stores.a1)];
// Any signed-in person of an org reads the org and its ACTIVE stores (the join page resolves a
// store code before the person is a member); inactive stores only by staff who work with them.
const activeStoresA = (w: World): string[] => [w.stores.a1, w.stores.a2];

const visibilityTests = (who: (w: World) => Actor, visible: Visible): void => {
  test.each(TABLES)('reads exactly the expected rows of %s', async (table) => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, who(w), readers[table])).toEqual(sorted(visible[table](w)));
  });
};

const writeTests = (who: (w: World) => Actor, cases: WriteCase[]): void => {
  test.each(cases)('$name', async ({ run, expected }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx: Tx) => run(tx, w))).toEqual(expected);
  });
};

// Write attacks every non-admin person of org A is refused.
const nonAdminAttacks = (self: (w: RlsWorld) => string | null): WriteCase[] => [
  { name: 'cannot promote a staff row to admin (update staff.role)', run: (tx, w) => tx`update public.staff set role = 'admin' where id = ${self(w) ?? w.staff.associateA1}`, expected: NO_ROWS },
  { name: 'cannot reactivate removed staff', run: (tx, w) => tx`update public.staff set active = true, deactivated_at = null where id = ${w.staff.removedA1}`, expected: NO_ROWS },
  { name: 'cannot add a staff row (an admin without an account)', run: (tx, w) => tx`insert into public.staff (org_id, name, role) values (${w.orgA}, 'ghost', 'admin')`, expected: DENIED },
  { name: 'cannot assign staff to store A2', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${self(w) ?? w.staff.associateA1}, ${w.stores.a2})`, expected: DENIED },
  { name: 'cannot remove store A1\'s assignments', run: (tx, w) => tx`delete from public.staff_stores where org_id = ${w.orgA} and store_id = ${w.stores.a1}`, expected: NO_ROWS },
  { name: 'cannot rename the org', run: (tx, w) => tx`update public.orgs set name = 'pwned' where id = ${w.orgA}`, expected: NO_ROWS },
  { name: 'cannot create a store', run: (tx, w) => tx`insert into public.stores (org_id, code, name) values (${w.orgA}, 'X9', 'X9')`, expected: DENIED },
  { name: 'cannot deactivate store A1', run: (tx, w) => tx`update public.stores set active = false where id = ${w.stores.a1}`, expected: NO_ROWS },
  { name: 'cannot delete a staff row (no delete privilege)', run: (tx, w) => tx`delete from public.staff where id = ${w.staff.adminA}`, expected: DENIED },
  { name: 'cannot move a staff row to org B (staff.org_id is not updatable)', run: (tx, w) => tx`update public.staff set org_id = ${w.orgB} where id = ${w.staff.associateA1}`, expected: DENIED },
  { name: 'cannot rebind a staff row to another account (staff.account_id is not updatable)', run: (tx, w) => tx`update public.staff set account_id = ${w.actors.stranger.accountId} where id = ${w.staff.adminA}`, expected: DENIED },
];

describe('associate A1 (owner of their staff row; works in A1 and in inactive A3)', () => {
  const me = (w: World): Actor => w.actors.associateA1;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: (w) => [w.stores.a1, w.stores.a2, w.a3],
    accounts: (w) => [w.actors.associateA1.accountId],
    staff: (w) => [w.staff.associateA1, w.staff.managerA1, w.staff.removedA1],
    staff_stores: (w) => [...storeA1Assignments(w), at(w.staff.associateA1, w.a3)],
  });
  writeTests(me, nonAdminAttacks((w) => w.staff.associateA1));
  test('reading org B\'s stores by org id returns nothing', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`select id::text as id from public.stores where org_id = ${w.orgB}`)).toEqual([]);
  });
  test('reading org B\'s staff and store assignments by id returns nothing', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`
      select id::text as id from public.staff where id = ${w.staff.associateB1}
      union all select store_id::text from public.staff_stores where store_id = ${w.stores.b1}`)).toEqual([]);
  });
});

describe('manager A1 (same store as associate A1)', () => {
  const me = (w: World): Actor => w.actors.managerA1;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: activeStoresA,
    accounts: (w) => [w.actors.managerA1.accountId],
    staff: (w) => [w.staff.associateA1, w.staff.managerA1, w.staff.removedA1],
    staff_stores: storeA1Assignments,
  });
  writeTests(me, nonAdminAttacks((w) => w.staff.associateA1));
});

describe('associate A2 (other store)', () => {
  const me = (w: World): Actor => w.actors.associateA2;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: activeStoresA,
    accounts: (w) => [w.actors.associateA2.accountId],
    staff: (w) => [w.staff.associateA2],
    staff_stores: (w) => [at(w.staff.associateA2, w.stores.a2)],
  });
  writeTests(me, [
    { name: 'cannot rename associate A1', run: (tx, w) => tx`update public.staff set name = 'x' where id = ${w.staff.associateA1}`, expected: NO_ROWS },
    { name: 'cannot assign themselves to store A1', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.associateA2}, ${w.stores.a1})`, expected: DENIED },
  ]);
});

describe('operator A (org-wide reader, not an admin)', () => {
  const me = (w: World): Actor => w.actors.operatorA;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: (w) => [w.stores.a1, w.stores.a2, w.a3],
    accounts: (w) => [w.actors.operatorA.accountId],
    staff: orgAStaff,
    staff_stores: orgAAssignments,
  });
  writeTests(me, nonAdminAttacks((w) => w.staff.operatorA));
});

describe('admin A', () => {
  const me = (w: World): Actor => w.actors.adminA;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: (w) => [w.stores.a1, w.stores.a2, w.a3],
    accounts: (w) => [w.actors.adminA.accountId],
    staff: orgAStaff,
    staff_stores: orgAAssignments,
  });
  writeTests(me, [
    { name: 'can promote associate A2 to manager', run: (tx, w) => tx`update public.staff set role = 'manager' where id = ${w.staff.associateA2}`, expected: ONE_ROW },
    { name: 'can deactivate associate A1', run: (tx, w) => tx`update public.staff set active = false, deactivated_at = now() where id = ${w.staff.associateA1}`, expected: ONE_ROW },
    { name: 'can assign associate A2 to store A1', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.associateA2}, ${w.stores.a1})`, expected: ONE_ROW },
    { name: 'can create a store', run: (tx, w) => tx`insert into public.stores (org_id, code, name) values (${w.orgA}, 'A9', 'A9')`, expected: ONE_ROW },
    { name: 'can rename their org', run: (tx, w) => tx`update public.orgs set name = 'Org A2' where id = ${w.orgA}`, expected: ONE_ROW },
    { name: 'cannot change the org\'s wx_appid (not an updatable column)', run: (tx, w) => tx`update public.orgs set wx_appid = 'wxstolen' where id = ${w.orgA}`, expected: DENIED },
    { name: 'cannot rename org B', run: (tx, w) => tx`update public.orgs set name = 'pwned' where id = ${w.orgB}`, expected: NO_ROWS },
    { name: 'cannot promote org B\'s associate', run: (tx, w) => tx`update public.staff set role = 'admin' where id = ${w.staff.associateB1}`, expected: NO_ROWS },
    { name: 'cannot add staff to org B', run: (tx, w) => tx`insert into public.staff (org_id, name, role) values (${w.orgB}, 'mole', 'admin')`, expected: DENIED },
    { name: 'cannot create a store in org B', run: (tx, w) => tx`insert into public.stores (org_id, code, name) values (${w.orgB}, 'B9', 'B9')`, expected: DENIED },
    { name: 'cannot deactivate org B\'s store', run: (tx, w) => tx`update public.stores set active = false where id = ${w.stores.b1}`, expected: NO_ROWS },
    { name: 'cannot assign staff in org B', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgB}, ${w.staff.associateB1}, ${w.stores.b1})`, expected: DENIED },
    // The policy passes (org A, admin); the composite foreign key keeps the orgs apart.
    { name: 'cannot assign an org-A associate to org B\'s store', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.associateA1}, ${w.stores.b1})`, expected: { error: '23503' } },
    { name: 'cannot remove org B\'s assignments', run: (tx, w) => tx`delete from public.staff_stores where store_id = ${w.stores.b1}`, expected: NO_ROWS },
    { name: 'cannot delete staff (no delete privilege)', run: (tx, w) => tx`delete from public.staff where id = ${w.staff.removedA1}`, expected: DENIED },
    { name: 'cannot delete the org (no delete privilege)', run: (tx, w) => tx`delete from public.orgs where id = ${w.orgA}`, expected: DENIED },
  ]);
});

describe('associate B1 (other org)', () => {
  const me = (w: World): Actor => w.actors.associateB1;
  visibilityTests(me, {
    orgs: (w) => [w.orgB],
    stores: (w) => [w.stores.b1],
    accounts: (w) => [w.actors.associateB1.accountId],
    staff: (w) => [w.staff.associateB1],
    staff_stores: (w) => [at(w.staff.associateB1, w.stores.b1)],
  });
  writeTests(me, [
    { name: 'cannot demote org A\'s admin', run: (tx, w) => tx`update public.staff set role = 'associate' where id = ${w.staff.adminA}`, expected: NO_ROWS },
    { name: 'cannot rename org A', run: (tx, w) => tx`update public.orgs set name = 'pwned' where id = ${w.orgA}`, expected: NO_ROWS },
    { name: 'cannot deactivate org A\'s store', run: (tx, w) => tx`update public.stores set active = false where id = ${w.stores.a1}`, expected: NO_ROWS },
    { name: 'cannot assign themselves to org A\'s store', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.associateB1}, ${w.stores.a1})`, expected: DENIED },
  ]);
});

describe('member m1 (served by associate A1)', () => {
  const me = (w: World): Actor => w.actors.memberM1;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: activeStoresA,
    accounts: (w) => [w.actors.memberM1.accountId],
    // The staff list is closed to members; they see only the associate who serves them.
    staff: (w) => [w.staff.associateA1],
    staff_stores: () => [],
  });
  writeTests(me, [
    { name: 'cannot make themselves staff', run: (tx, w) => tx`insert into public.staff (org_id, account_id, name, role) values (${w.orgA}, ${w.actors.memberM1.accountId}, 'me', 'admin')`, expected: DENIED },
    { name: 'cannot rename the associate who serves them', run: (tx, w) => tx`update public.staff set name = 'x' where id = ${w.staff.associateA1}`, expected: NO_ROWS },
    { name: 'cannot rename the org', run: (tx, w) => tx`update public.orgs set name = 'pwned' where id = ${w.orgA}`, expected: NO_ROWS },
    { name: 'cannot create a store', run: (tx, w) => tx`insert into public.stores (org_id, code, name) values (${w.orgA}, 'M1', 'M1')`, expected: DENIED },
  ]);
});

describe('member m2 (other member, no associate)', () => {
  const me = (w: World): Actor => w.actors.memberM2;
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: activeStoresA,
    accounts: (w) => [w.actors.memberM2.accountId],
    staff: () => [],
    staff_stores: () => [],
  });
  test('cannot read m1\'s associate by id', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`select id::text as id from public.staff where id = ${w.staff.associateA1}`)).toEqual([]);
  });
});

describe('removed (deactivated) staff A1', () => {
  const me = (w: World): Actor => w.actors.removedA1;
  // Nothing as staff: no colleagues, no assignments, no inactive store. What remains is what any
  // signed-in person of the org sees (the org, its active stores) and their own staff row.
  visibilityTests(me, {
    orgs: (w) => [w.orgA],
    stores: activeStoresA,
    accounts: (w) => [w.actors.removedA1.accountId],
    staff: (w) => [w.staff.removedA1],
    staff_stores: () => [],
  });
  writeTests(me, [
    { name: 'cannot reactivate themselves', run: (tx, w) => tx`update public.staff set active = true, deactivated_at = null where id = ${w.staff.removedA1}`, expected: NO_ROWS },
    { name: 'cannot assign themselves to store A2', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgA}, ${w.staff.removedA1}, ${w.stores.a2})`, expected: DENIED },
    { name: 'cannot rename a colleague', run: (tx, w) => tx`update public.staff set name = 'x' where id = ${w.staff.associateA1}`, expected: NO_ROWS },
  ]);
});

describe('anon (no token)', () => {
  test.each(TABLES)('cannot read %s (permission denied)', async (table) => {
    expect(await outcomeAs(ctx().sql, null, readers[table])).toEqual(DENIED);
  });
  test('cannot update staff', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, null, (tx) => tx`update public.staff set role = 'admin' where id = ${w.staff.associateA1}`)).toEqual(DENIED);
  });
});

describe('forged claim (org_id = org B, sub = admin A\'s account)', () => {
  const me = (w: World): Actor => forged(w, 'adminA');
  // The token's org must be the org of its subject's account (private.jwt_org_id checks it), so a
  // token naming another org matches nothing at all.
  visibilityTests(me, {
    orgs: () => [],
    stores: () => [],
    accounts: () => [],
    staff: () => [],
    staff_stores: () => [],
  });
  writeTests(me, [
    { name: 'is not an admin of org A', run: (tx, w) => tx`update public.staff set role = 'admin' where id = ${w.staff.associateA1}`, expected: NO_ROWS },
    { name: 'is not an admin of org B', run: (tx, w) => tx`update public.staff set role = 'admin' where id = ${w.staff.associateB1}`, expected: NO_ROWS },
    { name: 'cannot rename org B', run: (tx, w) => tx`update public.orgs set name = 'pwned' where id = ${w.orgB}`, expected: NO_ROWS },
    { name: 'cannot create a store in org B', run: (tx, w) => tx`insert into public.stores (org_id, code, name) values (${w.orgB}, 'F1', 'F1')`, expected: DENIED },
    { name: 'cannot add their account as staff of org B', run: (tx, w) => tx`insert into public.staff (org_id, account_id, name, role) values (${w.orgB}, ${w.actors.adminA.accountId}, 'mole', 'admin')`, expected: DENIED },
    { name: 'cannot assign staff in org B', run: (tx, w) => tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${w.orgB}, ${w.staff.associateB1}, ${w.stores.b1})`, expected: DENIED },
  ]);
});
