-- Members' side of the platform (issue 4): joining through an associate's or a store's code,
-- profile, subscription answers, the phone exchange's rate limit, and PIPL rights (access,
-- export, correction, withdrawal, erasure) with a log of every request.

-- 1. Associates' invite codes -----------------------------------------------------------------
--
-- A short, stable code per staff member, printed in their QR code (mini-program `scene`
-- "a=<code>", at most 32 characters). Unambiguous characters only (no 0/O, 1/I/L), so it can be
-- read aloud or typed. The code is not a secret: whoever has it may join as that associate's
-- customer, which is what the QR code is for.

create or replace function private.new_invite_code() returns text
  language sql volatile set search_path = ''
as $$
  select string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + floor(random() * 31)::int, 1), '')
  from generate_series(1, 8)
$$;

alter table public.staff add column invite_code text check (invite_code ~ '^[A-Z0-9]{4,16}$');
update public.staff set invite_code = private.new_invite_code() where invite_code is null;
create unique index staff_invite_code_uidx on public.staff (org_id, invite_code) where invite_code is not null;
comment on column public.staff.invite_code is 'Short stable code in the associate''s join QR code (scene a=<code>). Unique per org.';

create or replace function private.staff_default_invite_code() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  if new.invite_code is null then
    new.invite_code := private.new_invite_code();
  end if;
  return new;
end
$$;
create trigger staff_invite_code before insert on public.staff
  for each row execute function private.staff_default_invite_code();

-- 2. Profile, card and consent purposes ---------------------------------------------------------

alter table public.members
  add column preferences text[] not null default '{}'::text[]
    check (cardinality(preferences) <= 10 and array_position(preferences, null) is null),
  add column tier text check (tier is null or length(tier) between 1 and 20),
  add column points int check (points is null or points >= 0);
comment on column public.members.preferences is 'What the member told us they like (free words, at most 10).';
comment on column public.members.tier is 'Membership tier, for brands that use tiers (set by the brand, never by the member).';
comment on column public.members.points is 'Points balance, for brands that use points (set by the brand, never by the member).';

grant select (preferences, tier, points) on public.members to authenticated;
grant update (preferences) on public.members to authenticated;

-- 'guardian': a guardian's consent for a member under 14 (PIPL Art. 31).
alter table public.consents drop constraint if exists consents_purpose_check;
alter table public.consents add constraint consents_purpose_check check (purpose in (
  'membership_terms', 'privacy_policy', 'marketing', 'personalization', 'sensitive_data', 'analysis', 'guardian'));

-- Whether a purpose's consent is in force for a member now: its latest ledger row grants it.
-- For senders (greetings engine, recommendations): a withdrawal is effective for every later send.
-- Security invoker: a person sees only what the consents policy shows them (their own, their
-- stores' members); the dispatcher (service_role) sees all.
create or replace function private.consent_in_force(p_org uuid, p_member uuid, p_purpose text) returns boolean
  language sql stable set search_path = ''
as $$
  select coalesce((
    select c.granted from public.consents c
    where c.org_id = p_org and c.member_id = p_member and c.purpose = p_purpose and c.channel = 'all'
    order by c.created_at desc, c.id desc limit 1
  ), false)
$$;
revoke execute on function private.consent_in_force(uuid, uuid, text) from public;
grant execute on function private.consent_in_force(uuid, uuid, text) to authenticated, service_role;

-- 3. Joining -------------------------------------------------------------------------------------
--
-- members.associate_id is not insertable by a person: the attribution of a new member to an
-- associate goes through this function, which resolves the invite code itself (a client never
-- names a staff id). The store is the scanned store, or the associate's store (the first by code
-- when they work in several); a store code that is not one of the associate's stores is refused.
-- Joining again returns the existing member untouched (the first attribution stands).
-- Identity resolution: the caller's account, or else the member that already holds the
-- account's unionid (e.g. joined from the brand's other app, or imported) when that member has
-- no account yet; it is then linked to this account and the rule is recorded.
create or replace function public.join_membership(
  p_store_code text, p_invite_code text, p_name text, p_name_pinyin text, p_name_initials text
) returns table (member_id uuid, created boolean, resolved_by text)
  language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  v_org uuid := private.jwt_org_id();
  v_account uuid := auth.uid();
  v_unionid text;
  v_openid text;
  v_member uuid;
  v_store uuid;
  v_associate uuid;
  v_channel text := 'organic';
begin
  if v_org is null or v_account is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  -- Two taps at once must not make two members: serialise per account.
  perform pg_advisory_xact_lock(hashtextextended('join:' || v_account::text, 0));

  select m.id into v_member from public.members m
  where m.org_id = v_org and m.account_id = v_account and m.deleted_at is null;
  if v_member is not null then
    return query select v_member, false, 'account'::text;
    return;
  end if;

  select a.wx_openid, a.wx_unionid into v_openid, v_unionid from public.accounts a where a.org_id = v_org and a.id = v_account;
  if v_unionid is not null then
    select m.id into v_member from public.member_identities i
    join public.members m on m.org_id = i.org_id and m.id = i.member_id
    where i.org_id = v_org and i.kind = 'unionid' and i.value = v_unionid and m.deleted_at is null
      and m.account_id is null
    for update of m;
    if v_member is not null then
      update public.members m set account_id = v_account where m.org_id = v_org and m.id = v_member;
      insert into public.member_identities (org_id, kind, value, member_id)
      values (v_org, 'openid', v_openid, v_member) on conflict do nothing;
      insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
      values (v_org, v_account, 'member.identity_linked', 'member', v_member::text, jsonb_build_object('rule', 'unionid'));
      return query select v_member, false, 'unionid'::text;
      return;
    end if;
  end if;

  if p_invite_code is not null then
    select s.id into v_associate from public.staff s
    where s.org_id = v_org and s.invite_code = upper(p_invite_code) and s.active
      and s.role in ('associate', 'manager');
    if v_associate is null then
      raise exception 'unknown invite code' using errcode = 'P0001', hint = 'inviteCode';
    end if;
    v_channel := 'associate_qr';
    if p_store_code is not null then
      select st.id into v_store from public.stores st
      join public.staff_stores ss on ss.org_id = st.org_id and ss.store_id = st.id and ss.staff_id = v_associate
      where st.org_id = v_org and st.code = p_store_code and st.active;
      if v_store is null then
        raise exception 'the associate does not work in that store' using errcode = 'P0001', hint = 'storeCode';
      end if;
    else
      select st.id into v_store from public.stores st
      join public.staff_stores ss on ss.org_id = st.org_id and ss.store_id = st.id and ss.staff_id = v_associate
      where st.org_id = v_org and st.active order by st.code limit 1;
    end if;
  elsif p_store_code is not null then
    select st.id into v_store from public.stores st where st.org_id = v_org and st.code = p_store_code and st.active;
    if v_store is null then
      raise exception 'unknown store' using errcode = 'P0001', hint = 'storeCode';
    end if;
    v_channel := 'store_qr';
  end if;

  insert into public.members (org_id, account_id, store_id, associate_id, name, name_pinyin, name_initials, join_channel)
  values (v_org, v_account, v_store, v_associate, p_name, p_name_pinyin, p_name_initials, v_channel)
  returning id into v_member;
  insert into public.member_identities (org_id, kind, value, member_id)
  values (v_org, 'openid', v_openid, v_member) on conflict do nothing;
  if v_unionid is not null then
    insert into public.member_identities (org_id, kind, value, member_id)
    values (v_org, 'unionid', v_unionid, v_member) on conflict do nothing;
  end if;
  return query select v_member, true, 'new'::text;
end
$$;
revoke execute on function public.join_membership(text, text, text, text, text) from public;
grant execute on function public.join_membership(text, text, text, text, text) to authenticated;

-- 4. The phone number exchange ------------------------------------------------------------------

-- A fixed-window counter per key, in the database so that every function instance shares it.
create table private.rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits int not null
);
comment on table private.rate_limits is 'Fixed-window request counters shared by all function instances. Server only.';
alter table private.rate_limits enable row level security;

-- The calling account may exchange a phone code at most 5 times per hour (each exchange costs
-- the brand money). Counts the attempt and says whether it may go ahead. The key is derived
-- from the token, never from input.
create or replace function public.take_phone_exchange_slot() returns boolean
  language plpgsql security definer set search_path = ''
as $$
declare
  v_hits int;
begin
  if private.jwt_org_id() is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  insert into private.rate_limits as r (key, window_start, hits)
  values ('phone:' || auth.uid()::text, now(), 1)
  on conflict (key) do update set
    window_start = case when r.window_start < now() - interval '1 hour' then now() else r.window_start end,
    hits = case when r.window_start < now() - interval '1 hour' then 1 else r.hits + 1 end
  returning r.hits into v_hits;
  return v_hits <= 5;
end
$$;
revoke execute on function public.take_phone_exchange_slot() from public;
grant execute on function public.take_phone_exchange_slot() to authenticated;

-- The identity service stores a number WeChat verified. When the number already belongs to a
-- member without a WeChat account (joined at the till, imported), the caller's fresh membership
-- is folded into that one — same person, one member — and the rule is recorded. When it belongs
-- to another WeChat account's membership nothing is written.
-- Returns 'stored', 'merged' or 'in_use'.
create or replace function private.link_verified_phone(
  p_org uuid, p_account uuid, p_member uuid, p_enc text, p_hash text, p_last4 text, p_masked text
) returns text
  language plpgsql security definer set search_path = ''
as $$
declare
  v_owner uuid;
  v_owner_account uuid;
begin
  if not exists (select 1 from public.members m where m.org_id = p_org and m.id = p_member and m.account_id = p_account and m.deleted_at is null) then
    raise exception 'not this account''s membership' using errcode = '42501';
  end if;
  select i.member_id into v_owner from public.member_identities i
  where i.org_id = p_org and i.kind = 'phone' and i.value = p_hash;
  if v_owner is null or v_owner = p_member then
    return case when private.set_verified_phone(p_org, p_member, p_enc, p_hash, p_last4, p_masked) then 'stored' else 'in_use' end;
  end if;
  select m.account_id into v_owner_account from public.members m
  where m.org_id = p_org and m.id = v_owner and m.deleted_at is null for update;
  if not found or v_owner_account is not null then
    return 'in_use';
  end if;
  -- Fold the new membership into the existing one: its ledger and identities move over, the
  -- account moves over, the (empty) new row is removed.
  update public.consents c set member_id = v_owner where c.org_id = p_org and c.member_id = p_member;
  update public.member_identities i set member_id = v_owner where i.org_id = p_org and i.member_id = p_member;
  delete from public.subscription_credits s where s.org_id = p_org and s.member_id = p_member;
  update public.members m set account_id = null where m.org_id = p_org and m.id = p_member;
  delete from public.members m where m.org_id = p_org and m.id = p_member;
  update public.members m set account_id = p_account,
    phone_enc = p_enc, phone_hash = p_hash, phone_last4 = p_last4, phone_masked = p_masked
  where m.org_id = p_org and m.id = v_owner;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (p_org, p_account, 'member.merged', 'member', v_owner::text, jsonb_build_object('rule', 'phone', 'removed_member', p_member));
  return 'merged';
end
$$;
revoke execute on function private.link_verified_phone(uuid, uuid, uuid, text, text, text, text) from public;
grant execute on function private.link_verified_phone(uuid, uuid, uuid, text, text, text, text) to app_auth;

-- 5. Subscription answers -----------------------------------------------------------------------
--
-- A member could set their own credit count with a direct UPDATE. Answers now go through one
-- function that adds exactly one credit per "accept" and records "reject" / "ban".

drop policy if exists "Members record their own subscription answers" on public.subscription_credits;
drop policy if exists "Members update their own subscription answers" on public.subscription_credits;
revoke insert, update on public.subscription_credits from authenticated;

-- p_answers: {"<template uuid>": "accept" | "reject" | "ban", ...}, as wx.requestSubscribeMessage
-- answers (keyed by our template id). Unknown or inactive templates are refused as a whole.
create or replace function public.record_subscription_answers(p_answers jsonb) returns int
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_member uuid := private.my_member_id();
  v_key text;
  v_answer text;
  v_n int := 0;
begin
  if v_member is null then
    raise exception 'not a member' using errcode = '42501';
  end if;
  if jsonb_typeof(p_answers) <> 'object' then
    raise exception 'answers must be an object' using errcode = '22023';
  end if;
  for v_key, v_answer in select key, value from jsonb_each_text(p_answers) loop
    if v_answer not in ('accept', 'reject', 'ban') then
      raise exception 'unknown answer %', v_answer using errcode = '22023';
    end if;
    if v_key !~ '^[0-9a-f-]{36}$' or not exists (
      select 1 from public.message_templates t where t.org_id = v_org and t.id = v_key::uuid and t.active
    ) then
      raise exception 'unknown template' using errcode = 'P0002';
    end if;
    insert into public.subscription_credits as s (org_id, member_id, template_id, credits, last_decision)
    values (v_org, v_member, v_key::uuid, case when v_answer = 'accept' then 1 else 0 end, v_answer)
    on conflict (org_id, member_id, template_id) do update set
      credits = s.credits + case when v_answer = 'accept' then 1 else 0 end,
      last_decision = v_answer, decided_at = now();
    v_n := v_n + 1;
  end loop;
  return v_n;
end
$$;
revoke execute on function public.record_subscription_answers(jsonb) from public;
grant execute on function public.record_subscription_answers(jsonb) to authenticated;

-- 6. Privacy requests (PIPL Art. 44–47) -------------------------------------------------------------

create table public.privacy_requests (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  -- Kept after an erasure: it then points at the anonymised member row.
  member_id uuid not null,
  kind text not null check (kind in ('access', 'export', 'correction', 'withdrawal', 'deletion')),
  status text not null check (status in ('completed', 'pending', 'rejected')),
  -- What the member asks staff to do (corrections they cannot make themselves); erased with them.
  detail text check (detail is null or length(detail) between 1 and 500),
  outcome text check (outcome is null or length(outcome) between 1 and 500),
  requested_at timestamptz not null default now(),
  due_on date,
  completed_at timestamptz,
  handled_by uuid,
  primary key (org_id, id),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, handled_by) references public.staff (org_id, id),
  check ((status = 'pending') = (completed_at is null)),
  check (status <> 'pending' or due_on is not null)
);
create index privacy_requests_member_idx on public.privacy_requests (org_id, member_id, requested_at desc);
create index privacy_requests_due_idx on public.privacy_requests (org_id, due_on) where status = 'pending';

comment on table public.privacy_requests is 'Every exercise of a PIPL right, with time and outcome; pending ones (staff action) carry a due date of 15 working days.';

alter table public.privacy_requests enable row level security;

create policy "Members see their own privacy requests"
  on public.privacy_requests for select to authenticated
  using (org_id = (select private.jwt_org_id()) and member_id = (select private.my_member_id()));

create policy "Admins see their org's privacy requests"
  on public.privacy_requests for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

-- Requests the member makes themselves are logged by the server in the member's transaction;
-- a member can only log their own, only as requested now (server clock), never as handled.
create policy "Members log their own privacy requests"
  on public.privacy_requests for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and member_id = (select private.my_member_id())
    and handled_by is null
  );

create policy "Admins resolve their org's pending privacy requests"
  on public.privacy_requests for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()) and status = 'pending')
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()) and handled_by = (select private.my_staff_id()));

revoke all on public.privacy_requests from anon, authenticated;
grant select, insert (org_id, member_id, kind, status, detail, outcome, due_on, completed_at)
  on public.privacy_requests to authenticated;
grant update (status, outcome, completed_at, handled_by) on public.privacy_requests to authenticated;

-- 7. Access: everything held about the calling member --------------------------------------------
--
-- Members cannot read their tags or the associates' notes through the tables (those policies are
-- for staff), but PIPL Art. 45 gives them the right to see all of it: this returns it, and only
-- to the member themselves.
create or replace function public.my_member_data() returns jsonb
  language sql stable security definer set search_path = ''
as $$
  with me as (
    select m.* from public.members m
    where m.org_id = private.jwt_org_id() and m.account_id = auth.uid() and m.deleted_at is null
  )
  select jsonb_build_object(
    'member', (select jsonb_build_object(
      'memberNo', me.member_no::text, 'name', me.name, 'gender', me.gender,
      'birthday', case when me.birthday_calendar is null then null else jsonb_build_object(
        'calendar', me.birthday_calendar, 'year', me.birth_year, 'month', me.birth_month, 'day', me.birth_day,
        'leapMonth', me.birth_leap_month) end,
      'regionCode', me.region_code, 'preferences', to_jsonb(me.preferences), 'phoneMasked', me.phone_masked,
      'tier', me.tier, 'points', me.points, 'joinChannel', me.join_channel, 'joinedAt', me.joined_at,
      'store', (select st.name from public.stores st where st.org_id = me.org_id and st.id = me.store_id),
      'associate', (select sf.name from public.staff sf where sf.org_id = me.org_id and sf.id = me.associate_id))
      from me),
    'account', (select jsonb_build_object('wechatOpenid', a.wx_openid, 'wechatUnionid', a.wx_unionid,
      'createdAt', a.created_at, 'lastLoginAt', a.last_login_at)
      from public.accounts a join me on a.org_id = me.org_id and a.id = me.account_id),
    'identities', coalesce((select jsonb_agg(jsonb_build_object('kind', i.kind, 'linkedAt', i.created_at) order by i.created_at)
      from public.member_identities i join me on i.org_id = me.org_id and i.member_id = me.id), '[]'::jsonb),
    'consents', coalesce((select jsonb_agg(jsonb_build_object('purpose', c.purpose, 'channel', c.channel, 'granted', c.granted,
      'policyVersion', c.policy_version, 'source', c.source, 'at', c.created_at) order by c.created_at, c.id)
      from public.consents c join me on c.org_id = me.org_id and c.member_id = me.id), '[]'::jsonb),
    'tags', coalesce((select jsonb_agg(t.name order by t.name)
      from public.member_tags mt join me on mt.org_id = me.org_id and mt.member_id = me.id
      join public.tags t on t.org_id = mt.org_id and t.id = mt.tag_id), '[]'::jsonb),
    'interactions', coalesce((select jsonb_agg(jsonb_build_object('kind', x.kind, 'note', x.note, 'at', x.occurred_at) order by x.occurred_at)
      from public.interactions x join me on x.org_id = me.org_id and x.member_id = me.id), '[]'::jsonb),
    'orders', coalesce((select jsonb_agg(jsonb_build_object('orderNo', o.order_no, 'totalFen', o.total_fen, 'orderedAt', o.ordered_at,
      'lines', (select coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity, 'unitPriceFen', l.unit_price_fen) order by l.line_no), '[]'::jsonb)
        from public.order_lines l where l.org_id = o.org_id and l.order_id = o.id)) order by o.ordered_at)
      from public.orders o join me on o.org_id = me.org_id and o.member_id = me.id), '[]'::jsonb),
    'subscriptions', coalesce((select jsonb_agg(jsonb_build_object('template', t.name, 'credits', s.credits, 'lastDecision', s.last_decision, 'at', s.decided_at))
      from public.subscription_credits s join me on s.org_id = me.org_id and s.member_id = me.id
      join public.message_templates t on t.org_id = s.org_id and t.id = s.template_id), '[]'::jsonb),
    'privacyRequests', coalesce((select jsonb_agg(jsonb_build_object('kind', r.kind, 'status', r.status, 'detail', r.detail, 'outcome', r.outcome,
      'requestedAt', r.requested_at, 'dueOn', r.due_on, 'completedAt', r.completed_at) order by r.requested_at)
      from public.privacy_requests r join me on r.org_id = me.org_id and r.member_id = me.id), '[]'::jsonb)
  )
  where exists (select 1 from me)
$$;
revoke execute on function public.my_member_data() from public;
grant execute on function public.my_member_data() to authenticated;

-- 8. Erasure --------------------------------------------------------------------------------------
--
-- Deleting one's account: at once, every personal field of the member row is cleared and the row
-- is marked deleted (every policy hides deleted members, so no staff member sees it again); the
-- identities, consent ledger, tags, notes, subscriptions and request texts are removed; the
-- WeChat account link is cut (openid/unionid replaced, session dropped) unless the account is
-- also a staff member's. Orders stay, pointing at the anonymised row, for the brand's accounts.
-- The audit log records that an erasure happened, without any of the erased data.
create or replace function public.erase_my_membership() returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_account uuid := auth.uid();
  v_member uuid := private.my_member_id();
  v_request uuid;
begin
  if v_member is null then
    raise exception 'not a member' using errcode = '42501';
  end if;
  delete from public.member_identities i where i.org_id = v_org and i.member_id = v_member;
  delete from public.consents c where c.org_id = v_org and c.member_id = v_member;
  delete from public.member_tags t where t.org_id = v_org and t.member_id = v_member;
  delete from public.interactions x where x.org_id = v_org and x.member_id = v_member;
  delete from public.subscription_credits s where s.org_id = v_org and s.member_id = v_member;
  update public.privacy_requests r set detail = null where r.org_id = v_org and r.member_id = v_member;
  -- Greetings (a later migration): scrub rendered data and cancel what has not been sent yet.
  -- Dynamic, so this function does not depend on that table's existence.
  if to_regclass('public.greeting_sends') is not null then
    execute $q$
      update public.greeting_sends set data = null,
        reason = case when status in ('queued', 'retrying') then 'member erased' else reason end,
        status = case when status in ('queued', 'retrying') then 'skipped' else status end
      where org_id = $1 and member_id = $2
    $q$ using v_org, v_member;
  end if;
  update public.members m set
    account_id = null, name = null, name_pinyin = null, name_initials = null, gender = 'unknown',
    birthday_calendar = null, birth_year = null, birth_month = null, birth_day = null, birth_leap_month = false,
    region_code = null, preferences = '{}', phone_enc = null, phone_hash = null, phone_last4 = null,
    phone_masked = null, associate_id = null, tier = null, points = null, deleted_at = now()
  where m.org_id = v_org and m.id = v_member;
  if not exists (select 1 from public.staff s where s.org_id = v_org and s.account_id = v_account) then
    update public.accounts a set wx_openid = 'erased:' || a.id::text, wx_unionid = null
    where a.org_id = v_org and a.id = v_account;
    delete from private.wx_sessions w where w.account_id = v_account;
  end if;
  insert into public.privacy_requests (org_id, member_id, kind, status, outcome, completed_at)
  values (v_org, v_member, 'deletion', 'completed', 'personal data erased', now())
  returning id into v_request;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, v_account, 'member.erased', 'member', v_member::text, jsonb_build_object('request', v_request));
  return v_request;
end
$$;
revoke execute on function public.erase_my_membership() from public;
grant execute on function public.erase_my_membership() to authenticated;
