import { z } from 'zod';
import { getConfig } from '../../_lib/config';
import { open, route } from '../../_lib/handler';
import { wechatSubscribeChannel } from '../../_lib/messaging/channel';
import { requireCronSecret } from '../../_lib/messaging/cron-auth';
import { dispatch } from '../../_lib/messaging/engine';
import { getWechatClient } from '../../_lib/wechat-context';

// GET /api/cron/greetings-dispatch (Vercel Cron): sends due outbox rows in batches claimed with
// FOR UPDATE SKIP LOCKED, so any number of overlapping runs cooperate without duplicates.
// Bounded per run (40 s of claiming) to stay inside the function's time limit; the next run
// continues where it stopped.
export default route({
  GET: open({
    input: z.object({}).strict(),
    output: z.object({
      claimed: z.number(),
      sent: z.number(),
      failed: z.number(),
      retrying: z.number(),
      unknown: z.number(),
      skipped: z.number(),
      deferred: z.number(),
      quotaReached: z.boolean(),
    }),
    run: async ({ sql, req }) => {
      requireCronSecret(req);
      // 16 calls in flight: the sender's loop stores outcomes and starts calls in one commit,
      // so the width bounds what a crash can leave "unknown" (16) and, with WeChat's latency,
      // the rate (bench at 1 M members: ~1,100 msg/s for one run, ~1,700 for four at once).
      return dispatch(sql, { channel: wechatSubscribeChannel(getWechatClient(), getConfig().WECHAT_APPID), batchSize: 64, maxBatches: 40, concurrency: 16, budgetMs: 40_000 });
    },
  }),
});
