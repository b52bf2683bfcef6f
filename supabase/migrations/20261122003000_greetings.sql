-- Greetings engine: per-org sending rules, campaigns (birthday and holiday automations, segment
-- campaigns) and the outbox of sends. The outbox's unique key is the idempotency key
-- (org, member, occasion, occasion date, channel): planning twice plans once, and a row is sent
-- at most once. Sending is done by the dispatcher as service_role; people read and plan.

-- Tables ------------------------------------------------------------------------------------

create table public.greeting_settings (
  org_id uuid primary key references public.orgs (id) on delete cascade,
  -- One marketing budget per member across all channels and campaigns.
  budget_max int not null default 2 check (budget_max between 0 and 100),
  budget_days int not null default 7 check (budget_days between 1 and 365),
  birthday_exempt boolean not null default true,
  -- Quiet hours in the brand's local time; start > end wraps midnight (21:00–09:00).
  quiet_start text not null default '21:00' check (quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_end text not null default '09:00' check (quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  updated_at timestamptz not null default now()
);

create table public.greeting_campaigns (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 60),
  -- join_anniversary: the brand date of each member's joining (a year or more ago).
  kind text not null check (kind in ('birthday', 'holiday', 'join_anniversary', 'segment')),
  template_id uuid not null,
  -- keyword -> text with placeholders {name} {store} {date} {holiday}.
  data jsonb not null check (jsonb_typeof(data) = 'object'),
  send_time text not null default '10:00' check (send_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  days_ahead int not null default 0 check (days_ahead between 0 and 30),
  holiday_key text check (holiday_key ~ '^[a-z_]{2,32}$'),
  -- Segment rules: {"tagIds":[],"storeIds":[],"birthdayMonth":n,"lastPurchaseBefore":"date","lastPurchaseAfter":"date"}.
  segment jsonb not null default '{}'::jsonb check (jsonb_typeof(segment) = 'object'),
  scheduled_on date,
  budget_exempt boolean not null default false,
  status text not null default 'draft' check (status in ('draft', 'active', 'paused', 'done')),
  created_by uuid,
  created_at timestamptz not null default now(),
  launched_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, template_id) references public.message_templates (org_id, id),
  foreign key (org_id, created_by) references public.staff (org_id, id),
  check ((kind = 'holiday') = (holiday_key is not null)),
  check (kind <> 'segment' or scheduled_on is not null)
);
create index greeting_campaigns_active_idx on public.greeting_campaigns (org_id, status) where status = 'active';

create trigger greeting_campaigns_touch before update on public.greeting_campaigns
  for each row execute function private.touch_updated_at();

create table public.greeting_sends (
  org_id uuid not null,
  id bigint generated always as identity,
  member_id uuid not null,
  -- The occasion: a campaign's id, or 'manual:<template id>' for an associate's 1:1 greeting.
  occasion_key text not null check (length(occasion_key) between 1 and 80),
  occasion_date date not null,
  channel text not null default 'wechat_subscribe' check (channel in ('wechat_subscribe', 'sms', 'wecom')),
  campaign_id uuid,
  template_id uuid not null,
  -- Manual greetings carry their data; campaign rows are rendered from the campaign at dispatch.
  data jsonb,
  staff_id uuid,
  budget_exempt boolean not null default false,
  status text not null default 'queued' check (status in ('queued', 'claimed', 'sending', 'sent', 'failed', 'retrying', 'skipped', 'unknown')),
  reason text check (length(reason) <= 80),
  attempts int not null default 0,
  not_before timestamptz not null default now(),
  claim_token uuid,
  claimed_at timestamptz,
  sending_at timestamptz,
  sent_at timestamptz,
  msgid text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, member_id, occasion_key, occasion_date, channel),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, campaign_id) references public.greeting_campaigns (org_id, id) on delete cascade,
  foreign key (org_id, template_id) references public.message_templates (org_id, id),
  foreign key (org_id, staff_id) references public.staff (org_id, id)
);
-- The dispatcher's queue (across orgs: one dispatcher serves the deployment), the stale-claim
-- sweep, the per-member budget window, statistics per campaign and day.
create index greeting_sends_due_idx on public.greeting_sends (not_before, org_id, id) where status in ('queued', 'retrying');
create index greeting_sends_inflight_idx on public.greeting_sends (claimed_at) where status in ('claimed', 'sending');
create index greeting_sends_budget_idx on public.greeting_sends (org_id, member_id, claimed_at)
  where status in ('claimed', 'sending', 'sent', 'unknown') and not budget_exempt;
create index greeting_sends_campaign_idx on public.greeting_sends (org_id, campaign_id, occasion_date);
-- The dispatcher names the rows it claimed by id alone (a batch spans orgs); the primary key
-- leads with org_id, so without this every claim, "sending" mark and stored outcome was a scan of
-- the whole outbox (measured: 13 ms to store 4 outcomes with 64 k rows, growing with every send).
create unique index greeting_sends_id_key on public.greeting_sends (id);

-- Today's birthdays across 1 M members: one index probe per (calendar, month, day, leap) key.
create index members_birthday_idx on public.members (org_id, birthday_calendar, birth_month, birth_day, birth_leap_month)
  where birthday_calendar is not null;

-- Comments ----------------------------------------------------------------------------------

comment on table public.greeting_settings is 'Per-org sending rules: frequency budget across channels, quiet hours.';
comment on table public.greeting_campaigns is 'Birthday and holiday automations and segment campaigns, with their template and data.';
comment on table public.greeting_sends is 'The outbox: one row per (member, occasion, date, channel); statuses queued → claimed → sending → sent / failed / retrying / unknown, or skipped with a reason.';
comment on column public.greeting_sends.status is '"unknown": WeChat may have delivered it (timeout, crash mid-send); never resent automatically.';

-- RLS ---------------------------------------------------------------------------------------

alter table public.greeting_settings enable row level security;
alter table public.greeting_campaigns enable row level security;
alter table public.greeting_sends enable row level security;

-- Policies ----------------------------------------------------------------------------------

create policy "Operators read their org's greeting settings"
  on public.greeting_settings for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators create their org's greeting settings"
  on public.greeting_settings for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators change their org's greeting settings"
  on public.greeting_settings for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators read their org's campaigns"
  on public.greeting_campaigns for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators create campaigns as themselves"
  on public.greeting_campaigns for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id()) and (select private.is_org_wide())
    and created_by = (select private.my_staff_id()) and status = 'draft'
  );

create policy "Operators change their org's campaigns"
  on public.greeting_campaigns for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators see all sends; staff see sends to members they can see"
  on public.greeting_sends for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and ((select private.is_org_wide()) or private.can_see_member(org_id, member_id))
  );

-- An associate queues a 1:1 greeting as themselves, to a member they can see; the dispatcher
-- (service_role) checks consent and credit again and sends it.
create policy "Staff queue 1:1 greetings as themselves to members they can see"
  on public.greeting_sends for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and staff_id = (select private.my_staff_id())
    and campaign_id is null and status = 'queued'
    and occasion_key = 'manual:' || template_id::text
    and private.can_see_member(org_id, member_id)
  );

-- Operators see every member of their org already (private.can_see_member says so for them);
-- these say it without a function call per row, so a dry run over 1 M members' consents and
-- credits costs one initplan instead of a million calls. Named to sort first: permissive
-- policies are OR-ed in name order and the cheap test then short-circuits the expensive one.
create policy "A greeting operator sees the org's consents"
  on public.consents for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "A greeting operator sees the org's subscription credits"
  on public.subscription_credits for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

-- Grants ------------------------------------------------------------------------------------

revoke all on public.greeting_settings, public.greeting_campaigns, public.greeting_sends from anon, authenticated;
grant select, insert (org_id, budget_max, budget_days, birthday_exempt, quiet_start, quiet_end),
  update (budget_max, budget_days, birthday_exempt, quiet_start, quiet_end, updated_at) on public.greeting_settings to authenticated;
grant select, insert (org_id, name, kind, template_id, data, send_time, days_ahead, holiday_key, segment, scheduled_on, budget_exempt, created_by),
  update (name, data, send_time, days_ahead, segment, scheduled_on, budget_exempt, status, launched_at) on public.greeting_campaigns to authenticated;
-- Claim bookkeeping (claim_token) is the dispatcher's.
grant select (org_id, id, member_id, occasion_key, occasion_date, channel, campaign_id, template_id, data, staff_id,
  budget_exempt, status, reason, attempts, not_before, claimed_at, sending_at, sent_at, msgid, created_at, updated_at)
  on public.greeting_sends to authenticated;
grant insert (org_id, member_id, occasion_key, occasion_date, channel, template_id, data, staff_id) on public.greeting_sends to authenticated;
