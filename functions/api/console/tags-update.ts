import { tagAdminUpdateInputSchema, tagAdminWriteOutputSchema } from '../../../shared/schemas/tag-admin-taxonomy.schema';
import { conflict, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireOperator } from './tags';

// POST /api/console/tags-update: rename or reorder a group, change its selection; rename or
// recolour a tag, retire it (customers keep it: history) or restore it. As the operator,
// through RLS.
export default route({
  POST: person({
    input: tagAdminUpdateInputSchema,
    output: tagAdminWriteOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        if (input.kind === 'group') {
          if (input.selection === 'single') {
            // A group cannot become single-choice while a customer carries two of its tags.
            const [clash] = await tx`
              select 1 from public.member_tags mt join public.tags t on t.org_id = mt.org_id and t.id = mt.tag_id
              where mt.org_id = (select private.jwt_org_id()) and t.group_id = ${input.id}
              group by mt.member_id having count(*) > 1 limit 1`;
            if (clash) throw conflict('Some customers carry several tags of this group; make it single-choice after cleaning them up');
          }
          const r = await tx`
            update public.tag_groups set
              name = coalesce(${input.name ?? null}, name),
              selection = coalesce(${input.selection ?? null}, selection),
              sort_order = coalesce(${input.sortOrder ?? null}::int, sort_order)
            where org_id = (select private.jwt_org_id()) and id = ${input.id}`;
          if (r.count === 0) throw notFound('That tag group');
          return { id: input.id };
        }
        const [tag] = await tx<{ merged: boolean }[]>`
          select merged_into_id is not null as merged from public.tags where org_id = (select private.jwt_org_id()) and id = ${input.id}`;
        if (!tag) throw notFound('That tag');
        if (input.retired === false && tag.merged) throw conflict('A merged tag stays retired');
        await tx`
          update public.tags set
            name = coalesce(${input.name ?? null}, name),
            color = coalesce(${input.color ?? null}, color),
            retired_at = ${input.retired === undefined ? tx`retired_at` : input.retired ? tx`coalesce(retired_at, now())` : tx`null`}
          where org_id = (select private.jwt_org_id()) and id = ${input.id}`;
        return { id: input.id };
      }),
  }),
});
