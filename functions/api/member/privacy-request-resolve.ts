import {
  privacyRequestResolveInputSchema,
  privacyRequestSchema,
} from '../../../shared/schemas/privacy-request-actions.schema';
import { forbidden, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { privacyRequestColumns, toPrivacyRequestItem, type PrivacyRequestRow } from '../../_lib/member-card';

// POST /api/member/privacy-request-resolve: an admin resolves a pending privacy request (done or
// refused, saying what was done), as themselves; the resolution goes to the audit log.
export default route({
  POST: person({
    input: privacyRequestResolveInputSchema,
    output: privacyRequestSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const [admin] = await tx<{ ok: boolean }[]>`select private.is_org_admin() as ok`;
        if (!admin?.ok) throw forbidden('Only admins resolve privacy requests');
        const updated = await tx`
          update public.privacy_requests set status = ${input.status}, outcome = ${input.outcome}, completed_at = now(),
            handled_by = private.my_staff_id()
          where org_id = private.jwt_org_id() and id = ${input.id} and status = 'pending'`;
        if (updated.count === 0) throw notFound('A pending request with that id');
        await tx`
          insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
          values (private.jwt_org_id(), auth.uid(), 'privacy_request.resolved', 'privacy_request', ${input.id}, ${tx.json({ status: input.status })})`;
        const [row] = await tx<PrivacyRequestRow[]>`select ${privacyRequestColumns(tx)} where r.org_id = private.jwt_org_id() and r.id = ${input.id}`;
        if (!row) throw notFound('That request');
        return toPrivacyRequestItem(row);
      }),
  }),
});
