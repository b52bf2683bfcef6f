import { memberCardOutputSchema } from '../../../shared/schemas/member-card.schema';
import { memberPhoneInputSchema } from '../../../shared/schemas/member-phone.schema';
import { protectPhone } from '../../_lib/crypto/phone';
import { withAuthServiceTx } from '../../_lib/db';
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
    run: async ({ input, inTx, claims, sql }) => {
      const member = await inTx(
        (tx) => tx<{ id: string; has_phone: boolean }[]>`
          select id, phone_last4 is not null as has_phone from public.members
          where account_id = auth.uid() and org_id = private.jwt_org_id()`,
      );
      const me = member[0];
      if (!me) throw notFound('Your membership');
      if (me.has_phone) throw new DomainError(409, 'phone_already_set', 'Your phone number is already on your membership');
      // Each exchange costs the brand money: at most 5 attempts per account and hour, counted in
      // the database so every function instance shares the budget. The attempt is committed
      // before WeChat is called, so a failing call still counts.
      const [slot] = await inTx((tx) => tx<{ ok: boolean }[]>`select public.take_phone_exchange_slot() as ok`);
      if (!slot?.ok) throw new DomainError(429, 'rate_limited', 'Too many attempts; try again in an hour');

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

      // The verified number is written by the identity service (as GoTrue writes a verified
      // phone on Supabase): people cannot write phone columns or phone identities themselves.
      // A number that belongs to a member without a WeChat account (joined at the till,
      // imported) is the same person: this account is folded into that membership.
      const stored = await withAuthServiceTx(sql, (tx) => tx<{ outcome: 'stored' | 'merged' | 'in_use' }[]>`
        select private.link_verified_phone(${claims.org_id}, ${claims.sub}, ${me.id}, ${phone.enc}, ${phone.hash}, ${phone.last4}, ${phone.masked}) as outcome`);
      const outcome = stored[0]?.outcome;
      if (outcome === 'in_use') {
        throw new DomainError(409, 'phone_in_use', 'This phone number belongs to another WeChat account\'s membership; ask the store to help');
      }
      const card = await inTx(loadOwnMemberCard);
      return outcome === 'merged' ? { ...card, notice: '该手机号已是本品牌会员，已合并到原有会员账户（保留原会员号和消费记录）' } : card;
    },
  }),
});
