import { greetingCampaignRefSchema, greetingCampaignSchema } from '../../../shared/schemas/greeting-campaign.schema';
import { conflict } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import type { CampaignRow } from '../../_lib/messaging/audience';
import { campaignOut, loadCampaign, readSettings, requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/greetings-launch {campaignId}: a draft or paused campaign becomes active; the
// planning cron picks it up on its next run. DELETE pauses it (nothing new is planned).
export default route({
  POST: person({
    input: greetingCampaignRefSchema,
    output: greetingCampaignSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const c = await loadCampaign(tx, input.campaignId);
        if (c.status === 'done') throw conflict('This campaign is finished');
        const [u] = await tx<CampaignRow[]>`
          update public.greeting_campaigns set status = 'active', launched_at = coalesce(launched_at, now())
          where org_id = ${orgId} and id = ${c.id} returning *, scheduled_on::text as scheduled_on`;
        return campaignOut(u ?? c, await readSettings(tx, orgId), new Date());
      }),
  }),
  DELETE: person({
    input: greetingCampaignRefSchema,
    output: greetingCampaignSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const c = await loadCampaign(tx, input.campaignId);
        const [u] = await tx<CampaignRow[]>`
          update public.greeting_campaigns set status = 'paused'
          where org_id = ${orgId} and id = ${c.id} and status = 'active' returning *, scheduled_on::text as scheduled_on`;
        return campaignOut(u ?? c, await readSettings(tx, orgId), new Date());
      }),
  }),
});
