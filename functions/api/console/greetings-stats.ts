import { z } from 'zod';
import { uuidSchema } from '../../../shared/schemas/common.schema';
import { greetingStatsSchema } from '../../../shared/schemas/greeting-campaign.schema';
import { person, route } from '../../_lib/handler';
import { loadCampaign, requireOperator } from '../../_lib/messaging/campaigns';
import { campaignStats } from '../../_lib/messaging/engine';

// GET /api/console/greetings-stats?campaignId=: planned, sent, failed and skipped by reason, per
// occasion day, counted from the outbox rows themselves.
export default route({
  GET: person({
    input: z.object({ campaignId: uuidSchema }).strict(),
    output: greetingStatsSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const c = await loadCampaign(tx, input.campaignId);
        return { campaignId: c.id, days: await campaignStats(tx, orgId, c.id) };
      }),
  }),
});
