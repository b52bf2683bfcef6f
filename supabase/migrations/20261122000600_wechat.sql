-- WeChat integration state that only the server may touch: the shared access token cache and
-- each account's session_key (never sent to any client), plus the sign-in routine.

create table private.wechat_tokens (
  appid text primary key,
  access_token text not null,
  expires_at timestamptz not null,
  refreshed_at timestamptz not null default now()
);

create table private.wx_sessions (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  session_key_enc text not null,
  updated_at timestamptz not null default now()
);

comment on table private.wechat_tokens is 'The stable access token per appid, shared by every function instance.';
comment on table private.wx_sessions is 'session_key from jscode2session, encrypted by the application. Server only.';

alter table private.wechat_tokens enable row level security;
alter table private.wx_sessions enable row level security;

-- Sign-in: find or create the account for (appid, openid); remember unionid and the encrypted
-- session_key. Runs as app_auth, the identity service's role, which can do nothing else.
create or replace function private.wx_sign_in(p_appid text, p_openid text, p_unionid text, p_session_key_enc text)
  returns table (account_id uuid, org_id uuid)
  language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  v_org uuid;
  v_account uuid;
begin
  select o.id into v_org from public.orgs o where o.wx_appid = p_appid;
  if v_org is null then
    raise exception 'unknown appid' using errcode = 'P0002';
  end if;
  insert into public.accounts as a (org_id, wx_openid, wx_unionid)
  values (v_org, p_openid, p_unionid)
  on conflict (org_id, wx_openid) do update
    set last_login_at = now(), wx_unionid = coalesce(excluded.wx_unionid, a.wx_unionid)
  returning a.id into v_account;
  insert into private.wx_sessions as w (account_id, session_key_enc)
  values (v_account, p_session_key_enc)
  on conflict (account_id) do update set session_key_enc = excluded.session_key_enc, updated_at = now();
  return query select v_account, v_org;
end
$$;
revoke execute on function private.wx_sign_in(text, text, text, text) from public;
grant execute on function private.wx_sign_in(text, text, text, text) to app_auth;

-- The token cache is read and refreshed by the integration service (app_auth), not by people.
-- Refresh takes a row lock so that concurrent instances refresh once, not once each.
create or replace function private.wechat_token_get(p_appid text)
  returns table (access_token text, expires_at timestamptz)
  language sql stable security definer set search_path = ''
as $$
  select t.access_token, t.expires_at from private.wechat_tokens t where t.appid = p_appid
$$;

create or replace function private.wechat_token_put(p_appid text, p_token text, p_expires_at timestamptz)
  returns void
  language sql security definer set search_path = ''
as $$
  insert into private.wechat_tokens (appid, access_token, expires_at)
  values (p_appid, p_token, p_expires_at)
  on conflict (appid) do update
    set access_token = excluded.access_token, expires_at = excluded.expires_at, refreshed_at = now()
$$;

-- Serialises refreshes per appid across instances (transaction-scoped advisory lock).
create or replace function private.wechat_token_lock(p_appid text)
  returns void
  language sql security definer set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtextextended('wechat_token:' || p_appid, 0))
$$;

revoke execute on function private.wechat_token_get(text) from public;
revoke execute on function private.wechat_token_put(text, text, timestamptz) from public;
revoke execute on function private.wechat_token_lock(text) from public;
grant execute on function private.wechat_token_get(text) to app_auth;
grant execute on function private.wechat_token_put(text, text, timestamptz) to app_auth;
grant execute on function private.wechat_token_lock(text) to app_auth;
