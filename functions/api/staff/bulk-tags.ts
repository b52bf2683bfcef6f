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
        const staff = await requireStaff(tx, { customPlans: true });
        const [tag] = await tx<{ group_id: string; selection: 'single' | 'multiple'; retired: boolean }[]>`
          select t.group_id, g.selection, t.retired_at is not null as retired from public.tags t
          join public.tag_groups g on g.org_id = t.org_id and g.id = t.group_id
          where t.org_id = ${staff.orgId} and t.id = ${input.tagId}`;
        if (!tag || (input.action === 'add' && tag.retired)) throw notFound('That tag');
        // ONE statement: the matching customers (read once; they carry their store, which the
        // insert writes — the policy checks it — instead of a per-row trigger looking each
        // member up again), the change, and its audit record, all conditional on the list
        // not being too long, so a refused call changes nothing.
        const where = await customerWhere(tx, input.filter, staff);
        const org = tx`${staff.orgId}::uuid`;
        const within = tx`(select n from counted) <= ${BULK_TAG_MAX}`;
        const change =
          input.action === 'remove'
            ? tx`changed as (
                delete from public.member_tags mt
                where mt.org_id = ${org} and mt.tag_id = ${input.tagId} and ${within}
                  and mt.member_id in (select id from matched)
                returning 1)`
            : tx`${
                tag.selection === 'single'
                  ? tx`others as (
                      delete from public.member_tags mt using public.tags t
                      where mt.org_id = ${org} and t.org_id = mt.org_id and t.id = mt.tag_id and ${within}
                        and t.group_id = ${tag.group_id} and mt.tag_id <> ${input.tagId}
                        and mt.member_id in (select id from matched)
                      returning 1),`
                  : tx``
              }
              changed as (
                insert into public.member_tags (org_id, member_id, tag_id, tagged_by, store_id)
                select ${org}, x.id, ${input.tagId}::uuid, ${staff.staffId}::uuid, x.store_id from matched x where ${within}
                on conflict do nothing
                returning 1)`;
        const [r] = await tx<{ matched: number; changed: number }[]>`
          with matched as materialized (
            select m.id, m.store_id from public.members m
            where m.org_id = ${org} and m.deleted_at is null ${where.frag}
            limit ${BULK_TAG_MAX + 1}),
          counted as (select count(*)::int as n from matched),
          ${change},
          -- A bulk change is recorded (who, which tag, which filter, how many), like other mass acts.
          audited as (
            insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
            select ${org}, auth.uid(), ${`member_tags.bulk_${input.action}`}, 'tag', ${input.tagId},
                   jsonb_build_object('filter', ${tx.json(input.filter)}::jsonb, 'matched', (select n from counted), 'changed', (select count(*) from changed))
            where ${within}
            returning 1)
          select (select n from counted) as matched, (select count(*)::int from changed) as changed, (select count(*) from audited) as audited`;
        const matched = r?.matched ?? 0;
        if (matched > BULK_TAG_MAX) {
          throw new DomainError(400, 'too_many', `This list has more than ${BULK_TAG_MAX} customers; narrow it first`, [
            { path: 'filter', message: `matches more than ${BULK_TAG_MAX} customers` },
          ]);
        }
        return { tagId: input.tagId, matched, changed: r?.changed ?? 0 };
      }),
  }),
});
