import {
  tagAdminCreateInputSchema,
  tagAdminListInputSchema,
  tagAdminListOutputSchema,
  tagAdminWriteOutputSchema,
} from '../../../shared/schemas/tag-admin-taxonomy.schema';
import type { Tx } from '../../_lib/db';
import { forbidden, notFound } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// The operators' tag taxonomy (console). Every write runs as the operator through RLS (the
// policies let only operators and admins write tag_groups and tags); the checks here turn
// "nothing happened" into clear errors.
export const requireOperator = async (tx: Tx): Promise<void> => {
  const { role } = await requireStaff(tx);
  if (role !== 'operator' && role !== 'admin') throw forbidden('Only operators manage the tag taxonomy');
};

export default route({
  GET: person({
    input: tagAdminListInputSchema,
    output: tagAdminListOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        const groups = await tx<{ id: string; name: string; selection: 'single' | 'multiple'; sort_order: number }[]>`
          select id, name, selection, sort_order from public.tag_groups where org_id = (select private.jwt_org_id()) order by sort_order, name`;
        // Counts per tag from the (org, tag, member) index: 50 tags at 1 M members is an
        // index-only count per tag, for a page operators open rarely.
        const tags = await tx<{ id: string; group_id: string; name: string; color: string; retired_at: Date | null; merged_into_id: string | null; n: number }[]>`
          select t.id, t.group_id, t.name, t.color, t.retired_at, t.merged_into_id,
                 (select count(*)::int from public.member_tags mt where mt.org_id = t.org_id and mt.tag_id = t.id) as n
          from public.tags t where t.org_id = (select private.jwt_org_id()) order by t.retired_at nulls first, t.name`;
        return {
          groups: groups.map((g) => ({
            id: g.id,
            name: g.name,
            selection: g.selection,
            sortOrder: g.sort_order,
            tags: tags
              .filter((t) => t.group_id === g.id)
              .map((t) => ({ id: t.id, name: t.name, color: t.color, retiredAt: t.retired_at ? iso(t.retired_at) : null, mergedIntoId: t.merged_into_id, memberCount: t.n })),
          })),
        };
      }),
  }),
  POST: person({
    input: tagAdminCreateInputSchema,
    output: tagAdminWriteOutputSchema,
    status: 201,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        if (input.kind === 'group') {
          const [g] = await tx<{ id: string }[]>`
            insert into public.tag_groups (org_id, name, selection, sort_order)
            values ((select private.jwt_org_id()), ${input.name}, ${input.selection},
                    (select coalesce(max(sort_order) + 1, 0) from public.tag_groups where org_id = (select private.jwt_org_id())))
            returning id`;
          if (!g) throw new Error('insert returned nothing');
          return { id: g.id };
        }
        const [group] = await tx`select 1 from public.tag_groups where org_id = (select private.jwt_org_id()) and id = ${input.groupId}`;
        if (!group) throw notFound('That tag group');
        const [t] = await tx<{ id: string }[]>`
          insert into public.tags (org_id, group_id, name, color) values ((select private.jwt_org_id()), ${input.groupId}, ${input.name}, ${input.color})
          returning id`;
        if (!t) throw new Error('insert returned nothing');
        return { id: t.id };
      }),
  }),
});
