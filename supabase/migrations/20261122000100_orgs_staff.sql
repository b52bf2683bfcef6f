-- Orgs (brands), stores, accounts (a person's WeChat identity), staff and their store
-- assignments. Every key leads with org_id so the schema can be distributed by org.

-- Tables ------------------------------------------------------------------------------------

create table public.orgs (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  wx_appid text unique,
  timezone text not null default 'Asia/Shanghai',
  created_at timestamptz not null default now()
);

create table public.stores (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  code text not null check (length(code) between 1 and 32),
  name text not null check (length(name) between 1 and 100),
  city text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, code)
);

create table public.accounts (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  wx_openid text not null,
  wx_unionid text,
  created_at timestamptz not null default now(),
  last_login_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, wx_openid),
  unique (id)
);
create index accounts_unionid_idx on public.accounts (org_id, wx_unionid) where wx_unionid is not null;

create table public.staff (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  account_id uuid,
  name text not null check (length(name) between 1 and 50),
  role text not null check (role in ('associate', 'manager', 'operator', 'admin')),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  deactivated_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, account_id) references public.accounts (org_id, id)
);
create unique index staff_account_uidx on public.staff (org_id, account_id) where account_id is not null;

create table public.staff_stores (
  org_id uuid not null,
  staff_id uuid not null,
  store_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, staff_id, store_id),
  foreign key (org_id, staff_id) references public.staff (org_id, id) on delete cascade,
  foreign key (org_id, store_id) references public.stores (org_id, id) on delete cascade
);
create index staff_stores_store_idx on public.staff_stores (org_id, store_id);

-- Comments ----------------------------------------------------------------------------------

comment on table public.orgs is 'A brand. Nothing ever crosses orgs.';
comment on column public.orgs.wx_appid is 'The brand''s mini-program appid; sign-in resolves the org from it.';
comment on table public.stores is 'A physical store of a brand.';
comment on table public.accounts is 'A person''s sign-in identity in one org (WeChat openid/unionid). JWT sub = accounts.id.';
comment on table public.staff is 'Staff of an org. Authorization comes from this row (role, active), never from token claims.';
comment on column public.staff.active is 'Deactivated staff lose every right at once, whatever token they hold.';
comment on table public.staff_stores is 'Which stores an associate or manager works in.';

-- RLS ---------------------------------------------------------------------------------------

alter table public.orgs enable row level security;
alter table public.stores enable row level security;
alter table public.accounts enable row level security;
alter table public.staff enable row level security;
alter table public.staff_stores enable row level security;

-- Helpers (security definer: they read staff facts the caller cannot read directly) --------

-- The org of the current request: the token's org_id claim, but only if the token's subject
-- is an account of that org. A token naming an org its subject does not belong to yields null,
-- and every policy then matches nothing.
create or replace function private.jwt_org_id() returns uuid
  language sql stable security definer set search_path = ''
as $$
  select a.org_id from public.accounts a
  where a.id = auth.uid() and a.org_id = nullif(auth.jwt() ->> 'org_id', '')::uuid
$$;
grant execute on function private.jwt_org_id() to authenticated;

-- Role of the calling person as active staff of the token's org, or null.
create or replace function private.my_staff_role() returns text
  language sql stable security definer set search_path = ''
as $$
  select s.role from public.staff s
  where s.org_id = private.jwt_org_id() and s.account_id = auth.uid() and s.active
$$;

-- The calling person's staff id in the token's org (active staff only), or null.
create or replace function private.my_staff_id() returns uuid
  language sql stable security definer set search_path = ''
as $$
  select s.id from public.staff s
  where s.org_id = private.jwt_org_id() and s.account_id = auth.uid() and s.active
$$;

-- Operators and admins see their whole org.
create or replace function private.is_org_wide() returns boolean
  language sql stable security definer set search_path = ''
as $$
  select coalesce(private.my_staff_role() in ('operator', 'admin'), false)
$$;

create or replace function private.is_org_admin() returns boolean
  language sql stable security definer set search_path = ''
as $$
  select coalesce(private.my_staff_role() = 'admin', false)
$$;

-- Stores the calling person may work with: all of the org's for operators/admins, the
-- assigned ones for associates/managers, none otherwise. Returned as an array so that
-- policies can evaluate it once per statement ((select ...) becomes an InitPlan).
create or replace function private.my_store_ids() returns uuid[]
  language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(x.store_id), '{}'::uuid[]) from (
    select st.id as store_id from public.stores st
    where st.org_id = private.jwt_org_id() and private.is_org_wide()
    union
    select a.store_id from public.staff_stores a
    join public.staff s on s.org_id = a.org_id and s.id = a.staff_id
    where s.org_id = private.jwt_org_id() and s.account_id = auth.uid() and s.active
  ) x
$$;

grant execute on function private.my_staff_role() to authenticated;
grant execute on function private.my_staff_id() to authenticated;
grant execute on function private.is_org_wide() to authenticated;
grant execute on function private.is_org_admin() to authenticated;
grant execute on function private.my_store_ids() to authenticated;

-- Policies ----------------------------------------------------------------------------------

create policy "People can read their own org"
  on public.orgs for select to authenticated
  using (id = (select private.jwt_org_id()));

create policy "Admins can update their org"
  on public.orgs for update to authenticated
  using (id = (select private.jwt_org_id()) and (select private.is_org_admin()))
  with check (id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "Staff can read the stores they may work with"
  on public.stores for select to authenticated
  using (org_id = (select private.jwt_org_id()) and id = any ((select private.my_store_ids())::uuid[]));

create policy "Members can read their org's active stores"
  on public.stores for select to authenticated
  using (org_id = (select private.jwt_org_id()) and active);

create policy "Admins can create stores"
  on public.stores for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "Admins can update stores"
  on public.stores for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "People can read their own account"
  on public.accounts for select to authenticated
  using (org_id = (select private.jwt_org_id()) and id = (select auth.uid()));

create policy "Staff can read themselves, colleagues of their stores, and operators everyone"
  on public.staff for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (
      account_id = (select auth.uid())
      or (select private.is_org_wide())
      or (
        (select private.my_staff_role()) is not null
        and exists (
          select 1 from public.staff_stores a
          where a.org_id = staff.org_id and a.staff_id = staff.id
            and a.store_id = any ((select private.my_store_ids())::uuid[])
        )
      )
    )
  );

create policy "Admins can add staff"
  on public.staff for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "Admins can update staff"
  on public.staff for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "Staff can read assignments of the stores they may work with"
  on public.staff_stores for select to authenticated
  using (org_id = (select private.jwt_org_id()) and store_id = any ((select private.my_store_ids())::uuid[]));

create policy "Admins can assign staff to stores"
  on public.staff_stores for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "Admins can remove store assignments"
  on public.staff_stores for delete to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

-- Grants ------------------------------------------------------------------------------------

revoke all on public.orgs, public.stores, public.accounts, public.staff, public.staff_stores from anon, authenticated;
grant select, update (name, timezone) on public.orgs to authenticated;
grant select, insert, update (name, city, active) on public.stores to authenticated;
grant select on public.accounts to authenticated;
grant select, insert, update (name, role, active, deactivated_at) on public.staff to authenticated;
grant select, insert, delete on public.staff_stores to authenticated;
