-- How many members of each store carry each tag (issues 3 and 5: the tag combination search at
-- 1 M members), so the customer list can tell a rare combination from a common one before it
-- reads anything.
--
-- The list finds a page of a tag combination in one of two ways (functions/api/staff/customers.ts):
-- a probe of the next 1,500 members of the store in the list's order, each tested for the tags
-- (cheap when the combination is common: a page is among the first few hundred), or a join over
-- the chosen tags' rows of the store driven by the rarest group (cheap when it is rare: it reads
-- only those). Until now it always tried the probe first. For a combination matching under 1.4 %
-- of a store (休闲 + 羽绒服 + 活跃: 211 of 37,249) the probe could not find a page and its ~12 ms
-- were lost before the join. With these counts the list estimates the matches first, skips the
-- probe when it cannot succeed, and drives the join from the rarest group. The counts only choose
-- the plan: both plans return the same page.
--
-- Delta rows, like the dashboards' counters (20261201003100): each statement on member_tags
-- inserts one row per (store, tag) it changed (+n / −n), never updating a shared row in place, so
-- two associates tagging in the same store never wait on each other, and a bulk tag of 10,000
-- adds one row. The dashboard-counters cron folds them (compact_member_tag_counts).

-- Table -----------------------------------------------------------------------------------------

create table public.member_tag_counts (
  org_id uuid not null references public.orgs (id) on delete cascade,
  -- null: members without a store (their tags count too, for org-wide lists).
  store_id uuid,
  tag_id uuid not null,
  n bigint not null
);
create index member_tag_counts_org_store_idx on public.member_tag_counts (org_id, store_id, tag_id);
-- A store's member total (private.visible_member_count below) from the dashboards' counter.
create index member_counts_org_store_idx on public.member_counts (org_id, store_id) include (n);

-- Comments --------------------------------------------------------------------------------------

comment on table public.member_tag_counts is
  'Counter (delta rows): members per store and tag; sum(n) over a (store, tag) is the number of its member_tags rows. Kept by triggers on member_tags; chooses the customer list''s plan for tag combinations.';

-- RLS -------------------------------------------------------------------------------------------

alter table public.member_tag_counts enable row level security;

-- Helpers ---------------------------------------------------------------------------------------

-- One body for the three statement triggers: the changed rows as signed (store, tag) groups.
do $gen$
declare
  body constant text := $body$
begin
  insert into public.member_tag_counts (org_id, store_id, tag_id, n)
  select x.org_id, x.store_id, x.tag_id, sum(x.sign)
  from (%s) x
  group by 1, 2, 3
  having sum(x.sign) <> 0;
  return null;
end
$body$;
begin
  execute format($f$create or replace function private.member_tags_counts_after_insert() returns trigger
    language plpgsql security definer set search_path = '' as %L$f$,
    format(body, 'select 1 as sign, r.org_id, r.store_id, r.tag_id from new_rows r'));
  execute format($f$create or replace function private.member_tags_counts_after_delete() returns trigger
    language plpgsql security definer set search_path = '' as %L$f$,
    format(body, 'select -1 as sign, r.org_id, r.store_id, r.tag_id from old_rows r'));
  -- A member's tags moving store (hand-over), member (a merge) or tag (two tags merged): −old
  -- +new; rows whose store and tag did not change cancel out.
  execute format($f$create or replace function private.member_tags_counts_after_update() returns trigger
    language plpgsql security definer set search_path = '' as %L$f$,
    format(body, 'select 1 as sign, r.org_id, r.store_id, r.tag_id from new_rows r
                  union all select -1 as sign, r.org_id, r.store_id, r.tag_id from old_rows r'));
end
$gen$;
revoke execute on function private.member_tags_counts_after_insert(), private.member_tags_counts_after_delete(),
  private.member_tags_counts_after_update() from public;

create trigger member_tags_counts_ins after insert on public.member_tags
  referencing new table as new_rows for each statement execute function private.member_tags_counts_after_insert();
create trigger member_tags_counts_del after delete on public.member_tags
  referencing old table as old_rows for each statement execute function private.member_tags_counts_after_delete();
create trigger member_tags_counts_upd after update on public.member_tags
  referencing old table as old_rows new table as new_rows for each statement execute function private.member_tags_counts_after_update();

-- Recounts an org from member_tags (after a bulk load that bypassed the triggers, or a repair),
-- deleting and recounting in one statement so both see one snapshot. Serialised with the
-- compaction below.
create or replace function public.rebuild_member_tag_counts(p_org uuid) returns void
  language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('member_tag_counts:' || p_org::text, 0));
  with del as (delete from public.member_tag_counts c where c.org_id = p_org)
  insert into public.member_tag_counts (org_id, store_id, tag_id, n)
  select mt.org_id, mt.store_id, mt.tag_id, count(*)
  from public.member_tags mt where mt.org_id = p_org group by 1, 2, 3;
end
$$;

-- Folds an org's delta rows into one row per (store, tag); sums unchanged, zero rows dropped.
-- Deltas committed meanwhile are not in this snapshot: neither deleted nor counted twice.
-- Returns the rows removed.
create or replace function public.compact_member_tag_counts(p_org uuid) returns int
  language plpgsql security definer set search_path = ''
as $$
declare
  v_n int;
begin
  perform pg_advisory_xact_lock(hashtextextended('member_tag_counts:' || p_org::text, 0));
  with del as (delete from public.member_tag_counts c where c.org_id = p_org returning c.*),
  ins as (
    insert into public.member_tag_counts (org_id, store_id, tag_id, n)
    select org_id, store_id, tag_id, sum(n) from del group by 1, 2, 3 having sum(n) <> 0 returning 1)
  select (select count(*) from del) - (select count(*) from ins) into v_n;
  return v_n;
end
$$;
revoke execute on function public.rebuild_member_tag_counts(uuid), public.compact_member_tag_counts(uuid) from public;
grant execute on function public.rebuild_member_tag_counts(uuid), public.compact_member_tag_counts(uuid) to service_role;

-- The number of live members in the given stores that the caller may count: staff of the org,
-- only stores they work in unless org-wide (null stores: all the caller's stores, which for
-- operators and admins is every store of the org; members without a store are left out, which
-- an estimate can afford). Definer, because member_counts is the operators' dashboard table: it
-- breaks each store down by associate, tier and class (~110 rows a store, 22 k an org at 1 M
-- members). This returns only a total the caller could count from members themselves, read as
-- one short range of member_counts_org_store_idx instead of the store's member rows.
create or replace function private.visible_member_count(p_store_ids uuid[]) returns bigint
  language sql stable security definer set search_path = ''
as $$
  select coalesce(sum(c.n), 0)::bigint
  from public.member_counts c
  where c.org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and ((select private.is_org_wide()) or c.store_id = any ((select private.my_store_ids())::uuid[]))
    -- One array, not `p_store_ids is null or …`: the body is planned without the argument's
    -- value, and an OR there read all 22 k rows of the org (2.7 ms) instead of the stores' range.
    and c.store_id = any (coalesce(p_store_ids, (select private.my_store_ids())::uuid[]))
$$;
revoke execute on function private.visible_member_count(uuid[]) from public;
grant execute on function private.visible_member_count(uuid[]) to authenticated;

-- Backfill for databases that already hold tags.
select public.rebuild_member_tag_counts(o.id) from public.orgs o;

-- Policies --------------------------------------------------------------------------------------

create policy "Staff read the tag counts of their stores"
  on public.member_tag_counts for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and ((select private.is_org_wide()) or store_id = any ((select private.my_store_ids())::uuid[]))
  );

-- Grants ----------------------------------------------------------------------------------------

revoke all on public.member_tag_counts from anon, authenticated;
grant select on public.member_tag_counts to authenticated;
-- Written by the triggers and the two functions above only.
revoke insert, update, delete, truncate on public.member_tag_counts from service_role;
