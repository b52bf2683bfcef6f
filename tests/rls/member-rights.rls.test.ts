import { withPersonTx, type Tx } from '../../functions/_lib/db';
import { claimsFor, type Actor, type RlsWorld } from '../helpers/rls-fixtures';
import {
  DENIED, NO_ROWS, ONE_ROW, forged, idsSeenBy, outcomeAs, setupWorld, sorted, valueAs, firstId,
  type Row, type WriteCase,
} from './rls-helpers';

// Issue 4's tables and functions: staff.invite_code, join_membership(), subscription_credits and
// record_subscription_answers(), take_phone_exchange_slot(), link_verified_phone(),
// privacy_requests, my_member_data(), erase_my_membership(), consent_in_force().
type Extra = { tplA: string; tplB: string; tplInactive: string; reqM1: string; reqM2: string; reqMB: string; codes: Record<string, string> };
let extra: Extra;

const ctx = setupWorld(async (sql, w) => {
  const tpl = (org: string, ext: string, active = true) =>
    firstId(sql<Row[]>`insert into public.message_templates (org_id, external_id, name, purpose, active) values (${org}, ${ext}, ${ext}, 'birthday', ${active}) returning id`);
  const tplA = await tpl(w.orgA, 'tplA000000001');
  const tplB = await tpl(w.orgB, 'tplB000000001');
  const tplInactive = await tpl(w.orgA, 'tplA000000002', false);
  await sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgA}, ${w.members.m1}, ${tplA}, 1, 'accept')`;
  await sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgA}, ${w.members.m2}, ${tplA}, 1, 'accept')`;
  await sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgB}, ${w.members.mb}, ${tplB}, 1, 'accept')`;
  const req = (org: string, member: string) =>
    firstId(sql<Row[]>`insert into public.privacy_requests (org_id, member_id, kind, status, detail, due_on) values (${org}, ${member}, 'correction', 'pending', 'order wrong', current_date + 21) returning id`);
  // Read up front: on embedded PGlite (one connection) nothing else may run while a person's
  // transaction is open.
  const codes = Object.fromEntries(
    (await sql<{ id: string; c: string }[]>`select id::text as id, invite_code as c from public.staff`).map((r) => [r.id, r.c]),
  );
  extra = { tplA, tplB, tplInactive, reqM1: await req(w.orgA, w.members.m1), reqM2: await req(w.orgA, w.members.m2), reqMB: await req(w.orgB, w.members.mb), codes };
});
const world = (): RlsWorld => ctx().w;

const readers = {
  credits: (tx: Tx) => tx<Row[]>`select member_id::text as id from public.subscription_credits`,
  requests: (tx: Tx) => tx<Row[]>`select id::text as id from public.privacy_requests`,
};
const writeTests = (who: (w: RlsWorld) => Actor | null, cases: WriteCase[]): void => {
  test.each(cases)('$name', async ({ run, expected }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx: Tx) => run(tx, w))).toEqual(expected);
  });
};
const answers = (tx: Tx, tpl: string, answer = 'accept') => tx`select public.record_subscription_answers(${tx.json({ [tpl]: answer })}::jsonb)`;
const join = (tx: Tx, invite: string | null, store: string | null) => tx`select * from public.join_membership(${store}, ${invite}, null, null, null)`;
const inviteOf = async (staffId: string): Promise<string> => extra.codes[staffId] ?? '';

// Things nobody but the member themselves (or the server) may do, tried by staff.
const staffCannot: WriteCase[] = [
  { name: 'cannot insert subscription credits directly', run: (tx, w) => tx`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgA}, ${w.members.m1}, ${extra.tplA}, 99, 'accept')`, expected: DENIED },
  { name: 'cannot set a credit count directly', run: (tx, w) => tx`update public.subscription_credits set credits = 99 where member_id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot record subscription answers (not a member)', run: (tx) => answers(tx, extra.tplA), expected: DENIED },
  { name: 'cannot erase a membership (not a member)', run: (tx) => tx`select public.erase_my_membership()`, expected: DENIED },
  { name: 'cannot log a privacy request for m1', run: (tx, w) => tx`insert into public.privacy_requests (org_id, member_id, kind, status, outcome, completed_at) values (${w.orgA}, ${w.members.m1}, 'access', 'completed', 'x', now())`, expected: DENIED },
  { name: 'cannot call the identity service\'s link_verified_phone', run: (tx, w) => tx`select private.link_verified_phone(${w.orgA}, ${w.actors.memberM1.accountId}, ${w.members.m1}, 'v1:k1:x', 'h', '0000', '138****0000')`, expected: DENIED },
  { name: 'cannot set a member\'s associate directly', run: (tx, w) => tx`update public.members set associate_id = ${w.staff.associateA1} where id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot set tier or points', run: (tx, w) => tx`update public.members set tier = 'gold', points = 1 where id = ${w.members.m1}`, expected: DENIED },
  { name: 'cannot change an invite code', run: (tx, w) => tx`update public.staff set invite_code = 'MINE1234' where id = ${w.staff.associateA1}`, expected: DENIED },
];

describe('member m1', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberM1;
  test('sees only their own credits and requests', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), readers.credits)).toEqual([w.members.m1]);
    expect(await idsSeenBy(ctx().sql, me(w), readers.requests)).toEqual([extra.reqM1]);
  });
  test('my_member_data() returns m1\'s data only', async () => {
    const w = world();
    const v = await valueAs<{ member: { name: string } }>(ctx().sql, me(w), (tx) => tx<{ v: { member: { name: string } } }[]>`select public.my_member_data() as v`);
    expect(v?.member.name).toBe('张三');
  });
  test('consent_in_force() answers for m1 but not for m2 (reads through the consents policy)', async () => {
    const w = world();
    const q = (member: string) => (tx: Tx) => tx<{ v: boolean }[]>`select private.consent_in_force(${w.orgA}, ${member}, 'privacy_policy') as v`;
    expect(await valueAs(ctx().sql, me(w), q(w.members.m1))).toBe(true);
    expect(await valueAs(ctx().sql, me(w), q(w.members.m2))).toBe(false);
  });
  writeTests(me, [
    { name: 'adds exactly one credit per accept through the function', run: async (tx, w) => { await answers(tx, extra.tplA); return tx`select 1 from public.subscription_credits where member_id = ${w.members.m1} and credits = 2`; }, expected: ONE_ROW },
    { name: 'records a ban', run: async (tx, w) => { await answers(tx, extra.tplA, 'ban'); return tx`select 1 from public.subscription_credits where member_id = ${w.members.m1} and last_decision = 'ban' and credits = 1`; }, expected: ONE_ROW },
    { name: 'cannot answer for another org\'s template', run: (tx) => answers(tx, extra.tplB), expected: { error: 'P0002' } },
    { name: 'cannot answer for an inactive template', run: (tx) => answers(tx, extra.tplInactive), expected: { error: 'P0002' } },
    { name: 'cannot send an unknown answer', run: (tx) => answers(tx, extra.tplA, 'accept99'), expected: { error: '22023' } },
    { name: 'cannot set their own credit count', run: (tx, w) => tx`update public.subscription_credits set credits = 99 where member_id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot insert credits directly', run: (tx, w) => tx`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgA}, ${w.members.m1}, ${extra.tplInactive}, 5, 'accept')`, expected: DENIED },
    { name: 'cannot attribute themselves to an associate directly', run: (tx, w) => tx`update public.members set associate_id = ${w.staff.associateA1} where id = ${w.members.m1}`, expected: DENIED },
    { name: 'cannot give themselves points', run: (tx, w) => tx`update public.members set points = 10000 where id = ${w.members.m1}`, expected: DENIED },
    { name: 'can update their preferences', run: (tx, w) => tx`update public.members set preferences = '{运动}' where id = ${w.members.m1}`, expected: ONE_ROW },
    { name: 'joining again returns the same member (no second row)', run: async (tx) => { const r = await join(tx, null, null); return { count: r[0]?.created === false ? 1 : 0 }; }, expected: ONE_ROW },
    { name: 'can log their own request', run: (tx, w) => tx`insert into public.privacy_requests (org_id, member_id, kind, status, outcome, completed_at) values (${w.orgA}, ${w.members.m1}, 'access', 'completed', 'shown', now())`, expected: ONE_ROW },
    { name: 'cannot log a request for m2', run: (tx, w) => tx`insert into public.privacy_requests (org_id, member_id, kind, status, outcome, completed_at) values (${w.orgA}, ${w.members.m2}, 'access', 'completed', 'x', now())`, expected: DENIED },
    { name: 'cannot log a request as handled by staff', run: (tx, w) => tx`insert into public.privacy_requests (org_id, member_id, kind, status, outcome, completed_at, handled_by) values (${w.orgA}, ${w.members.m1}, 'access', 'completed', 'x', now(), ${w.staff.adminA})`, expected: DENIED },
    { name: 'cannot resolve their own pending request', run: (tx) => tx`update public.privacy_requests set status = 'completed', outcome = 'done', completed_at = now() where id = ${extra.reqM1}`, expected: NO_ROWS },
    { name: 'cannot delete request history', run: (tx) => tx`delete from public.privacy_requests where id = ${extra.reqM1}`, expected: DENIED },
    { name: 'cannot call link_verified_phone', run: (tx, w) => tx`select private.link_verified_phone(${w.orgA}, ${w.actors.memberM1.accountId}, ${w.members.m1}, 'v1:k1:x', 'h', '0000', '138****0000')`, expected: DENIED },
    { name: 'cannot read the rate-limit counters', run: (tx) => tx`select * from private.rate_limits`, expected: DENIED },
    { name: 'can take a phone-exchange slot', run: (tx) => tx`select 1 where public.take_phone_exchange_slot()`, expected: ONE_ROW },
  ]);
});

describe('member m2 (another member of the same org)', () => {
  const me = (w: RlsWorld): Actor => w.actors.memberM2;
  test('does not see m1\'s credits or requests', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), readers.credits)).toEqual([w.members.m2]);
    expect(await idsSeenBy(ctx().sql, me(w), readers.requests)).toEqual([extra.reqM2]);
  });
});

describe('associate A1 (m1\'s store)', () => {
  const me = (w: RlsWorld): Actor => w.actors.associateA1;
  test('sees the credits of their store\'s members but no privacy requests', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, me(w), readers.credits)).toEqual([w.members.m1]);
    expect(await idsSeenBy(ctx().sql, me(w), readers.requests)).toEqual([]);
  });
  test('my_member_data() is null for staff', async () => {
    expect(await valueAs(ctx().sql, me(world()), (tx) => tx<{ v: unknown }[]>`select public.my_member_data() as v`)).toBeNull();
  });
  test('has an invite code of the expected shape', async () => {
    expect(await inviteOf(world().staff.associateA1)).toMatch(/^[A-Z2-9]{8}$/);
  });
  writeTests(me, staffCannot);
});

describe('admin A', () => {
  const me = (w: RlsWorld): Actor => w.actors.adminA;
  test('sees every privacy request of org A, none of org B', async () => {
    expect(await idsSeenBy(ctx().sql, me(world()), readers.requests)).toEqual(sorted([extra.reqM1, extra.reqM2]));
  });
  writeTests(me, [
    { name: 'resolves a pending request as themselves', run: (tx, w) => tx`update public.privacy_requests set status = 'completed', outcome = 'fixed', completed_at = now(), handled_by = ${w.staff.adminA} where id = ${extra.reqM1}`, expected: ONE_ROW },
    { name: 'cannot resolve it in someone else\'s name', run: (tx, w) => tx`update public.privacy_requests set status = 'completed', outcome = 'fixed', completed_at = now(), handled_by = ${w.staff.operatorA} where id = ${extra.reqM1}`, expected: DENIED },
    { name: 'cannot resolve org B\'s request', run: (tx, w) => tx`update public.privacy_requests set status = 'completed', outcome = 'x', completed_at = now(), handled_by = ${w.staff.adminA} where id = ${extra.reqMB}`, expected: NO_ROWS },
    { name: 'cannot rewrite a request\'s detail', run: (tx) => tx`update public.privacy_requests set detail = 'x' where id = ${extra.reqM1}`, expected: DENIED },
    ...staffCannot,
  ]);
});

describe('operator A', () => {
  const me = (w: RlsWorld): Actor => w.actors.operatorA;
  test('sees no privacy requests (admins handle them)', async () => {
    expect(await idsSeenBy(ctx().sql, me(world()), readers.requests)).toEqual([]);
  });
  writeTests(me, [
    { name: 'cannot resolve a request', run: (tx, w) => tx`update public.privacy_requests set status = 'completed', outcome = 'x', completed_at = now(), handled_by = ${w.staff.operatorA} where id = ${extra.reqM1}`, expected: NO_ROWS },
  ]);
});

describe('other org (associate B1, member MB, forged claims)', () => {
  test('associate B1 sees only org B\'s credits', async () => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, w.actors.associateB1, readers.credits)).toEqual([w.members.mb]);
  });
  test('member MB cannot join org A through org A\'s associate code (the code is looked up in MB\'s org)', async () => {
    const w = world();
    const code = await inviteOf(w.staff.associateA1);
    expect(await outcomeAs(ctx().sql, w.actors.memberMB, (tx) => join(tx, code, null))).toEqual({ rows: 1 });
    // MB is already a member of org B: the existing membership comes back, unattributed to A1.
    const r = await valueAs<string | null>(ctx().sql, w.actors.memberMB, async (tx) => {
      await join(tx, code, null);
      return tx<{ v: string | null }[]>`select associate_id::text as v from public.members where id = ${w.members.mb}`;
    });
    expect(r).toBeNull();
  });
  test('a forged token (org B claim on an org A account) can neither join nor answer nor erase', async () => {
    const w = world();
    const f = forged(w, 'stranger');
    expect(await outcomeAs(ctx().sql, f, (tx) => join(tx, null, null))).toEqual(DENIED);
    expect(await outcomeAs(ctx().sql, forged(w, 'memberM1'), (tx) => answers(tx, extra.tplB))).toEqual(DENIED);
    expect(await outcomeAs(ctx().sql, forged(w, 'memberM1'), (tx) => tx`select public.erase_my_membership()`)).toEqual(DENIED);
    expect(await outcomeAs(ctx().sql, forged(w, 'memberM1'), (tx) => tx`select public.take_phone_exchange_slot()`)).toEqual(DENIED);
  });
});

describe('stranger (signed in, not a member yet) joining', () => {
  const me = (w: RlsWorld): Actor => w.actors.stranger;
  writeTests(me, [
    { name: 'joins through A1\'s code: attributed to A1 and store A1, channel associate_qr', run: async (tx, w) => {
      await join(tx, await inviteOf(w.staff.associateA1), null);
      return tx`select 1 from public.members where account_id = ${w.actors.stranger.accountId} and associate_id = ${w.staff.associateA1} and store_id = ${w.stores.a1} and join_channel = 'associate_qr'`;
    }, expected: ONE_ROW },
    { name: 'cannot join through a deactivated associate\'s code', run: async (tx, w) => join(tx, await inviteOf(w.staff.removedA1), null), expected: { error: 'P0001' } },
    { name: 'cannot join through org B\'s associate code', run: async (tx, w) => join(tx, await inviteOf(w.staff.associateB1), null), expected: { error: 'P0001' } },
    { name: 'cannot pair A1\'s code with store A2 (not A1\'s store)', run: async (tx, w) => join(tx, await inviteOf(w.staff.associateA1), 'A2'), expected: { error: 'P0001' } },
    { name: 'cannot join through an operator\'s code (operators do not serve customers)', run: async (tx, w) => join(tx, await inviteOf(w.staff.operatorA), null), expected: { error: 'P0001' } },
    { name: 'cannot insert a member with an associate directly', run: (tx, w) => tx`insert into public.members (org_id, account_id, associate_id) values (${w.orgA}, ${w.actors.stranger.accountId}, ${w.staff.associateA1})`, expected: DENIED },
    { name: 'joining with a store code only: store_qr, no associate', run: async (tx, w) => {
      await join(tx, null, 'A2');
      return tx`select 1 from public.members where account_id = ${w.actors.stranger.accountId} and associate_id is null and store_id = ${w.stores.a2} and join_channel = 'store_qr'`;
    }, expected: ONE_ROW },
  ]);
});

describe('anon', () => {
  writeTests(() => null, [
    { name: 'cannot call join_membership', run: (tx) => join(tx, null, null), expected: DENIED },
    { name: 'cannot call record_subscription_answers', run: (tx) => answers(tx, extra.tplA), expected: DENIED },
    { name: 'cannot call take_phone_exchange_slot', run: (tx) => tx`select public.take_phone_exchange_slot()`, expected: DENIED },
    { name: 'cannot call my_member_data', run: (tx) => tx`select public.my_member_data()`, expected: DENIED },
    { name: 'cannot call erase_my_membership', run: (tx) => tx`select public.erase_my_membership()`, expected: DENIED },
    { name: 'cannot read privacy_requests', run: (tx) => tx`select * from public.privacy_requests`, expected: DENIED },
    { name: 'cannot read subscription_credits', run: (tx) => tx`select * from public.subscription_credits`, expected: DENIED },
  ]);
});

// Last, because it commits: a member erases their account for real.
describe('erasure (committed)', () => {
  test('after m2 erases their account no one sees them; orders remain without the person', async () => {
    const w = world();
    const { sql } = ctx();
    await withPersonTx(sql, claimsFor(w.actors.memberM2), (tx) => tx`select public.erase_my_membership()`);
    for (const who of [w.actors.associateA2, w.actors.operatorA, w.actors.adminA, w.actors.memberM2]) {
      expect(await idsSeenBy(sql, who, (tx) => tx<Row[]>`select id::text as id from public.members where id = ${w.members.m2}`)).toEqual([]);
    }
    const [m] = await sql<{ name: string | null; phone_enc: string | null; account_id: string | null }[]>`select name, phone_enc, account_id from public.members where id = ${w.members.m2}`;
    expect(m).toEqual({ name: null, phone_enc: null, account_id: null });
    expect(await sql`select 1 from public.orders where member_id = ${w.members.m2}`).toHaveLength(1);
    expect(await sql`select 1 from public.interactions where member_id = ${w.members.m2}`).toHaveLength(0);
    const [acc] = await sql<{ wx_openid: string }[]>`select wx_openid from public.accounts where id = ${w.actors.memberM2.accountId}`;
    expect(acc?.wx_openid).toMatch(/^erased:/);
    const [audit] = await sql<{ detail: Record<string, unknown> }[]>`select detail from public.audit_log where action = 'member.erased' and target_id = ${w.members.m2}`;
    expect(JSON.stringify(audit?.detail)).not.toMatch(/李四|member-m2/);
  });
});
