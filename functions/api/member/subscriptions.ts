import { z } from 'zod';
import {
  subscriptionAnswersInputSchema,
  subscriptionListOutputSchema,
  type SubscriptionListOutput,
} from '../../../shared/schemas/subscription-answer.schema';
import type { Tx } from '../../_lib/db';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { ownMemberId } from '../../_lib/member-card';

type TemplateRow = { id: string; external_id: string; name: string; purpose: string; credits: number | null; last_decision: 'accept' | 'reject' | 'ban' | null };

const loadTemplates = async (tx: Tx, memberId: string): Promise<SubscriptionListOutput> => {
  const rows = await tx<TemplateRow[]>`
    select t.id, t.external_id, t.name, t.purpose, s.credits, s.last_decision
    from public.message_templates t
    left join public.subscription_credits s on s.org_id = t.org_id and s.template_id = t.id and s.member_id = ${memberId}
    where t.org_id = private.jwt_org_id() and t.active and t.channel = 'wechat_subscribe'
    order by t.name`;
  return {
    templates: rows.map((r) => ({
      id: r.id,
      externalId: r.external_id,
      name: r.name,
      purpose: r.purpose,
      credits: r.credits ?? 0,
      lastDecision: r.last_decision,
      askable: r.last_decision !== 'ban',
    })),
  };
};

// GET /api/member/subscriptions: the templates a member can subscribe to, with their credits.
// POST: the answers of one wx.requestSubscribeMessage call; each accept adds exactly one credit
// (one later send), reject / ban ("always refuse") are stored so the app stops asking.
export default route({
  GET: person({
    input: z.object({}).strict(),
    output: subscriptionListOutputSchema,
    run: ({ inTx }) => inTx(async (tx) => loadTemplates(tx, await ownMemberId(tx))),
  }),
  POST: person({
    input: subscriptionAnswersInputSchema,
    output: subscriptionListOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const memberId = await ownMemberId(tx);
        try {
          await tx`select public.record_subscription_answers(${tx.json(input.answers)}::jsonb)`;
        } catch (e) {
          if ((e as { code?: unknown }).code === 'P0002') {
            throw new DomainError(400, 'unknown_template', 'A template is not known or not active', [{ path: 'answers', message: 'unknown or inactive template' }]);
          }
          throw e;
        }
        return loadTemplates(tx, memberId);
      }),
  }),
});
