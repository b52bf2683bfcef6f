-- Search and customer-card performance at 1 M members (issue 3, measured by `npm run bench`).
-- Same rules as before, cheaper shapes; see bench/results/ for the numbers before and after.

-- 0. The RLS helpers in PL/pgSQL ----------------------------------------------------------------
--
-- Every policy calls a few security definer helpers (jwt_org_id, my_staff_role, is_org_wide,
-- my_store_ids, …) once per statement (as InitPlans) — and a card is 8 statements, several of
-- them with 2–3 policies each. SQL-language functions that cannot be inlined (security definer
-- ones never are) are parsed and planned again on every call, and so are the helpers they call:
-- my_store_ids() cost 1.4 ms a call, jwt_org_id() 0.22 ms. PL/pgSQL keeps its plans for the
-- session (the pooled connection), so the same queries cost 0.06 ms and 0.01 ms.
--
-- Their plans stay generic whatever the caller's plan_cache_mode (set on the function): staff
-- requests plan their own statements for the actual values (requireStaff's customPlans), and
-- that setting also reached every helper call inside the policies — re-planning each one, 0.2 ms
-- a call instead of 0.03 (a to-do list's 530 follow-ups: 120 ms of planning).
--
-- The bodies are converted as they are defined at this point (not copied here), so this does
-- not shadow rule changes made in the migrations that define them: each body, a single SELECT,
-- becomes `return (select … limit 1)`, which is what a SQL function returns (its first row, or
-- null). Owner, grants, security definer, volatility and search_path stay as they were.
do $convert$
declare
  f record;
begin
  for f in
    select p.proname, pg_get_function_arguments(p.oid) as args, pg_get_function_result(p.oid) as result,
           p.prosrc, p.prosecdef, p.provolatile
    from pg_proc p
    where p.pronamespace = 'private'::regnamespace
      and p.prolang = (select l.oid from pg_language l where l.lanname = 'sql')
      and p.proname in ('jwt_org_id', 'my_staff_role', 'my_staff_id', 'is_org_wide', 'is_org_admin', 'my_store_ids',
                        'my_member_id', 'my_associate_id', 'can_see_member')
      and not p.proretset
      -- one statement only (a trailing semicolon aside)
      and position(';' in rtrim(btrim(p.prosrc), E'; \n\t')) = 0
  loop
    execute format(
      'create or replace function private.%I(%s) returns %s language plpgsql %s %s set search_path = '''' set plan_cache_mode = force_generic_plan as %L',
      f.proname, f.args, f.result,
      case f.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end,
      case when f.prosecdef then 'security definer' else 'security invoker' end,
      'begin return (select q.* from (' || rtrim(btrim(f.prosrc), E'; \n\t') || ') q limit 1); end');
  end loop;
end
$convert$;

-- 1. Child tables: "visible with their member" as a correlated EXISTS on members -------------
--
-- private.can_see_member() was called once per row of member_tags, orders, interactions,
-- consents and member_identities. It is a security definer SQL function calling other
-- security definer SQL functions (jwt_org_id, is_org_wide, my_store_ids), and SQL functions
-- that cannot be inlined are planned afresh on every call: ~0.5 ms per row. A card reading a
-- member's 70 orders spent 40 ms in it; a tag filter driven from member_tags, seconds.
--
-- EXISTS on members is the same rule (the member row is visible to the caller), because the
-- members select policy applies inside it; its helpers become InitPlans evaluated once per
-- statement, so each row costs one primary-key probe.

drop policy if exists "Identities are visible with their member" on public.member_identities;
create policy "Identities are visible with their member"
  on public.member_identities for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and exists (select 1 from public.members m where m.org_id = member_identities.org_id and m.id = member_identities.member_id)
  );

drop policy if exists "Consents are visible with their member" on public.consents;
create policy "Consents are visible with their member"
  on public.consents for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and exists (select 1 from public.members m where m.org_id = consents.org_id and m.id = consents.member_id)
  );

drop policy if exists "Staff can tag members they can see" on public.member_tags;
create policy "Staff can tag members they can see"
  on public.member_tags for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and tagged_by = (select private.my_staff_id())
    and exists (select 1 from public.members m where m.org_id = member_tags.org_id and m.id = member_tags.member_id)
    and exists (select 1 from public.tags t where t.org_id = member_tags.org_id and t.id = member_tags.tag_id and t.retired_at is null)
  );

drop policy if exists "Staff can untag members they can see" on public.member_tags;
create policy "Staff can untag members they can see"
  on public.member_tags for delete to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and exists (select 1 from public.members m where m.org_id = member_tags.org_id and m.id = member_tags.member_id)
  );

drop policy if exists "Staff read interactions of members they can see" on public.interactions;
create policy "Staff read interactions of members they can see"
  on public.interactions for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and exists (select 1 from public.members m where m.org_id = interactions.org_id and m.id = interactions.member_id)
  );

drop policy if exists "Staff log interactions as themselves on members they can see" on public.interactions;
create policy "Staff log interactions as themselves on members they can see"
  on public.interactions for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and staff_id = (select private.my_staff_id())
    and exists (select 1 from public.members m where m.org_id = interactions.org_id and m.id = interactions.member_id)
  );

drop policy if exists "Orders are visible with their member" on public.orders;
create policy "Orders are visible with their member"
  on public.orders for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and exists (select 1 from public.members m where m.org_id = orders.org_id and m.id = orders.member_id)
  );

-- 2. Associates search inside their stores ----------------------------------------------------
--
-- The search runs as `name ^@ $q` (starts_with: leakproof, so the planner may use it as an
-- index condition under RLS; LIKE is not leakproof and was only ever a filter, which scanned
-- the whole store). An associate's search is almost always within their store(s): leading
-- with store_id makes it a narrow range scan instead of an org-wide prefix range filtered by
-- store (a single surname such as 王 matches ~7 % of 1 M members org-wide). The planner picks
-- them, and the ordered (org_id, store_id, joined_at) walk, when the query names the store with
-- `store_id = $1`; with `store_id = any(<initplan array>)` it can do neither and tends to walk
-- the org-wide indexes instead (at 1 M: 王芳 0.4 ms by store vs 15 ms org-wide).
create index members_store_name_idx on public.members (org_id, store_id, name text_pattern_ops) where deleted_at is null;
create index members_store_initials_idx on public.members (org_id, store_id, name_initials text_pattern_ops) where deleted_at is null;
create index members_store_pinyin_idx on public.members (org_id, store_id, name_pinyin text_pattern_ops) where deleted_at is null;

-- Last four digits: ~100 members per value at 1 M; with store_id in the key the store filter is
-- decided in the index instead of by fetching each of those rows. Serves org-wide search too.
drop index if exists public.members_last4_idx;
create index members_last4_idx on public.members (org_id, phone_last4, store_id) where deleted_at is null;

-- 3. Tags carry their member's store ----------------------------------------------------------
--
-- "Customers of my store with tags A and B" cannot be answered set-wise if every member_tags
-- row needs a per-row look at its member to pass RLS: the planner then walks every member of
-- the store and probes each tag (37 k members × 2 probes in the largest store at 1 M: ~150 ms).
-- With the member's store on the tag row, the filter reads only the store's slice of each tag
-- from one index, and the read policy decides from the row itself.
--
-- Invariant (kept by the triggers below): member_tags.store_id = the member's store_id while
-- the member is not deleted, null otherwise. Bulk loads that bypass triggers must write it.
alter table public.member_tags add column store_id uuid;
comment on column public.member_tags.store_id is 'The member''s store while the member is not deleted, kept by triggers; lets RLS and the tag filter work per store.';

create or replace function private.member_tags_set_store() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  select m.store_id into new.store_id from public.members m
  where m.org_id = new.org_id and m.id = new.member_id and m.deleted_at is null;
  return new;
end
$$;
create trigger member_tags_store before insert or update of member_id, store_id on public.member_tags
  for each row execute function private.member_tags_set_store();

-- A member moved to another store (hand-over) or deleted: their tags follow. Security definer:
-- whoever may change the member need not be able to update tag rows.
create or replace function private.members_sync_tag_store() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_store uuid := case when new.deleted_at is null then new.store_id end;
begin
  update public.member_tags mt set store_id = v_store
  where mt.org_id = new.org_id and mt.member_id = new.id and mt.store_id is distinct from v_store;
  return null;
end
$$;
create trigger members_tag_store after update of store_id, deleted_at on public.members
  for each row when (old.store_id is distinct from new.store_id or old.deleted_at is distinct from new.deleted_at)
  execute function private.members_sync_tag_store();

update public.member_tags mt set store_id = m.store_id
from public.members m
where m.org_id = mt.org_id and m.id = mt.member_id and m.deleted_at is null and mt.store_id is distinct from m.store_id;

-- A tag's members by store: the store's slice of a tag is one index range (index-only).
drop index if exists public.member_tags_tag_idx;
create index member_tags_tag_idx on public.member_tags (org_id, tag_id, store_id, member_id);

-- Same rule as before (staff see the tags of members they can see). The store check is that
-- rule decided from the row (by the invariant above, a tag in one of my stores belongs to a
-- visible member); can_see_member() is only called for rows the store check does not admit
-- (members without a store, a staff member's own member row elsewhere), so set-wise reads by
-- store never call it. Deliberately not an EXISTS: under OR the planner may turn one into a
-- hash of every member the caller can see (a million rows for an operator).
drop policy if exists "Staff can read tags of members they can see" on public.member_tags;
create policy "Staff can read tags of members they can see"
  on public.member_tags for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    -- Operators first: one initplan, instead of comparing each row's store with every store.
    and ((select private.is_org_wide()) or store_id = any ((select private.my_store_ids())::uuid[]) or private.can_see_member(org_id, member_id))
  );
