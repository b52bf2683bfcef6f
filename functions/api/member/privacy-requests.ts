import { addWorkingDays, WORKING_DAYS_TO_ANSWER } from '../../../shared/domain/profile-rights';
import {
  privacyRequestCreateInputSchema,
  privacyRequestListInputSchema,
  privacyRequestListOutputSchema,
  privacyRequestSchema,
} from '../../../shared/schemas/privacy-request-actions.schema';
import type { Tx } from '../../_lib/db';
import { forbidden } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { ownMemberId, privacyRequestColumns as select, toPrivacyRequestItem as toItem, type PrivacyRequestRow as RequestRow } from '../../_lib/member-card';

const today = async (tx: Tx): Promise<string> => {
  const [row] = await tx<{ d: string }[]>`
    select to_char((now() at time zone o.timezone)::date, 'YYYY-MM-DD') as d from public.orgs o where o.id = private.jwt_org_id()`;
  return row?.d ?? new Date().toISOString().slice(0, 10);
};

// GET ?scope=mine: the member's own requests. GET ?scope=due: admins' list of pending requests,
// soonest due first. POST: a member asks for a correction staff must make (e.g. an order), due
// in 15 working days. (Admins resolve them through /api/member/privacy-request-resolve.)
export default route({
  GET: person({
    input: privacyRequestListInputSchema,
    output: privacyRequestListOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        if (input.scope === 'due') {
          const [admin] = await tx<{ ok: boolean }[]>`select private.is_org_admin() as ok`;
          if (!admin?.ok) throw forbidden('Only admins see the due privacy requests');
          const rows = await tx<RequestRow[]>`
            select ${select(tx)} where r.org_id = private.jwt_org_id() and r.status = 'pending'
            order by r.due_on, r.requested_at limit 200`;
          return { items: rows.map(toItem) };
        }
        const memberId = await ownMemberId(tx);
        const rows = await tx<RequestRow[]>`
          select ${select(tx)} where r.org_id = private.jwt_org_id() and r.member_id = ${memberId}
          order by r.requested_at desc limit 200`;
        return { items: rows.map(toItem) };
      }),
  }),
  POST: person({
    input: privacyRequestCreateInputSchema,
    output: privacyRequestSchema,
    status: 201,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const memberId = await ownMemberId(tx);
        const due = addWorkingDays(await today(tx), WORKING_DAYS_TO_ANSWER);
        const [created] = await tx<{ id: string }[]>`
          insert into public.privacy_requests (org_id, member_id, kind, status, detail, due_on)
          values (private.jwt_org_id(), ${memberId}, ${input.kind}, 'pending', ${input.detail}, ${due}::date)
          returning id`;
        const [row] = await tx<RequestRow[]>`select ${select(tx)} where r.org_id = private.jwt_org_id() and r.id = ${created?.id ?? null}`;
        if (!row) throw new Error('privacy request insert returned nothing');
        return toItem(row);
      }),
  }),
});
