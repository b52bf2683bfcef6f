-- Platform compatibility: what Supabase provides, created only where it is missing, so the
-- same migrations run on Supabase, on plain Postgres and on embedded PGlite.

-- Roles used by the request path (Supabase's names). `app_auth` is the identity service's
-- role (the counterpart of supabase_auth_admin): it may only run the sign-in routine.
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role', 'app_auth'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin noinherit', r);
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by a concurrent migration of another database
      end;
    end if;
  end loop;
end
$$;
alter role service_role bypassrls;

-- The connecting user switches into these roles per transaction (set_config('role', ...)).
do $$
begin
  execute format('grant anon, authenticated, service_role, app_auth to %I', current_user);
exception when others then
  -- Already a member, or a superuser (who needs no grant).
  null;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- auth.jwt() / auth.uid() / auth.role() exactly as Supabase defines them (request.jwt.claims is
-- set transaction-locally by the request wrapper, as PostgREST does).
do $$
begin
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'auth' and p.proname = 'jwt') then
    execute $f$
      create function auth.jwt() returns jsonb language sql stable as $b$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $b$;
    $f$;
  end if;
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'auth' and p.proname = 'uid') then
    execute $f$
      create function auth.uid() returns uuid language sql stable as $b$
        select coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $b$;
    $f$;
  end if;
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'auth' and p.proname = 'role') then
    execute $f$
      create function auth.role() returns text language sql stable as $b$
        select coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
        )::text
      $b$;
    $f$;
  end if;
end
$$;

grant execute on all functions in schema auth to anon, authenticated, service_role;

-- Nothing is readable by anon unless a migration grants it explicitly (none does).
revoke all on schema public from anon;
alter default privileges in schema public revoke all on tables from anon;
alter default privileges in schema public revoke all on sequences from anon;
alter default privileges in schema public revoke all on functions from anon;
alter default privileges in schema public revoke execute on functions from public;
grant usage on schema public to authenticated, service_role;

-- Private schema: security definer helpers and server-only tables; never exposed over an API.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, app_auth;
alter default privileges in schema private revoke execute on functions from public;

-- The org of the current request, from the signed token. Identity only: what the person may
-- do is decided by table lookups in the helpers below.
create or replace function private.jwt_org_id() returns uuid
  language sql stable set search_path = ''
as $$
  select nullif(auth.jwt() ->> 'org_id', '')::uuid
$$;
grant execute on function private.jwt_org_id() to authenticated;

-- updated_at maintenance for tables that have it.
create or replace function private.touch_updated_at() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
