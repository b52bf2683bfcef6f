import { z } from 'zod';
import { open, route } from '../../_lib/handler';
import { requireCronSecret } from '../../_lib/messaging/cron-auth';
import { planDue, recoverStale } from '../../_lib/messaging/engine';

// GET /api/cron/greetings-plan (Vercel Cron): resolves rows of dispatchers that died, then plans
// today's occasions of every active campaign into the outbox. Idempotent: a duplicate or
// overlapping run plans nothing twice (the outbox's unique key).
export default route({
  GET: open({
    input: z.object({}).strict(),
    output: z.object({ campaigns: z.number(), queued: z.number(), requeued: z.number(), unknown: z.number() }),
    run: async ({ sql, req }) => {
      requireCronSecret(req);
      const recovered = await recoverStale(sql);
      const planned = await planDue(sql);
      return { ...planned, ...recovered };
    },
  }),
});
