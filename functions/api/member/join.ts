import { memberCardOutputSchema } from '../../../shared/schemas/member-card.schema';
import { memberJoinInputSchema } from '../../../shared/schemas/member-join.schema';
import { nameSearchKeys } from '../../../shared/domain/name-pinyin';
import { getConfig } from '../../_lib/config';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { loadOwnMemberCard, recordConsent } from '../../_lib/member-card';

// Field named by public.join_membership() when a code does not resolve.
const codeErrors: Record<string, { code: string; message: string; field: string }> = {
  inviteCode: { code: 'unknown_invite_code', message: 'That associate code is not known (or the associate has left)', field: 'unknown associate code' },
  storeCode: { code: 'unknown_store', message: 'That store code is not known', field: 'unknown store' },
};

// POST /api/member/join: agree to the terms and the privacy policy (one ledger row each, with
// the policy version) and become a member, attributed to the associate and/or store whose QR
// code was scanned. Joining again returns the same member (same account, or the member that
// already holds this WeChat unionid).
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
        const keys = input.name ? nameSearchKeys(input.name) : null;
        let joined: { member_id: string; created: boolean; resolved_by: string } | undefined;
        try {
          // Attribution (members.associate_id) is not writable by a person: the function resolves
          // the invite code itself and checks the store against the associate's stores.
          [joined] = await tx<{ member_id: string; created: boolean; resolved_by: string }[]>`
            select * from public.join_membership(${input.storeCode ?? null}, ${input.inviteCode ?? null},
              ${input.name ?? null}, ${keys?.pinyin ?? null}, ${keys?.initials ?? null})`;
        } catch (e) {
          const hint = (e as { hint?: unknown }).hint;
          const known = typeof hint === 'string' ? codeErrors[hint] : undefined;
          if ((e as { code?: unknown }).code === 'P0001' && known && typeof hint === 'string') {
            throw new DomainError(400, known.code, known.message, [{ path: hint, message: known.field }]);
          }
          throw e;
        }
        if (!joined) throw new Error('join_membership returned nothing');
        const decisions = [
          { purpose: 'membership_terms', granted: true },
          { purpose: 'privacy_policy', granted: true },
          { purpose: 'marketing', granted: input.marketing ?? false },
        ];
        for (const d of decisions) {
          await recordConsent(tx, joined.member_id, { ...d, policyVersion: version, source: 'miniprogram_join' });
        }
        const card = await loadOwnMemberCard(tx);
        return joined.resolved_by === 'unionid'
          ? { ...card, notice: '你的微信已是本品牌会员，已为你登录原有会员账户' }
          : card;
      });
    },
  }),
});
