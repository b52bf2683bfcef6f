import type { Tx } from '../functions/_lib/db';

// Greetings demo data (issue 6), called from seedDemo inside its transaction: subscribe-message
// templates, WeChat accounts for the first 300 members (as if they had opened the mini-program),
// one-time subscription credits for most of them, the org's sending rules, and a birthday
// automation (draft) for the operator to launch. The simulator's own credits live in memory:
// tests grant them through app.simulator.grantSubscription.
export const seedGreetingsDemo = async (tx: Tx, orgId: string, operatorStaffId: string | null): Promise<void> => {
  await tx`
    insert into public.message_templates (org_id, channel, external_id, name, purpose, fields, page)
    select ${orgId}, 'wechat_subscribe', t.external_id, t.name, t.purpose, t.fields::jsonb, 'pages/member/card/index'
    from (values
      ('demoTplBirthday0001', '生日祝福', 'birthday', '[{"key":"thing1","label":"祝福语"},{"key":"date2","label":"日期"}]'),
      ('demoTplHoliday00002', '节日问候', 'holiday', '[{"key":"thing1","label":"节日"},{"key":"thing2","label":"问候"}]'),
      ('demoTplCampaign0003', '活动通知', 'campaign', '[{"key":"thing1","label":"活动名称"},{"key":"date2","label":"活动时间"}]')
    ) as t(external_id, name, purpose, fields)
    on conflict do nothing`;
  await tx`insert into public.greeting_settings (org_id) values (${orgId}) on conflict do nothing`;
  // Opening dates for the store anniversaries (S002 opened on a leap day: Feb 28 in short years).
  await tx`
    update public.stores s set opened_on = v.opened_on::date
    from (values ('S001', '2021-12-08'), ('S002', '2020-02-29')) as v(code, opened_on)
    where s.org_id = ${orgId} and s.code = v.code and s.opened_on is null`;
  // Accounts for the first 300 members that have none (openid demo-m-<member_no>).
  await tx`
    with picked as (
      select m.id, m.member_no from public.members m
      where m.org_id = ${orgId} and m.account_id is null order by m.member_no limit 300
    ), acc as (
      insert into public.accounts (org_id, wx_openid)
      select ${orgId}, 'demo-m-' || p.member_no from picked p
      returning id, wx_openid
    )
    update public.members m set account_id = acc.id
    from acc where m.org_id = ${orgId} and 'demo-m-' || m.member_no = acc.wx_openid`;
  // Credits: 70% for birthdays, 50% for holidays and campaigns (deterministic by member_no).
  await tx`
    insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision)
    select m.org_id, m.id, t.id, 1, 'accept'
    from public.members m
    join public.message_templates t on t.org_id = m.org_id and t.channel = 'wechat_subscribe'
    where m.org_id = ${orgId} and m.account_id is not null
      and ((t.purpose = 'birthday' and m.member_no % 10 < 7) or (t.purpose <> 'birthday' and m.member_no % 2 = 0))
    on conflict do nothing`;
  const [tpl] = await tx<{ id: string }[]>`
    select id from public.message_templates where org_id = ${orgId} and external_id = 'demoTplBirthday0001'`;
  if (tpl && operatorStaffId) {
    await tx`
      insert into public.greeting_campaigns (org_id, name, kind, template_id, data, send_time, budget_exempt, created_by)
      values (${orgId}, '会员生日祝福', 'birthday', ${tpl.id}, ${tx.json({ thing1: '{name}，祝您生日快乐', date2: '{date}' })}, '10:00', true, ${operatorStaffId})`;
  }
};
