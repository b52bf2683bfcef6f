import { exportSummary } from '../../../shared/domain/profile-rights';
import { memberDataInputSchema, memberDataOutputSchema } from '../../../shared/schemas/privacy-request-actions.schema';
import { notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { logPrivacyRequest, ownMemberId } from '../../_lib/member-card';

// GET /api/member/data?purpose=view|export: everything held about the calling member (PIPL
// Art. 45): profile, WeChat account identifiers, identities, consent ledger, tags, associates'
// notes, orders with lines, subscriptions, earlier requests; with a readable summary. Each call
// is logged as an access or export request, and exports also go to the audit log.
export default route({
  GET: person({
    input: memberDataInputSchema,
    output: memberDataOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const memberId = await ownMemberId(tx);
        await logPrivacyRequest(tx, memberId, input.purpose === 'export' ? 'export' : 'access', input.purpose === 'export' ? 'copy delivered' : 'shown');
        if (input.purpose === 'export') {
          await tx`
            insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id)
            values (private.jwt_org_id(), auth.uid(), 'member.export', 'member', ${memberId})`;
        }
        const [row] = await tx<{ data: Record<string, unknown> | null }[]>`select public.my_member_data() as data`;
        if (!row?.data) throw notFound('Your membership');
        const exportedAt = new Date().toISOString();
        return { exportedAt, data: row.data, summary: exportSummary(row.data, exportedAt) };
      }),
  }),
});
