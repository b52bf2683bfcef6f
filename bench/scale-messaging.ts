import type { Tx } from '../functions/_lib/db';
import { Rng } from './rng';

// Subscribe-message templates and one-time subscription credits for the scale org, where the
// schema has them (the messaging migration). Set-based and deterministic: whether a member
// answered a template, and how, comes from a hash of (member id, template), and member ids
// come from the seeded generator. Only members with a WeChat account (they opened the
// mini-program) can have answered.
const TEMPLATES = [
  { externalId: 'scaleTplBirthday001', name: '生日祝福', purpose: 'birthday', share: 0.6, fields: [{ key: 'thing1', label: '祝福语' }, { key: 'date2', label: '日期' }] },
  { externalId: 'scaleTplHoliday0002', name: '节日问候', purpose: 'holiday', share: 0.4, fields: [{ key: 'thing1', label: '节日' }, { key: 'thing2', label: '问候' }] },
  { externalId: 'scaleTplCampaign003', name: '活动通知', purpose: 'campaign', share: 0.3, fields: [{ key: 'thing1', label: '活动名称' }, { key: 'date2', label: '活动时间' }] },
  { externalId: 'scaleTplService0004', name: '服务提醒', purpose: 'service', share: 0.2, fields: [{ key: 'thing1', label: '服务内容' }, { key: 'time2', label: '时间' }] },
] as const;

export const seedMessaging = async (tx: Tx, orgId: string, seed: number, asOf: Date): Promise<{ templates: number; credits: number }> => {
  const [have] = await tx<{ templates: boolean; settings: boolean }[]>`
    select to_regclass('public.message_templates') is not null and to_regclass('public.subscription_credits') is not null as templates,
           to_regclass('public.greeting_settings') is not null as settings`;
  if (have?.settings) await tx`insert into public.greeting_settings (org_id) values (${orgId}) on conflict do nothing`;
  if (!have?.templates) return { templates: 0, credits: 0 };
  const rng = new Rng(seed, 'messaging');
  for (const t of TEMPLATES) {
    await tx`
      insert into public.message_templates (org_id, id, channel, external_id, name, purpose, fields, page, created_at)
      values (${orgId}, ${rng.uuid()}, 'wechat_subscribe', ${t.externalId}, ${t.name}, ${t.purpose}, ${tx.json(t.fields)},
              'pages/member/card/index', ${asOf} - interval '2 years')`;
  }
  // Of those who answered: 85 % accepted (a fifth of them more than once: 2–3 credits), 10 %
  // refused, 5 % chose "always refuse" (ban).
  const shares = TEMPLATES.map((t) => ({ externalId: t.externalId, share: t.share }));
  const result = await tx`
    with t as (
      select mt.id, mt.external_id, s.share
      from public.message_templates mt
      join jsonb_to_recordset(${tx.json(shares)}) as s("externalId" text, share float8) on s."externalId" = mt.external_id
      where mt.org_id = ${orgId}
    ), h as (
      select m.org_id, m.id as member_id, m.joined_at, t.id as template_id, t.share,
             (('x' || substr(md5(m.id::text || t.external_id), 1, 8))::bit(32)::bigint & 1048575) / 1048576.0 as u,
             (('x' || substr(md5(m.id::text || t.external_id), 9, 8))::bit(32)::bigint & 1048575) / 1048576.0 as v
      from public.members m cross join t
      where m.org_id = ${orgId} and m.account_id is not null and m.deleted_at is null
    )
    insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision, decided_at)
    select org_id, member_id, template_id,
           case when u < share * 0.85 then case when v < 0.2 then 2 + (v < 0.05)::int else 1 end else 0 end,
           case when u < share * 0.85 then 'accept' when u < share * 0.95 then 'reject' else 'ban' end,
           joined_at + (${asOf}::timestamptz - joined_at) * v
    from h where u < share`;
  return { templates: TEMPLATES.length, credits: result.count };
};
