import { z } from 'zod';
import { open, route } from '../../_lib/handler';
import { requireCronSecret } from '../../_lib/messaging/cron-auth';
import { refreshAllOrgs } from '../../_lib/rfm/rfm-refresh';

// GET /api/cron/rfm-refresh (Vercel Cron, daily at 03:10 Beijing time): RFM breakpoints and
// every member's scores, class and churn state brought to today; only changed rows are written.
export default route({
  GET: open({
    input: z.object({}).strict(),
    output: z.object({ orgs: z.number(), purchasers: z.number(), changed: z.number(), skipped: z.number(), ms: z.number() }),
    run: async ({ sql, req }) => {
      requireCronSecret(req);
      return refreshAllOrgs(sql);
    },
  }),
});
