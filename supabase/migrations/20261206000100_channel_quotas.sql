-- A channel's daily quota (WeChat's subscribeMessage.send: 10 M calls a day, 30 M with WeChat
-- Pay; errcode 45009 once spent). When one dispatcher meets it, every dispatcher of every
-- instance stops calling until the quota resets, instead of each cron run spending calls to
-- find out again. Written and read only by the dispatcher (service_role).

create table private.channel_quota_pauses (
  channel text not null,
  -- The account the quota belongs to (the mini-program's appid for WeChat).
  account text not null,
  paused_until timestamptz not null,
  reason text not null,
  updated_at timestamptz not null default now(),
  primary key (channel, account)
);

comment on table private.channel_quota_pauses is
  'Channels whose daily quota is spent, until when. Server only: the dispatcher checks it before claiming.';

alter table private.channel_quota_pauses enable row level security;

-- service_role has no usage on the private schema: these two are its door.
create or replace function public.channel_paused_until(p_channel text, p_account text)
  returns timestamptz
  language sql stable security definer set search_path = ''
as $$
  select p.paused_until from private.channel_quota_pauses p where p.channel = p_channel and p.account = p_account
$$;

create or replace function public.channel_pause(p_channel text, p_account text, p_until timestamptz, p_reason text)
  returns void
  language sql security definer set search_path = ''
as $$
  insert into private.channel_quota_pauses (channel, account, paused_until, reason)
  values (p_channel, p_account, p_until, p_reason)
  on conflict (channel, account) do update
    set paused_until = greatest(excluded.paused_until, private.channel_quota_pauses.paused_until),
        reason = excluded.reason, updated_at = now()
$$;

revoke execute on function public.channel_paused_until(text, text) from public, anon, authenticated;
revoke execute on function public.channel_pause(text, text, timestamptz, text) from public, anon, authenticated;
grant execute on function public.channel_paused_until(text, text) to service_role;
grant execute on function public.channel_pause(text, text, timestamptz, text) to service_role;
