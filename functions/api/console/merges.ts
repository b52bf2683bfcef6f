import { mergeOverviewInputSchema, mergeOverviewOutputSchema, type MergeOverview } from '../../../shared/schemas/member-merge.schema';
import { person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';

// GET /api/console/merges: open merge candidates (pairs that an import's identifiers say are one
// person), each with both members' cards, and the recent merges (to undo).
export default route({
  GET: person({
    input: mergeOverviewInputSchema,
    output: mergeOverviewOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        const [r] = await tx<{ o: MergeOverview }[]>`select public.member_merge_overview(100) as o`;
        return r?.o ?? { candidates: [], merges: [] };
      }),
  }),
});
