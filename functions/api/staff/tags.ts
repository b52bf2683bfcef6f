import { z } from 'zod';
import { tagTaxonomyOutputSchema } from '../../../shared/schemas/member-tag.schema';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// GET /api/staff/tags: the org's live tag taxonomy, grouped (retired tags are left out).
export default route({
  GET: person({
    input: z.object({}).strict(),
    output: tagTaxonomyOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const groups = await tx<{ id: string; name: string; selection: 'single' | 'multiple' }[]>`
          select id, name, selection from public.tag_groups where org_id = private.jwt_org_id() order by sort_order, name`;
        const tags = await tx<{ id: string; group_id: string; name: string; color: string }[]>`
          select id, group_id, name, color from public.tags
          where org_id = private.jwt_org_id() and retired_at is null order by name`;
        return {
          groups: groups.map((g) => ({
            ...g,
            tags: tags.filter((t) => t.group_id === g.id).map((t) => ({ id: t.id, name: t.name, color: t.color })),
          })),
        };
      }),
  }),
});
