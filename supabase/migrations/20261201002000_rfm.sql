-- RFM scores, the eight classic classes and churn state per member (issue 7).
--
-- Scores are computed against each org's own distribution: the 20/40/60/80 % percentiles of its
-- purchasers' last purchase time (R), lifetime order count (F) and lifetime spend (M), stored
-- per org in rfm_breakpoints and recomputed daily by the cron function /api/cron/rfm-refresh.
-- A member's scores follow their orders at once: statement-level triggers on orders (after the
-- workbench's order-stats triggers have updated the member's aggregates) rescore exactly the
-- members of the statement, set-based, against the stored breakpoints. Recency that moves with
-- time (a member's churn state; the breakpoints of the next day) is the daily refresh's, which
-- writes only the rows whose values change. The same rules in TypeScript:
-- shared/domain/rfm.ts (the tests check that both agree).

-- 1. Columns on members -----------------------------------------------------------------------
--
-- Columns of members (like the purchase aggregates) because the associates' list and the
-- segments filter on them together with store, tags and dates, and RLS on members already
-- decides who sees them. Written only by the functions below (people have no write grant).
alter table public.members
  add column rfm_r smallint check (rfm_r between 1 and 5),
  add column rfm_f smallint check (rfm_f between 1 and 5),
  add column rfm_m smallint check (rfm_m between 1 and 5),
  add column rfm_class text check (rfm_class in (
    'important_value', 'important_develop', 'important_keep', 'important_retain',
    'general_value', 'general_develop', 'general_keep', 'general_retain')),
  add column churn_state text not null default 'no_purchase'
    check (churn_state in ('no_purchase', 'one_time', 'active', 'at_risk', 'lapsed')),
  add column rfm_scored_at timestamptz,
  add constraint members_rfm_scored_together check (
    (rfm_r is null) = (rfm_f is null) and (rfm_f is null) = (rfm_m is null) and (rfm_m is null) = (rfm_class is null));

comment on column public.members.rfm_r is 'Recency score 1–5 against the org''s breakpoints (5 = the most recent fifth of purchasers); null = never purchased.';
comment on column public.members.rfm_f is 'Frequency score 1–5 (lifetime order count); null = never purchased.';
comment on column public.members.rfm_m is 'Monetary score 1–5 (lifetime spend); null = never purchased.';
comment on column public.members.rfm_class is 'One of the eight RFM classes (important_value 重要价值 … general_retain 一般挽留); null = never purchased.';
comment on column public.members.churn_state is 'no_purchase, one_time, active, at_risk (silent > 2 × own purchase rhythm and ≥ 30 days), lapsed (silent ≥ 365 days).';
comment on column public.members.rfm_scored_at is 'When rfm_* / churn_state last changed.';

-- 2. Breakpoints per org ----------------------------------------------------------------------

create table public.rfm_breakpoints (
  org_id uuid primary key references public.orgs (id) on delete cascade,
  -- percentile_disc(0.2, 0.4, 0.6, 0.8) of the org's purchasers; ascending.
  r_edges timestamptz[] not null check (cardinality(r_edges) = 4),
  f_edges int[] not null check (cardinality(f_edges) = 4),
  m_edges bigint[] not null check (cardinality(m_edges) = 4),
  purchasers int not null check (purchasers > 0),
  computed_at timestamptz not null default now()
);

comment on table public.rfm_breakpoints is 'Per org: the quintile edges members'' R/F/M are scored against; recomputed by the daily RFM refresh.';

alter table public.rfm_breakpoints enable row level security;

-- 3. Pure rules (the same as shared/domain/rfm.ts) ----------------------------------------------
--
-- Plain SQL, immutable, not security definer and without a SET clause (a function with one is
-- never inlined): the planner inlines them into the set-based statements below. Measured at 1 M
-- members: with `set search_path` each was a real call, and a refresh that changed 3,654
-- members took 65 s scoring everyone twice.

-- 1 + the number of edges the value is strictly above (timestamps, counts, fen alike).
create or replace function private.rfm_score_against(p_value anyelement, p_edges anyarray) returns smallint
  language sql immutable parallel safe
as $$
  select (1 + (p_value > p_edges[1])::int + (p_value > p_edges[2])::int + (p_value > p_edges[3])::int + (p_value > p_edges[4])::int)::smallint
$$;

-- {R, F, M}, or {null, null, null} for a member who never bought (or an org without edges).
create or replace function private.rfm_scores(
  p_last timestamptz, p_orders int, p_spend bigint, p_r timestamptz[], p_f int[], p_m bigint[]
) returns smallint[]
  language sql immutable parallel safe
as $$
  select case when coalesce(p_orders, 0) > 0 and p_last is not null and p_r is not null
    then array[private.rfm_score_against(p_last, p_r), private.rfm_score_against(p_orders, p_f), private.rfm_score_against(p_spend, p_m)]
    else array[null, null, null]::smallint[]
  end
$$;

create or replace function private.rfm_class_of(p_r smallint, p_f smallint, p_m smallint) returns text
  language sql immutable parallel safe
as $$
  select case when p_r is null or p_f is null or p_m is null then null else
    case when p_m >= 4 then 'important_' else 'general_' end ||
    case when p_r >= 4 and p_f >= 4 then 'value' when p_r >= 4 then 'develop' when p_f >= 4 then 'keep' else 'retain' end
  end
$$;

create or replace function private.churn_state_of(p_first timestamptz, p_last timestamptz, p_orders int, p_at timestamptz) returns text
  language sql immutable parallel safe
as $$
  select case
    when coalesce(p_orders, 0) <= 0 or p_last is null then 'no_purchase'
    when extract(epoch from p_at - p_last) >= 365 * 86400 then 'lapsed'
    when p_orders = 1 or p_first is null then 'one_time'
    -- epoch seconds, not intervals: interval arithmetic counts a month as 30 days.
    when extract(epoch from p_at - p_last) > greatest(2 * extract(epoch from p_last - p_first) / (p_orders - 1), 30 * 86400) then 'at_risk'
    else 'active'
  end
$$;

-- 4. Computing -----------------------------------------------------------------------------------
--
-- Every write is one UPDATE of members whose new values are expressions over the row being
-- updated (never over a second scan of members): if an order changes a member while a refresh
-- runs, the refresh re-evaluates them on the newest row version instead of writing scores
-- computed from the old one.

-- The org's breakpoints from its purchasers now (no row when nobody has bought yet).
create or replace function private.rfm_compute_breakpoints(p_org uuid) returns void
  language sql security definer set search_path = ''
as $$
  insert into public.rfm_breakpoints as b (org_id, r_edges, f_edges, m_edges, purchasers, computed_at)
  select p_org,
         percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by m.last_purchase_at),
         percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by m.order_count),
         percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by m.lifetime_spend_fen),
         count(*), now()
  from public.members m
  where m.org_id = p_org and m.deleted_at is null and m.order_count > 0 and m.last_purchase_at is not null
  having count(*) > 0
  on conflict (org_id) do update
    set r_edges = excluded.r_edges, f_edges = excluded.f_edges, m_edges = excluded.m_edges,
        purchasers = excluded.purchasers, computed_at = excluded.computed_at
$$;
revoke execute on function private.rfm_compute_breakpoints(uuid) from public;

-- Rescores the given members (parallel arrays, duplicates allowed) against their org's stored
-- breakpoints, as of p_at; writes only rows whose values change. Returns the rows changed.
-- An org without breakpoints yet (its first orders) gets them computed first.
-- Callers that change members' purchase aggregates without going through the order triggers
-- (bulk loads, merges done with triggers off) call this for the members they touched.
create or replace function private.rfm_score_members(p_org uuid[], p_member uuid[], p_at timestamptz default now()) returns int
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid;
  v_changed int;
begin
  for v_org in
    select distinct k.org_id from unnest(p_org) as k(org_id)
    where k.org_id is not null
      and not exists (select 1 from public.rfm_breakpoints b where b.org_id = k.org_id)
  loop
    perform private.rfm_compute_breakpoints(v_org);
  end loop;

  update public.members m
  set (rfm_r, rfm_f, rfm_m, rfm_class, churn_state, rfm_scored_at) = (
    select v.s[1], v.s[2], v.s[3], private.rfm_class_of(v.s[1], v.s[2], v.s[3]), v.churn, p_at
    from (select private.rfm_scores(m.last_purchase_at, m.order_count, m.lifetime_spend_fen, b.r_edges, b.f_edges, b.m_edges) as s,
                 private.churn_state_of(m.first_purchase_at, m.last_purchase_at, m.order_count, p_at) as churn) v)
  from (select distinct x.org_id, x.member_id from unnest(p_org, p_member) as x(org_id, member_id) where x.member_id is not null) k
  left join public.rfm_breakpoints b on b.org_id = k.org_id
  where m.org_id = k.org_id and m.id = k.member_id
    and (array[m.rfm_r, m.rfm_f, m.rfm_m], m.churn_state) is distinct from (
      private.rfm_scores(m.last_purchase_at, m.order_count, m.lifetime_spend_fen, b.r_edges, b.f_edges, b.m_edges),
      private.churn_state_of(m.first_purchase_at, m.last_purchase_at, m.order_count, p_at));
  get diagnostics v_changed = row_count;
  return v_changed;
end
$$;
revoke execute on function private.rfm_score_members(uuid[], uuid[], timestamptz) from public;

-- The daily refresh of one org: new breakpoints from today's distribution, then every member
-- whose scores, class or churn state differ as of p_at, in one statement. Overlapping runs for
-- the same org (cron may fire twice) do the work once: the second skips.
-- Security definer, callable by the cron job's service role only.
create or replace function public.rfm_refresh_org(p_org uuid, p_at timestamptz default now())
  returns table (purchasers int, changed int, skipped boolean)
  language plpgsql security definer set search_path = ''
as $$
declare
  b public.rfm_breakpoints%rowtype;
  v_changed int;
begin
  if not pg_try_advisory_xact_lock(hashtextextended('rfm-refresh:' || p_org::text, 0)) then
    return query select 0, 0, true;
    return;
  end if;
  perform private.rfm_compute_breakpoints(p_org);
  select * into b from public.rfm_breakpoints x where x.org_id = p_org;
  -- No purchaser at all: no edges, and everyone scores null / no_purchase.
  update public.members m
  set (rfm_r, rfm_f, rfm_m, rfm_class, churn_state, rfm_scored_at) = (
    select v.s[1], v.s[2], v.s[3], private.rfm_class_of(v.s[1], v.s[2], v.s[3]), v.churn, p_at
    from (select private.rfm_scores(m.last_purchase_at, m.order_count, m.lifetime_spend_fen, b.r_edges, b.f_edges, b.m_edges) as s,
                 private.churn_state_of(m.first_purchase_at, m.last_purchase_at, m.order_count, p_at) as churn) v)
  where m.org_id = p_org
    and (array[m.rfm_r, m.rfm_f, m.rfm_m], m.churn_state) is distinct from (
      private.rfm_scores(m.last_purchase_at, m.order_count, m.lifetime_spend_fen, b.r_edges, b.f_edges, b.m_edges),
      private.churn_state_of(m.first_purchase_at, m.last_purchase_at, m.order_count, p_at));
  get diagnostics v_changed = row_count;
  return query select coalesce(b.purchasers, 0), v_changed, false;
end
$$;
revoke execute on function public.rfm_refresh_org(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.rfm_refresh_org(uuid, timestamptz) to service_role;

-- 5. Following orders -------------------------------------------------------------------------
--
-- Statement-level, after the order-stats triggers (triggers of one event fire in name order:
-- orders_member_stats_* before orders_rfm_*), so the members' aggregates are already current.
-- A merge that moves orders from one member to another is an UPDATE of orders.member_id: both
-- the old and the new member are rescored.

create or replace function private.orders_rfm_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.rfm_score_members(array_agg(x.org_id), array_agg(x.member_id))
  from (select distinct n.org_id, n.member_id from new_rows n where n.member_id is not null) x
  having count(*) > 0;
  return null;
end
$$;

create or replace function private.orders_rfm_after_delete() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.rfm_score_members(array_agg(x.org_id), array_agg(x.member_id))
  from (select distinct o.org_id, o.member_id from old_rows o where o.member_id is not null) x
  having count(*) > 0;
  return null;
end
$$;

create or replace function private.orders_rfm_after_update() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.rfm_score_members(array_agg(x.org_id), array_agg(x.member_id))
  from (
    select n.org_id, n.member_id from new_rows n where n.member_id is not null
    union
    select o.org_id, o.member_id from old_rows o where o.member_id is not null
  ) x
  having count(*) > 0;
  return null;
end
$$;

create trigger orders_rfm_ins after insert on public.orders
  referencing new table as new_rows for each statement execute function private.orders_rfm_after_insert();
create trigger orders_rfm_del after delete on public.orders
  referencing old table as old_rows for each statement execute function private.orders_rfm_after_delete();
create trigger orders_rfm_upd after update on public.orders
  referencing old table as old_rows new table as new_rows for each statement execute function private.orders_rfm_after_update();

-- 6. Backfill ------------------------------------------------------------------------------------

select public.rfm_refresh_org(o.id) from public.orgs o;

-- 7. Indexes -------------------------------------------------------------------------------------
--
-- The associates' list filtered by class or churn state: a store's page (newest first) is one
-- range of these. Org-wide segment counts by class / churn are index-only counts.
create index members_store_rfm_idx on public.members (org_id, store_id, rfm_class, joined_at desc, id desc) where deleted_at is null;
create index members_store_churn_idx on public.members (org_id, store_id, churn_state, joined_at desc, id desc) where deleted_at is null;

-- Slipping away: the at-risk customers of an associate (or a store), biggest spenders first. The
-- spend indexes put them last (at-risk customers are rarely the big spenders): an associate with
-- 11,714 customers, 1,280 at risk, read ~8,000 index entries and heap rows for the first 50.
-- Partial, so only at-risk members (≈ 1 in 9) are in them.
create index members_associate_at_risk_idx on public.members (org_id, associate_id, lifetime_spend_fen desc, id desc)
  where deleted_at is null and churn_state = 'at_risk';
create index members_store_at_risk_idx on public.members (org_id, store_id, lifetime_spend_fen desc, id desc)
  where deleted_at is null and churn_state = 'at_risk';

-- 8. Policies and grants -------------------------------------------------------------------------

create policy "Operators read their org's RFM breakpoints"
  on public.rfm_breakpoints for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

revoke all on public.rfm_breakpoints from anon, authenticated;
grant select on public.rfm_breakpoints to authenticated;

grant select (rfm_r, rfm_f, rfm_m, rfm_class, churn_state, rfm_scored_at) on public.members to authenticated;
