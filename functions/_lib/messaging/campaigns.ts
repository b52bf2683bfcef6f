// Campaign rows read in a person's RLS transaction (operators only: the policies decide).
import { localDate } from '../../../shared/domain/birthday';
import type { GreetingCampaign } from '../../../shared/schemas/greeting-campaign.schema';
import type { Tx } from '../db';
import { forbidden, notFound } from '../errors';
import { iso } from '../handler';
import { requireStaff } from '../staff-guard';
import { readSettings, type CampaignRow, type Settings } from './audience';
import { nextOccasion } from './occasions';

export const requireOperator = async (tx: Tx): Promise<{ staffId: string; orgId: string }> => {
  const staff = await requireStaff(tx);
  if (staff.role !== 'operator' && staff.role !== 'admin') throw forbidden('This is for operators');
  const [o] = await tx<{ org_id: string }[]>`select private.jwt_org_id() as org_id`;
  if (!o?.org_id) throw forbidden();
  return { staffId: staff.staffId, orgId: o.org_id };
};

export const loadCampaign = async (tx: Tx, campaignId: string): Promise<CampaignRow> => {
  const [c] = await tx<CampaignRow[]>`
    select c.*, c.scheduled_on::text as scheduled_on from public.greeting_campaigns c
    where c.org_id = (select private.jwt_org_id()) and c.id = ${campaignId}`;
  if (!c) throw notFound('That campaign');
  return c;
};

export const campaignOut = (c: CampaignRow, settings: Settings, now: Date): GreetingCampaign => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  templateId: c.template_id,
  data: c.data,
  sendTime: c.send_time,
  daysAhead: c.days_ahead,
  holidayKey: c.holiday_key,
  segment: c.segment,
  segmentId: c.segment_id ?? null,
  scheduledOn: c.scheduled_on,
  budgetExempt: c.budget_exempt,
  status: c.status,
  createdAt: iso(c.created_at),
  launchedAt: c.launched_at ? iso(c.launched_at) : null,
  nextOccasion: nextOccasion(c, localDate(now, settings.timeZone), settings.timeZone)?.occasionDate ?? null,
});

export { readSettings };
