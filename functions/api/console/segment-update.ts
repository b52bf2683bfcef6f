import { segmentSchema, segmentUpdateInputSchema } from '../../../shared/schemas/segment-admin.schema';
import { conflict } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';
import { checkRuleReferences, countSegment, segmentContext } from '../../_lib/segments/segment-service';
import { oneSegment, segmentNameTaken } from '../../_lib/segments/segment-store';

// POST /api/console/segment-update: rename, describe or change the rules of a saved segment
// (as the operator, through RLS; the change is signed with updated_by). New rules store a new
// count; campaigns that target the segment take the new rules at their next planning.
export default route({
  POST: person({
    input: segmentUpdateInputSchema,
    output: segmentSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId, staffId } = await requireOperator(tx);
        await oneSegment(tx, input.id);
        if (input.rules) await checkRuleReferences(tx, input.rules);
        if (input.name && (await segmentNameTaken(tx, input.name, input.id))) throw conflict(`A segment named "${input.name}" already exists`);
        const n = input.rules ? await countSegment(tx, input.rules, await segmentContext(tx, orgId)) : null;
        await tx`
          update public.segments set
            updated_by = ${staffId}
            ${input.name ? tx`, name = ${input.name}` : tx``}
            ${input.description !== undefined ? tx`, description = ${input.description || null}` : tx``}
            ${input.rules ? tx`, rules = ${tx.json(input.rules)}, last_count = ${n}, last_counted_at = now()` : tx``}
          where org_id = ${orgId} and id = ${input.id}`;
        return oneSegment(tx, input.id);
      }),
  }),
});
