import type { z } from 'zod';
import { todoInputSchema, todoOutputSchema, HOLIDAY_LOOKAHEAD_DAYS, type TodoPerson } from '../../../shared/schemas/todo-list.schema';
import { addDays } from '../../../shared/domain/birthday';
import { birthdayDateByKey, birthdayKeyOf, windowDates } from '../../../shared/domain/customer-filter';
import { holidaysOfYear } from '../../../shared/domain/holidays';
import type { Tx } from '../../_lib/db';
import { iso, person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';
import { brandToday, customerWhere } from './customers';

// GET /api/staff/todo: today's work for an associate, each item one tap from its action (the
// app opens the card's greeting, interaction or tag section). Every part is an indexed read of
// the caller's customers: birthdays by (calendar, month, day, leap) keys, follow-ups by
// (staff, date), slipping away (the RFM churn risk) and holiday picks from the per-member columns.
const LIMIT = 50;
// Rows read past the page for follow-ups, for the rare member with two due at the same instant.
const FOLLOW_UP_SLACK = 10;

type PersonRow = { id: string; member_no: string; name: string | null; phone_masked: string | null };
const personOf = (r: PersonRow): TodoPerson => ({ id: r.id, memberNo: String(r.member_no), name: r.name, phoneMasked: r.phone_masked });

const diffDays = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export const todoInTx = async (tx: Tx, input: z.output<typeof todoInputSchema>): Promise<z.input<typeof todoOutputSchema>> => {
  // The reads below do not depend on each other: each stage's statements are sent together and
  // travel in one round trip (one connection runs them in order), not one after another.
  // Generic plans (no customPlans): every statement here is one caller's slice through an index
  // keyed by associate or store, which no value skews, and under RLS planning is the dearer part:
  // at 1 M members custom plans cost ~3 ms a statement, and the list's p95 went from 52 to 33 ms
  // without them (4 clients).
  const [staff, zone] = await Promise.all([requireStaff(tx), brandToday(tx)]);
  const { today, timeZone } = zone;
  const [scoped, inScope] = await Promise.all([
    customerWhere(tx, { scope: input.scope, birthday: 'week' }, staff, { zone }),
    customerWhere(tx, { scope: input.scope }, staff),
  ]);
  const horizon = addDays(today, HOLIDAY_LOOKAHEAD_DAYS);
  const year = Number(today.slice(0, 4));
  const holidays = [...holidaysOfYear(year), ...(year < 2099 ? holidaysOfYear(year + 1) : [])].filter((h) => h.date >= today && h.date <= horizon);

  const [birthdays, followUpRows, slipping, worthGreeting] = await Promise.all([
    tx<(PersonRow & { birthday_calendar: 'solar' | 'lunar'; birth_month: number; birth_day: number; birth_leap_month: boolean })[]>`
      select m.id, m.member_no, m.name, m.phone_masked, m.birthday_calendar, m.birth_month, m.birth_day, m.birth_leap_month
      from public.members m
      where m.org_id = ${staff.orgId} and m.deleted_at is null ${scoped.frag}
      limit ${LIMIT * 4}`,
    // A follow-up is due when it was set on the member's latest interaction (no contact since) and
    // falls in the last 30 days; so a member has one, except for two interactions logged at the
    // same instant. Read in date order from (org, staff, follow_up_on): the first page of the list
    // is found after a few dozen rows instead of sorting every follow-up of the month (an associate
    // with a busy month has hundreds).
    tx<(PersonRow & { interaction_id: string; follow_up_on: string; note: string })[]>`
      select m.id, m.member_no, m.name, m.phone_masked, i.id as interaction_id, i.follow_up_on::text as follow_up_on, i.note
      from public.interactions i
      join public.members m on m.org_id = i.org_id and m.id = i.member_id and m.deleted_at is null
      where i.org_id = ${staff.orgId} and i.staff_id = ${staff.staffId}
        and i.follow_up_on between (${today}::date - 30) and ${today}::date
        and (m.last_contact_at is null or m.last_contact_at <= i.occurred_at)
      order by i.follow_up_on, m.name
      limit ${LIMIT + FOLLOW_UP_SLACK}`,
    // Slipping away = the RFM churn risk (churn_state 'at_risk', shared/domain/rfm.ts), kept on
    // members by the order triggers and the daily refresh; a store's at-risk slice is one range of
    // members_store_churn_idx.
    tx<(PersonRow & { last_purchase_at: Date; order_count: number; lifetime_spend_fen: string })[]>`
      select m.id, m.member_no, m.name, m.phone_masked, m.last_purchase_at, m.order_count, m.lifetime_spend_fen
      from public.members m
      where m.org_id = ${staff.orgId} and m.deleted_at is null ${inScope.frag}
        and m.churn_state = 'at_risk' and m.last_purchase_at is not null
      order by m.lifetime_spend_fen desc, m.id desc
      limit ${LIMIT}`,
    holidays.length
      ? tx<PersonRow[]>`
          select m.id, m.member_no, m.name, m.phone_masked
          from public.members m
          where m.org_id = ${staff.orgId} and m.deleted_at is null ${inScope.frag}
            and m.lifetime_spend_fen > 0
            -- The member's standing marketing consent (kept on members from the ledger by
            -- 20261201002100_segments.sql), not a ledger lookup per customer in spend order.
            and m.marketing_consent = 'granted'
          order by m.lifetime_spend_fen desc, m.id desc
          limit 5`
      : Promise.resolve([] as PersonRow[]),
  ]);

  const dateOf = birthdayDateByKey(windowDates('week', today));
  const dated = birthdays
    .map((b) => ({ b, date: dateOf.get(birthdayKeyOf(b.birthday_calendar, b.birth_month, b.birth_day, b.birth_leap_month)) ?? '' }))
    .filter((x) => x.date !== '')
    .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : (x.b.name ?? '').localeCompare(y.b.name ?? '')));
  // Same-instant twins: the member's latest follow-up date counts, once (the rows are in date
  // order, so that is the member's last row); the database's order otherwise stays.
  const lastRow = new Map(followUpRows.map((f, i) => [f.id, i]));
  const followUps = followUpRows.filter((f, i) => lastRow.get(f.id) === i).slice(0, LIMIT);

  return {
    today,
    timeZone,
    birthdaysToday: dated.filter((x) => x.date === today).map((x) => ({ ...personOf(x.b), calendar: x.b.birthday_calendar })),
    birthdaysThisWeek: dated
      .filter((x) => x.date !== today)
      .slice(0, LIMIT)
      .map((x) => ({ ...personOf(x.b), calendar: x.b.birthday_calendar, date: x.date })),
    followUps: followUps.map((f) => ({ ...personOf(f), interactionId: f.interaction_id, followUpOn: f.follow_up_on, note: f.note })),
    slipping: slipping.map((s) => ({ ...personOf(s), lastPurchaseAt: iso(s.last_purchase_at), orderCount: s.order_count, lifetimeSpendFen: Number(s.lifetime_spend_fen) })),
    holidays: holidays.map((h) => ({ key: h.key, name: h.name, date: h.date, daysAway: diffDays(today, h.date), customers: worthGreeting.map(personOf) })),
  };
};

export default route({
  GET: person({
    input: todoInputSchema,
    output: todoOutputSchema,
    run: ({ input, inTx }) => inTx((tx) => todoInTx(tx, input)),
  }),
});
