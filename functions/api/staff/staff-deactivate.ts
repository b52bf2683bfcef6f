import { staffDeactivateInputSchema, staffDeactivateOutputSchema } from '../../../shared/schemas/handover-customers.schema';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// POST /api/staff/staff-deactivate: a manager deactivates an associate who works only in the
// manager's stores (an admin: anyone but themselves). Their next request is refused: every RLS
// helper reads staff.active. Audited by public.deactivate_staff.
export default route({
  POST: person({
    input: staffDeactivateInputSchema,
    output: staffDeactivateOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const [r] = await tx<{ deactivated: boolean }[]>`select * from public.deactivate_staff(${input.staffId})`;
        return { staffId: input.staffId, deactivated: r?.deactivated ?? false };
      }),
  }),
});
