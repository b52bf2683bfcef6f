import { z } from 'zod';
import { withServiceTx } from '../../_lib/db';
import { open, route } from '../../_lib/handler';
import { requireCronSecret } from '../../_lib/messaging/cron-auth';

// GET /api/cron/dashboard-counters (Vercel Cron, hourly): folds the dashboard counters' delta
// rows (one per change and group, written by the triggers on members and interactions; the tag
// counts' by those on member_tags) into one row per group, so the charts and the customer list's
// tag estimates keep reading a few thousand rows. Sums never change; deltas
// committed meanwhile stay as they are. Safe to run twice or overlapping (per-org lock).
export default route({
  GET: open({
    input: z.object({}).strict(),
    output: z.object({ orgs: z.number(), rowsFolded: z.number() }),
    run: async ({ sql, req }) => {
      requireCronSecret(req);
      const orgs = await withServiceTx(sql, (tx) => tx<{ id: string }[]>`select id from public.orgs order by id`);
      let rowsFolded = 0;
      for (const o of orgs) {
        const [r] = await withServiceTx(
          sql,
          (tx) => tx<{ n: number }[]>`select public.compact_dashboard_counters(${o.id}) + public.compact_member_tag_counts(${o.id}) as n`,
        );
        rowsFolded += r?.n ?? 0;
      }
      return { orgs: orgs.length, rowsFolded };
    },
  }),
});
