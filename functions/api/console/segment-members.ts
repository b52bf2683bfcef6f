import { segmentMembersInputSchema, segmentMembersOutputSchema } from '../../../shared/schemas/segment-members.schema';
import { iso, person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';
import { segmentWhere } from '../../_lib/segments/segment-sql';
import { checkRuleReferences, invalidField, loadSegment, segmentContext } from '../../_lib/segments/segment-service';

// POST /api/console/segment-members: a page of the segment's members, newest first, following a
// keyset cursor over (joined_at, id) — the org's (org, joined_at, id) index — never OFFSET.
// Phones are the masked form only; full numbers are never part of a list.
type Row = {
  id: string; member_no: string; name: string | null; phone_masked: string | null; store_name: string | null; tier: string | null;
  rfm_class: string | null; churn_state: string; lifetime_spend_fen: string; order_count: number; last_purchase_at: Date | null;
  joined_at: Date; joined_key: string;
};

const encodeCursor = (joined: string, id: string): string => Buffer.from(JSON.stringify([joined, id])).toString('base64url');
const decodeCursor = (cursor: string): [string, string] => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/.test(v[1]) && !Number.isNaN(Date.parse(v[0]))) {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'not a cursor from this list');
};

export default route({
  POST: person({
    input: segmentMembersInputSchema,
    output: segmentMembersOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        let rules = input.rules;
        if (input.segmentId) rules = (await loadSegment(tx, input.segmentId)).rules;
        else if (rules) await checkRuleReferences(tx, rules);
        const ctx = await segmentContext(tx, orgId);
        const limit = input.limit ?? 20;
        const after = input.cursor ? decodeCursor(input.cursor) : null;
        const rows = await tx<Row[]>`
          select m.id, m.member_no, m.name, m.phone_masked, st.name as store_name, m.tier, m.rfm_class, m.churn_state,
                 m.lifetime_spend_fen, m.order_count, m.last_purchase_at, m.joined_at, m.joined_at::text as joined_key
          from public.members m
          left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
          where m.org_id = ${orgId} and m.deleted_at is null ${segmentWhere(tx, rules ?? {}, ctx)}
            ${after ? tx`and (m.joined_at, m.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : tx``}
          order by m.joined_at desc, m.id desc
          limit ${limit + 1}`;
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map((r) => ({
            id: r.id,
            memberNo: String(r.member_no),
            name: r.name,
            phoneMasked: r.phone_masked,
            storeName: r.store_name,
            tier: r.tier,
            rfmClass: r.rfm_class,
            churnState: r.churn_state,
            lifetimeSpendFen: Number(r.lifetime_spend_fen),
            orderCount: r.order_count,
            lastPurchaseAt: r.last_purchase_at ? iso(r.last_purchase_at) : null,
            joinedAt: iso(r.joined_at),
          })),
          nextCursor: rows.length > limit && last ? encodeCursor(last.joined_key, last.id) : null,
        };
      }),
  }),
});
