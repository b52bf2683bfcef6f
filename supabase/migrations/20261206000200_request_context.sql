-- The request's authorisation facts, read once per transaction (issues 3 and 5: RLS overhead).
--
-- Every policy asks the same questions — the caller's org, staff id, role, stores — through the
-- helpers of 20261122000100, and each policy occurrence in a statement evaluates them afresh (one
-- InitPlan each). The helpers were security definer PL/pgSQL calling one another: my_store_ids()
-- ran jwt_org_id() twice and is_org_wide() → my_staff_role() → jwt_org_id() again, each call with
-- its own SET clauses and SPI round: measured at 1 M members ≈ 170 µs for my_store_ids(),
-- 55–65 µs for my_staff_id() / my_staff_role() / is_org_wide(), 23 µs for jwt_org_id(). A customer
-- card (one statement reading seven tables) evaluated about thirty of them; a tag write, fifteen.
--
-- Now the first helper call of a transaction reads all the facts in one definer function and
-- keeps them in transaction-local settings (request.ctx.*), next to the claims they were read
-- for; every later call is a few current_setting() reads in plain SQL functions that the planner
-- inlines. The rules are exactly the old helpers' (same tables, same joins, active staff only).
--
-- Why this stays safe:
-- - The cache is keyed by the claims text it was computed from: different claims (another
--   person in the same transaction, claims cleared) never see it, they load their own.
-- - Transaction-local: a deactivated staff member still loses access on the next request.
-- - A write to the tables the facts come from (accounts, staff, staff_stores, stores) marks
--   the cache stale for the rest of the transaction, so a transaction that changes them reads
--   them again.
-- - Setting request.ctx.* by hand needs the same power as setting request.jwt.claims by hand
--   (running arbitrary SQL on the connection), which is already the trust boundary of RLS on
--   Supabase: PostgREST exposes neither.

-- Loader ------------------------------------------------------------------------------------

create or replace function private.request_context_load() returns jsonb
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_claims text := pg_catalog.current_setting('request.jwt.claims', true);
  v_sub uuid := auth.uid();
  v_org uuid;
  v_staff uuid;
  v_role text;
  v_stores uuid[];
begin
  -- The token's org, only if its subject is an account of that org (else every policy matches nothing).
  select a.org_id into v_org from public.accounts a
  where a.id = v_sub and a.org_id = nullif(auth.jwt() ->> 'org_id', '')::uuid;
  if v_org is not null then
    select s.id, s.role into v_staff, v_role from public.staff s
    where s.org_id = v_org and s.account_id = v_sub and s.active
    limit 1;
  end if;
  -- All of the org's stores for operators and admins, the assigned ones for other active staff.
  select coalesce(array_agg(x.store_id), '{}'::uuid[]) into v_stores from (
    select st.id as store_id from public.stores st where st.org_id = v_org and v_role in ('operator', 'admin')
    union
    select a.store_id from public.staff_stores a where a.org_id = v_org and a.staff_id = v_staff
  ) x;
  perform pg_catalog.set_config('request.ctx.org_id', coalesce(v_org::text, ''), true),
          pg_catalog.set_config('request.ctx.staff_id', coalesce(v_staff::text, ''), true),
          pg_catalog.set_config('request.ctx.role', coalesce(v_role, ''), true),
          pg_catalog.set_config('request.ctx.store_ids', v_stores::text, true),
          pg_catalog.set_config('request.ctx.key', 'v1:' || coalesce(v_claims, ''), true);
  return jsonb_build_object('org_id', v_org, 'staff_id', v_staff, 'role', v_role, 'store_ids', v_stores::text);
end
$$;

comment on function private.request_context_load() is
  'Reads the caller''s org, staff id, role and stores once and keeps them for the transaction (request.ctx.*), keyed by the claims.';

-- Fresh = computed for exactly these claims in this transaction and not made stale since.
create or replace function private.request_context_fresh() returns boolean
  language sql stable
as $$
  select pg_catalog.current_setting('request.ctx.key', true)
         is not distinct from ('v1:' || coalesce(pg_catalog.current_setting('request.jwt.claims', true), ''))
$$;

-- Writes to the facts' tables: read them again.
create or replace function private.request_context_stale() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_catalog.set_config('request.ctx.key', '', true);
  return null;
end
$$;

create trigger accounts_request_context after insert or update or delete on public.accounts
  for each statement execute function private.request_context_stale();
create trigger staff_request_context after insert or update or delete on public.staff
  for each statement execute function private.request_context_stale();
create trigger staff_stores_request_context after insert or update or delete on public.staff_stores
  for each statement execute function private.request_context_stale();
create trigger stores_request_context after insert or update or delete on public.stores
  for each statement execute function private.request_context_stale();

-- The helpers, same names and rules: plain SQL over the cached facts (inlined by the planner) ---

create or replace function private.jwt_org_id() returns uuid
  language sql stable security invoker
as $$
  select nullif(case when private.request_context_fresh() then pg_catalog.current_setting('request.ctx.org_id', true)
                     else private.request_context_load() ->> 'org_id' end, '')::uuid
$$;

create or replace function private.my_staff_id() returns uuid
  language sql stable security invoker
as $$
  select nullif(case when private.request_context_fresh() then pg_catalog.current_setting('request.ctx.staff_id', true)
                     else private.request_context_load() ->> 'staff_id' end, '')::uuid
$$;

create or replace function private.my_staff_role() returns text
  language sql stable security invoker
as $$
  select nullif(case when private.request_context_fresh() then pg_catalog.current_setting('request.ctx.role', true)
                     else private.request_context_load() ->> 'role' end, '')
$$;

create or replace function private.my_store_ids() returns uuid[]
  language sql stable security invoker
as $$
  select coalesce(case when private.request_context_fresh() then pg_catalog.current_setting('request.ctx.store_ids', true)
                       else private.request_context_load() ->> 'store_ids' end, '{}')::uuid[]
$$;

create or replace function private.is_org_wide() returns boolean
  language sql stable security invoker
as $$
  select coalesce(private.my_staff_role() in ('operator', 'admin'), false)
$$;

create or replace function private.is_org_admin() returns boolean
  language sql stable security invoker
as $$
  select coalesce(private.my_staff_role() = 'admin', false)
$$;

-- The per-row check of a few policies: the member row (read past its own policy, hence definer)
-- against the cached facts, instead of walking staff and staff_stores again for every row.
create or replace function private.can_see_member(p_org uuid, p_member uuid) returns boolean
  language plpgsql stable security definer set search_path = '' set plan_cache_mode = force_generic_plan
as $$
begin
  return exists (
    select 1 from public.members m
    where m.org_id = p_org and m.id = p_member and m.org_id = private.jwt_org_id() and m.deleted_at is null
      and (m.account_id = auth.uid() or private.is_org_wide() or m.store_id = any (private.my_store_ids()))
  );
end
$$;

revoke execute on function private.request_context_load() from public;
revoke execute on function private.request_context_fresh() from public;
revoke execute on function private.request_context_stale() from public;
grant execute on function private.request_context_load() to authenticated, app_auth, service_role;
grant execute on function private.request_context_fresh() to authenticated, app_auth, service_role;
