import type { Tx } from '../../functions/_lib/db';
import { DENIED, NO_ROWS, forged, outcomeAs, ownerOutcome, setupWorld, type Outcome } from './rls-helpers';

// The data quality runs and findings and the dashboard counters (migrations 20261201003000 and
// 20261201003100): operators and admins read their own org's, nobody else reads any, nobody
// writes them (only the audit function, the triggers and the cron's functions do). World: the
// two-org fixture; the triggers filled the counters as it was built, and each org is audited.

const TABLES = [
  'data_quality_runs',
  'data_quality_findings',
  'member_counts',
  'member_growth_counts',
  'member_contact_counts',
  'staff_activity_counts',
] as const;

const ctx = setupWorld(async (sql, w) => {
  await sql`select public.data_quality_snapshot(${w.orgA}), public.data_quality_snapshot(${w.orgB})`;
});

const orgsSeen = async (actor: Parameters<typeof outcomeAs>[1], table: string): Promise<string[] | Outcome> => {
  const { sql } = ctx();
  let orgs: string[] = [];
  const o = await outcomeAs(sql, actor, async (tx: Tx) => {
    const rows = await tx<{ org_id: string }[]>`select distinct org_id::text from ${tx(`public.${table}`)}`;
    orgs = rows.map((r) => r.org_id).sort();
    return { count: rows.length };
  });
  return 'error' in o ? o : orgs;
};

test('the world has rows in every table for both orgs (so the blocks below mean something)', async () => {
  const { sql, w } = ctx();
  for (const t of TABLES) {
    const rows = await sql<{ org_id: string }[]>`select distinct org_id::text from ${sql(`public.${t}`)}`;
    expect({ t, orgs: rows.map((r) => r.org_id).sort() }).toEqual({ t, orgs: [w.orgA, w.orgB].sort() });
  }
});

describe.each([
  ['operator of org A', 'operatorA'],
  ['admin of org A', 'adminA'],
] as const)('%s', (_label, who) => {
  test.each(TABLES)('reads org A rows of %s, none of org B', async (table) => {
    const { w } = ctx();
    expect(await orgsSeen(w.actors[who], table)).toEqual([w.orgA]);
  });
  test.each(TABLES)('cannot insert, update or delete %s', async (table) => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    expect(await outcomeAs(sql, me, (tx) => tx`delete from ${tx(`public.${table}`)}`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`update ${tx(`public.${table}`)} set org_id = org_id`)).toEqual(DENIED);
  });
  test('cannot forge counter rows or findings', async () => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    expect(await outcomeAs(sql, me, (tx) => tx`insert into public.member_counts (org_id, n) values (${w.orgA}, 1000)`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`
      insert into public.data_quality_runs (org_id, day, trigger, members, counts, weights) values (${w.orgA}, current_date, 'manual', 1, '{}', '{}')`)).toEqual(DENIED);
  });
  test('runs the audit of their own org through the function, not the cron\'s or the counters\' functions', async () => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    expect(await outcomeAs(sql, me, (tx) => tx`select * from public.run_data_quality_audit()`)).toEqual({ rows: 1 });
    expect(await outcomeAs(sql, me, (tx) => tx`select public.data_quality_snapshot(${w.orgB})`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`select private.data_quality_compute(${w.orgB}, 'manual', null)`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`select public.compact_dashboard_counters(${w.orgA})`)).toEqual(DENIED);
    expect(await outcomeAs(sql, me, (tx) => tx`select public.rebuild_dashboard_counters(${w.orgA})`)).toEqual(DENIED);
  });
});

describe.each([
  ['associate A1 (store A1)', 'associateA1'],
  ['manager A1 (store A1)', 'managerA1'],
  ['member M1', 'memberM1'],
  ['deactivated associate', 'removedA1'],
  ['an account of org A that is nobody', 'stranger'],
  ['associate of org B', 'associateB1'],
] as const)('%s', (_label, who) => {
  test.each(TABLES)('reads nothing of %s', async (table) => {
    const { w } = ctx();
    expect(await orgsSeen(w.actors[who], table)).toEqual([]);
  });
  test('cannot run the audit', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, w.actors[who], (tx) => tx`select * from public.run_data_quality_audit()`)).toEqual(DENIED);
  });
});

describe('a forged token (org A operator, org B claim)', () => {
  test.each(TABLES)('reads nothing of %s', async (table) => {
    const { w } = ctx();
    expect(await orgsSeen(forged(w, 'operatorA'), table)).toEqual([]);
  });
  test('cannot run the audit of either org', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, forged(w, 'operatorA'), (tx) => tx`select * from public.run_data_quality_audit()`)).toEqual(DENIED);
  });
});

describe('anonymous', () => {
  test.each(TABLES)('cannot read %s', async (table) => {
    const { sql } = ctx();
    expect(await outcomeAs(sql, null, (tx) => tx`select 1 from ${tx(`public.${table}`)}`)).toEqual(DENIED);
  });
  test('cannot call any of the functions', async () => {
    const { sql, w } = ctx();
    for (const q of [
      (tx: Tx) => tx`select * from public.run_data_quality_audit()`,
      (tx: Tx) => tx`select public.data_quality_snapshot(${w.orgA})`,
      (tx: Tx) => tx`select public.compact_dashboard_counters(${w.orgA})`,
    ]) expect(await outcomeAs(sql, null, q)).toEqual(DENIED);
  });
});

describe('the reference data (GB/T 2260 regions, lunar months) is server-only', () => {
  test.each(['private.region_codes', 'private.lunar_years'])('%s: no person reads it', async (table) => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, w.actors.operatorA, (tx) => tx`select 1 from ${tx(table)} limit 1`)).toEqual(DENIED);
    expect(await outcomeAs(sql, null, (tx) => tx`select 1 from ${tx(table)} limit 1`)).toEqual(DENIED);
    expect(await ownerOutcome(sql, (tx) => tx`select 1 from ${tx(table)} limit 1`)).not.toEqual(NO_ROWS);
  });
});
