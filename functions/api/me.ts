import { z } from 'zod';
import { meOutputSchema } from '../../shared/schemas/auth-login.schema';
import { notFound } from '../_lib/errors';
import { person, route } from '../_lib/handler';

// GET /api/me: the signed-in person as member and/or staff of the token's org.
export default route({
  GET: person({
    input: z.object({}).strict(),
    output: meOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        const [org] = await tx<{ id: string; name: string }[]>`select id, name from public.orgs where id = private.jwt_org_id()`;
        const [account] = await tx<{ id: string }[]>`select id from public.accounts where id = auth.uid()`;
        if (!org || !account) throw notFound('Your account');
        const [member] = await tx<{ id: string; member_no: string; name: string | null; has_phone: boolean }[]>`
          select id, member_no, name, phone_last4 is not null as has_phone
          from public.members where org_id = private.jwt_org_id() and account_id = auth.uid()`;
        const [staff] = await tx<{ id: string; name: string; role: 'associate' | 'manager' | 'operator' | 'admin' }[]>`
          select id, name, role from public.staff
          where org_id = private.jwt_org_id() and account_id = auth.uid() and active`;
        const stores = staff
          ? await tx<{ id: string; name: string }[]>`
              select id, name from public.stores
              where org_id = private.jwt_org_id() and id = any (private.my_store_ids()) order by code`
          : [];
        return {
          accountId: account.id,
          org,
          member: member ? { id: member.id, memberNo: String(member.member_no), name: member.name, hasPhone: member.has_phone } : null,
          staff: staff ? { ...staff, stores } : null,
        };
      }),
  }),
});
