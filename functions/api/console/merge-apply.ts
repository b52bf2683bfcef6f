import { mergeApplyOutputSchema, mergePairInputSchema } from '../../../shared/schemas/member-merge.schema';
import { person, route } from '../../_lib/handler';
import { explainRefusal, resolveMemberRef } from '../../_lib/import/merge-members';
import { requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/merge-apply {memberA, memberB, survivorId?, candidateId?}: merges the pair
// under the survivorship rules; the merge records its rule and both members' before-state, moves
// orders, interactions, consents, identities, tags and subscription credits to the survivor, and
// can be undone. Audited.
export default route({
  POST: person({
    input: mergePairInputSchema,
    output: mergeApplyOutputSchema,
    run: async ({ input, inTx }) => {
      try {
        return await inTx(async (tx) => {
          await requireOperator(tx);
          const a = await resolveMemberRef(tx, input.memberA, 'memberA');
          const b = await resolveMemberRef(tx, input.memberB, 'memberB');
          const [m] = await tx<{ id: string }[]>`select public.member_merge_apply(${a}, ${b}, ${input.survivorId ?? null}, ${input.candidateId ?? null}) as id`;
          const [g] = await tx<{ survivor_id: string; loser_id: string; moved: Record<string, number> }[]>`
            select survivor_id, loser_id, moved from public.member_merges where org_id = (select private.jwt_org_id()) and id = ${m?.id ?? null}`;
          if (!m?.id || !g) throw new Error('the merge was not recorded');
          return { mergeId: m.id, survivorId: g.survivor_id, loserId: g.loser_id, moved: g.moved };
        });
      } catch (e) {
        return explainRefusal(e);
      }
    },
  }),
});
