import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, asOwner, forged, outcomeAs, setupWorld, sorted, type Outcome } from './rls-helpers';
import { asPerson } from '../helpers/rls-fixtures';

// member_search_terms (name fragments for search), attacked by every actor, and the triggers
// that keep it equal to the live members' names. World: m1 张三 (store A1), m2 李四 (store A2),
// unassigned 赵六 (no store), mb 王五 (org B).
const ctx = setupWorld();

// The members whose fragment `term` the actor can read.
const membersWithTerm = async (actor: Actor, term: string): Promise<string[]> =>
  sorted((await asPerson(ctx().sql, actor, (tx) => tx<{ id: string }[]>`select member_id as id from public.member_search_terms where term = ${term}`)).map((r) => r.id));

describe('member_search_terms visibility', () => {
  test.each<[string, (w: RlsWorld) => Actor, string, (w: RlsWorld) => string[]]>([
    ['associate A1 finds their store\'s 张三 by 三', (w) => w.actors.associateA1, '三', (w) => [w.members.m1]],
    ['associate A1 does not find store A2\'s 李四', (w) => w.actors.associateA1, '李', () => []],
    ['associate A2 finds 李四', (w) => w.actors.associateA2, '李四', (w) => [w.members.m2]],
    ['manager A1 finds 张三', (w) => w.actors.managerA1, '张', (w) => [w.members.m1]],
    ['operator A finds members without a store too', (w) => w.actors.operatorA, '赵', (w) => [w.members.unassigned]],
    ['admin A finds every store\'s', (w) => w.actors.adminA, '四', (w) => [w.members.m2]],
    ['associate A1 does not find org B\'s 王五', (w) => w.actors.associateA1, '王', () => []],
    ['associate B1 does not find org A\'s 张三', (w) => w.actors.associateB1, '张', () => []],
    ['removed staff find nothing', (w) => w.actors.removedA1, '张', () => []],
    ['member m1 cannot search (not staff), not even for themselves', (w) => w.actors.memberM1, '张', () => []],
    ['a token forged for org B finds nothing of either org', (w) => forged(w, 'associateA1'), '王', () => []],
  ])('%s', async (_name, who, term, want) => {
    const { w } = ctx();
    expect(await membersWithTerm(who(w), term)).toEqual(sorted(want(w)));
  });

  test('nobody writes the table directly; anon cannot read it', async () => {
    const { w, sql } = ctx();
    const write = (actor: Actor | null, run: (tx: Tx) => Promise<{ count: number }>): Promise<Outcome> => outcomeAs(sql, actor, run);
    for (const actor of [w.actors.associateA1, w.actors.operatorA, w.actors.adminA]) {
      expect(await write(actor, (tx) => tx`insert into public.member_search_terms (org_id, member_id, term, store_id) values (${w.orgA}, ${w.members.m2}, 'x', ${w.stores.a1})`)).toEqual(DENIED);
      expect(await write(actor, (tx) => tx`update public.member_search_terms set store_id = ${w.stores.a1} where member_id = ${w.members.m2}`)).toEqual(DENIED);
      expect(await write(actor, (tx) => tx`delete from public.member_search_terms where member_id = ${w.members.m1}`)).toEqual(DENIED);
    }
    expect(await write(null, (tx) => tx`select * from public.member_search_terms`)).toEqual(DENIED);
  });
});

describe('the terms follow the members', () => {
  const termsOf = (tx: Tx, member: string) =>
    tx<{ term: string; store_id: string | null }[]>`select term, store_id from public.member_search_terms where member_id = ${member} order by term`;

  test.each<[string, string | null, string[]]>([
    ['a two-character name', '王芳', ['王', '王芳', '芳']],
    ['a three-character name', '欧阳娜', ['娜', '欧', '欧阳', '阳', '阳娜']],
    ['a repeated character once', '丽丽', ['丽', '丽丽']],
    ['spaces removed, case folded', 'Li Na', ['a', 'i', 'in', 'l', 'li', 'n', 'na']],
    ['no name, no terms', null, []],
  ])('%s', async (_name, name, want) => {
    const { w, sql } = ctx();
    const got = await asOwner(sql, async (tx) => {
      await tx`update public.members set name = ${name} where id = ${w.members.m1}`;
      return (await termsOf(tx, w.members.m1)).map((r) => r.term).sort();
    });
    expect(got).toEqual(want);
  });

  test('a move to another store moves the terms; deletion removes them; a new member gets them', async () => {
    const { w, sql } = ctx();
    await asOwner(sql, async (tx) => {
      await tx`update public.members set store_id = ${w.stores.a2} where id = ${w.members.m1}`;
      expect(new Set((await termsOf(tx, w.members.m1)).map((r) => r.store_id))).toEqual(new Set([w.stores.a2]));
      await tx`update public.members set deleted_at = now() where id = ${w.members.m1}`;
      expect(await termsOf(tx, w.members.m1)).toEqual([]);
      const [n] = await tx<{ id: string }[]>`
        insert into public.members (org_id, store_id, name) values (${w.orgA}, ${w.stores.a1}, '周杰'), (${w.orgA}, ${w.stores.a1}, '吴') returning id`;
      expect((await termsOf(tx, n?.id ?? '')).map((r) => r.term).sort()).toEqual(['周', '周杰', '杰']);
    });
  });

  test('a member removed for good takes its terms along (there is no foreign key to cascade)', async () => {
    const { w, sql } = ctx();
    await asOwner(sql, async (tx) => {
      const [n] = await tx<{ id: string }[]>`insert into public.members (org_id, store_id, name) values (${w.orgA}, ${w.stores.a1}, '周杰') returning id`;
      expect((await termsOf(tx, n?.id ?? '')).length).toBe(3);
      await tx`delete from public.members where id = ${n?.id ?? ''}`;
      expect(await termsOf(tx, n?.id ?? '')).toEqual([]);
    });
  });

  test('the rebuild function reproduces exactly what the triggers keep', async () => {
    const { w, sql } = ctx();
    const snapshot = (tx: Tx) => tx<{ k: string }[]>`
      select string_agg(member_id::text || ':' || term || ':' || coalesce(store_id::text, '-'), ',' order by member_id, term collate "C") as k
      from public.member_search_terms where org_id = ${w.orgA}`;
    await asOwner(sql, async (tx) => {
      const before = (await snapshot(tx))[0]?.k;
      await tx`delete from public.member_search_terms where org_id = ${w.orgA}`;
      await tx`select private.rebuild_member_search_terms(${w.orgA})`;
      expect((await snapshot(tx))[0]?.k).toBe(before);
    });
  });
});
