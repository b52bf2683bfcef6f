import { customerPhoneRevealInputSchema, customerPhoneRevealOutputSchema } from '../../../shared/schemas/customer-card.schema';
import { decryptPii } from '../../_lib/crypto/pii-crypto';
import { DomainError, forbidden, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// POST /api/staff/customer-phone: the owning associate reveals a customer's full number.
// public.reveal_member_phone decides (owner, still in the customer's store, under 20 reveals an
// hour) and writes the audit log in this same transaction; the server decrypts. POST, never
// GET: a reveal is an audited act, not a cacheable read.
export default route({
  POST: person({
    input: customerPhoneRevealInputSchema,
    output: customerPhoneRevealOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const [r] = await tx<{ outcome: string; phone_enc: string | null }[]>`select * from public.reveal_member_phone(${input.memberId})`;
        switch (r?.outcome) {
          case 'ok':
            if (!r.phone_enc) throw notFound('That customer\'s phone number');
            return { memberId: input.memberId, phone: decryptPii(r.phone_enc, 'phone') };
          case 'not_owner':
            throw forbidden('Only the customer\'s own associate can see the full number');
          case 'no_phone':
            throw notFound('That customer\'s phone number');
          case 'rate_limited':
            throw new DomainError(429, 'rate_limited', 'Too many numbers revealed in the last hour; try again later');
          case 'not_found':
            throw notFound('That customer');
          default:
            throw forbidden('This is for store staff only');
        }
      }),
  }),
});
