import type { BenchJob, BenchJobRow } from '../jobs';
import { ms } from '../stats';

// Issue 7, work that is not one request: the daily data quality audit of the whole org, the
// counter maintenance the dashboards rely on (what a bulk update of members costs with the
// counter triggers, against the same update without them), the counters' rebuild, and the
// full scans of members the counters replace (the bare-SQL cost of counting live).

const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
};

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export const dashboardsJob: BenchJob = {
  name: 'dashboards and data quality (issue 7)',
  run: async ({ owner, orgId, log }) => {
    const rows: BenchJobRow[] = [];
    const [{ n: members } = { n: 0 }] = await owner<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null`;

    log('  data quality audit of the org …');
    const audit = await timed(() => owner<{ run: string | null }[]>`select public.data_quality_snapshot(${orgId}) as run`);
    const [findings = { n: 0 }] = await owner<{ n: number }[]>`
      select count(*)::int as n from public.data_quality_findings where org_id = ${orgId} and run_id = ${audit.value[0]?.run ?? null}`;
    rows.push({
      metric: `data quality audit: ${members.toLocaleString('en-US')} members, ${findings.n.toLocaleString('en-US')} findings stored`,
      value: `${(audit.ms / 1000).toFixed(1)} s`,
      target: '< 300 s (a cron function\'s limit)',
      met: audit.ms < 300_000,
    });

    // Live counts over members: what each chart would cost without the counters.
    const scans: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      [
        'RFM class × churn × tier',
        () => owner`select rfm_class, churn_state, tier, count(*) from public.members where org_id = ${orgId} and deleted_at is null group by 1, 2, 3`,
        () => owner`select rfm_class, churn_state, tier, sum(n) from public.member_counts where org_id = ${orgId} group by 1, 2, 3 having sum(n) <> 0`,
      ],
      [
        'growth by month × store × channel (12 months)',
        () => owner`select date_trunc('month', joined_at at time zone 'Asia/Shanghai'), store_id, join_channel, count(*) from public.members
                    where org_id = ${orgId} and deleted_at is null and joined_at > now() - interval '12 months' group by 1, 2, 3`,
        () => owner`select month, store_id, join_channel, sum(n) from public.member_growth_counts
                    where org_id = ${orgId} and month > (now() - interval '12 months')::date group by 1, 2, 3 having sum(n) <> 0`,
      ],
      [
        'customers and contacted-in-30-days per associate',
        () => owner`select associate_id, count(*), count(*) filter (where last_contact_at > now() - interval '30 days') from public.members
                    where org_id = ${orgId} and deleted_at is null group by 1`,
        () => owner`select associate_id, sum(n) from public.member_contact_counts where org_id = ${orgId} and contact_day > (now() - interval '30 days')::date group by 1`,
      ],
    ];
    for (const [what, live, counters] of scans) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 5; i++) {
        a.push((await timed(live)).ms);
        b.push((await timed(counters)).ms);
      }
      rows.push({ metric: `${what}: from the counters (p50 of 5), vs. counting members live (floor column)`, value: `${ms(p50(b))} ms`, floor: `${ms(p50(a))} ms`, ratio: p50(b) / p50(a) });
    }

    // What the triggers add to a bulk update of members (10,000 rows changing tier), rolled back.
    const bulk = async (withTriggers: boolean): Promise<number> => {
      let t = 0;
      await owner
        .begin(async (tx) => {
          if (!withTriggers) await tx`alter table public.members disable trigger members_counters_upd`;
          const t0 = performance.now();
          await tx`update public.members set tier = coalesce(tier, '') || '·' where org_id = ${orgId} and id in (
                     select id from public.members where org_id = ${orgId} and deleted_at is null order by member_no limit 10000)`;
          t = performance.now() - t0;
          throw new Error('rollback');
        })
        .catch((e: unknown) => {
          if (!(e instanceof Error && e.message === 'rollback')) throw e;
        });
      return t;
    };
    const withT: number[] = [];
    const withoutT: number[] = [];
    for (let i = 0; i < 3; i++) {
      withoutT.push(await bulk(false));
      withT.push(await bulk(true));
    }
    rows.push({
      metric: 'update of 10,000 members (tier): with the counter trigger (p50 of 3), vs. the same update without it (floor column)',
      value: `${ms(p50(withT))} ms`,
      floor: `${ms(p50(withoutT))} ms`,
      ratio: p50(withT) / p50(withoutT),
    });

    log('  dashboard counters: compaction and rebuild …');
    const compact = await timed(() => owner<{ n: number }[]>`select public.compact_dashboard_counters(${orgId}) as n`);
    rows.push({ metric: `counter compaction (${compact.value[0]?.n ?? 0} delta rows folded)`, value: `${ms(compact.ms)} ms` });
    const rebuild = await timed(() => owner`select public.rebuild_dashboard_counters(${orgId})`);
    const [{ n: counterRows } = { n: 0 }] = await owner<{ n: number }[]>`
      select ((select count(*) from public.member_counts where org_id = ${orgId}) + (select count(*) from public.member_growth_counts where org_id = ${orgId})
            + (select count(*) from public.member_contact_counts where org_id = ${orgId}) + (select count(*) from public.staff_activity_counts where org_id = ${orgId}))::int as n`;
    rows.push({ metric: `counters rebuilt from the tables (${counterRows.toLocaleString('en-US')} rows)`, value: `${(rebuild.ms / 1000).toFixed(1)} s` });
    return rows;
  },
};
