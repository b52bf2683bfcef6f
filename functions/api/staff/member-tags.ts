import type { z } from 'zod';
import type { Tx } from '../../_lib/db';
import { memberTagInputSchema, memberTagOutputSchema } from '../../../shared/schemas/member-tag.schema';
import { notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireStaffForMember } from '../../_lib/staff-guard';

type MemberTagInput = z.output<typeof memberTagInputSchema>;
type MemberTagOutput = z.input<typeof memberTagOutputSchema>;

// The requests' work inside the person's transaction.
export const addMemberTagInTx = async (tx: Tx, input: MemberTagInput): Promise<MemberTagOutput> => {
  const { staffId } = await requireStaffForMember(tx, input.memberId);
  const [tag] = await tx<{ group_id: string; selection: string }[]>`
    select t.group_id, g.selection from public.tags t
    join public.tag_groups g on g.org_id = t.org_id and g.id = t.group_id
    where t.org_id = (select private.jwt_org_id()) and t.id = ${input.tagId} and t.retired_at is null`;
  if (!tag) throw notFound('That tag');
  if (tag.selection === 'single') {
    await tx`
      delete from public.member_tags mt using public.tags t
      where mt.org_id = (select private.jwt_org_id()) and mt.member_id = ${input.memberId}
        and t.org_id = mt.org_id and t.id = mt.tag_id and t.group_id = ${tag.group_id} and mt.tag_id <> ${input.tagId}`;
  }
  await tx`
    insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
    values (private.jwt_org_id(), ${input.memberId}, ${input.tagId}, ${staffId})
    on conflict do nothing`;
  return { memberId: input.memberId, tagId: input.tagId, tagged: true };
};

export const removeMemberTagInTx = async (tx: Tx, input: MemberTagInput): Promise<MemberTagOutput> => {
  await requireStaffForMember(tx, input.memberId);
  await tx`
    delete from public.member_tags
    where org_id = (select private.jwt_org_id()) and member_id = ${input.memberId} and tag_id = ${input.tagId}`;
  return { memberId: input.memberId, tagId: input.tagId, tagged: false };
};

// POST adds a tag to a customer (idempotent; in a single-choice group it replaces the member's
// other tag of that group); DELETE removes it. Only for customers the caller can see.
export default route({
  POST: person({
    input: memberTagInputSchema,
    output: memberTagOutputSchema,
    run: ({ input, inTx }) => inTx((tx) => addMemberTagInTx(tx, input)),
  }),
  DELETE: person({
    input: memberTagInputSchema,
    output: memberTagOutputSchema,
    run: ({ input, inTx }) => inTx((tx) => removeMemberTagInTx(tx, input)),
  }),
});
