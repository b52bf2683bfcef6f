import { memberDeleteInputSchema, memberDeleteOutputSchema } from '../../../shared/schemas/privacy-request-actions.schema';
import { person, route } from '../../_lib/handler';
import { ownMemberId } from '../../_lib/member-card';

// POST /api/member/delete: the member deletes their account (PIPL Art. 47). At once: personal
// data erased or irreversibly anonymised, orders kept without the person, WeChat link cut,
// staff can no longer see the member; the erasure is logged without the erased data.
export default route({
  POST: person({
    input: memberDeleteInputSchema,
    output: memberDeleteOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await ownMemberId(tx);
        const [row] = await tx<{ id: string }[]>`select public.erase_my_membership() as id`;
        if (!row) throw new Error('erase_my_membership returned nothing');
        return { deleted: true as const, requestId: row.id };
      }),
  }),
});
