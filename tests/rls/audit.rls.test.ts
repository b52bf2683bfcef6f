import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, NO_ROWS, ONE_ROW, forged, idsSeenBy, outcomeAs, ownerOutcome, pgCode, asOwner, setupWorld, type Row, type WriteCase } from './rls-helpers';

// audit_log: append-only. World: one entry in org A (by admin A), one in org B (by associate B1).
const ctx = setupWorld();
const world = (): RlsWorld => ctx().w;

// Entries are identified by "<org>/<actor account>/<action>".
const readAudit = (tx: Tx) => tx<Row[]>`select org_id || '/' || actor_account_id || '/' || action as id from public.audit_log`;
const entry = (org: string, actor: Actor, action = 'test.event'): string => `${org}/${actor.accountId}/${action}`;

const append = (tx: Tx, org: string, actorAccount: string | null) =>
  tx`insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id) values (${org}, ${actorAccount}, 'member.phone_revealed', 'member', 'x')`;

const visibilityTest = (who: (w: RlsWorld) => Actor, expected: (w: RlsWorld) => string[]): void => {
  test('reads exactly the expected audit entries', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, who(w), readAudit)).toEqual(expected(w).sort());
  });
};

const writeTests = (who: (w: RlsWorld) => Actor, cases: WriteCase[]): void => {
  test.each(cases)('$name', async ({ run, expected }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx: Tx) => run(tx, w))).toEqual(expected);
  });
};

// What every person is refused, whatever their role: the log is append-only and written as
// oneself, at the time it happens.
const appendOnlyAsSelf = (self: (w: RlsWorld) => Actor): WriteCase[] => [
  { name: 'can append an entry as themselves', run: (tx, w) => append(tx, self(w).orgId, self(w).accountId), expected: ONE_ROW },
  { name: 'cannot append an entry in someone else\'s name', run: (tx, w) => append(tx, self(w).orgId, w.actors.associateA2.accountId), expected: DENIED },
  { name: 'cannot append an entry without an actor', run: (tx, w) => append(tx, self(w).orgId, null), expected: DENIED },
  { name: 'cannot append an entry to the other org\'s log', run: (tx, w) => append(tx, self(w).orgId === w.orgA ? w.orgB : w.orgA, self(w).accountId), expected: DENIED },
  { name: 'cannot update an entry', run: (tx) => tx`update public.audit_log set action = 'nothing.happened'`, expected: DENIED },
  { name: 'cannot delete an entry', run: (tx) => tx`delete from public.audit_log`, expected: DENIED },
  { name: 'cannot truncate the log', run: (tx) => tx`truncate public.audit_log`, expected: DENIED },
];

describe('admin A (reads their org\'s log)', () => {
  const me = (w: RlsWorld): Actor => w.actors.adminA;
  visibilityTest(me, (w) => [entry(w.orgA, w.actors.adminA)]);
  writeTests(me, [
    ...appendOnlyAsSelf(me),
    { name: 'sees their own new entry (insert ... returning)', run: (tx, w) => tx`insert into public.audit_log (org_id, actor_account_id, action) values (${w.orgA}, ${w.actors.adminA.accountId}, 'x') returning id`, expected: ONE_ROW },
    { name: 'finds nothing of org B\'s log by org id', run: (tx, w) => tx`select id from public.audit_log where org_id = ${w.orgB}`, expected: NO_ROWS },
  ]);
});

describe('operator A (org-wide, but not an admin)', () => {
  const me = (w: RlsWorld): Actor => w.actors.operatorA;
  visibilityTest(me, () => []);
  writeTests(me, appendOnlyAsSelf(me));
});

describe('associate A1 (staff, not an admin)', () => {
  const me = (w: RlsWorld): Actor => w.actors.associateA1;
  visibilityTest(me, () => []);
  writeTests(me, [
    ...appendOnlyAsSelf(me),
    { name: 'cannot append in admin A\'s name', run: (tx, w) => append(tx, w.orgA, w.actors.adminA.accountId), expected: DENIED },
    // An entry's time is the time it was written; a person cannot back- or post-date it. (The
    // column privilege is the same for every person, so this is checked once, here.)
    { name: 'cannot choose the time of their entry (created_at)', run: (tx, w) => tx`insert into public.audit_log (org_id, actor_account_id, action, created_at) values (${w.orgA}, ${w.actors.associateA1.accountId}, 'backdated', '2020-01-01')`, expected: DENIED },
    // RETURNING needs the row to be readable, and only admins read the log.
    { name: 'cannot read back their entry through insert ... returning', run: (tx, w) => tx`insert into public.audit_log (org_id, actor_account_id, action) values (${w.orgA}, ${w.actors.associateA1.accountId}, 'x') returning id`, expected: DENIED },
  ]);
});

describe('associate B1 (other org)', () => {
  const me = (w: RlsWorld): Actor => w.actors.associateB1;
  // Not an admin: does not even see their own org-B entry.
  visibilityTest(me, () => []);
  writeTests(me, appendOnlyAsSelf(me));
});

describe('member m1', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberM1;
  visibilityTest(me, () => []);
  writeTests(me, appendOnlyAsSelf(me));
});

describe('member m2 (other member)', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberM2;
  visibilityTest(me, () => []);
  writeTests(me, [
    { name: 'cannot append in m1\'s name', run: (tx, w) => append(tx, w.orgA, w.actors.memberM1.accountId), expected: DENIED },
  ]);
});

describe('removed (deactivated) staff A1', () => {
  const me = (w: RlsWorld): Actor => w.actors.removedA1;
  visibilityTest(me, () => []);
  writeTests(me, appendOnlyAsSelf(me));
});

describe('anon (no token)', () => {
  test('cannot read the log', async () => {
    expect(await outcomeAs(ctx().sql, null, readAudit)).toEqual(DENIED);
  });
  test('cannot append', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, null, (tx) => append(tx, w.orgA, null))).toEqual(DENIED);
  });
});

describe('forged claim (org_id = org B, sub = admin A\'s account)', () => {
  const me = (w: RlsWorld): Actor => forged(w, 'adminA');
  // Admin A is an admin of org A only; this token's org is B.
  visibilityTest(me, () => []);
  writeTests(me, [
    { name: 'cannot append to org A\'s log', run: (tx, w) => append(tx, w.orgA, w.actors.adminA.accountId), expected: DENIED },
    { name: 'cannot append to org B\'s log in associate B1\'s name', run: (tx, w) => append(tx, w.orgB, w.actors.associateB1.accountId), expected: DENIED },
    { name: 'cannot update org B\'s log', run: (tx) => tx`update public.audit_log set action = 'x'`, expected: DENIED },
  ]);
});

describe('the table owner (the migrating role, outside any request)', () => {
  test.each([
    { name: 'update', run: (tx: Tx) => tx`update public.audit_log set action = 'nothing.happened'` },
    { name: 'delete', run: (tx: Tx) => tx`delete from public.audit_log` },
    { name: 'truncate', run: (tx: Tx) => tx`truncate public.audit_log` },
  ])('cannot $name entries: the append-only trigger raises 42501', async ({ run }) => {
    expect(await ownerOutcome(ctx().sql, run)).toEqual(DENIED);
  });
  test('the trigger names the rule', async () => {
    let message = '';
    try {
      await asOwner(ctx().sql, (tx) => tx`delete from public.audit_log`);
    } catch (e) {
      message = `${pgCode(e)} ${e instanceof Error ? e.message : ''}`;
    }
    expect(message).toBe('42501 audit_log is append-only');
  });
  test('can append, and both world entries are still there afterwards', async () => {
    const w = world();
    expect(await ownerOutcome(ctx().sql, (tx) => tx`insert into public.audit_log (org_id, actor_account_id, action) values (${w.orgA}, null, 'job.ran')`)).toEqual(ONE_ROW);
    const rows = await ctx().sql<Row[]>`select org_id || '/' || actor_account_id || '/' || action as id from public.audit_log order by 1`;
    expect(rows.map((r) => r.id)).toEqual([entry(w.orgA, w.actors.adminA), entry(w.orgB, w.actors.associateB1)].sort());
  });
});
