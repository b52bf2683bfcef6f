// How the audience query reads each member's marketing consent, subscription credit and
// frequency budget. Two shapes, the same answers:
// - per member: an index probe per audience member (consents_member_idx, the credit's primary
//   key, greeting_sends_budget_idx). Best for small audiences: a day's birthdays, anniversaries,
//   a store's members (a few thousand probes, milliseconds).
// - set-based: the org's latest marketing decisions, the template's credits and the recent sends
//   each read once and hash-joined. Best for large audiences: a holiday or a segment of the whole
//   org (at 1 M members ~3 s instead of ~20 s of probes).
// The planner cannot switch between them itself (a "latest row per member" subquery is not
// parameterised), so the engine picks by the planner's estimate of the audience (engine.ts).
import type { Tx } from '../db';
import type { CampaignRow, Settings } from './audience';

export type EligibilityStrategy = 'per_member' | 'set_based';

/** Above this estimated audience the set-based shape is cheaper (measured at 1 M members). */
export const SET_BASED_FROM = 50_000;

export const eligibilityParts = (q: Tx, c: CampaignRow, settings: Settings, strategy: EligibilityStrategy, budgetApplies: boolean) => {
  const window = q`make_interval(days => ${settings.budgetDays})`;
  const counted = q`s.status in ('claimed', 'sending', 'sent', 'unknown') and not s.budget_exempt and s.claimed_at > now() - ${window}`;
  if (strategy === 'per_member') {
    return {
      joins: q`
        left join lateral (
          select cn.granted from public.consents cn
          where cn.org_id = m.org_id and cn.member_id = m.id and cn.purpose = 'marketing' and cn.channel in ('all', 'wechat_subscribe')
          order by cn.created_at desc, cn.id desc limit 1
        ) cs on true`,
      credits: q`coalesce((select sc.credits from public.subscription_credits sc
          where sc.org_id = m.org_id and sc.member_id = m.id and sc.template_id = ${c.template_id}), 0)`,
      used: budgetApplies ? q`(select count(*) from public.greeting_sends s where s.org_id = m.org_id and s.member_id = m.id and ${counted})` : q`0`,
    };
  }
  return {
    joins: q`
      left join (
        select distinct on (cn.member_id) cn.member_id, cn.granted from public.consents cn
        where cn.org_id = ${c.org_id} and cn.purpose = 'marketing' and cn.channel in ('all', 'wechat_subscribe')
        order by cn.member_id, cn.created_at desc, cn.id desc
      ) cs on cs.member_id = m.id
      left join public.subscription_credits sc on sc.org_id = m.org_id and sc.member_id = m.id and sc.template_id = ${c.template_id}
      ${
        budgetApplies
          ? q`left join (select s.member_id, count(*) as n from public.greeting_sends s where s.org_id = ${c.org_id} and ${counted} group by s.member_id) bu
                on bu.member_id = m.id`
          : q``
      }`,
    credits: q`coalesce(sc.credits, 0)`,
    used: budgetApplies ? q`coalesce(bu.n, 0)` : q`0`,
  };
};
