import { mergeUndoInputSchema, mergeUndoOutputSchema } from '../../../shared/schemas/member-merge.schema';
import { person, route } from '../../_lib/handler';
import { explainRefusal } from '../../_lib/import/merge-members';
import { requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/merge-undo {mergeId}: undoes a merge — exactly what it moved goes back to
// the retired member, which returns; fields the merge set (and nobody changed since) return to
// the survivor's own; the candidate reopens. Audited.
export default route({
  POST: person({
    input: mergeUndoInputSchema,
    output: mergeUndoOutputSchema,
    run: async ({ input, inTx }) => {
      try {
        return await inTx(async (tx) => {
          await requireOperator(tx);
          const [r] = await tx<{ restored: Record<string, number> }[]>`select public.member_merge_undo(${input.mergeId}) as restored`;
          return { mergeId: input.mergeId, restored: r?.restored ?? {} };
        });
      } catch (e) {
        return explainRefusal(e);
      }
    },
  }),
});
