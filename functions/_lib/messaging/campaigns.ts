// Campaign rows read in a person's RLS transaction (operators only: the policies decide).
import { addDays, localDate } from '../../../shared/domain/birthday';
import { nextAnniversary } from '../../../shared/domain/recurrence';
import type { GreetingCampaign } from '../../../shared/schemas/greeting-campaign.schema';
import type { Tx } from '../db';
import { forbidden, notFound } from '../errors';
import { iso } from '../handler';
import { requireStaff } from '../staff-guard';
import { readSettings, type CampaignRow, type Settings } from './audience';
import { nextOccasion, recurrenceOf, upcomingOccurrences } from './occasions';

export const requireOperator = async (tx: Tx): Promise<{ staffId: string; orgId: string }> => {
  const staff = await requireStaff(tx);
  if (staff.role !== 'operator' && staff.role !== 'admin') throw forbidden('This is for operators');
  const [o] = await tx<{ org_id: string }[]>`select private.jwt_org_id() as org_id`;
  if (!o?.org_id) throw forbidden();
  return { staffId: staff.staffId, orgId: o.org_id };
};

// Every column of a campaign row, dates as YYYY-MM-DD text (postgres.js would make them Dates at
// UTC midnight). Unqualified, so it fits `select … from greeting_campaigns c` and `returning`.
export const campaignColumns = (q: Tx) => q`*, scheduled_on::text as scheduled_on, repeat_until::text as repeat_until`;

export const loadCampaign = async (tx: Tx, campaignId: string): Promise<CampaignRow> => {
  const [c] = await tx<CampaignRow[]>`
    select ${campaignColumns(tx)} from public.greeting_campaigns c
    where c.org_id = (select private.jwt_org_id()) and c.id = ${campaignId}`;
  if (!c) throw notFound('That campaign');
  return c;
};

export type StoreDate = { name: string; openedOn: string };

/** The stores with an opening date (operators read them all through RLS), for anniversaries. */
export const storeOpeningDates = async (tx: Tx, orgId: string): Promise<StoreDate[]> =>
  tx<StoreDate[]>`
    select name, opened_on::text as "openedOn" from public.stores
    where org_id = ${orgId} and opened_on is not null and active order by opened_on, code`;

const UPCOMING = 5;

/** The next occasions the console lists: segment occurrences, or the next store anniversaries. */
export const upcomingOf = (c: CampaignRow, today: string, stores: StoreDate[]): GreetingCampaign['upcoming'] => {
  if (c.kind === 'segment') return upcomingOccurrences(c, today, UPCOMING).map((date) => ({ date, storeName: null, years: null }));
  if (c.kind !== 'store_anniversary') return [];
  // The earliest occasion still to be planned is today + daysAhead.
  const from = addDays(today, c.days_ahead);
  return stores
    .map((s) => ({ ...nextAnniversary(s.openedOn, from), storeName: s.name }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .slice(0, UPCOMING)
    .map((a) => ({ date: a.date, storeName: a.storeName, years: a.years }));
};

export const campaignOut = (c: CampaignRow, settings: Settings, now: Date, stores: StoreDate[] = []): GreetingCampaign => ({
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
  recurrence: recurrenceOf(c),
  repeatUntil: c.repeat_until,
  budgetExempt: c.budget_exempt,
  status: c.status,
  createdAt: iso(c.created_at),
  launchedAt: c.launched_at ? iso(c.launched_at) : null,
  nextOccasion: nextOccasion(c, localDate(now, settings.timeZone), settings.timeZone)?.occasionDate ?? null,
  upcoming: upcomingOf(c, localDate(now, settings.timeZone), stores),
});

export { readSettings };
