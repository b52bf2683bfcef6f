import type { AccessClaims } from '../../functions/_lib/jwt';
import { withPersonTx, type Sql, type Tx } from '../../functions/_lib/db';

// Two orgs with every kind of actor, inserted as the database owner. Tests then act as one
// person at a time through the real request path (role authenticated + JWT claims, RLS on).
export type Actor = { accountId: string; orgId: string };
export type RlsWorld = {
  orgA: string;
  orgB: string;
  stores: { a1: string; a2: string; b1: string };
  staff: { associateA1: string; associateA2: string; managerA1: string; operatorA: string; adminA: string; removedA1: string; associateB1: string };
  members: { m1: string; m2: string; mb: string; unassigned: string };
  tags: { a: string; b: string };
  actors: Record<'associateA1' | 'associateA2' | 'managerA1' | 'operatorA' | 'adminA' | 'removedA1' | 'associateB1' | 'memberM1' | 'memberM2' | 'memberMB' | 'stranger', Actor>;
};

const one = async (tx: Tx | Sql, q: Promise<{ id: string }[]>): Promise<string> => {
  void tx;
  const [row] = await q;
  if (!row) throw new Error('fixture insert returned nothing');
  return row.id;
};

export const buildRlsWorld = async (sql: Sql): Promise<RlsWorld> => {
  const orgA = await one(sql, sql`insert into public.orgs (name, wx_appid) values ('Org A', ${`wxa${Math.random().toString(36).slice(2, 17).padEnd(15, '0')}`}) returning id`);
  const orgB = await one(sql, sql`insert into public.orgs (name, wx_appid) values ('Org B', ${`wxb${Math.random().toString(36).slice(2, 17).padEnd(15, '0')}`}) returning id`);
  const store = (org: string, code: string) => one(sql, sql`insert into public.stores (org_id, code, name) values (${org}, ${code}, ${code}) returning id`);
  const stores = { a1: await store(orgA, 'A1'), a2: await store(orgA, 'A2'), b1: await store(orgB, 'B1') };
  const account = (org: string, openid: string) => one(sql, sql`insert into public.accounts (org_id, wx_openid) values (${org}, ${openid}) returning id`);
  const staffMember = async (org: string, openid: string, role: string, storeIds: string[], active = true) => {
    const acc = await account(org, openid);
    const id = await one(sql, sql`insert into public.staff (org_id, account_id, name, role, active) values (${org}, ${acc}, ${openid}, ${role}, ${active}) returning id`);
    for (const s of storeIds) await sql`insert into public.staff_stores (org_id, staff_id, store_id) values (${org}, ${id}, ${s})`;
    return { id, actor: { accountId: acc, orgId: org } };
  };
  const associateA1 = await staffMember(orgA, 'assoc-a1', 'associate', [stores.a1]);
  const associateA2 = await staffMember(orgA, 'assoc-a2', 'associate', [stores.a2]);
  const managerA1 = await staffMember(orgA, 'manager-a1', 'manager', [stores.a1]);
  const operatorA = await staffMember(orgA, 'operator-a', 'operator', []);
  const adminA = await staffMember(orgA, 'admin-a', 'admin', []);
  const removedA1 = await staffMember(orgA, 'removed-a1', 'associate', [stores.a1], false);
  const associateB1 = await staffMember(orgB, 'assoc-b1', 'associate', [stores.b1]);

  const member = async (org: string, openid: string | null, storeId: string | null, name: string) => {
    const acc = openid ? await account(org, openid) : null;
    const id = await one(sql, sql`
      insert into public.members (org_id, account_id, store_id, name, phone_enc, phone_hash, phone_last4, phone_masked)
      values (${org}, ${acc}, ${storeId}, ${name}, ${`v1:k1:secret-${name}`}, ${`hash-${name}`}, '1234', '138****1234') returning id`);
    return { id, actor: acc ? { accountId: acc, orgId: org } : null };
  };
  const m1 = await member(orgA, 'member-m1', stores.a1, '张三');
  const m2 = await member(orgA, 'member-m2', stores.a2, '李四');
  const mb = await member(orgB, 'member-mb', stores.b1, '王五');
  const unassigned = await member(orgA, null, null, '赵六');
  const stranger = await account(orgA, 'stranger');

  const groupA = await one(sql, sql`insert into public.tag_groups (org_id, name) values (${orgA}, '兴趣') returning id`);
  const groupB = await one(sql, sql`insert into public.tag_groups (org_id, name) values (${orgB}, '兴趣') returning id`);
  const tagA = await one(sql, sql`insert into public.tags (org_id, group_id, name) values (${orgA}, ${groupA}, '运动') returning id`);
  const tagB = await one(sql, sql`insert into public.tags (org_id, group_id, name) values (${orgB}, ${groupB}, '运动') returning id`);
  for (const [org, mem, tag, by] of [
    [orgA, m1.id, tagA, associateA1.id],
    [orgA, m2.id, tagA, associateA2.id],
    [orgB, mb.id, tagB, associateB1.id],
  ] as const) {
    await sql`insert into public.member_tags (org_id, member_id, tag_id, tagged_by) values (${org}, ${mem}, ${tag}, ${by})`;
    await sql`insert into public.interactions (org_id, member_id, staff_id, kind, note) values (${org}, ${mem}, ${by}, 'note', 'hello')`;
    const orderId = await one(sql, sql`
      insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${org}, ${mem}, ${`O-${mem}`}, 9900, now()) returning id`);
    await sql`insert into public.order_lines (org_id, order_id, line_no, sku, name, quantity, unit_price_fen) values (${org}, ${orderId}, 1, 'SKU', 'T恤', 1, 9900)`;
    await sql`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source) values (${org}, ${mem}, 'privacy_policy', true, 'v1', 'test')`;
    await sql`insert into public.member_identities (org_id, kind, value, member_id) values (${org}, 'openid', ${`oid-${mem}`}, ${mem})`;
  }
  await sql`insert into public.audit_log (org_id, actor_account_id, action) values (${orgA}, ${adminA.actor.accountId}, 'test.event')`;
  await sql`insert into public.audit_log (org_id, actor_account_id, action) values (${orgB}, ${associateB1.actor.accountId}, 'test.event')`;

  return {
    orgA,
    orgB,
    stores,
    staff: {
      associateA1: associateA1.id, associateA2: associateA2.id, managerA1: managerA1.id, operatorA: operatorA.id,
      adminA: adminA.id, removedA1: removedA1.id, associateB1: associateB1.id,
    },
    members: { m1: m1.id, m2: m2.id, mb: mb.id, unassigned: unassigned.id },
    tags: { a: tagA, b: tagB },
    actors: {
      associateA1: associateA1.actor, associateA2: associateA2.actor, managerA1: managerA1.actor, operatorA: operatorA.actor,
      adminA: adminA.actor, removedA1: removedA1.actor, associateB1: associateB1.actor,
      memberM1: m1.actor as Actor, memberM2: m2.actor as Actor, memberMB: mb.actor as Actor,
      stranger: { accountId: stranger, orgId: orgA },
    },
  };
};

export const claimsFor = (actor: Actor): AccessClaims => ({
  sub: actor.accountId,
  role: 'authenticated',
  aud: 'authenticated',
  org_id: actor.orgId,
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
  iss: 'siyu-platform',
});

// Runs fn as this person, then rolls back so tests never change each other's world.
export const asPerson = async <T>(sql: Sql, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  let result: T | undefined;
  const rollback = new Error('rollback');
  try {
    await withPersonTx(sql, claimsFor(actor), async (tx) => {
      result = await fn(tx);
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return result as T;
};

// As anon: the role a request without a token would have.
export const asAnon = async <T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  let result: T | undefined;
  const rollback = new Error('rollback');
  try {
    await sql.begin(async (tx) => {
      await tx`select set_config('role', 'anon', true)`;
      result = await fn(tx);
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return result as T;
};
