import { BULK_TAG_MAX, bulkTagInputSchema, bulkTagOutputSchema } from '../../../shared/schemas/member-tag.schema';
import { DomainError, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';
import { customerWhere } from './customers';

// POST /api/staff/bulk-tags: tag or untag every customer a list filter matches. Set-based (one
// INSERT … SELECT / DELETE … USING over the same WHERE as the list), as the caller through RLS:
// the policies check each row, so nobody tags a customer they could not tag one by one.
// All or nothing: one transaction.
export default route({
  POST: person({
    input: bulkTagInputSchema,
    output: bulkTagOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const staff = await requireStaff(tx);
        const [tag] = await tx<{ group_id: string; selection: 'single' | 'multiple'; retired: boolean }[]>`
          select t.group_id, g.selection, t.retired_at is not null as retired from public.tags t
          join public.tag_groups g on g.org_id = t.org_id and g.id = t.group_id
          where t.org_id = (select private.jwt_org_id()) and t.id = ${input.tagId}`;
        if (!tag || (input.action === 'add' && tag.retired)) throw notFound('That tag');
        // A fragment per statement (fragments are thenables, so it travels wrapped).
        const matching = async () => {
          const where = await customerWhere(tx, input.filter, staff);
          return { frag: tx`
            select m.id from public.members m
            where m.org_id = (select private.jwt_org_id()) and m.deleted_at is null ${where.frag}` };
        };

        const [count] = await tx<{ n: number }[]>`select count(*)::int as n from (${(await matching()).frag} limit ${BULK_TAG_MAX + 1}) x`;
        const matched = count?.n ?? 0;
        if (matched > BULK_TAG_MAX) {
          throw new DomainError(400, 'too_many', `This list has more than ${BULK_TAG_MAX} customers; narrow it first`, [
            { path: 'filter', message: `matches more than ${BULK_TAG_MAX} customers` },
          ]);
        }

        // A bulk change is recorded (who, which tag, which filter, how many), like other mass acts.
        const audit = (changed: number) => tx`
          insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
          values ((select private.jwt_org_id()), auth.uid(), ${`member_tags.bulk_${input.action}`}, 'tag', ${input.tagId},
                  ${tx.json({ filter: input.filter, matched, changed })})`;

        if (input.action === 'remove') {
          const removed = await tx`
            delete from public.member_tags mt
            where mt.org_id = (select private.jwt_org_id()) and mt.tag_id = ${input.tagId} and mt.member_id in (${(await matching()).frag})`;
          await audit(removed.count);
          return { tagId: input.tagId, matched, changed: removed.count };
        }
        if (tag.selection === 'single') {
          await tx`
            delete from public.member_tags mt using public.tags t
            where mt.org_id = (select private.jwt_org_id()) and t.org_id = mt.org_id and t.id = mt.tag_id
              and t.group_id = ${tag.group_id} and mt.tag_id <> ${input.tagId}
              and mt.member_id in (${(await matching()).frag})`;
        }
        const added = await tx`
          insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
          select (select private.jwt_org_id()), x.id, ${input.tagId}::uuid, ${staff.staffId}::uuid from (${(await matching()).frag}) x
          on conflict do nothing`;
        await audit(added.count);
        return { tagId: input.tagId, matched, changed: added.count };
      }),
  }),
});
