import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import {
  DENIED, NO_ROWS, ONE_ROW, forged, idsSeenBy, oneOf, outcomeAs, setupWorld, sorted, valueAs,
  type Reader, type Row, type WriteCase,
} from './rls-helpers';

// members, member_identities, consents, and the phone columns / member_phone_ciphertext().
// Besides the shared world: each member with a phone also has the 'phone' identity the phone
// flow writes (kind 'phone', value = the blind index, the same value as members.phone_hash).
const ctx = setupWorld(async (sql, w) => {
  for (const [org, member, hash] of [
    [w.orgA, w.members.m1, 'hash-张三'],
    [w.orgA, w.members.m2, 'hash-李四'],
    [w.orgB, w.members.mb, 'hash-王五'],
  ] as const) {
    await sql`insert into public.member_identities (org_id, kind, value, member_id) values (${org}, 'phone', ${hash}, ${member})`;
  }
});
const world = (): RlsWorld => ctx().w;

const readers = {
  members: (tx) => tx<Row[]>`select id::text as id from public.members`,
  member_identities: (tx) => tx<Row[]>`select distinct member_id::text as id from public.member_identities`,
  consents: (tx) => tx<Row[]>`select member_id::text as id from public.consents`,
} satisfies Record<string, Reader>;
type Table = keyof typeof readers;
const TABLES = Object.keys(readers) as Table[];

// In the world every member with an account has identities and one consent; the unassigned
// member (no account, no store) has neither.
const withChildren = (ids: string[], w: RlsWorld): string[] => ids.filter((id) => id !== w.members.unassigned);

const visibilityTests = (who: (w: RlsWorld) => Actor, members: (w: RlsWorld) => string[]): void => {
  test.each(TABLES)('reads exactly the expected rows of %s', async (table) => {
    const w = world();
    const expected = table === 'members' ? members(w) : withChildren(members(w), w);
    expect(await idsSeenBy(ctx().sql, who(w), readers[table])).toEqual(sorted(expected));
  });
};

// Column grants: the ciphertext and the blind index are never readable by a person, not even
// indirectly (WHERE, RETURNING, *). Applies to every authenticated actor, the member included.
const phoneProbes: { name: string; run: (tx: Tx, w: RlsWorld) => Promise<{ count: number }> }[] = [
  { name: 'select phone_enc', run: (tx) => tx`select phone_enc from public.members` },
  { name: 'select phone_hash', run: (tx) => tx`select phone_hash from public.members` },
  { name: 'select *', run: (tx) => tx`select * from public.members` },
  { name: 'filter on phone_hash (blind-index oracle)', run: (tx) => tx`select id from public.members where phone_hash = 'hash-张三'` },
  { name: 'filter on phone_enc', run: (tx) => tx`select id from public.members where phone_enc like 'v1:%'` },
  { name: 'update ... returning phone_enc', run: (tx, w) => tx`update public.members set name = name where id = ${w.members.m1} returning phone_enc` },
  { name: 'copy phone_enc into a readable column', run: (tx, w) => tx`update public.members set name = left(phone_enc, 50) where id = ${w.members.m1}` },
];

const phoneTests = (who: (w: RlsWorld) => Actor, ownCiphertext: (w: RlsWorld) => Record<'m1' | 'm2' | 'mb', string | null>): void => {
  test.each(phoneProbes)('phone columns: "$name" is permission denied (42501)', async ({ run }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx) => run(tx, w))).toEqual(DENIED);
  });
  test('the phone blind index is not readable through member_identities.value either', async () => {
    const w = world();
    const outcome = await outcomeAs(ctx().sql, who(w), (tx) => tx`select value from public.member_identities where kind = 'phone'`);
    // Either the column is not selectable (42501) or no phone identity is returned.
    expect(oneOf(outcome, [DENIED, NO_ROWS])).toBe('as expected');
  });
  test.each(['m1', 'm2', 'mb'] as const)('member_phone_ciphertext(%s) returns the ciphertext only to that member', async (m) => {
    const w = world();
    const v = await valueAs<string | null>(ctx().sql, who(w), (tx) => tx<{ v: string | null }[]>`select public.member_phone_ciphertext(${w.members[m]}) as v`);
    expect(v).toBe(ownCiphertext(w)[m]);
  });
};
const noCiphertext = (): Record<'m1' | 'm2' | 'mb', null> => ({ m1: null, m2: null, mb: null });

const writeTests = (who: (w: RlsWorld) => Actor, cases: WriteCase[]): void => {
  test.each(cases)('$name', async ({ run, expected }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx: Tx) => run(tx, w))).toEqual(expected);
  });
};

const consentFor = (tx: Tx, org: string, member: string) =>
  tx`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source) values (${org}, ${member}, 'marketing', true, 'v1', 'test')`;
const identityFor = (tx: Tx, org: string, member: string, kind: string, value: string) =>
  tx`insert into public.member_identities (org_id, kind, value, member_id) values (${org}, ${kind}, ${value}, ${member})`;
const joinAs = (tx: Tx, org: string, account: string) =>
  tx`insert into public.members (org_id, account_id, name) values (${org}, ${account}, '新会员')`;

// Staff of org A who are not allowed to touch members: what they must all be refused.
const staffCannotActForMembers: WriteCase[] = [
  { name: 'cannot record a consent for m1 (consents are the member\'s own)', run: (tx, w) => consentFor(tx, w.orgA, w.members.m1), expected: DENIED },
  { name: 'cannot link an identity to m1', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'pos', 'POS-STAFF-1'), expected: DENIED },
  { name: 'cannot create a member for another account', run: (tx, w) => joinAs(tx, w.orgA, w.actors.stranger.accountId), expected: DENIED },
];

describe('associate A1 (same store as m1)', () => {
  const me = (w: RlsWorld): Actor => w.actors.associateA1;
  visibilityTests(me, (w) => [w.members.m1]);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'can update m1\'s profile', run: (tx, w) => tx`update public.members set name = '张三丰' where id = ${w.members.m1}`, expected: ONE_ROW },
    { name: 'cannot update m2 (store A2)', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m2}`, expected: NO_ROWS },
    { name: 'cannot update the unassigned member', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.unassigned}`, expected: NO_ROWS },
    { name: 'cannot move m1 to store A2 (store_id is not updatable)', run: (tx, w) => tx`update public.members set store_id = ${w.stores.a2} where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot soft-delete m1 (deleted_at is not updatable)', run: (tx, w) => tx`update public.members set deleted_at = now() where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot hard-delete m1 (no delete privilege)', run: (tx, w) => tx`delete from public.members where id = ${w.members.m1}`, expected: DENIED },
    ...staffCannotActForMembers,
  ]);
});

describe('manager A1 (same store as m1)', () => {
  const me = (w: RlsWorld): Actor => w.actors.managerA1;
  visibilityTests(me, (w) => [w.members.m1]);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'can update m1\'s profile', run: (tx, w) => tx`update public.members set gender = 'female' where id = ${w.members.m1}`, expected: ONE_ROW },
    { name: 'cannot update m2 (store A2)', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m2}`, expected: NO_ROWS },
    ...staffCannotActForMembers,
  ]);
});

describe('associate A2 (other store than m1)', () => {
  const me = (w: RlsWorld): Actor => w.actors.associateA2;
  visibilityTests(me, (w) => [w.members.m2]);
  phoneTests(me, noCiphertext);
  test('reading m1 by id returns nothing', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`select id::text as id from public.members where id = ${w.members.m1}`)).toEqual([]);
  });
  writeTests(me, [
    { name: 'cannot update m1', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m1}`, expected: NO_ROWS },
    // Phone columns are written only by the identity service after WeChat verified the number.
    { name: 'cannot update m1\'s phone display', run: (tx, w) => tx`update public.members set phone_last4 = '0000', phone_masked = '138****0000' where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot update m2\'s phone display either (own store)', run: (tx, w) => tx`update public.members set phone_last4 = '0000', phone_masked = '138****0000' where id = ${w.members.m2}`, expected: DENIED },
    { name: 'can update m2\'s profile', run: (tx, w) => tx`update public.members set name = '李四光' where id = ${w.members.m2}`, expected: ONE_ROW },
  ]);
});

describe('operator A (whole org)', () => {
  const me = (w: RlsWorld): Actor => w.actors.operatorA;
  visibilityTests(me, (w) => [w.members.m1, w.members.m2, w.members.unassigned]);
  phoneTests(me, noCiphertext);
  test('reading org B\'s members by org id returns nothing', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`select id::text as id from public.members where org_id = ${w.orgB}`)).toEqual([]);
  });
  writeTests(me, [
    { name: 'cannot update org B\'s member', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.mb}`, expected: NO_ROWS },
    ...staffCannotActForMembers,
  ]);
});

describe('admin A (whole org)', () => {
  const me = (w: RlsWorld): Actor => w.actors.adminA;
  visibilityTests(me, (w) => [w.members.m1, w.members.m2, w.members.unassigned]);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'cannot update org B\'s member', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.mb}`, expected: NO_ROWS },
    { name: 'cannot soft-delete m1 (deleted_at is not updatable)', run: (tx, w) => tx`update public.members set deleted_at = now() where id = ${w.members.m1}`, expected: DENIED },
  ]);
});

describe('associate B1 (other org)', () => {
  const me = (w: RlsWorld): Actor => w.actors.associateB1;
  visibilityTests(me, (w) => [w.members.mb]);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'cannot update m1', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m1}`, expected: NO_ROWS },
    { name: 'cannot record a consent for m1 in org A', run: (tx, w) => consentFor(tx, w.orgA, w.members.m1), expected: DENIED },
    { name: 'cannot link an identity to m1 in org A', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'pos', 'POS-B-1'), expected: DENIED },
  ]);
});

describe('member m1 (owner of the row)', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberM1;
  visibilityTests(me, (w) => [w.members.m1]);
  phoneTests(me, () => ({ m1: 'v1:k1:secret-张三', m2: null, mb: null }));
  writeTests(me, [
    { name: 'can update their own profile', run: (tx, w) => tx`update public.members set name = '张小三', birthday_calendar = 'lunar', birth_month = 8, birth_day = 15 where id = ${w.members.m1}`, expected: ONE_ROW },
    { name: 'cannot update m2', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m2}`, expected: NO_ROWS },
    { name: 'cannot move themselves to another store', run: (tx, w) => tx`update public.members set store_id = ${w.stores.a2} where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot reassign their row to another account', run: (tx, w) => tx`update public.members set account_id = ${w.actors.stranger.accountId} where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot set deleted_at directly', run: (tx, w) => tx`update public.members set deleted_at = now() where id = ${w.members.m1}`, expected: DENIED },
    // A phone number is stored only after WeChat verified it, by the identity service.
    { name: 'cannot write their own phone columns', run: (tx, w) => tx`update public.members set phone_enc = 'v1:k1:x', phone_hash = 'someone-elses' where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot claim a phone identity', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'phone', 'hash-unlinked'), expected: DENIED },
    { name: 'cannot call the identity service\'s set_verified_phone', run: (tx, w) => tx`select private.set_verified_phone(${w.orgA}, ${w.members.m1}, 'v1:k1:x', 'h', '0000', '138****0000')`, expected: DENIED },
    { name: 'cannot join a second time (one membership per account)', run: (tx, w) => joinAs(tx, w.orgA, w.actors.memberM1.accountId), expected: { error: '23505' } },
    { name: 'cannot insert a members row for another account', run: (tx, w) => joinAs(tx, w.orgA, w.actors.stranger.accountId), expected: DENIED },
    { name: 'cannot insert a members row in org B', run: (tx, w) => joinAs(tx, w.orgB, w.actors.memberM1.accountId), expected: DENIED },
    { name: 'cannot insert a members row carrying a phone ciphertext', run: (tx, w) => tx`insert into public.members (org_id, account_id, phone_enc, phone_hash, phone_last4, phone_masked) values (${w.orgA}, ${w.actors.memberM1.accountId}, 'v1:k1:x', 'h', '0000', '138****0000')`, expected: DENIED },
    { name: 'can record their own consent decision', run: (tx, w) => consentFor(tx, w.orgA, w.members.m1), expected: ONE_ROW },
    { name: 'cannot record a consent for m2', run: (tx, w) => consentFor(tx, w.orgA, w.members.m2), expected: DENIED },
    { name: 'cannot record a consent for org B\'s member', run: (tx, w) => consentFor(tx, w.orgB, w.members.mb), expected: DENIED },
    // The ledger's time is evidence (PIPL): a decision is recorded when it is made.
    { name: 'cannot choose the time of a consent decision (consents.created_at)', run: (tx, w) => tx`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source, created_at) values (${w.orgA}, ${w.members.m1}, 'marketing', true, 'v1', 'test', '2999-01-01')`, expected: DENIED },
    { name: 'cannot rewrite a past consent decision', run: (tx, w) => tx`update public.consents set granted = false where member_id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot delete consent history', run: (tx, w) => tx`delete from public.consents where member_id = ${w.members.m1}`, expected: DENIED },
    { name: 'can link their own account\'s openid', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'openid', 'member-m1'), expected: ONE_ROW },
    { name: 'cannot link an identity to m2', run: (tx, w) => identityFor(tx, w.orgA, w.members.m2, 'pos', 'POS-M1-1'), expected: DENIED },
    // Identities drive identity resolution (whose orders, whose phone); a member must not be
    // able to claim one that is not theirs, nor learn from a unique violation that it exists.
    { name: 'cannot claim another member\'s openid', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'openid', `oid-${w.members.m2}`), expected: DENIED },
    { name: 'cannot claim an openid that is not their account\'s', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'openid', 'stranger'), expected: DENIED },
    { name: 'cannot claim an arbitrary POS member number', run: (tx, w) => identityFor(tx, w.orgA, w.members.m1, 'pos', 'POS-000123'), expected: DENIED },
    { name: 'cannot repoint an identity (no update privilege)', run: (tx, w) => tx`update public.member_identities set member_id = ${w.members.m1} where member_id = ${w.members.m2}`, expected: DENIED },
  ]);
});

describe('member m2 (other member)', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberM2;
  visibilityTests(me, (w) => [w.members.m2]);
  phoneTests(me, () => ({ m1: null, m2: 'v1:k1:secret-李四', mb: null }));
  test('reading m1 by id (member, identities, consents) returns nothing', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), (tx) => tx<Row[]>`
      select id::text as id from public.members where id = ${w.members.m1}
      union all select member_id::text from public.member_identities where member_id = ${w.members.m1}
      union all select member_id::text from public.consents where member_id = ${w.members.m1}`)).toEqual([]);
  });
  writeTests(me, [
    { name: 'cannot update m1', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m1}`, expected: NO_ROWS },
    { name: 'cannot withdraw m1\'s consent', run: (tx, w) => tx`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source) values (${w.orgA}, ${w.members.m1}, 'marketing', false, 'v1', 'test')`, expected: DENIED },
  ]);
});

describe('member mb (other org)', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberMB;
  visibilityTests(me, (w) => [w.members.mb]);
  phoneTests(me, () => ({ m1: null, m2: null, mb: 'v1:k1:secret-王五' }));
  writeTests(me, [
    { name: 'cannot update m1', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m1}`, expected: NO_ROWS },
    { name: 'cannot record a consent for m1', run: (tx, w) => consentFor(tx, w.orgA, w.members.m1), expected: DENIED },
  ]);
});

describe('removed (deactivated) staff A1', () => {
  const me = (w: RlsWorld): Actor => w.actors.removedA1;
  visibilityTests(me, () => []);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'cannot update m1 (their former store\'s member)', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m1}`, expected: NO_ROWS },
    ...staffCannotActForMembers,
  ]);
});

describe('signed-in person who has not joined (stranger)', () => {
  const me = (w: RlsWorld): Actor => w.actors.stranger;
  visibilityTests(me, () => []);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'can join their own org with their own account', run: (tx, w) => joinAs(tx, w.orgA, w.actors.stranger.accountId), expected: ONE_ROW },
    { name: 'cannot join org B', run: (tx, w) => joinAs(tx, w.orgB, w.actors.stranger.accountId), expected: DENIED },
    { name: 'cannot join as someone else\'s account', run: (tx, w) => joinAs(tx, w.orgA, w.actors.removedA1.accountId), expected: DENIED },
    { name: 'cannot join already deleted (deleted_at is not insertable)', run: (tx, w) => tx`insert into public.members (org_id, account_id, deleted_at) values (${w.orgA}, ${w.actors.stranger.accountId}, now())`, expected: DENIED },
  ]);
});

describe('anon (no token)', () => {
  test.each(TABLES)('cannot read %s (permission denied)', async (table) => {
    expect(await outcomeAs(ctx().sql, null, readers[table])).toEqual(DENIED);
  });
  test('cannot call member_phone_ciphertext()', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, null, (tx) => tx`select public.member_phone_ciphertext(${w.members.m1})`)).toEqual(DENIED);
  });
  test('cannot join', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, null, (tx) => joinAs(tx, w.orgA, w.actors.stranger.accountId))).toEqual(DENIED);
  });
});

describe('forged claim (org_id = org B, sub = m1\'s org-A account)', () => {
  const me = (w: RlsWorld): Actor => forged(w, 'memberM1');
  visibilityTests(me, () => []);
  phoneTests(me, noCiphertext);
  writeTests(me, [
    { name: 'cannot update m1', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.m1}`, expected: NO_ROWS },
    { name: 'cannot update org B\'s member', run: (tx, w) => tx`update public.members set name = 'x' where id = ${w.members.mb}`, expected: NO_ROWS },
    { name: 'cannot record a consent for m1', run: (tx, w) => consentFor(tx, w.orgA, w.members.m1), expected: DENIED },
    { name: 'cannot record a consent for org B\'s member', run: (tx, w) => consentFor(tx, w.orgB, w.members.mb), expected: DENIED },
    { name: 'cannot link an identity to org B\'s member', run: (tx, w) => identityFor(tx, w.orgB, w.members.mb, 'pos', 'POS-F-1'), expected: DENIED },
  ]);
  test('cannot become a member of org B with an org-A account', async () => {
    const w = world();
    const outcome = await outcomeAs(ctx().sql, me(w), (tx) => joinAs(tx, w.orgB, w.actors.memberM1.accountId));
    // Refused by the policy (42501) or, as today, by the (org_id, account_id) foreign key (23503).
    expect(oneOf(outcome, [DENIED, { error: '23503' }])).toBe('as expected');
  });
});
