import type { z } from 'zod';
import type { Tx } from '../../_lib/db';
import { interactionCreateInputSchema, interactionCreateOutputSchema } from '../../../shared/schemas/interaction-create.schema';
import { iso, person, route } from '../../_lib/handler';
import { requireStaffForMember } from '../../_lib/staff-guard';

// POST /api/staff/interactions: log a chat, call, visit or note, as the calling associate.
// The request's work inside the person's transaction.
export const logInteractionInTx = async (
  tx: Tx,
  input: z.output<typeof interactionCreateInputSchema>,
): Promise<z.input<typeof interactionCreateOutputSchema>> => {
  const { staffId } = await requireStaffForMember(tx, input.memberId);
  const [row] = await tx<{ id: string; occurred_at: Date }[]>`
    insert into public.interactions (org_id, member_id, staff_id, kind, note, follow_up_on)
    values (private.jwt_org_id(), ${input.memberId}, ${staffId}, ${input.kind}, ${input.note}, ${input.followUpOn ?? null})
    returning id, occurred_at`;
  if (!row) throw new Error('insert returned nothing');
  return { id: row.id, occurredAt: iso(row.occurred_at) };
};

export default route({
  POST: person({
    input: interactionCreateInputSchema,
    output: interactionCreateOutputSchema,
    status: 201,
    run: ({ input, inTx }) => inTx((tx) => logInteractionInTx(tx, input)),
  }),
});
