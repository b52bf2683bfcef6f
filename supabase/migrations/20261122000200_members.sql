-- Members (customers), their identities, and the consent ledger.

-- Tables ------------------------------------------------------------------------------------

create sequence public.member_no_seq as bigint start with 10000001;

create table public.members (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  account_id uuid,
  member_no bigint not null default nextval('public.member_no_seq'),
  store_id uuid,
  associate_id uuid,
  name text check (name is null or length(name) between 1 and 50),
  name_pinyin text,
  name_initials text,
  gender text not null default 'unknown' check (gender in ('female', 'male', 'unknown')),
  birthday_calendar text check (birthday_calendar in ('solar', 'lunar')),
  birth_year smallint check (birth_year between 1900 and 2100),
  birth_month smallint check (birth_month between 1 and 12),
  birth_day smallint check (birth_day between 1 and 31),
  birth_leap_month boolean not null default false,
  region_code text check (region_code ~ '^[0-9]{6}$'),
  phone_enc text,
  phone_hash text,
  phone_last4 text check (phone_last4 ~ '^[0-9]{4}$'),
  phone_masked text check (phone_masked ~ '^[0-9]{3}[*]{4}[0-9]{4}$'),
  join_channel text not null default 'organic',
  joined_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (org_id, id),
  unique (org_id, member_no),
  foreign key (org_id, account_id) references public.accounts (org_id, id),
  foreign key (org_id, store_id) references public.stores (org_id, id),
  foreign key (org_id, associate_id) references public.staff (org_id, id),
  check ((phone_enc is null) = (phone_hash is null) and (phone_enc is null) = (phone_last4 is null) and (phone_enc is null) = (phone_masked is null)),
  check (birthday_calendar is not null or (birth_month is null and birth_day is null))
);

-- Hot paths at 1 M members per org: a store's members newest first (cursor), an associate's
-- customers, name prefix / pinyin initials / last 4 digits inside an org.
create unique index members_account_uidx on public.members (org_id, account_id) where account_id is not null;
create index members_store_joined_idx on public.members (org_id, store_id, joined_at desc, id desc) where deleted_at is null;
create index members_org_joined_idx on public.members (org_id, joined_at desc, id desc) where deleted_at is null;
create index members_associate_idx on public.members (org_id, associate_id, joined_at desc, id desc) where deleted_at is null;
create index members_name_idx on public.members (org_id, name text_pattern_ops) where deleted_at is null;
create index members_initials_idx on public.members (org_id, name_initials text_pattern_ops) where deleted_at is null;
create index members_pinyin_idx on public.members (org_id, name_pinyin text_pattern_ops) where deleted_at is null;
create index members_last4_idx on public.members (org_id, phone_last4) where deleted_at is null;

create trigger members_touch before update on public.members
  for each row execute function private.touch_updated_at();

create table public.member_identities (
  org_id uuid not null,
  kind text not null check (kind in ('openid', 'unionid', 'phone', 'pos')),
  value text not null check (length(value) between 1 and 128),
  member_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, kind, value),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade
);
create index member_identities_member_idx on public.member_identities (org_id, member_id);

create table public.consents (
  org_id uuid not null,
  id bigint generated always as identity,
  member_id uuid not null,
  purpose text not null check (purpose in ('membership_terms', 'privacy_policy', 'marketing', 'personalization', 'sensitive_data', 'analysis')),
  channel text not null default 'all' check (channel in ('all', 'wechat_subscribe', 'sms', 'wecom')),
  granted boolean not null,
  policy_version text not null check (length(policy_version) between 1 and 32),
  source text not null check (length(source) between 1 and 64),
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade
);
create index consents_member_idx on public.consents (org_id, member_id, purpose, channel, created_at desc);

-- Comments ----------------------------------------------------------------------------------

comment on table public.members is 'A customer of a brand. Personal data minimised; phone encrypted by the application.';
comment on column public.members.phone_enc is 'AES-256-GCM ciphertext made by the application: "v1:<key id>:<base64 iv|tag|ct>". Not readable by staff.';
comment on column public.members.phone_hash is 'HMAC-SHA256 blind index of the E.164 number, for exact lookup without decryption.';
comment on column public.members.phone_last4 is 'Last four digits, for associates'' search.';
comment on column public.members.phone_masked is 'The masked display form (138****1234), the only form staff see.';
comment on column public.members.store_id is 'The store that serves the member; associates of that store see them.';
comment on column public.members.associate_id is 'The associate (导购) who owns the relationship.';
comment on table public.member_identities is 'One customer, many identities (openid, unionid, phone blind index, POS number). Unique per org.';
comment on table public.consents is 'Consent ledger: every grant and withdrawal is a new row; the latest row per purpose and channel is in force.';

-- RLS ---------------------------------------------------------------------------------------

alter table public.members enable row level security;
alter table public.member_identities enable row level security;
alter table public.consents enable row level security;

-- Helpers -----------------------------------------------------------------------------------

-- The calling person's own member id in the token's org, or null.
create or replace function private.my_member_id() returns uuid
  language sql stable security definer set search_path = ''
as $$
  select m.id from public.members m
  where m.org_id = private.jwt_org_id() and m.account_id = auth.uid() and m.deleted_at is null
$$;
grant execute on function private.my_member_id() to authenticated;

-- The associate who serves the calling member, so the member card can name them.
create or replace function private.my_associate_id() returns uuid
  language sql stable security definer set search_path = ''
as $$
  select m.associate_id from public.members m
  where m.org_id = private.jwt_org_id() and m.account_id = auth.uid() and m.deleted_at is null
$$;
grant execute on function private.my_associate_id() to authenticated;

-- Whether the caller may see this member (used by child tables' policies for single rows).
-- Policies call this once per row (a to-do list's follow-ups, a timeline): one statement of index
-- probes (the member, the caller's staff row, its assignment to the member's store) rather than
-- the helpers is_org_wide() and my_store_ids(), each a call with queries of its own — measured
-- 0.4 ms a row through them at 1 M members. Same rule: the member themselves; active staff of the
-- token's org who are operators or admins, or assigned to the member's store.
create or replace function private.can_see_member(p_org uuid, p_member uuid) returns boolean
  language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.members m
    where m.org_id = p_org and m.id = p_member and m.org_id = (select private.jwt_org_id())
      and m.deleted_at is null
      and (
        m.account_id = (select auth.uid())
        or exists (
          select 1 from public.staff s
          where s.org_id = m.org_id and s.account_id = (select auth.uid()) and s.active
            and (s.role in ('operator', 'admin')
                 or exists (select 1 from public.staff_stores a where a.org_id = s.org_id and a.staff_id = s.id and a.store_id = m.store_id))
        )
      )
  )
$$;
grant execute on function private.can_see_member(uuid, uuid) to authenticated;

-- Policies ----------------------------------------------------------------------------------

create policy "Members see themselves; staff see their stores' members; operators their org"
  on public.members for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and deleted_at is null
    and (
      account_id = (select auth.uid())
      or store_id = any ((select private.my_store_ids())::uuid[])
      or (select private.is_org_wide())
    )
  );

create policy "A person can join as a member of the token's org, once"
  on public.members for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and account_id = (select auth.uid())
    and deleted_at is null
  );

create policy "Members update their own profile; staff update their stores' members"
  on public.members for update to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and deleted_at is null
    and (
      account_id = (select auth.uid())
      or store_id = any ((select private.my_store_ids())::uuid[])
    )
  )
  with check (
    org_id = (select private.jwt_org_id())
    and (
      account_id = (select auth.uid())
      or store_id = any ((select private.my_store_ids())::uuid[])
    )
  );

-- Operators and admins see the whole org: tested first, once per statement (an initplan), so
-- org-wide reads (segments, dry runs, audits over a million rows) never call can_see_member()
-- per row — a definer function with a pinned search_path is not inlined, ~20 µs a call.
-- (A deleted member's identities, consents and credits are removed with it; a merged-away
-- member's move to the survivor.)
create policy "Identities are visible with their member"
  on public.member_identities for select to authenticated
  using (org_id = (select private.jwt_org_id()) and ((select private.is_org_wide()) or private.can_see_member(org_id, member_id)));

-- A member may link only the WeChat identities of their own signed-in account. Phone numbers
-- (verified with WeChat) and POS numbers are linked by the server, never by a person.
create policy "Members link their own account's WeChat identities to themselves"
  on public.member_identities for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and member_id = (select private.my_member_id())
    and (
      (kind = 'openid' and value = (select a.wx_openid from public.accounts a where a.id = (select auth.uid())))
      or (kind = 'unionid' and value = (select a.wx_unionid from public.accounts a where a.id = (select auth.uid())))
    )
  );

create policy "Consents are visible with their member"
  on public.consents for select to authenticated
  using (org_id = (select private.jwt_org_id()) and ((select private.is_org_wide()) or private.can_see_member(org_id, member_id)));

create policy "Members record their own consent decisions"
  on public.consents for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and member_id = (select private.my_member_id()));

create policy "Members can read the associate who serves them"
  on public.staff for select to authenticated
  using (org_id = (select private.jwt_org_id()) and id = (select private.my_associate_id()));

-- Grants ------------------------------------------------------------------------------------

revoke all on public.members, public.member_identities, public.consents from anon, authenticated;
revoke all on sequence public.member_no_seq from anon, authenticated;

-- Column grants: phone_enc and phone_hash are never selectable by a person; decryption is the
-- server's, through member_phone_ciphertext() below, which checks who is asking. The phone
-- columns are written only by the identity service after WeChat verified the number.
grant select (org_id, id, account_id, member_no, store_id, associate_id, name, name_pinyin, name_initials,
  gender, birthday_calendar, birth_year, birth_month, birth_day, birth_leap_month, region_code,
  phone_last4, phone_masked, join_channel, joined_at, updated_at, deleted_at) on public.members to authenticated;
grant insert (org_id, account_id, store_id, name, name_pinyin, name_initials, gender,
  birthday_calendar, birth_year, birth_month, birth_day, birth_leap_month, region_code, join_channel)
  on public.members to authenticated;
grant update (name, name_pinyin, name_initials, gender, birthday_calendar, birth_year, birth_month, birth_day,
  birth_leap_month, region_code) on public.members to authenticated;
grant usage on sequence public.member_no_seq to authenticated;
-- value stays hidden: it holds phone blind indexes and other customers' identifiers.
grant select (org_id, kind, member_id, created_at) on public.member_identities to authenticated;
grant insert (org_id, kind, value, member_id) on public.member_identities to authenticated;
-- created_at is the server's clock: a member cannot back- or post-date a consent decision.
grant select on public.consents to authenticated;
grant insert (org_id, member_id, purpose, channel, granted, policy_version, source) on public.consents to authenticated;

-- The full phone ciphertext, for the member themselves only (staff reveal comes with its audit
-- in the workbench). Returns null for anyone else.
create or replace function public.member_phone_ciphertext(p_member uuid) returns text
  language sql stable security definer set search_path = ''
as $$
  select m.phone_enc from public.members m
  where m.org_id = private.jwt_org_id() and m.id = p_member
    and m.account_id = auth.uid() and m.deleted_at is null
$$;
revoke execute on function public.member_phone_ciphertext(uuid) from public;
grant execute on function public.member_phone_ciphertext(uuid) to authenticated;

-- The identity service (role app_auth) stores a phone number WeChat has verified for the member:
-- ciphertext, blind index, last four, mask, and the phone identity. Returns false when the
-- number already belongs to another member of the org (nothing is written then).
create or replace function private.set_verified_phone(
  p_org uuid, p_member uuid, p_enc text, p_hash text, p_last4 text, p_masked text
) returns boolean
  language plpgsql security definer set search_path = ''
as $$
declare
  v_owner uuid;
begin
  insert into public.member_identities (org_id, kind, value, member_id)
  values (p_org, 'phone', p_hash, p_member)
  on conflict do nothing;
  select i.member_id into v_owner from public.member_identities i
  where i.org_id = p_org and i.kind = 'phone' and i.value = p_hash;
  if v_owner is distinct from p_member then
    return false;
  end if;
  update public.members m
  set phone_enc = p_enc, phone_hash = p_hash, phone_last4 = p_last4, phone_masked = p_masked
  where m.org_id = p_org and m.id = p_member and m.deleted_at is null;
  return found;
end
$$;
revoke execute on function private.set_verified_phone(uuid, uuid, text, text, text, text) from public;
grant execute on function private.set_verified_phone(uuid, uuid, text, text, text, text) to app_auth;
