import type { BenchJob, BenchJobRow } from '../jobs';

// Issue 7: RFM at scale. The daily refresh of the whole org (new quintile breakpoints, every
// member whose scores, class or churn state changed), run as of tomorrow so that churn states
// really move; its floor is the same scoring as a read-only pass (no writes). Then the
// incremental path: a batch of new orders rescored by the statement triggers, against the same
// insert with triggers off (session_replication_role = replica). Both batches are rolled back.

const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
};

const BATCH = 1000;

export const rfmJob: BenchJob = {
  name: 'RFM refresh (issue 7)',
  run: async ({ owner, orgId, log }) => {
    const rows: BenchJobRow[] = [];
    const [size = { members: 0, lines: 0 }] = await owner<{ members: number; lines: number }[]>`
      select (select count(*)::int from public.members where org_id = ${orgId}) as members,
             (select reltuples::bigint::int from pg_class where oid = 'public.order_lines'::regclass) as lines`;
    const at = new Date(Date.now() + 86_400_000);

    log('  RFM: full refresh of the org …');
    const full = await timed(() => owner<{ purchasers: number; changed: number; skipped: boolean }[]>`
      select purchasers, changed, skipped from public.rfm_refresh_org(${orgId}, ${at})`);
    // (Aggregated, so every score is really computed: a bare count(*) would skip the select list.)
    const floor = await timed(() => owner`
      select count(*) filter (where x.s is distinct from array[m.rfm_r, m.rfm_f, m.rfm_m] or x.c is distinct from m.churn_state)
      from public.members m join public.rfm_breakpoints b on b.org_id = m.org_id,
        lateral (select private.rfm_scores(m.last_purchase_at, m.order_count, m.lifetime_spend_fen, b.r_edges, b.f_edges, b.m_edges) as s,
                        private.churn_state_of(m.first_purchase_at, m.last_purchase_at, m.order_count, ${at}) as c) x
      where m.org_id = ${orgId}`);
    const r = full.value[0];
    rows.push({
      metric: `full refresh: ${size.members.toLocaleString('en-US')} members, ~${(size.lines / 1e6).toFixed(0)} M order lines; ${(r?.changed ?? 0).toLocaleString('en-US')} members changed`,
      value: `${(full.ms / 1000).toFixed(1)} s`,
      floor: `${(floor.ms / 1000).toFixed(1)} s (the same scoring and comparison, no writes)`,
      ratio: full.ms / Math.max(floor.ms, 1),
      target: "< 300 s (a cron function's limit)",
      met: full.ms < 300_000,
    });
    // Back to today's state, so the bench leaves the data as the seed made it.
    await owner`select * from public.rfm_refresh_org(${orgId})`;

    log(`  RFM: ${BATCH} new orders, rescored incrementally …`);
    const insert = async (replica: boolean): Promise<number> => {
      let took = 0;
      await owner
        .begin(async (tx) => {
          if (replica) await tx`set local session_replication_role = replica`;
          const t = await timed(() => tx`
            insert into public.orders (org_id, member_id, store_id, order_no, total_fen, ordered_at, source)
            select m.org_id, m.id, m.store_id, 'bench-rfm-' || gen_random_uuid(), 12800, now(), 'pos'
            from (select org_id, id, store_id from public.members where org_id = ${orgId} and deleted_at is null
                  order by id limit ${BATCH}) m`);
          took = t.ms;
          throw new Error('rollback');
        })
        .catch((e: unknown) => {
          if (!(e instanceof Error) || e.message !== 'rollback') throw e;
        });
      return took;
    };
    const withTriggers: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) {
      withTriggers.push(await insert(false));
      bare.push(await insert(true));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    rows.push({
      metric: `incremental: ${BATCH} new orders in one statement, members' stats + RFM by triggers (median of 3)`,
      value: `${median(withTriggers).toFixed(0)} ms`,
      floor: `${median(bare).toFixed(0)} ms (the insert without triggers)`,
      ratio: median(withTriggers) / Math.max(median(bare), 1),
    });
    return rows;
  },
};
