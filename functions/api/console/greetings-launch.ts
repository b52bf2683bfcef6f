import { greetingCampaignRefSchema, greetingCampaignSchema } from '../../../shared/schemas/greeting-campaign.schema';
import { conflict, DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import type { CampaignRow } from '../../_lib/messaging/audience';
import { campaignColumns, campaignOut, loadCampaign, readSettings, requireOperator, storeOpeningDates } from '../../_lib/messaging/campaigns';
import { requireCleanText, SCENE_CAMPAIGN_TEXT } from '../../_lib/messaging/content-security';
import { getWechatClient } from '../../_lib/wechat-context';

// The operator's own words in a campaign's template data: placeholders ({name}, {store} …) are
// filled per member from the database, so they are left out of the check.
const operatorTexts = (data: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [`data.${k}`, v.replace(/\{(name|store|date|holiday|years)\}/g, ' ').trim()]));

// POST /api/console/greetings-launch {campaignId}: a draft or paused campaign becomes active once
// WeChat's content security passes its texts (msgSecCheck, scene 3, as the operator; checked
// between the two transactions, never holding one open); the planning cron picks it up on its
// next run. DELETE pauses it (nothing new is planned).
export default route({
  POST: person({
    input: greetingCampaignRefSchema,
    output: greetingCampaignSchema,
    run: async ({ input, inTx }) => {
      const { campaign, openid } = await inTx(async (tx) => {
        await requireOperator(tx);
        const c = await loadCampaign(tx, input.campaignId);
        if (c.status === 'done') throw conflict('This campaign is finished');
        const [a] = await tx<{ openid: string }[]>`select wx_openid as openid from public.accounts where id = (select auth.uid())`;
        if (!a) throw new DomainError(403, 'forbidden', 'No WeChat account for this sign-in');
        return { campaign: c, openid: a.openid };
      });
      await requireCleanText(getWechatClient(), { openid, scene: SCENE_CAMPAIGN_TEXT, texts: operatorTexts(campaign.data), refused: '活动未启动' });
      return inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const [u] = await tx<CampaignRow[]>`
          update public.greeting_campaigns set status = 'active', launched_at = coalesce(launched_at, now())
          where org_id = ${orgId} and id = ${campaign.id} and status <> 'done'
            -- The texts checked are the texts launched.
            and data = ${tx.json(campaign.data)}
          returning ${campaignColumns(tx)}`;
        if (!u) throw conflict('This campaign changed while it was being checked: try again');
        return campaignOut(u, await readSettings(tx, orgId), new Date(), await storeOpeningDates(tx, orgId));
      });
    },
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
          where org_id = ${orgId} and id = ${c.id} and status = 'active' returning ${campaignColumns(tx)}`;
        return campaignOut(u ?? c, await readSettings(tx, orgId), new Date(), await storeOpeningDates(tx, orgId));
      }),
  }),
});
