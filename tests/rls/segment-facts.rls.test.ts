import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, forged, idsSeenBy, outcomeAs, setupWorld, sorted, type Outcome } from './rls-helpers';

// member_segment_facts (the rule columns segment counts read), attacked by every actor: each sees
// exactly the facts of the members they may see as staff (members themselves get none), nobody
// writes the table, anon reads nothing. World: m1 (store A1), m2 (store A2), unassigned (no
// store) in org A, mb (store B1) in org B; plus a retired member of store A1, whose facts are gone.
let retired: string;
const ctx = setupWorld(async (sql, w) => {
  const [r] = await sql<{ id: string }[]>`insert into public.members (org_id, store_id, name) values (${w.orgA}, ${w.stores.a1}, '退会') returning id`;
  retired = r?.id ?? '';
  await sql`update public.members set deleted_at = now() where id = ${retired}`;
});

const facts = (tx: Tx) => tx<{ id: string }[]>`select member_id as id from public.member_segment_facts`;
const members = (tx: Tx) => tx<{ id: string }[]>`select id from public.members`;

describe('who reads which facts', () => {
  test.each<[string, (w: RlsWorld) => Actor, (w: RlsWorld) => string[]]>([
    ['operator A: every live org A member, with or without a store', (w) => w.actors.operatorA, (w) => [w.members.m1, w.members.m2, w.members.unassigned]],
    ['admin A: the same', (w) => w.actors.adminA, (w) => [w.members.m1, w.members.m2, w.members.unassigned]],
    ['manager A1: store A1\'s', (w) => w.actors.managerA1, (w) => [w.members.m1]],
    ['associate A1: store A1\'s', (w) => w.actors.associateA1, (w) => [w.members.m1]],
    ['associate A2: store A2\'s', (w) => w.actors.associateA2, (w) => [w.members.m2]],
    ['associate B1 (the other org): org B\'s only', (w) => w.actors.associateB1, (w) => [w.members.mb]],
  ])('%s', async (_name, who, want) => {
    const { sql, w } = ctx();
    const seen = await idsSeenBy(sql, who(w), facts);
    expect(seen).toEqual(sorted(want(w)));
    // Exactly the members the same person sees (staff only see members, not themselves as one).
    expect(seen).toEqual(await idsSeenBy(sql, who(w), members));
    expect(seen).not.toContain(retired);
  });

  test.each<[string, (w: RlsWorld) => Actor]>([
    ['member m1 (sees their own member row, but no facts)', (w) => w.actors.memberM1],
    ['member mb of org B', (w) => w.actors.memberMB],
    ['a deactivated associate of store A1', (w) => w.actors.removedA1],
    ['an account of org A that is neither staff nor member', (w) => w.actors.stranger],
    ['an operator\'s account with org B in its claims', (w) => forged(w, 'operatorA')],
    ['an org B associate\'s account with org A in its claims', (w) => ({ accountId: w.actors.associateB1.accountId, orgId: w.orgA })],
  ])('%s: nothing', async (_name, who) => {
    const { sql, w } = ctx();
    expect(await idsSeenBy(sql, who(w), facts)).toEqual([]);
  });
});

describe('nobody writes the facts directly (only the triggers on members do)', () => {
  const insert = (w: RlsWorld, org: string, member: string) => (tx: Tx) =>
    tx`insert into public.member_segment_facts (org_id, member_id, store_id, lifetime_spend_fen, birth_leap_month, churn_state, marketing_consent)
       values (${org}, ${member}, ${w.stores.a1}, 0, false, 'no_purchase', 'granted') returning member_id`;
  const update = (member: string) => (tx: Tx) => tx`update public.member_segment_facts set marketing_consent = 'granted', lifetime_spend_fen = 99999999 where member_id = ${member} returning member_id`;
  const remove = (member: string) => (tx: Tx) => tx`delete from public.member_segment_facts where member_id = ${member} returning member_id`;

  test.each(['operatorA', 'adminA', 'managerA1', 'associateA1', 'associateB1', 'memberM1'] as const)('%s: insert, update and delete are refused', async (who) => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    expect(await outcomeAs(sql, me, insert(w, w.orgA, retired))).toEqual(DENIED);
    expect(await outcomeAs(sql, me, update(w.members.m1))).toEqual(DENIED);
    expect(await outcomeAs(sql, me, update(w.members.mb))).toEqual(DENIED);
    expect(await outcomeAs(sql, me, remove(w.members.m1))).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`truncate public.member_segment_facts`)).toEqual(DENIED);
  });

  test('the rebuild routine is not callable by people', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, w.actors.operatorA, (tx) => tx`select private.rebuild_member_segment_facts(${w.orgA})`)).toEqual(DENIED);
  });

  test('the jobs\' service role may read but not write them either', async () => {
    const { sql, w } = ctx();
    const asService = async (run: (tx: Tx) => Promise<{ count: number }>): Promise<Outcome> => {
      try {
        let n = 0;
        await sql
          .begin(async (tx) => {
            await tx`select set_config('role', 'service_role', true)`;
            n = (await run(tx)).count;
            throw new Error('rollback');
          })
          .catch((e: unknown) => {
            if (!(e instanceof Error && e.message === 'rollback')) throw e;
          });
        return { rows: n };
      } catch (e) {
        return { error: (e as { code?: string }).code ?? String(e) };
      }
    };
    expect(await asService((tx) => tx`select member_id from public.member_segment_facts where org_id = ${w.orgA}`)).toEqual({ rows: 3 });
    expect(await asService(update(w.members.m1))).toEqual(DENIED);
    expect(await asService(remove(w.members.m1))).toEqual(DENIED);
  });
});

describe('anon', () => {
  test.each<[string, (tx: Tx, w: RlsWorld) => Promise<{ count: number }>]>([
    ['reads the facts', (tx) => facts(tx)],
    ['deletes facts', (tx, w) => tx`delete from public.member_segment_facts where org_id = ${w.orgA} returning member_id`],
  ])('cannot: %s', async (_name, run) => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, null, (tx) => run(tx, w))).toEqual(DENIED);
  });
});
