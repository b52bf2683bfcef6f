-- Console dashboards (issue 7): member growth by join channel and store, RFM grid, tier and
-- churn distributions, greeting results, associates' customers and activity — each under
-- 500 ms at 1 M members, and each chart opening exactly the members it counted.
--
-- Counting 1 M member rows per chart is a full scan (0.5–1 s on 2 cores, more through RLS), so
-- the counts live in small counter tables kept current by statement-level triggers in the same
-- transaction as the change: a chart reads a few thousand rows, and its numbers always equal
-- the live list behind them. The counters are delta rows (insert-only: +n / −n per group and
-- statement), never one hot row updated in place, so a member joining never waits on the
-- nightly RFM refresh that holds its own rows; a cron folds the deltas (compact_dashboard_counters).
--
-- Greeting results are counted from the outbox itself through a covering index (a campaign's
-- days are a range of it); associates' 1:1 greetings likewise.

-- 1. Counter tables --------------------------------------------------------------------------

-- Members (not deleted) per store, owning associate, tier, RFM class and churn state.
create table public.member_counts (
  org_id uuid not null references public.orgs (id) on delete cascade,
  store_id uuid,
  associate_id uuid,
  tier text,
  rfm_class text,
  churn_state text,
  n bigint not null
);
create index member_counts_org_idx on public.member_counts (org_id);

-- Members (not deleted) per brand-local month of joining, store and join channel.
create table public.member_growth_counts (
  org_id uuid not null references public.orgs (id) on delete cascade,
  month date not null check (extract(day from month) = 1),
  store_id uuid,
  join_channel text not null,
  n bigint not null
);
create index member_growth_counts_month_idx on public.member_growth_counts (org_id, month);

-- Members (not deleted) per owning associate and brand-local day of their latest contact
-- (null: never contacted; '-infinity': over 100 days ago, once folded). "Contacted in the last
-- 30 days" is a sum over the last 30 days.
create table public.member_contact_counts (
  org_id uuid not null references public.orgs (id) on delete cascade,
  associate_id uuid,
  contact_day date,
  n bigint not null
);
create index member_contact_counts_day_idx on public.member_contact_counts (org_id, contact_day);

-- Interactions logged per staff member and brand-local day.
create table public.staff_activity_counts (
  org_id uuid not null references public.orgs (id) on delete cascade,
  staff_id uuid,
  day date not null,
  interactions bigint not null
);
create index staff_activity_counts_day_idx on public.staff_activity_counts (org_id, day);

comment on table public.member_counts is 'Dashboard counter (delta rows: sum n per group): members per store, associate, tier, RFM class, churn state. Kept by triggers on members.';
comment on table public.member_growth_counts is 'Dashboard counter (delta rows): members per month of joining (brand time zone), store, join channel. Kept by triggers on members.';
comment on table public.member_contact_counts is 'Dashboard counter (delta rows): members per owning associate and day of latest contact (brand time zone). Kept by triggers on members.';
comment on table public.staff_activity_counts is 'Dashboard counter (delta rows): interactions per staff member and day (brand time zone). Kept by triggers on interactions.';

alter table public.member_counts enable row level security;
alter table public.member_growth_counts enable row level security;
alter table public.member_contact_counts enable row level security;
alter table public.staff_activity_counts enable row level security;

-- 2. Triggers ---------------------------------------------------------------------------------
--
-- One statement-level trigger per operation with transition tables: a 1 M-row RFM refresh adds
-- one delta row per changed group, a single-row update that changes no counted column (an
-- order's spend, a profile edit) adds nothing (its +1 and −1 cancel in the same group). The
-- three functions share one body, generated here so each keeps static, cached plans.

do $gen$
declare
  body constant text := $body$
begin
  with d as (
    select x.sign, x.org_id, x.store_id, x.associate_id, x.tier, x.rfm_class, x.churn_state, x.join_channel,
           date_trunc('month', x.joined_at at time zone o.timezone)::date as month,
           (x.last_contact_at at time zone o.timezone)::date as contact_day
    from (%s) x
    join public.orgs o on o.id = x.org_id
    where x.deleted_at is null
  ),
  a as (
    insert into public.member_counts (org_id, store_id, associate_id, tier, rfm_class, churn_state, n)
    select org_id, store_id, associate_id, tier, rfm_class, churn_state, sum(sign)
    from d group by 1, 2, 3, 4, 5, 6 having sum(sign) <> 0
  ),
  g as (
    insert into public.member_growth_counts (org_id, month, store_id, join_channel, n)
    select org_id, month, store_id, join_channel, sum(sign)
    from d group by 1, 2, 3, 4 having sum(sign) <> 0
  )
  insert into public.member_contact_counts (org_id, associate_id, contact_day, n)
  select org_id, associate_id, contact_day, sum(sign)
  from d group by 1, 2, 3 having sum(sign) <> 0;
  return null;
end
$body$;
begin
  execute format($f$create or replace function private.members_counters_after_insert() returns trigger
    language plpgsql security definer set search_path = '' as %L$f$,
    format(body, 'select 1 as sign, r.* from new_rows r'));
  execute format($f$create or replace function private.members_counters_after_delete() returns trigger
    language plpgsql security definer set search_path = '' as %L$f$,
    format(body, 'select -1 as sign, r.* from old_rows r'));
  execute format($f$create or replace function private.members_counters_after_update() returns trigger
    language plpgsql security definer set search_path = '' as %L$f$,
    format(body, 'select 1 as sign, r.* from new_rows r union all select -1 as sign, r.* from old_rows r'));
end
$gen$;
revoke execute on function private.members_counters_after_insert(), private.members_counters_after_delete(),
  private.members_counters_after_update() from public;

create trigger members_counters_ins after insert on public.members
  referencing new table as new_rows for each statement execute function private.members_counters_after_insert();
create trigger members_counters_del after delete on public.members
  referencing old table as old_rows for each statement execute function private.members_counters_after_delete();
create trigger members_counters_upd after update on public.members
  referencing old table as old_rows new table as new_rows for each statement execute function private.members_counters_after_update();

create or replace function private.interactions_counters_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.staff_activity_counts (org_id, staff_id, day, interactions)
  select r.org_id, r.staff_id, (r.occurred_at at time zone o.timezone)::date, count(*)
  from new_rows r join public.orgs o on o.id = r.org_id
  group by 1, 2, 3;
  return null;
end
$$;
create or replace function private.interactions_counters_after_delete() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.staff_activity_counts (org_id, staff_id, day, interactions)
  select r.org_id, r.staff_id, (r.occurred_at at time zone o.timezone)::date, -count(*)
  from old_rows r join public.orgs o on o.id = r.org_id
  group by 1, 2, 3;
  return null;
end
$$;
revoke execute on function private.interactions_counters_after_insert(), private.interactions_counters_after_delete() from public;

create trigger interactions_counters_ins after insert on public.interactions
  referencing new table as new_rows for each statement execute function private.interactions_counters_after_insert();
create trigger interactions_counters_del after delete on public.interactions
  referencing old table as old_rows for each statement execute function private.interactions_counters_after_delete();

-- 3. Rebuild and compaction --------------------------------------------------------------------

-- Days older than the longest window a dashboard asks for (90 days, with a margin) are folded
-- into one '-infinity' day per group, so the day-keyed counters stay ~100 rows per associate.
create or replace function private.dashboard_fold_day(p_day date, p_tz text) returns date
  language sql stable set search_path = ''
as $$
  select case when p_day < (now() at time zone p_tz)::date - 100 then '-infinity'::date else p_day end
$$;

-- Recounts an org's counters from the tables (after a bulk load that bypassed the triggers, or
-- a change of the org's time zone). Each table is deleted and recounted in ONE statement, so
-- both see the same snapshot: a change committed meanwhile is either in the recount or (not
-- yet visible) still has its own delta rows, never both.
create or replace function public.rebuild_dashboard_counters(p_org uuid) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  v_tz text;
begin
  select o.timezone into v_tz from public.orgs o where o.id = p_org;
  if not found then
    raise exception 'no such org' using errcode = 'P0002';
  end if;
  -- Serialise with compaction and other rebuilds of the org.
  perform pg_advisory_xact_lock(hashtextextended('dashboard_counters:' || p_org::text, 0));
  with del as (delete from public.member_counts c where c.org_id = p_org)
  insert into public.member_counts (org_id, store_id, associate_id, tier, rfm_class, churn_state, n)
  select m.org_id, m.store_id, m.associate_id, m.tier, m.rfm_class, m.churn_state, count(*)
  from public.members m where m.org_id = p_org and m.deleted_at is null group by 1, 2, 3, 4, 5, 6;
  with del as (delete from public.member_growth_counts c where c.org_id = p_org)
  insert into public.member_growth_counts (org_id, month, store_id, join_channel, n)
  select m.org_id, date_trunc('month', m.joined_at at time zone v_tz)::date, m.store_id, m.join_channel, count(*)
  from public.members m where m.org_id = p_org and m.deleted_at is null group by 1, 2, 3, 4;
  with del as (delete from public.member_contact_counts c where c.org_id = p_org)
  insert into public.member_contact_counts (org_id, associate_id, contact_day, n)
  select m.org_id, m.associate_id, private.dashboard_fold_day((m.last_contact_at at time zone v_tz)::date, v_tz), count(*)
  from public.members m where m.org_id = p_org and m.deleted_at is null group by 1, 2, 3;
  with del as (delete from public.staff_activity_counts c where c.org_id = p_org)
  insert into public.staff_activity_counts (org_id, staff_id, day, interactions)
  select i.org_id, i.staff_id, private.dashboard_fold_day((i.occurred_at at time zone v_tz)::date, v_tz), count(*)
  from public.interactions i where i.org_id = p_org group by 1, 2, 3;
end
$$;
revoke execute on function public.rebuild_dashboard_counters(uuid) from public;
grant execute on function public.rebuild_dashboard_counters(uuid) to service_role;

-- Folds an org's delta rows into one row per group (sums unchanged, zero groups dropped; days
-- past the dashboards' longest window into one '-infinity' day).
-- Delta rows that other transactions commit meanwhile are not in this snapshot, so they are
-- neither deleted nor counted twice. Returns the rows removed.
create or replace function public.compact_dashboard_counters(p_org uuid) returns int
  language plpgsql security definer set search_path = ''
as $$
declare
  v_before int := 0;
  v_n int;
  v_tz text;
begin
  select o.timezone into v_tz from public.orgs o where o.id = p_org;
  if not found then
    raise exception 'no such org' using errcode = 'P0002';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('dashboard_counters:' || p_org::text, 0));
  with del as (delete from public.member_counts c where c.org_id = p_org returning c.*),
  ins as (
    insert into public.member_counts (org_id, store_id, associate_id, tier, rfm_class, churn_state, n)
    select org_id, store_id, associate_id, tier, rfm_class, churn_state, sum(n) from del
    group by 1, 2, 3, 4, 5, 6 having sum(n) <> 0 returning 1)
  select (select count(*) from del) - (select count(*) from ins) into v_n;
  v_before := v_before + v_n;
  with del as (delete from public.member_growth_counts c where c.org_id = p_org returning c.*),
  ins as (
    insert into public.member_growth_counts (org_id, month, store_id, join_channel, n)
    select org_id, month, store_id, join_channel, sum(n) from del group by 1, 2, 3, 4 having sum(n) <> 0 returning 1)
  select (select count(*) from del) - (select count(*) from ins) into v_n;
  v_before := v_before + v_n;
  with del as (delete from public.member_contact_counts c where c.org_id = p_org returning c.*),
  ins as (
    insert into public.member_contact_counts (org_id, associate_id, contact_day, n)
    select org_id, associate_id, private.dashboard_fold_day(contact_day, v_tz), sum(n) from del group by 1, 2, 3 having sum(n) <> 0 returning 1)
  select (select count(*) from del) - (select count(*) from ins) into v_n;
  v_before := v_before + v_n;
  with del as (delete from public.staff_activity_counts c where c.org_id = p_org returning c.*),
  ins as (
    insert into public.staff_activity_counts (org_id, staff_id, day, interactions)
    select org_id, staff_id, private.dashboard_fold_day(day, v_tz), sum(interactions) from del group by 1, 2, 3 having sum(interactions) <> 0 returning 1)
  select (select count(*) from del) - (select count(*) from ins) into v_n;
  return v_before + v_n;
end
$$;
revoke execute on function public.compact_dashboard_counters(uuid) from public;
grant execute on function public.compact_dashboard_counters(uuid) to service_role;

-- 4. Indexes -----------------------------------------------------------------------------------

-- Drill-down lists org-wide (operators): a class / state / tier newest first is one index range
-- (the RFM migration has the per-store ones).
-- store_id and account_id included: the columns the members read policy tests, so a count
-- under RLS stays an index-only scan instead of a heap fetch per member.
create index members_org_rfm_idx on public.members (org_id, rfm_class, joined_at desc, id desc) include (store_id, account_id) where deleted_at is null;
create index members_org_churn_idx on public.members (org_id, churn_state, joined_at desc, id desc) include (store_id, account_id) where deleted_at is null;
create index members_org_tier_idx on public.members (org_id, tier, joined_at desc, id desc) include (store_id, account_id) where deleted_at is null;
-- Greeting results per campaign and day, counted from the outbox by an index-only scan (member_id
-- is there for the policy, which the scan must evaluate).
create index greeting_sends_results_idx on public.greeting_sends (org_id, campaign_id, occasion_date)
  include (status, reason, member_id);
-- Associates' 1:1 greetings sent in a window.
create index greeting_sends_staff_sent_idx on public.greeting_sends (org_id, sent_at)
  include (staff_id, member_id) where staff_id is not null and status = 'sent';

-- 5. Policies and grants ---------------------------------------------------------------------

create policy "Operators and admins read their org's member counts"
  on public.member_counts for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));
create policy "Operators and admins read their org's growth counts"
  on public.member_growth_counts for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));
create policy "Operators and admins read their org's contact counts"
  on public.member_contact_counts for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));
create policy "Operators and admins read their org's staff activity counts"
  on public.staff_activity_counts for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

revoke all on public.member_counts, public.member_growth_counts, public.member_contact_counts, public.staff_activity_counts
  from anon, authenticated;
-- Written only by the triggers and the counter functions.
grant select on public.member_counts, public.member_growth_counts, public.member_contact_counts, public.staff_activity_counts
  to authenticated;

-- 6. Backfill ------------------------------------------------------------------------------------

do $$
declare
  o record;
begin
  for o in select id from public.orgs loop
    perform public.rebuild_dashboard_counters(o.id);
  end loop;
end
$$;
