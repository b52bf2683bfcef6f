import type { Sql } from '../../functions/_lib/db';
import { createMemoryTokenStore, createWechatClient, type WechatClient } from '../../functions/_lib/wechat/wechat-client';
import type { WechatSimulatorServer } from '../../simulator/wechat-simulator';

// A small greetings world inserted as the database owner: one org, one store, members with
// WeChat accounts, marketing consent and subscription credits both in the database and in the
// simulator (as a real tap on wx.requestSubscribeMessage would give).
export const APPID = 'wxgreet00000000001';
export const SECRET = 'greetings-secret-0123456789';
export const EXT_TEMPLATE = 'TPL_greeting_birthday_01';

export type MemberSpec = {
  name: string;
  birthday?: { calendar: 'solar' | 'lunar'; month: number; day: number; leap?: boolean };
  consent?: 'granted' | 'withdrawn' | 'none';
  dbCredits?: number;
  simCredits?: number;
  deleted?: boolean;
  account?: boolean;
};

export type GreetingsWorld = { orgId: string; storeId: string; templateId: string; members: Array<{ id: string; openid: string | null; name: string }> };

export const buildGreetingsWorld = async (sql: Sql, sim: WechatSimulatorServer, specs: MemberSpec[]): Promise<GreetingsWorld> => {
  const [org] = await sql<{ id: string }[]>`insert into public.orgs (name, wx_appid) values ('问候品牌', ${APPID}) returning id`;
  const orgId = org!.id;
  const [store] = await sql<{ id: string }[]>`insert into public.stores (org_id, code, name) values (${orgId}, 'G01', '旗舰店') returning id`;
  const [tpl] = await sql<{ id: string }[]>`
    insert into public.message_templates (org_id, external_id, name, purpose, fields)
    values (${orgId}, ${EXT_TEMPLATE}, '生日祝福', 'birthday', ${sql.json([{ key: 'thing1', label: '祝福' }, { key: 'name2', label: '会员' }, { key: 'date3', label: '日期' }])})
    returning id`;
  const members: GreetingsWorld['members'] = [];
  let i = 0;
  for (const s of specs) {
    i += 1;
    const openid = s.account === false ? null : `o-greet-${i}-${Math.random().toString(36).slice(2, 8)}`;
    let accountId: string | null = null;
    if (openid) {
      const [a] = await sql<{ id: string }[]>`insert into public.accounts (org_id, wx_openid) values (${orgId}, ${openid}) returning id`;
      accountId = a!.id;
    }
    const b = s.birthday;
    const [m] = await sql<{ id: string }[]>`
      insert into public.members (org_id, account_id, store_id, name, birthday_calendar, birth_month, birth_day, birth_leap_month, deleted_at)
      values (${orgId}, ${accountId}, ${store!.id}, ${s.name}, ${b?.calendar ?? null}, ${b?.month ?? null}, ${b?.day ?? null}, ${b?.leap ?? false},
        ${s.deleted ? new Date() : null})
      returning id`;
    const memberId = m!.id;
    const consent = s.consent ?? 'granted';
    if (consent !== 'none') {
      await sql`insert into public.consents (org_id, member_id, purpose, channel, granted, policy_version, source)
        values (${orgId}, ${memberId}, 'marketing', 'all', true, 'v1', 'test')`;
      if (consent === 'withdrawn') {
        await sql`insert into public.consents (org_id, member_id, purpose, channel, granted, policy_version, source, created_at)
          values (${orgId}, ${memberId}, 'marketing', 'all', false, 'v1', 'test', now() + interval '1 second')`;
      }
    }
    const dbCredits = s.dbCredits ?? 1;
    if (dbCredits > 0) {
      await sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision)
        values (${orgId}, ${memberId}, ${tpl!.id}, ${dbCredits}, 'accept')`;
    }
    const simCredits = s.simCredits ?? dbCredits;
    // WeChat knows every user of the mini-program (they signed in), subscribed or not.
    if (openid) sim.simulator.mintLoginCode({ appid: APPID, openid });
    if (openid && simCredits > 0) sim.simulator.grantSubscription({ appid: APPID, openid, templateId: EXT_TEMPLATE, count: simCredits });
    members.push({ id: memberId, openid, name: s.name });
  }
  return { orgId, storeId: store!.id, templateId: tpl!.id, members };
};

export const createBirthdayCampaign = async (sql: Sql, w: GreetingsWorld, over: { kind?: 'birthday' | 'holiday' | 'join_anniversary' | 'segment'; holidayKey?: string; scheduledOn?: string; sendTime?: string; data?: Record<string, string>; budgetExempt?: boolean } = {}): Promise<string> => {
  const [c] = await sql<{ id: string }[]>`
    insert into public.greeting_campaigns (org_id, name, kind, template_id, data, send_time, holiday_key, scheduled_on, budget_exempt, status, launched_at)
    values (${w.orgId}, '生日祝福', ${over.kind ?? 'birthday'}, ${w.templateId},
      ${sql.json(over.data ?? { thing1: '祝您生日快乐', name2: '{name}', date3: '{date}' })}, ${over.sendTime ?? '10:00'},
      ${over.holidayKey ?? null}, ${over.scheduledOn ?? null}, ${over.budgetExempt ?? true}, 'active', now())
    returning id`;
  return c!.id;
};

export const simClient = (sim: WechatSimulatorServer, opts: { timeoutMs?: number } = {}): WechatClient =>
  createWechatClient({
    baseUrl: sim.url,
    appId: APPID,
    secret: SECRET,
    tokenStore: createMemoryTokenStore(),
    sleep: async () => undefined,
    random: () => 0,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });

export const statusCounts = async (sql: Sql, orgId: string): Promise<Record<string, number>> => {
  const rows = await sql<{ k: string; n: number }[]>`
    select status || coalesce(':' || reason, '') as k, count(*)::int as n from public.greeting_sends where org_id = ${orgId} group by 1 order by 1`;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
};
