import { segmentCountInputSchema, segmentCountOutputSchema } from '../../../shared/schemas/segment-admin.schema';
import { person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';
import { checkRuleReferences, countSegment, loadSegment, segmentContext } from '../../_lib/segments/segment-service';

// POST /api/console/segment-count {rules} | {segmentId}: the live count the rule builder shows as
// the rules change. One count(*) through the operator's RLS over member_segment_facts, the live
// members' rule columns kept by triggers on members (tags: one grouped pass over member_tags), so
// the count is at most one pass over a narrow table at 1 M members (bench/dashboard-operations.ts,
// target 300 ms); a single RFM class, churn state or tier rule reads members' index of that
// column instead (countSourceOf). The member list reads members with the same rules and finds
// the same members.
export default route({
  POST: person({
    input: segmentCountInputSchema,
    output: segmentCountOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        let rules = input.rules;
        if (input.segmentId) rules = (await loadSegment(tx, input.segmentId)).rules;
        else if (rules) await checkRuleReferences(tx, rules);
        const count = await countSegment(tx, rules ?? {}, await segmentContext(tx, orgId));
        return { count, countedAt: new Date().toISOString() };
      }),
  }),
});
