-- Append-only audit log: who did what to whom. Nobody, not even the table owner, can change or
-- remove a row once written.

create table public.audit_log (
  org_id uuid not null references public.orgs (id),
  id bigint generated always as identity,
  actor_account_id uuid,
  action text not null check (length(action) between 1 and 64),
  target_type text,
  target_id text,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index audit_log_time_idx on public.audit_log (org_id, created_at desc);
create index audit_log_target_idx on public.audit_log (org_id, target_type, target_id, created_at desc);

comment on table public.audit_log is 'Append-only. Every full-phone read, export, hand-over and erasure writes here.';

alter table public.audit_log enable row level security;

create or replace function private.audit_log_is_append_only() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  raise exception 'audit_log is append-only' using errcode = '42501';
end
$$;

create trigger audit_log_no_update before update or delete on public.audit_log
  for each row execute function private.audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on public.audit_log
  for each statement execute function private.audit_log_is_append_only();

create policy "Admins read their org's audit log"
  on public.audit_log for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_admin()));

create policy "People write audit entries as themselves in their org"
  on public.audit_log for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and actor_account_id = (select auth.uid()));

revoke all on public.audit_log from anon, authenticated;
-- created_at is the server's clock: entries cannot be back- or post-dated.
grant select, insert (org_id, actor_account_id, action, target_type, target_id, detail) on public.audit_log to authenticated;
