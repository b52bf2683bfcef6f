import { customerCardInputSchema, customerCardOutputSchema } from '../../../shared/schemas/customer-card.schema';
import type { InteractionKind } from '../../../shared/schemas/common.schema';
import { notFound } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// GET /api/staff/customer?id=: the customer card. The phone is only ever the masked form here.
export default route({
  GET: person({
    input: customerCardInputSchema,
    output: customerCardOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const [m] = await tx<
          {
            id: string; member_no: string; name: string | null; gender: 'female' | 'male' | 'unknown'; phone_masked: string | null;
            joined_at: Date; store_id: string | null; store_name: string | null; associate_id: string | null; associate_name: string | null;
          }[]
        >`
          select m.id, m.member_no, m.name, m.gender, m.phone_masked, m.joined_at, m.store_id, st.name as store_name,
                 m.associate_id, sf.name as associate_name
          from public.members m
          left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
          left join public.staff sf on sf.org_id = m.org_id and sf.id = m.associate_id
          where m.org_id = private.jwt_org_id() and m.id = ${input.id}`;
        if (!m) throw notFound('That customer');
        const tags = await tx<{ id: string; name: string; color: string; group_id: string; group_name: string }[]>`
          select t.id, t.name, t.color, g.id as group_id, g.name as group_name
          from public.member_tags mt
          join public.tags t on t.org_id = mt.org_id and t.id = mt.tag_id
          join public.tag_groups g on g.org_id = t.org_id and g.id = t.group_id
          where mt.org_id = private.jwt_org_id() and mt.member_id = ${m.id}
          order by g.sort_order, g.name, t.name`;
        const orders = await tx<{ id: string; order_no: string; total_fen: string; ordered_at: Date; line_count: number }[]>`
          select o.id, o.order_no, o.total_fen, o.ordered_at,
                 (select count(*)::int from public.order_lines l where l.org_id = o.org_id and l.order_id = o.id) as line_count
          from public.orders o
          where o.org_id = private.jwt_org_id() and o.member_id = ${m.id}
          order by o.ordered_at desc limit 5`;
        const [totals] = await tx<{ spend: string; n: number }[]>`
          select coalesce(sum(total_fen), 0)::bigint as spend, count(*)::int as n
          from public.orders where org_id = private.jwt_org_id() and member_id = ${m.id}`;
        const interactions = await tx<{ id: string; kind: InteractionKind; note: string; occurred_at: Date; staff_name: string | null }[]>`
          select i.id, i.kind, i.note, i.occurred_at, s.name as staff_name
          from public.interactions i
          left join public.staff s on s.org_id = i.org_id and s.id = i.staff_id
          where i.org_id = private.jwt_org_id() and i.member_id = ${m.id}
          order by i.occurred_at desc limit 10`;
        return {
          id: m.id,
          memberNo: String(m.member_no),
          name: m.name,
          gender: m.gender,
          phoneMasked: m.phone_masked,
          joinedAt: iso(m.joined_at),
          store: m.store_id && m.store_name ? { id: m.store_id, name: m.store_name } : null,
          associate: m.associate_id && m.associate_name ? { id: m.associate_id, name: m.associate_name } : null,
          tags: tags.map((t) => ({ id: t.id, name: t.name, color: t.color, groupId: t.group_id, groupName: t.group_name })),
          orders: orders.map((o) => ({ id: o.id, orderNo: o.order_no, totalFen: Number(o.total_fen), orderedAt: iso(o.ordered_at), lineCount: o.line_count })),
          interactions: interactions.map((i) => ({ id: i.id, kind: i.kind, note: i.note, occurredAt: iso(i.occurred_at), staffName: i.staff_name })),
          lifetimeSpendFen: Number(totals?.spend ?? 0),
          orderCount: totals?.n ?? 0,
        };
      }),
  }),
});
