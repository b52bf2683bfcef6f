import { tagMergeInputSchema, tagMergeOutputSchema } from '../../../shared/schemas/tag-admin-taxonomy.schema';
import { DomainError, forbidden, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// POST /api/console/tags-merge: merge a tag into another of the same group (e.g. 健身 into
// 运动). Set-based, as the operator through RLS, in one transaction: the members of the old tag
// get the surviving one (as tagged by the operator), lose the old one, and the old tag is
// retired with merged_into_id pointing at the survivor. Audited.
export default route({
  POST: person({
    input: tagMergeInputSchema,
    output: tagMergeOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { role, staffId } = await requireStaff(tx);
        if (role !== 'operator' && role !== 'admin') throw forbidden('Only operators merge tags');
        const tags = await tx<{ id: string; group_id: string; retired: boolean; merged: boolean }[]>`
          select id, group_id, retired_at is not null as retired, merged_into_id is not null as merged from public.tags
          where org_id = (select private.jwt_org_id()) and id in (${input.fromTagId}, ${input.intoTagId})`;
        const from = tags.find((t) => t.id === input.fromTagId);
        const into = tags.find((t) => t.id === input.intoTagId);
        if (!from) throw notFound('The tag to merge');
        if (!into || into.retired) throw notFound('The tag to merge into');
        if (from.merged) throw new DomainError(409, 'conflict', 'That tag was already merged');
        if (from.group_id !== into.group_id) {
          throw new DomainError(400, 'invalid_input', 'Tags can only be merged within one group', [{ path: 'intoTagId', message: 'is in another group' }]);
        }
        const moved = await tx`
          insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
          select mt.org_id, mt.member_id, ${input.intoTagId}::uuid, ${staffId}::uuid from public.member_tags mt
          where mt.org_id = (select private.jwt_org_id()) and mt.tag_id = ${input.fromTagId}
          on conflict do nothing`;
        await tx`delete from public.member_tags where org_id = (select private.jwt_org_id()) and tag_id = ${input.fromTagId}`;
        await tx`
          update public.tags set retired_at = coalesce(retired_at, now()), merged_into_id = ${input.intoTagId}
          where org_id = (select private.jwt_org_id()) and id = ${input.fromTagId}`;
        await tx`
          insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
          values ((select private.jwt_org_id()), auth.uid(), 'tags.merge', 'tag', ${input.fromTagId},
                  ${tx.json({ into: input.intoTagId, moved: moved.count })})`;
        return { fromTagId: input.fromTagId, intoTagId: input.intoTagId, moved: moved.count };
      }),
  }),
});
