// An associate's 1:1 greeting: checked in the associate's own RLS transaction (they must see
// the member; consent, credit, budget are read through the same policies).
import { localDate } from '../../../shared/domain/birthday';
import type { Tx } from '../db';
import { readSettings } from './audience';

export type ManualCheck = { reason: string | null; credits: number; orgId: string; today: string };

export const checkManualGreeting = async (tx: Tx, memberId: string, templateId: string): Promise<ManualCheck> => {
  const [o] = await tx<{ org_id: string }[]>`select private.jwt_org_id() as org_id`;
  const orgId = o?.org_id ?? '';
  const settings = await readSettings(tx, orgId);
  const today = localDate(new Date(), settings.timeZone);
  const [m] = await tx<{ has_account: boolean; granted: boolean | null; credits: number | null; used: number; today_rows: number }[]>`
    select m.account_id is not null as has_account,
      (select cn.granted from public.consents cn where cn.org_id = m.org_id and cn.member_id = m.id and cn.purpose = 'marketing'
         and cn.channel in ('all', 'wechat_subscribe') order by cn.created_at desc, cn.id desc limit 1) as granted,
      (select sc.credits from public.subscription_credits sc where sc.org_id = m.org_id and sc.member_id = m.id and sc.template_id = ${templateId}) as credits,
      (select count(*)::int from public.greeting_sends s where s.org_id = m.org_id and s.member_id = m.id
         and s.status in ('claimed', 'sending', 'sent', 'unknown') and not s.budget_exempt
         and s.claimed_at > now() - make_interval(days => ${settings.budgetDays})) as used,
      (select count(*)::int from public.greeting_sends s where s.org_id = m.org_id and s.member_id = m.id
         and s.occasion_key = ${`manual:${templateId}`} and s.occasion_date = ${today}::date and s.channel = 'wechat_subscribe') as today_rows
    from public.members m where m.org_id = ${orgId} and m.id = ${memberId}`;
  const credits = m?.credits ?? 0;
  const reason = !m
    ? 'not_found'
    : !m.has_account
      ? 'no_openid'
      : m.granted === null
        ? 'no_consent'
        : !m.granted
          ? 'consent_withdrawn'
          : credits < 1
            ? 'no_credit'
            : m.used >= settings.budgetMax
              ? 'frequency_budget'
              : m.today_rows > 0
                ? 'already_sent_today'
                : null;
  return { reason, credits, orgId, today };
};
