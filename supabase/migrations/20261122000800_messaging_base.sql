-- Message templates and members' one-time subscription credits: shared by the member app
-- (subscribing), the associates' 1:1 greetings and the greetings engine (sending).

create table public.message_templates (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  channel text not null default 'wechat_subscribe' check (channel in ('wechat_subscribe', 'sms', 'wecom')),
  -- WeChat's template id (priTmplId) for the subscribe-message channel.
  external_id text not null check (length(external_id) between 1 and 64),
  name text not null check (length(name) between 1 and 40),
  purpose text not null check (purpose in ('birthday', 'holiday', 'campaign', 'service')),
  -- The template's keywords in order, e.g. [{"key":"thing1","label":"活动名称"},{"key":"date2","label":"日期"}].
  fields jsonb not null default '[]'::jsonb check (jsonb_typeof(fields) = 'array'),
  page text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, channel, external_id)
);

create table public.subscription_credits (
  org_id uuid not null,
  member_id uuid not null,
  template_id uuid not null,
  -- Each "accept" of wx.requestSubscribeMessage allows exactly one later send.
  credits int not null default 0 check (credits >= 0),
  -- The member's latest answer; 'ban' = "always refuse": the app stops asking.
  last_decision text not null check (last_decision in ('accept', 'reject', 'ban')),
  decided_at timestamptz not null default now(),
  primary key (org_id, member_id, template_id),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, template_id) references public.message_templates (org_id, id) on delete cascade
);
create index subscription_credits_template_idx on public.subscription_credits (org_id, template_id) where credits > 0;

comment on table public.message_templates is 'A message template of a channel (WeChat subscribe-message template first).';
comment on table public.subscription_credits is 'One-time subscription credits per member and template; a send consumes one.';

alter table public.message_templates enable row level security;
alter table public.subscription_credits enable row level security;

create policy "People of the org can read its active templates"
  on public.message_templates for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (active or (select private.is_org_wide())));

create policy "Operators can create templates"
  on public.message_templates for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators can update templates"
  on public.message_templates for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

-- Operators first (see the consents policy in 20261122000200).
create policy "Credits are visible with their member"
  on public.subscription_credits for select to authenticated
  using (org_id = (select private.jwt_org_id()) and ((select private.is_org_wide()) or private.can_see_member(org_id, member_id)));

create policy "Members record their own subscription answers"
  on public.subscription_credits for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and member_id = (select private.my_member_id()));

create policy "Members update their own subscription answers"
  on public.subscription_credits for update to authenticated
  using (org_id = (select private.jwt_org_id()) and member_id = (select private.my_member_id()))
  with check (org_id = (select private.jwt_org_id()) and member_id = (select private.my_member_id()));

revoke all on public.message_templates, public.subscription_credits from anon, authenticated;
grant select, insert (org_id, channel, external_id, name, purpose, fields, page, active),
  update (name, purpose, fields, page, active) on public.message_templates to authenticated;
-- Sending (which consumes credits) is done by the dispatcher as service_role, not by people.
grant select, insert (org_id, member_id, template_id, credits, last_decision),
  update (credits, last_decision, decided_at) on public.subscription_credits to authenticated;
