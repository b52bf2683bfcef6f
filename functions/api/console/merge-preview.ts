import { mergePairInputSchema, mergePreviewOutputSchema, type MergePreview } from '../../../shared/schemas/member-merge.schema';
import { person, route } from '../../_lib/handler';
import { explainRefusal, resolveMemberRef } from '../../_lib/import/merge-members';
import { requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/merge-preview {memberA, memberB, survivorId?}: who would survive, each field
// the merge decides (the survivor's, the other's, the result and where it comes from), what
// would move to the survivor, and what blocks the merge. Changes nothing.
export default route({
  POST: person({
    input: mergePairInputSchema,
    output: mergePreviewOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        const a = await resolveMemberRef(tx, input.memberA, 'memberA');
        const b = await resolveMemberRef(tx, input.memberB, 'memberB');
        try {
          const [r] = await tx<{ p: MergePreview }[]>`select public.member_merge_preview(${a}, ${b}, ${input.survivorId ?? null}) as p`;
          if (!r) throw new Error('member_merge_preview returned nothing');
          return r.p;
        } catch (e) {
          return explainRefusal(e);
        }
      }),
  }),
});
