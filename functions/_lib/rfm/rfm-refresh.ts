import { withServiceTx, type Sql } from '../db';

// The daily RFM refresh (cron /api/cron/rfm-refresh, the bench): for every org, new breakpoints
// from today's distribution, then every member whose scores, class or churn state change as of
// `now` (recency moves with time even when nobody buys). One transaction per org, so a big org
// does not hold back the others and a failure loses one org's run, not all;
// public.rfm_refresh_org skips an org another run is refreshing at the same moment (cron may
// fire twice). A job, not a person's request: the service role.
export type RfmRefreshReport = { orgs: number; purchasers: number; changed: number; skipped: number; ms: number };

export const refreshAllOrgs = async (sql: Sql, now: Date = new Date()): Promise<RfmRefreshReport> => {
  const started = performance.now();
  const orgs = await withServiceTx(sql, (tx) => tx<{ id: string }[]>`select id from public.orgs order by id`);
  let purchasers = 0;
  let changed = 0;
  let skipped = 0;
  for (const o of orgs) {
    const [r] = await withServiceTx(sql, (tx) => tx<{ purchasers: number; changed: number; skipped: boolean }[]>`
      select * from public.rfm_refresh_org(${o.id}, ${now})`);
    purchasers += r?.purchasers ?? 0;
    changed += r?.changed ?? 0;
    if (r?.skipped) skipped += 1;
  }
  return { orgs: orgs.length, purchasers, changed, skipped, ms: Math.round(performance.now() - started) };
};
