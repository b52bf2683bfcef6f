import { z } from 'zod';
import { withServiceTx } from '../../_lib/db';
import { open, route } from '../../_lib/handler';
import { requireCronSecret } from '../../_lib/messaging/cron-auth';

// GET /api/cron/data-quality (Vercel Cron, daily): audits every org (private.data_quality_compute,
// set-based SQL), storing the day's snapshot — counts per check, score, the weights used — and
// the members each check flagged. One org per transaction, so one brand's failure does not lose
// the others' snapshots. An org whose audit is already running (an operator's manual run) is
// skipped and counted; running twice in a day just adds a later snapshot of that day.
export default route({
  GET: open({
    input: z.object({}).strict(),
    output: z.object({ audited: z.number(), busy: z.number(), failed: z.number() }),
    run: async ({ sql, req }) => {
      requireCronSecret(req);
      const orgs = await withServiceTx(sql, (tx) => tx<{ id: string }[]>`select id from public.orgs order by id`);
      let audited = 0;
      let busy = 0;
      let failed = 0;
      for (const o of orgs) {
        try {
          const [r] = await withServiceTx(sql, (tx) => tx<{ run: string | null }[]>`select public.data_quality_snapshot(${o.id}) as run`);
          if (r?.run) audited++;
          else busy++;
        } catch (e) {
          failed++;
          console.error(`data quality audit of org ${o.id} failed:`, e);
        }
      }
      return { audited, busy, failed };
    },
  }),
});
