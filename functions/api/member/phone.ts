import { memberCardOutputSchema } from '../../../shared/schemas/member-card.schema';
import { memberPhoneInputSchema } from '../../../shared/schemas/member-phone.schema';
import { protectPhone } from '../../_lib/crypto/phone';
import { DomainError, notFound } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { loadOwnMemberCard } from '../../_lib/member-card';
import { WechatApiError } from '../../_lib/wechat/wechat-client';
import { getWechatClient } from '../../_lib/wechat-context';

// POST /api/member/phone: exchange the getPhoneNumber code with WeChat (a paid call: made only
// for a member without a number) and store the number encrypted, with its blind index.
export default route({
  POST: person({
    input: memberPhoneInputSchema,
    output: memberCardOutputSchema,
    run: async ({ input, inTx }) => {
      const member = await inTx(
        (tx) => tx<{ id: string; has_phone: boolean }[]>`
          select id, phone_last4 is not null as has_phone from public.members
          where account_id = auth.uid() and org_id = private.jwt_org_id()`,
      );
      const me = member[0];
      if (!me) throw notFound('Your membership');
      if (me.has_phone) throw new DomainError(409, 'phone_already_set', 'Your phone number is already on your membership');

      let phoneNumber: string;
      try {
        phoneNumber = (await getWechatClient().getPhoneNumber(input.code)).phoneNumber;
      } catch (e) {
        if (e instanceof WechatApiError && e.disposition === 'permanent') {
          throw new DomainError(400, 'invalid_code', 'The phone code is invalid or already used', [{ path: 'code', message: e.errmsg }]);
        }
        throw new DomainError(503, 'wechat_unavailable', 'WeChat is not answering; try again in a moment');
      }
      const phone = protectPhone(phoneNumber);

      return inTx(async (tx) => {
        const linked = await tx`
          insert into public.member_identities (org_id, kind, value, member_id)
          values (private.jwt_org_id(), 'phone', ${phone.hash}, ${me.id})
          on conflict (org_id, kind, value) do nothing
          returning member_id`;
        if (linked.length === 0) {
          const mine = await tx`select 1 from public.member_identities where org_id = private.jwt_org_id() and kind = 'phone' and member_id = ${me.id}`;
          if (mine.length === 0) throw new DomainError(409, 'phone_in_use', 'This phone number belongs to another membership');
        }
        await tx`
          update public.members
          set phone_enc = ${phone.enc}, phone_hash = ${phone.hash}, phone_last4 = ${phone.last4}, phone_masked = ${phone.masked}
          where org_id = private.jwt_org_id() and id = ${me.id}`;
        return loadOwnMemberCard(tx);
      });
    },
  }),
});
