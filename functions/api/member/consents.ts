import { z } from 'zod';
import { policyNeedsReconsent } from '../../../shared/domain/consent-purposes';
import { consentDecisionInputSchema, consentLedgerOutputSchema, type ConsentLedgerOutput } from '../../../shared/schemas/consent-decision.schema';
import { getConfig } from '../../_lib/config';
import type { Tx } from '../../_lib/db';
import { DomainError } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { logPrivacyRequest, ownMemberId, recordConsent } from '../../_lib/member-card';

type LedgerRow = { purpose: string; channel: string; granted: boolean; policy_version: string; source: string; created_at: Date };

const loadLedger = async (tx: Tx, memberId: string): Promise<ConsentLedgerOutput> => {
  const rows = await tx<LedgerRow[]>`
    select purpose, channel, granted, policy_version, source, created_at from public.consents
    where org_id = private.jwt_org_id() and member_id = ${memberId}
    order by created_at desc, id desc`;
  const current = new Map<string, LedgerRow>();
  for (const r of rows) if (r.channel === 'all' && !current.has(r.purpose)) current.set(r.purpose, r);
  const version = getConfig().PRIVACY_POLICY_VERSION;
  const latest = [...current.values()].map((r) => ({ purpose: r.purpose, granted: r.granted, policyVersion: r.policy_version, at: iso(r.created_at) }));
  return {
    currentPolicyVersion: version,
    policyOutdated: policyNeedsReconsent(latest, version),
    current: latest,
    ledger: rows.map((r) => ({ purpose: r.purpose, channel: r.channel, granted: r.granted, policyVersion: r.policy_version, source: r.source, at: iso(r.created_at) })),
  };
};

// GET /api/member/consents: the ledger. POST: one tap grants or withdraws one purpose, in force
// for every later send at once (senders read the latest row). Withdrawing the sensitive-data
// consent also erases the birthday it covered.
export default route({
  GET: person({
    input: z.object({}).strict(),
    output: consentLedgerOutputSchema,
    run: ({ inTx }) => inTx(async (tx) => loadLedger(tx, await ownMemberId(tx))),
  }),
  POST: person({
    input: consentDecisionInputSchema,
    output: consentLedgerOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const version = getConfig().PRIVACY_POLICY_VERSION;
        if (input.policyVersion !== version) {
          throw new DomainError(409, 'policy_changed', 'The privacy policy has changed; read the new version', [
            { path: 'policyVersion', message: `current version is ${version}` },
          ]);
        }
        const memberId = await ownMemberId(tx);
        if (input.purpose === 'privacy_policy') {
          // Agreeing to a new version renews the terms too: both are the basis of membership.
          await recordConsent(tx, memberId, { purpose: 'membership_terms', granted: true, policyVersion: version, source: 'miniprogram_reconsent' });
        }
        const changed = await recordConsent(tx, memberId, { purpose: input.purpose, granted: input.granted, policyVersion: version, source: 'miniprogram_settings' });
        if (input.purpose === 'sensitive_data' && !input.granted) {
          await tx`
            update public.members set birthday_calendar = null, birth_year = null, birth_month = null, birth_day = null, birth_leap_month = false
            where org_id = private.jwt_org_id() and id = ${memberId}`;
        }
        if (changed && !input.granted) await logPrivacyRequest(tx, memberId, 'withdrawal', `${input.purpose} withdrawn`);
        return loadLedger(tx, memberId);
      }),
  }),
});
