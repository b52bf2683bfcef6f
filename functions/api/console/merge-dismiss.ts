import { mergeDismissInputSchema, mergeDismissOutputSchema } from '../../../shared/schemas/member-merge.schema';
import { person, route } from '../../_lib/handler';
import { explainRefusal } from '../../_lib/import/merge-members';
import { requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/merge-dismiss {candidateId}: "not the same person" — the pair is not
// proposed again by later imports. Audited.
export default route({
  POST: person({
    input: mergeDismissInputSchema,
    output: mergeDismissOutputSchema,
    run: async ({ input, inTx }) => {
      try {
        return await inTx(async (tx) => {
          await requireOperator(tx);
          await tx`select public.member_merge_dismiss(${input.candidateId})`;
          return { candidateId: input.candidateId, dismissed: true as const };
        });
      } catch (e) {
        return explainRefusal(e);
      }
    },
  }),
});
