import { memberCardOutputSchema } from '../../../shared/schemas/member-card.schema';
import { memberJoinInputSchema } from '../../../shared/schemas/member-join.schema';
import { nameSearchKeys } from '../../../shared/domain/name-pinyin';
import { getConfig } from '../../_lib/config';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { loadOwnMemberCard } from '../../_lib/member-card';

// POST /api/member/join: agree to the terms and the privacy policy (one ledger row each, with
// the policy version) and become a member. Joining again returns the same member.
export default route({
  POST: person({
    input: memberJoinInputSchema,
    output: memberCardOutputSchema,
    status: 200,
    run: async ({ input, inTx }) => {
      const version = getConfig().PRIVACY_POLICY_VERSION;
      if (input.policyVersion !== version) {
        throw new DomainError(409, 'policy_changed', 'The privacy policy has changed; read the new version', [
          { path: 'policyVersion', message: `current version is ${version}` },
        ]);
      }
      return inTx(async (tx) => {
        const [existing] = await tx<{ id: string }[]>`
          select id from public.members where account_id = auth.uid() and org_id = private.jwt_org_id()`;
        let memberId = existing?.id;
        if (!memberId) {
          let storeId: string | null = null;
          if (input.storeCode) {
            const [store] = await tx<{ id: string }[]>`
              select id from public.stores where org_id = private.jwt_org_id() and code = ${input.storeCode} and active`;
            if (!store) throw new DomainError(400, 'unknown_store', 'That store code is not known', [{ path: 'storeCode', message: 'unknown store' }]);
            storeId = store.id;
          }
          const keys = input.name ? nameSearchKeys(input.name) : null;
          // Two taps at once (or two devices) must not make two members: the unique index on
          // (org_id, account_id) arbitrates, and the loser reads the winner's row.
          const [created] = await tx<{ id: string }[]>`
            insert into public.members (org_id, account_id, store_id, name, name_pinyin, name_initials, join_channel)
            values (private.jwt_org_id(), auth.uid(), ${storeId}, ${input.name ?? null}, ${keys?.pinyin ?? null},
                    ${keys?.initials ?? null}, ${storeId ? 'store_qr' : 'organic'})
            on conflict (org_id, account_id) where account_id is not null do nothing
            returning id`;
          const [winner] = created
            ? [created]
            : await tx<{ id: string }[]>`select id from public.members where account_id = auth.uid() and org_id = private.jwt_org_id()`;
          memberId = winner?.id;
          if (!memberId) throw new Error('member insert returned nothing');
          // The WeChat identities of the signing-in account become the member's identities.
          await tx`
            insert into public.member_identities (org_id, kind, value, member_id)
            select a.org_id, 'openid', a.wx_openid, ${memberId}::uuid from public.accounts a where a.id = auth.uid()
            union all
            select a.org_id, 'unionid', a.wx_unionid, ${memberId}::uuid from public.accounts a where a.id = auth.uid() and a.wx_unionid is not null
            on conflict do nothing`;
        }
        // Serialise concurrent joins of the same member before reading the ledger.
        await tx`select 1 from public.members where org_id = private.jwt_org_id() and id = ${memberId} for update`;
        const decisions = [
          { purpose: 'membership_terms', granted: true },
          { purpose: 'privacy_policy', granted: true },
          { purpose: 'marketing', granted: input.marketing ?? false },
        ];
        // The ledger gets a row only when a decision changes (or the policy version does), so a
        // repeated join does not pile up identical rows.
        for (const d of decisions) {
          await tx`
            insert into public.consents (org_id, member_id, purpose, channel, granted, policy_version, source)
            select private.jwt_org_id(), ${memberId}::uuid, ${d.purpose}, 'all', ${d.granted}, ${version}, 'miniprogram_join'
            where not exists (
              select 1 from (
                select c.granted, c.policy_version from public.consents c
                where c.org_id = private.jwt_org_id() and c.member_id = ${memberId}::uuid and c.purpose = ${d.purpose} and c.channel = 'all'
                order by c.created_at desc, c.id desc limit 1
              ) latest
              where latest.granted = ${d.granted} and latest.policy_version = ${version}
            )`;
        }
        return loadOwnMemberCard(tx);
      });
    },
  }),
});
