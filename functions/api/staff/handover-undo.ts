import { handoverUndoInputSchema, handoverUndoOutputSchema } from '../../../shared/schemas/handover-customers.schema';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// POST /api/staff/handover-undo: within 24 hours, the manager who did a hand-over (or an admin)
// moves exactly its customers back; customers re-assigned again since are left alone.
export default route({
  POST: person({
    input: handoverUndoInputSchema,
    output: handoverUndoOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const [r] = await tx<{ restored: number }[]>`select * from public.undo_handover(${input.batchId})`;
        return { batchId: input.batchId, restored: r?.restored ?? 0 };
      }),
  }),
});
