// The one SQL builder of segment rules (shared/schemas/segment-rules.schema.ts): the WHERE
// fragment over a member relation aliased `m` that the live count, the member list, the CSV
// export and the greeting audience all use, so "who is in the segment" has one meaning everywhere.
//
// Every rule reads a column that public.members and its narrow copy public.member_segment_facts
// (20261207000100_segment_facts.sql: the same names, kept equal by triggers, live members only)
// both have — purchase aggregates, RFM, churn, marketing consent, store, tier, region, birthday —
// except tags, which are one grouped pass over member_tags matched on the member's id (`m.id` in
// members, `m.member_id` in the facts: the `over` argument). The fragment starts with `and`; the
// caller writes `m.org_id = … and m.deleted_at is null` before it (the facts hold live members
// only), or, for the greeting audience, counts deleted members as a skip reason.
import type { PendingQuery, Row } from 'postgres';
import { birthdayKeysFor } from '../../../shared/domain/customer-filter';
import type { SegmentRuleSet } from '../../../shared/schemas/segment-rules.schema';
import type { Tx } from '../db';

export type SegmentContext = {
  // The org the rules are evaluated in (tags are looked up in it).
  orgId: string;
  // The brand's time zone: "last purchase before 2026-11-01" means that day's local midnight.
  timeZone: string;
  // The brand-local date whose year a birthday month is read in (lunar birthdays move between
  // solar months from year to year): today for a count, the occasion's date for a campaign.
  today: string;
};

export type SqlFragment = PendingQuery<Row[]>;

// The relation `m` the rules are applied to: public.members (lists, export, audiences) or
// public.member_segment_facts (counts: a full pass reads ~1/6 of the bytes).
export type SegmentSource = 'members' | 'facts';

// All dates of a month of a year, YYYY-MM-DD.
const datesOfMonth = (year: number, month: number): string[] => {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return Array.from({ length: days }, (_, i) => `${year}-${mm}-${String(i + 1).padStart(2, '0')}`);
};

// Birthdays celebrated in a month of the context's year: every solar birthday of that month
// (Feb 29 is celebrated on Feb 28 in short years, still February), and the lunar birthdays whose
// date falls in it this year (their keys, as the associates' birthday filter finds them).
const birthdayMonthFilter = (q: Tx, month: number, today: string): SqlFragment => {
  const lunar = birthdayKeysFor(datesOfMonth(Number(today.slice(0, 4)), month)).filter((k) => k.calendar === 'lunar');
  // The lunar months are named on their own as well (implied by the keys): with them both
  // branches are ranges of the facts' birthday index (20261207000400), and a count reads only
  // the month's members instead of every row.
  const lunarMonths = [...new Set(lunar.map((k) => String(k.month)))];
  const lunarMatch = lunar.length
    ? q`or (m.birthday_calendar = 'lunar' and m.birth_month = any (${lunarMonths}::text[]::smallint[])
          and (m.birth_month, m.birth_day, m.birth_leap_month) in (
          select * from unnest(${lunar.map((k) => String(k.month))}::text[]::smallint[], ${lunar.map((k) => String(k.day))}::text[]::smallint[],
                               ${lunar.map((k) => String(k.leapMonth))}::text[]::boolean[])))`
    : q``;
  return q`and ((m.birthday_calendar = 'solar' and m.birth_month = ${month}) ${lunarMatch})`;
};

// Tags the WeCom way, without knowing the groups up front: a member matches when the chosen
// tags they carry cover every group the chosen tags belong to. One grouped pass over the chosen
// tags' rows of member_tags (the (org, tag, store, member) index). With a store rule, only those
// stores' slices of it: member_tags carries its member's store (kept by triggers, migration
// 20261122000700), so a segment of 3 stores groups 3 stores' tagged members, not the org's.
const tagFilter = (q: Tx, tagIds: readonly string[], orgId: string, storeIds: readonly string[] | undefined, over: SegmentSource): SqlFragment => q`
  and ${over === 'facts' ? q`m.member_id` : q`m.id`} in (
    select mt.member_id from public.member_tags mt
    join public.tags t on t.org_id = mt.org_id and t.id = mt.tag_id
    where mt.org_id = ${orgId} and mt.tag_id = any (${tagIds as string[]}::uuid[])
      ${storeIds ? q`and mt.store_id = any (${storeIds as string[]}::uuid[])` : q``}
    group by mt.member_id
    having count(distinct t.group_id) = (
      select count(distinct t2.group_id) from public.tags t2 where t2.org_id = ${orgId} and t2.id = any (${tagIds as string[]}::uuid[])))`;

// A brand-local day as the instant its midnight begins.
const localMidnight = (q: Tx, date: string, timeZone: string): SqlFragment => q`(${date}::date::timestamp at time zone ${timeZone})`;

/** The rules as `and …` conditions over `public.members m` (or `public.member_segment_facts m`). */
export const segmentWhere = (q: Tx, r: SegmentRuleSet, ctx: SegmentContext, over: SegmentSource = 'members'): SqlFragment => {
  const parts: SqlFragment[] = [];
  if (r.storeIds) parts.push(q`and m.store_id = any (${r.storeIds}::uuid[])`);
  if (r.rfmClasses) parts.push(q`and m.rfm_class = any (${r.rfmClasses}::text[])`);
  if (r.churnStates) parts.push(q`and m.churn_state = any (${r.churnStates}::text[])`);
  if (r.tiers) parts.push(q`and m.tier = any (${r.tiers}::text[])`);
  if (r.consents) parts.push(q`and m.marketing_consent = any (${r.consents}::text[])`);
  if (r.spendMinFen !== undefined) parts.push(q`and m.lifetime_spend_fen >= ${r.spendMinFen}`);
  if (r.spendMaxFen !== undefined) parts.push(q`and m.lifetime_spend_fen <= ${r.spendMaxFen}`);
  if (r.lastPurchaseAfter) parts.push(q`and m.last_purchase_at >= ${localMidnight(q, r.lastPurchaseAfter, ctx.timeZone)}`);
  if (r.lastPurchaseBefore) parts.push(q`and m.last_purchase_at < ${localMidnight(q, r.lastPurchaseBefore, ctx.timeZone)}`);
  if (r.birthdayMonth) parts.push(birthdayMonthFilter(q, r.birthdayMonth, ctx.today));
  if (r.regionPrefixes) {
    // starts_with (^@), leakproof, so RLS lets the planner use it as it would a plain filter.
    const any = r.regionPrefixes.reduce<SqlFragment>((acc, p, i) => (i === 0 ? q`m.region_code ^@ ${p}` : q`${acc} or m.region_code ^@ ${p}`), q``);
    parts.push(q`and (${any})`);
  }
  if (r.tagIds) parts.push(tagFilter(q, r.tagIds, ctx.orgId, r.storeIds, over));
  return parts.reduce<SqlFragment>((acc, p) => q`${acc} ${p}`, q``);
};
