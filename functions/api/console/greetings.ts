import { greetingCampaignCreateSchema, greetingCampaignSchema, greetingOverviewSchema } from '../../../shared/schemas/greeting-campaign.schema';
import { holidaysOfYear } from '../../../shared/domain/holidays';
import { localDate } from '../../../shared/domain/birthday';
import { z } from 'zod';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import type { CampaignRow } from '../../_lib/messaging/audience';
import { campaignColumns, campaignOut, readSettings, requireOperator, storeOpeningDates } from '../../_lib/messaging/campaigns';
import { templateProblem } from '../../_lib/messaging/render';

// GET  /api/console/greetings: campaigns, greeting templates, this year's holidays, settings.
// POST /api/console/greetings: create a birthday / holiday / anniversary automation or a segment
// campaign, one-off or recurring (draft).
export default route({
  GET: person({
    input: z.object({}).strict(),
    output: greetingOverviewSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const settings = await readSettings(tx, orgId);
        const now = new Date();
        const campaigns = await tx<CampaignRow[]>`
          select ${campaignColumns(tx)} from public.greeting_campaigns c
          where c.org_id = ${orgId} order by c.created_at desc, c.id limit 200`;
        const stores = await storeOpeningDates(tx, orgId);
        const templates = await tx<{ id: string; name: string; purpose: string; fields: Array<{ key: string; label: string }> }[]>`
          select id, name, purpose, fields from public.message_templates
          where org_id = ${orgId} and active and channel = 'wechat_subscribe' order by name`;
        const today = localDate(now, settings.timeZone);
        const year = Number(today.slice(0, 4));
        const holidays = [...holidaysOfYear(year), ...holidaysOfYear(year + 1)].filter((h) => h.date >= today).slice(0, 17);
        return {
          campaigns: campaigns.map((c) => campaignOut(c, settings, now, stores)),
          templates,
          holidays,
          settings,
          storesWithOpeningDate: stores.length,
        };
      }),
  }),
  POST: person({
    input: greetingCampaignCreateSchema,
    output: greetingCampaignSchema,
    status: 201,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId, staffId } = await requireOperator(tx);
        const [t] = await tx<{ fields: Array<{ key: string }> }[]>`
          select fields from public.message_templates where org_id = ${orgId} and id = ${input.templateId} and active`;
        if (!t) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'templateId', message: 'is not an active template' }]);
        const problem = templateProblem(input.data, t.fields.map((f) => f.key));
        if (problem) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'data', message: problem }]);
        if (input.segmentId) {
          const [seg] = await tx`select 1 from public.segments where org_id = ${orgId} and id = ${input.segmentId}`;
          if (!seg) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'segmentId', message: 'is not a saved segment' }]);
        }
        const settings = await readSettings(tx, orgId);
        const r = input.recurrence;
        const weekdays = r?.every === 'week' ? [...r.weekdays].sort((a, b) => a - b) : null;
        const [c] = await tx<CampaignRow[]>`
          insert into public.greeting_campaigns (org_id, name, kind, template_id, data, send_time, days_ahead, holiday_key, segment, segment_id, scheduled_on,
            repeat_every, repeat_weekdays, repeat_month_day, repeat_until, budget_exempt, created_by)
          values (${orgId}, ${input.name}, ${input.kind}, ${input.templateId}, ${tx.json(input.data)}, ${input.sendTime}, ${input.daysAhead},
            ${input.holidayKey ?? null}, ${tx.json(input.segment)}, ${input.segmentId ?? null}, ${input.scheduledOn ?? null},
            ${r?.every ?? null}, ${weekdays}::smallint[], ${r?.every === 'month' ? r.day : null}, ${input.repeatUntil ?? null},
            ${input.budgetExempt ?? input.kind === 'birthday'}, ${staffId})
          returning ${campaignColumns(tx)}`;
        if (!c) throw new Error('insert returned nothing');
        return campaignOut(c, settings, new Date(), await storeOpeningDates(tx, orgId));
      }),
  }),
});
