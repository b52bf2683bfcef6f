import { CHURN_STATE_LABELS, CHURN_STATES, RFM_CLASS_LABELS, RFM_CLASSES } from '../../../shared/domain/rfm';
import { segmentOptionsInputSchema, segmentOptionsOutputSchema } from '../../../shared/schemas/segment-admin.schema';
import { iso, person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';

// GET /api/console/segment-options: what the segment rule builder offers (stores, the tag
// taxonomy by group, RFM classes, churn states, consent states) and the org's member total.
const CONSENT_LABELS = { granted: '已同意营销消息', refused: '已拒绝 / 撤回', none: '未询问' } as const;

export default route({
  GET: person({
    input: segmentOptionsInputSchema,
    output: segmentOptionsOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const stores = await tx<{ id: string; code: string; name: string; city: string | null }[]>`
          select id, code, name, city from public.stores where org_id = ${orgId} and active order by code`;
        const groups = await tx<{ id: string; name: string }[]>`
          select id, name from public.tag_groups where org_id = ${orgId} order by sort_order, name`;
        const tags = await tx<{ id: string; group_id: string; name: string; color: string; retired: boolean }[]>`
          select id, group_id, name, color, retired_at is not null as retired from public.tags where org_id = ${orgId} order by retired_at nulls first, name`;
        // Index-only over the (org, joined_at, id) index.
        const [total] = await tx<{ n: number }[]>`select count(*)::int as n from public.members m where m.org_id = ${orgId} and m.deleted_at is null`;
        const [bp] = await tx<{ computed_at: Date }[]>`select computed_at from public.rfm_breakpoints where org_id = ${orgId}`;
        return {
          totalMembers: total?.n ?? 0,
          stores,
          tagGroups: groups.map((g) => ({
            id: g.id,
            name: g.name,
            tags: tags.filter((t) => t.group_id === g.id).map((t) => ({ id: t.id, name: t.name, color: t.color, retired: t.retired })),
          })),
          rfmClasses: RFM_CLASSES.map((key) => ({ key, label: RFM_CLASS_LABELS[key] })),
          churnStates: CHURN_STATES.map((key) => ({ key, label: CHURN_STATE_LABELS[key] })),
          consents: (['granted', 'refused', 'none'] as const).map((key) => ({ key, label: CONSENT_LABELS[key] })),
          rfmComputedAt: bp ? iso(bp.computed_at) : null,
        };
      }),
  }),
});
