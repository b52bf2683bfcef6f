import type { z } from 'zod';
import type { Tx } from '../../_lib/db';
import { customerCardInputSchema, customerCardOutputSchema, type TimelineEntry } from '../../../shared/schemas/customer-card.schema';
import type { InteractionKind } from '../../../shared/schemas/common.schema';
import { forbidden, notFound } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';

// GET /api/staff/customer?id=: the customer card. The phone is only ever the masked form here
// (the owner reveals it through POST /api/staff/customer-phone, audited).
// The request's work inside the person's transaction.
// (select private.jwt_org_id()) is evaluated once per statement; the bare call would be re-run
// (it reads the accounts table) on every index probe of a join or subquery.
const TIMELINE_PER_KIND = 20;
const TIMELINE_LENGTH = 40;

type MemberRow = {
  id: string; member_no: string; name: string | null; gender: 'female' | 'male' | 'unknown'; phone_masked: string | null;
  joined_at: Date; store_id: string | null; store_name: string | null; associate_id: string | null; associate_name: string | null;
  birthday_calendar: 'solar' | 'lunar' | null; birth_month: number | null; birth_day: number | null; birth_leap_month: boolean;
  lifetime_spend_fen: string; order_count: number; last_purchase_at: Date | null; last_contact_at: Date | null; mine: boolean;
  rfm_r: number | null; rfm_f: number | null; rfm_m: number | null; rfm_class: string | null; churn_state: string; tier: string | null;
};

type TagJson = { id: string; name: string; color: string; group_id: string; group_name: string };
type OrderJson = { id: string; order_no: string; total_fen: number; ordered_at: string; line_count: number };
type InteractionJson = { id: string; kind: InteractionKind; note: string; occurred_at: string; staff_name: string | null; follow_up_on: string | null };
type ConsentJson = { id: string; purpose: string; channel: string; granted: boolean; created_at: string };
type GreetingJson = { id: string; at: string; template_name: string | null; status: string };
type CardRow = Partial<MemberRow> & {
  staff_id: string | null;
  staff_role: string | null;
  tags: TagJson[] | null;
  orders: OrderJson[] | null;
  interactions: InteractionJson[] | null;
  consents: ConsentJson[] | null;
  greetings: GreetingJson[] | null;
};

// The whole card is ONE statement: the staff check, the member (RLS decides whether it is
// visible), and each timeline source as a JSON array subquery. Every statement under RLS pays
// for its policies' helper calls (the caller's org, stores, role) and a round trip; as eight
// statements the card cost ~1.8× its bare SQL, most of it that fixed per-statement cost.
export const customerCardInTx = async (tx: Tx, input: z.output<typeof customerCardInputSchema>): Promise<z.input<typeof customerCardOutputSchema>> => {
  const [row] = await tx<CardRow[]>`
    select me.staff_id, me.staff_role, c.*
    from (select private.my_staff_id() as staff_id, private.my_staff_role() as staff_role) me
    left join lateral (
      select m.id, m.member_no, m.name, m.gender, m.phone_masked, m.joined_at, m.store_id, st.name as store_name,
             m.associate_id, sf.name as associate_name, m.birthday_calendar, m.birth_month, m.birth_day, m.birth_leap_month,
             m.lifetime_spend_fen, m.order_count, m.last_purchase_at, m.last_contact_at,
             m.rfm_r, m.rfm_f, m.rfm_m, m.rfm_class, m.churn_state, m.tier,
             m.associate_id is not distinct from me.staff_id as mine,
             (select json_agg(t.* order by t.sort_order, t.group_name, t.name) from (
                select tg.id, tg.name, tg.color, g.id as group_id, g.name as group_name, g.sort_order
                from public.member_tags mt
                join public.tags tg on tg.org_id = mt.org_id and tg.id = mt.tag_id
                join public.tag_groups g on g.org_id = tg.org_id and g.id = tg.group_id
                where mt.org_id = m.org_id and mt.member_id = m.id) t) as tags,
             (select json_agg(o.* order by o.ordered_at desc) from (
                select o.id, o.order_no, o.total_fen, o.ordered_at,
                       (select count(*)::int from public.order_lines l where l.org_id = o.org_id and l.order_id = o.id) as line_count
                from public.orders o where o.org_id = m.org_id and o.member_id = m.id
                order by o.ordered_at desc limit ${TIMELINE_PER_KIND}) o) as orders,
             (select json_agg(i.* order by i.occurred_at desc) from (
                select i.id, i.kind, i.note, i.occurred_at, s.name as staff_name, i.follow_up_on::text as follow_up_on
                from public.interactions i
                left join public.staff s on s.org_id = i.org_id and s.id = i.staff_id
                where i.org_id = m.org_id and i.member_id = m.id
                order by i.occurred_at desc limit ${TIMELINE_PER_KIND}) i) as interactions,
             (select json_agg(cn.* order by cn.created_at desc, cn.id desc) from (
                select cn.id::text as id, cn.purpose, cn.channel, cn.granted, cn.created_at
                from public.consents cn where cn.org_id = m.org_id and cn.member_id = m.id
                order by cn.created_at desc, cn.id desc limit ${TIMELINE_PER_KIND}) cn) as consents,
             (select json_agg(gs.* order by gs.at desc) from (
                select gs.id::text as id, gs.created_at as at, mt.name as template_name, gs.status::text as status
                from public.greeting_sends gs
                left join public.message_templates mt on mt.org_id = gs.org_id and mt.id = gs.template_id
                where gs.org_id = m.org_id and gs.member_id = m.id
                order by gs.created_at desc limit ${TIMELINE_PER_KIND}) gs) as greetings
      from public.members m
      left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
      left join public.staff sf on sf.org_id = m.org_id and sf.id = m.associate_id
      where m.org_id = (select private.jwt_org_id()) and m.id = ${input.id}
    ) c on true`;
  if (!row?.staff_id || !row.staff_role) throw forbidden('This is for store staff only');
  if (!row.id) throw notFound('That customer');
  const m = row as CardRow & MemberRow;
  const tags = row.tags ?? [];
  const orders = row.orders ?? [];
  const interactions = row.interactions ?? [];
  const consents = row.consents ?? [];
  const greetings = row.greetings ?? [];

  const timeline: TimelineEntry[] = [
    ...orders.map((o): TimelineEntry => ({ type: 'order', id: o.id, at: iso(o.ordered_at), orderNo: o.order_no, totalFen: Number(o.total_fen), lineCount: o.line_count })),
    ...interactions.map((i): TimelineEntry => ({
      type: 'interaction', id: i.id, at: iso(i.occurred_at), kind: i.kind, note: i.note, staffName: i.staff_name, followUpOn: i.follow_up_on,
    })),
    ...consents.map((c): TimelineEntry => ({ type: 'consent', id: c.id, at: iso(c.created_at), purpose: c.purpose, channel: c.channel, granted: c.granted })),
    ...greetings.map((g): TimelineEntry => ({ type: 'greeting', id: g.id, at: iso(g.at), templateName: g.template_name ?? '消息', status: g.status })),
  ]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, TIMELINE_LENGTH);

  return {
    id: m.id,
    memberNo: String(m.member_no),
    name: m.name,
    gender: m.gender,
    phoneMasked: m.phone_masked,
    canRevealPhone: m.mine && m.phone_masked !== null,
    joinedAt: iso(m.joined_at),
    birthday:
      m.birthday_calendar && m.birth_month && m.birth_day
        ? { calendar: m.birthday_calendar, month: m.birth_month, day: m.birth_day, leapMonth: m.birth_leap_month }
        : null,
    store: m.store_id && m.store_name ? { id: m.store_id, name: m.store_name } : null,
    associate: m.associate_id && m.associate_name ? { id: m.associate_id, name: m.associate_name } : null,
    tags: tags.map((t) => ({ id: t.id, name: t.name, color: t.color, groupId: t.group_id, groupName: t.group_name })),
    orders: orders.slice(0, 5).map((o) => ({ id: o.id, orderNo: o.order_no, totalFen: Number(o.total_fen), orderedAt: iso(o.ordered_at), lineCount: o.line_count })),
    interactions: interactions.slice(0, 10).map((i) => ({ id: i.id, kind: i.kind, note: i.note, occurredAt: iso(i.occurred_at), staffName: i.staff_name })),
    timeline,
    // Kept by triggers on orders and interactions: no aggregate per card.
    lifetimeSpendFen: Number(m.lifetime_spend_fen),
    orderCount: m.order_count,
    lastPurchaseAt: m.last_purchase_at ? iso(m.last_purchase_at) : null,
    lastContactAt: m.last_contact_at ? iso(m.last_contact_at) : null,
    rfm: m.rfm_class && m.rfm_r && m.rfm_f && m.rfm_m ? { r: m.rfm_r, f: m.rfm_f, m: m.rfm_m, rfmClass: m.rfm_class } : null,
    churnState: m.churn_state,
    tier: m.tier,
  };
};

export default route({
  GET: person({
    input: customerCardInputSchema,
    output: customerCardOutputSchema,
    run: ({ input, inTx }) => inTx((tx) => customerCardInTx(tx, input)),
  }),
});
