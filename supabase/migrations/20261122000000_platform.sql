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
-- Guarded: ALTER ROLE on a role that is already right would race between two databases being
-- migrated at once on one server ("tuple concurrently updated").
do $$
begin
  if not (select rolbypassrls from pg_roles where rolname = 'service_role') then
    alter role service_role bypassrls;
  end if;
end
$$;

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

-- Nothing is granted by default. Supabase's initial schema grants ALL on every new public table
-- to anon and authenticated; these revoke that default for tables created from here on, and
-- every domain migration also revokes explicitly before granting exactly the columns a person
-- may touch (TRUNCATE, for one, ignores RLS).
revoke all on schema public from anon;
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from anon, authenticated;
-- Functions: no EXECUTE for PUBLIC by default (only the global form of this works).
alter default privileges revoke execute on functions from public;
-- Jobs (greeting dispatch, imports) run as service_role, never on behalf of a person.
alter default privileges in schema public grant select, insert, update, delete on tables to service_role;
alter default privileges in schema public grant usage, select on sequences to service_role;
grant usage on schema public to authenticated, service_role;

-- Private schema: security definer helpers and server-only tables; never exposed over an API.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, app_auth;

-- (private.jwt_org_id() is defined with the accounts table, which it checks.)

-- updated_at maintenance for tables that have it.
create or replace function private.touch_updated_at() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
