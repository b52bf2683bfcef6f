-- Console sign-in by QR code: the browser shows a one-time ticket, a staff member scans it with
-- the mini-program (already signed in there) and approves; the browser's next poll receives a
-- session for that staff member. Tickets live two minutes and work once.

create table private.console_tickets (
  id uuid primary key default gen_random_uuid(),
  poll_secret_hash text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'consumed')),
  org_id uuid references public.orgs (id) on delete cascade,
  account_id uuid references public.accounts (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '2 minutes',
  approved_at timestamptz,
  consumed_at timestamptz
);
create index console_tickets_expiry_idx on private.console_tickets (expires_at);

comment on table private.console_tickets is 'One-time, short-lived QR sign-in tickets for the browser console. Server only.';

alter table private.console_tickets enable row level security;

-- Issued by the identity service for a browser that is not signed in yet.
create or replace function private.console_ticket_issue(p_poll_secret_hash text)
  returns table (id uuid, expires_at timestamptz)
  language sql security definer set search_path = ''
as $$
  -- Expired tickets are cleaned up as new ones are issued.
  with _ as (delete from private.console_tickets t where t.expires_at < now() - interval '1 hour')
  insert into private.console_tickets (poll_secret_hash) values (p_poll_secret_hash)
  returning console_tickets.id, console_tickets.expires_at
$$;

-- The browser's poll: returns the approving account once, then never again.
create or replace function private.console_ticket_consume(p_id uuid, p_poll_secret_hash text)
  returns table (status text, account_id uuid, org_id uuid)
  language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  t private.console_tickets;
begin
  select * into t from private.console_tickets c
  where c.id = p_id and c.poll_secret_hash = p_poll_secret_hash
  for update;
  if not found or t.expires_at < now() or t.status = 'consumed' then
    return query select 'expired'::text, null::uuid, null::uuid;
    return;
  end if;
  if t.status = 'pending' then
    return query select 'pending'::text, null::uuid, null::uuid;
    return;
  end if;
  update private.console_tickets c set status = 'consumed', consumed_at = now() where c.id = p_id;
  return query select 'approved'::text, t.account_id, t.org_id;
end
$$;

revoke execute on function private.console_ticket_issue(text) from public;
revoke execute on function private.console_ticket_consume(uuid, text) from public;
grant execute on function private.console_ticket_issue(text) to app_auth;
grant execute on function private.console_ticket_consume(uuid, text) to app_auth;

-- Approval, by a signed-in person: only active staff of the token's org may approve, and the
-- approval is recorded in the audit log.
create or replace function public.approve_console_ticket(p_ticket uuid)
  returns boolean
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_account uuid := auth.uid();
begin
  if private.my_staff_id() is null then
    raise exception 'only staff can sign in to the console' using errcode = '42501';
  end if;
  update private.console_tickets t
  set status = 'approved', approved_at = now(), account_id = v_account, org_id = v_org
  where t.id = p_ticket and t.status = 'pending' and t.expires_at > now();
  if not found then
    return false;
  end if;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id)
  values (v_org, v_account, 'console.sign_in_approved', 'console_ticket', p_ticket::text);
  return true;
end
$$;
revoke execute on function public.approve_console_ticket(uuid) from public;
grant execute on function public.approve_console_ticket(uuid) to authenticated;
