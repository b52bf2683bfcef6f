// Who an occasion reaches and why each other member does not, as ONE set-based query per
// occasion: the dry run groups it by reason, the planner inserts it into the outbox. At 1 M
// members a birthday audience is a few index probes (members_birthday_idx); a segment is one pass.
import { birthdayKeysOn } from '../../../shared/domain/birthday';
import type { SegmentRules } from '../../../shared/schemas/greeting-campaign.schema';
import { segmentRuleSetSchema, type SegmentRuleSet } from '../../../shared/schemas/segment-rules.schema';
import type { Tx } from '../db';
import { segmentWhere } from '../segments/segment-sql';
import { storeAnniversaryFilter, yearsExpression } from './brand-dates';
import { eligibilityParts, type EligibilityStrategy } from './eligibility';
import type { LengthRule } from './render';

export type CampaignRow = {
  org_id: string;
  id: string;
  name: string;
  kind: 'birthday' | 'holiday' | 'join_anniversary' | 'store_anniversary' | 'segment';
  template_id: string;
  data: Record<string, string>;
  send_time: string;
  days_ahead: number;
  holiday_key: string | null;
  segment: SegmentRules;
  // A saved segment (issue 7) whose rules, as they are when planned, select the audience.
  segment_id?: string | null;
  scheduled_on: string | null;
  // Recurrence of segment campaigns (20261201004000_greetings_brand_dates.sql); null = one-off.
  repeat_every: 'week' | 'month' | null;
  repeat_weekdays: number[] | null;
  repeat_month_day: number | null;
  repeat_until: string | null;
  budget_exempt: boolean;
  status: 'draft' | 'active' | 'paused' | 'done';
  created_at: Date;
  launched_at: Date | null;
};

export type Settings = { budgetMax: number; budgetDays: number; birthdayExempt: boolean; quietStart: string; quietEnd: string; timeZone: string };

export const readSettings = async (q: Tx, orgId: string): Promise<Settings> => {
  const [row] = await q<{ budget_max: number | null; budget_days: number | null; birthday_exempt: boolean | null; quiet_start: string | null; quiet_end: string | null; timezone: string }[]>`
    select s.budget_max, s.budget_days, s.birthday_exempt, s.quiet_start, s.quiet_end, o.timezone
    from public.orgs o left join public.greeting_settings s on s.org_id = o.id where o.id = ${orgId}`;
  return {
    budgetMax: row?.budget_max ?? 2,
    budgetDays: row?.budget_days ?? 7,
    birthdayExempt: row?.birthday_exempt ?? true,
    quietStart: row?.quiet_start ?? '21:00',
    quietEnd: row?.quiet_end ?? '09:00',
    timeZone: row?.timezone ?? 'Asia/Shanghai',
  };
};

/** Whether a local HH:MM falls inside the quiet window (which may wrap midnight). */
export const inQuietHours = (hhmm: string, s: Pick<Settings, 'quietStart' | 'quietEnd'>): boolean =>
  s.quietStart === s.quietEnd ? false : s.quietStart < s.quietEnd ? hhmm >= s.quietStart && hhmm < s.quietEnd : hhmm >= s.quietStart || hhmm < s.quietEnd;

export const isBudgetExempt = (c: Pick<CampaignRow, 'kind' | 'budget_exempt'>, s: Settings): boolean =>
  c.budget_exempt || (c.kind === 'birthday' && s.birthdayExempt);

/** The members an occasion targets (deleted ones included, so the dry run can count them). */
const audienceFilter = (q: Tx, c: CampaignRow, occasionDate: string, timeZone: string, saved: SegmentRuleSet | null) => {
  if (c.kind === 'birthday') {
    // An OR of at most six exact keys: a bitmap OR of members_birthday_idx probes at 1 M members
    // (a join against a derived key table could be planned as a scan of every member).
    let keys = q`false`;
    for (const k of birthdayKeysOn(occasionDate)) {
      keys = q`${keys} or (m.birthday_calendar = ${k.calendar} and m.birth_month = ${k.month} and m.birth_day = ${k.day} and m.birth_leap_month = ${k.leapMonth})`;
    }
    return q`and m.birthday_calendar is not null and (${keys})`;
  }
  if (c.kind === 'holiday') return q``;
  if (c.kind === 'store_anniversary') return storeAnniversaryFilter(q, c.org_id, occasionDate);
  if (c.kind === 'join_anniversary') {
    // Joined on this month and day in the brand's zone, in an earlier year; Feb 29 joiners are
    // greeted on Feb 28 in short years. No index: a daily pass over the org's members.
    const [y, mo, d] = occasionDate.split('-').map(Number) as [number, number, number];
    const feb29 = mo === 2 && d === 28 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
    return q`and (
      (extract(month from m.joined_at at time zone ${timeZone}) = ${mo} and extract(day from m.joined_at at time zone ${timeZone}) = ${d})
      ${feb29 ? q`or (extract(month from m.joined_at at time zone ${timeZone}) = 2 and extract(day from m.joined_at at time zone ${timeZone}) = 29)` : q``})
      and extract(year from m.joined_at at time zone ${timeZone}) < ${y}`;
  }
  // A segment campaign: its own rules and, when it targets a saved segment, that segment's
  // rules too, through the one segment builder (the console's count and export use the same).
  const ctx = { orgId: c.org_id, timeZone, today: occasionDate };
  return q`${segmentWhere(q, c.segment, ctx)} ${saved ? segmentWhere(q, saved, ctx) : q``}`;
};

/** The saved segment's rules of a campaign that targets one (null when it does not). */
export const savedSegmentOf = async (q: Tx, c: Pick<CampaignRow, 'org_id' | 'segment_id'>): Promise<SegmentRuleSet | null> => {
  if (!c.segment_id) return null;
  const [s] = await q<{ name: string; rules: unknown }[]>`select name, rules from public.segments where org_id = ${c.org_id} and id = ${c.segment_id}`;
  // The foreign key keeps it; never fall back to "everyone" if it is missing or unreadable.
  if (!s) throw new Error(`campaign segment ${c.segment_id} not found`);
  const parsed = segmentRuleSetSchema.safeParse(s.rules);
  if (!parsed.success) throw new Error(`the saved rules of segment "${s.name}" are not valid`);
  return parsed.data;
};

export type EvalOptions = {
  campaign: CampaignRow;
  occasionDate: string;
  settings: Settings;
  lengthRules: LengthRule[];
  // Dry run only: the send time falls in quiet hours, so everyone would be deferred.
  quiet: boolean;
  // The saved segment's rules of a campaign with segment_id (savedSegmentOf); required then.
  savedSegment?: SegmentRuleSet | null;
  // How consent, credit and budget are read (eligibility.ts); per member when not given.
  strategy?: EligibilityStrategy;
};

/**
 * A CTE body `ev(member_id, member_name, store_name, years, reason)`, reason null = will receive.
 * Order of reasons = the first thing that stops the message.
 */
export const evaluated = (q: Tx, o: EvalOptions) => {
  const c = o.campaign;
  const exempt = isBudgetExempt(c, o.settings);
  if (c.kind === 'segment' && c.segment_id && !o.savedSegment) throw new Error('the campaign targets a saved segment: load it with savedSegmentOf first');
  const e = eligibilityParts(q, c, o.settings, o.strategy ?? 'per_member', !exempt);
  return q`
    select m.id as member_id, m.name as member_name, st.name as store_name, ${yearsExpression(q, c.kind, o.occasionDate, o.settings.timeZone)} as years,
      case
        when m.deleted_at is not null then 'deleted'
        -- No account: never opened the mini-program, so WeChat has no openid to send to.
        when m.account_id is null then 'no_openid'
        when cs.granted is null then 'no_consent'
        when not cs.granted then 'consent_withdrawn'
        when ${e.credits} < 1 then 'no_credit'
        when ${!exempt} and ${e.used} >= ${o.settings.budgetMax} then 'frequency_budget'
        when ${o.quiet} then 'quiet_hours'
        ${
          o.lengthRules.length > 0
            ? q`when exists (
          select 1 from jsonb_to_recordset(${q.json(o.lengthRules)}) as r(s int, n int, t int, y int, mx int)
          where r.s + r.n * char_length(coalesce(nullif(btrim(m.name), ''), '会员')) + r.t * char_length(coalesce(st.name, ''))
            + coalesce(r.y, 0) * char_length(coalesce((${yearsExpression(q, c.kind, o.occasionDate, o.settings.timeZone)})::text, '')) > r.mx
        ) then 'invalid_template_data'`
            : q``
        }
      end as reason
    from public.members m
    left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
    ${e.joins}
    where m.org_id = ${c.org_id} ${audienceFilter(q, c, o.occasionDate, o.settings.timeZone, o.savedSegment ?? null)}`;
};
