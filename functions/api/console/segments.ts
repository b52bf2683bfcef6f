import {
  segmentCreateInputSchema,
  segmentDeleteInputSchema,
  segmentDeleteOutputSchema,
  segmentListInputSchema,
  segmentListOutputSchema,
  segmentSchema,
} from '../../../shared/schemas/segment-admin.schema';
import { conflict } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';
import { checkRuleReferences, countSegment, segmentContext } from '../../_lib/segments/segment-service';
import { oneSegment, readSegments, segmentNameTaken } from '../../_lib/segments/segment-store';

// GET /api/console/segments: the org's saved segments; POST: save new rules under a name;
// DELETE ?id=: delete an unused one (POST /api/console/segment-update changes one).
// Every statement runs as the operator through RLS (only
// operators and admins of the org can read or write segments); a save also stores the count at
// that moment, which the list shows without counting every segment again.
export default route({
  GET: person({
    input: segmentListInputSchema,
    output: segmentListOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        return { segments: await readSegments(tx, null) };
      }),
  }),
  POST: person({
    input: segmentCreateInputSchema,
    output: segmentSchema,
    status: 201,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId, staffId } = await requireOperator(tx);
        await checkRuleReferences(tx, input.rules);
        if (await segmentNameTaken(tx, input.name, null)) throw conflict(`A segment named "${input.name}" already exists`);
        const n = await countSegment(tx, input.rules, await segmentContext(tx, orgId));
        const [s] = await tx<{ id: string }[]>`
          insert into public.segments (org_id, name, description, rules, created_by, last_count, last_counted_at)
          values (${orgId}, ${input.name}, ${input.description || null}, ${tx.json(input.rules)}, ${staffId}, ${n}, now())
          returning id`;
        if (!s) throw new Error('insert returned nothing');
        return oneSegment(tx, s.id);
      }),
  }),
  DELETE: person({
    input: segmentDeleteInputSchema,
    output: segmentDeleteOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const s = await oneSegment(tx, input.id);
        if (s.campaigns.length > 0) {
          throw conflict(`"${s.name}" is the audience of ${s.campaigns.map((c) => `"${c.name}"`).join(', ')}; remove it from the campaign first`);
        }
        await tx`delete from public.segments where org_id = ${orgId} and id = ${input.id}`;
        return { id: input.id, deleted: true as const };
      }),
  }),
});
