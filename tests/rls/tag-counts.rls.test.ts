import type { Tx } from '../../functions/_lib/db';
import { asPerson, type Actor, type RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, forged, outcomeAs, setupWorld, valueAs } from './rls-helpers';

// member_tag_counts (members per store and tag: the customer list's estimate for tag
// combinations) and private.visible_member_count, attacked by every actor. World: tag a on m1
// (store A1) and m2 (store A2) in org A; tag b on mb (store B1) in org B; plus tag a on the
// unassigned member (no store).
const ctx = setupWorld(async (sql, w) => {
  await sql`insert into public.member_tags (org_id, member_id, tag_id, tagged_by) values (${w.orgA}, ${w.members.unassigned}, ${w.tags.a}, ${w.staff.operatorA})`;
});

type Count = { store: string | null; tag: string; n: number };
const counts = (tx: Tx) => tx<Count[]>`
  select store_id as store, tag_id as tag, sum(n)::int as n from public.member_tag_counts group by 1, 2`;
const byStore = (xs: Count[]): Count[] => [...xs].sort((x, y) => (x.store ?? '').localeCompare(y.store ?? ''));
const seenBy = async (who: Actor): Promise<Count[]> => byStore(await asPerson(ctx().sql, who, counts));

const orgA = (w: RlsWorld): Count[] =>
  byStore([null, w.stores.a1, w.stores.a2].map((store) => ({ store, tag: w.tags.a, n: 1 })));

describe('who reads which counts', () => {
  test.each<[string, (w: RlsWorld) => Actor, (w: RlsWorld) => Count[]]>([
    ['operator A: every store of org A, and members without one', (w) => w.actors.operatorA, (w) => orgA(w)],
    ['admin A: the same', (w) => w.actors.adminA, (w) => orgA(w)],
    ['manager A1: store A1', (w) => w.actors.managerA1, (w) => [{ store: w.stores.a1, tag: w.tags.a, n: 1 }]],
    ['associate A1: store A1', (w) => w.actors.associateA1, (w) => [{ store: w.stores.a1, tag: w.tags.a, n: 1 }]],
    ['associate A2: store A2', (w) => w.actors.associateA2, (w) => [{ store: w.stores.a2, tag: w.tags.a, n: 1 }]],
    ['associate B1 (the other org): store B1 only', (w) => w.actors.associateB1, (w) => [{ store: w.stores.b1, tag: w.tags.b, n: 1 }]],
  ])('%s', async (_name, who, want) => {
    const { w } = ctx();
    expect(await seenBy(who(w))).toEqual(byStore(want(w)));
  });

  test.each<[string, (w: RlsWorld) => Actor]>([
    ['member m1', (w) => w.actors.memberM1],
    ['a deactivated associate of store A1', (w) => w.actors.removedA1],
    ['an account of org A that is neither staff nor member', (w) => w.actors.stranger],
    ['an operator\'s account with org B in its claims', (w) => forged(w, 'operatorA')],
    ['an org B associate\'s account with org A in its claims', (w) => ({ accountId: w.actors.associateB1.accountId, orgId: w.orgA })],
  ])('%s: nothing', async (_name, who) => {
    const { w } = ctx();
    expect(await seenBy(who(w))).toEqual([]);
  });

  test('anon: refused', async () => {
    const { sql } = ctx();
    expect(await outcomeAs(sql, null, (tx) => tx`select 1 from public.member_tag_counts`)).toEqual(DENIED);
  });
});

describe('the store totals the list reads (private.visible_member_count)', () => {
  const total = (stores: string[] | null) => (tx: Tx) => tx<{ v: number }[]>`select private.visible_member_count(${stores}::uuid[])::int as v`;
  test.each<[string, (w: RlsWorld) => Actor, (w: RlsWorld) => string[] | null, number]>([
    ['associate A1, own store', (w) => w.actors.associateA1, (w) => [w.stores.a1], 1],
    ['associate A1, own stores (null)', (w) => w.actors.associateA1, () => null, 1],
    ['associate A1 asking for store A2: not theirs, 0', (w) => w.actors.associateA1, (w) => [w.stores.a2], 0],
    ['associate A1 asking for both: only A1 counts', (w) => w.actors.associateA1, (w) => [w.stores.a1, w.stores.a2], 1],
    ['associate A1 asking for org B\'s store: 0', (w) => w.actors.associateA1, (w) => [w.stores.b1], 0],
    ['operator A, every store', (w) => w.actors.operatorA, () => null, 2],
    ['operator A, store A2', (w) => w.actors.operatorA, (w) => [w.stores.a2], 1],
    ['forged operator (org B claim): 0', (w) => forged(w, 'operatorA'), () => null, 0],
    ['deactivated associate: 0', (w) => w.actors.removedA1, (w) => [w.stores.a1], 0],
    ['member m1: 0', (w) => w.actors.memberM1, (w) => [w.stores.a1], 0],
  ])('%s', async (_name, who, stores, want) => {
    const { sql, w } = ctx();
    expect(await valueAs(sql, who(w), total(stores(w)))).toBe(want);
  });
  test('anon cannot call it', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, null, (tx) => tx`select private.visible_member_count(${[w.stores.a1]}::uuid[])`)).toEqual(DENIED);
  });
});

describe('nobody writes the counts directly (only the triggers on member_tags do)', () => {
  test.each(['operatorA', 'adminA', 'managerA1', 'associateA1', 'associateB1', 'memberM1'] as const)('%s: insert, update, delete and the functions are refused', async (who) => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    expect(await outcomeAs(sql, me, (tx) => tx`insert into public.member_tag_counts (org_id, store_id, tag_id, n) values (${w.orgA}, ${w.stores.a1}, ${w.tags.a}, 1000)`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`update public.member_tag_counts set n = 1000`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`delete from public.member_tag_counts`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`select public.rebuild_member_tag_counts(${w.orgA})`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`select public.compact_member_tag_counts(${w.orgA})`)).toEqual(DENIED);
  });
});
