-- Associates' workbench at 1 M members, second pass (issues 3 and 5; measured by `npm run bench`,
-- see bench/results/). Same rules, cheaper shapes.

-- 1. Bulk tagging: no per-row trigger when the writer already knows the member's store -------
--
-- Tagging 10,000 customers inserted 10,000 member_tags rows and, for each, a BEFORE trigger
-- looked the member up again to copy its store (≈ 45 µs a row, a quarter of the statement).
-- The bulk insert selects from members anyway, so it now writes store_id itself, and the
-- trigger runs only for rows that arrive without one (a single tag from the card, an import).
-- A person may write store_id, but the insert policy (whose members probe every row already
-- pays for) only accepts the member's real store, so the invariant of 20261122000700 — a tag
-- row carries its member's store — still holds for every row a person writes.
drop trigger if exists member_tags_store on public.member_tags;
create trigger member_tags_store before insert on public.member_tags
  for each row when (new.store_id is null) execute function private.member_tags_set_store();
-- A tag moved to another member (identity merges) takes that member's store.
create trigger member_tags_store_move before update of member_id on public.member_tags
  for each row when (old.member_id is distinct from new.member_id) execute function private.member_tags_set_store();

drop policy if exists "Staff can tag members they can see" on public.member_tags;
create policy "Staff can tag members they can see"
  on public.member_tags for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and tagged_by = (select private.my_staff_id())
    and exists (select 1 from public.members m where m.org_id = member_tags.org_id and m.id = member_tags.member_id
                and m.store_id is not distinct from member_tags.store_id)
    and exists (select 1 from public.tags t where t.org_id = member_tags.org_id and t.id = member_tags.tag_id and t.retired_at is null)
  );

grant insert (store_id) on public.member_tags to authenticated;

-- 2. Today's birthdays of one associate or one store ------------------------------------------
--
-- The to-do list's birthdays are a week of (calendar, month, day, leap) keys of the caller's
-- customers. The birthday index is org-wide: at 1 M members a week is ~19,000 rows read
-- to keep the ~20 of one associate. Keyed by associate (scope mine) and by store (scope store)
-- first, a week is a few index ranges of the rows actually wanted.
create index members_associate_birthday_idx on public.members
  (org_id, associate_id, birthday_calendar, birth_month, birth_day, birth_leap_month) where deleted_at is null and birthday_calendar is not null;
create index members_store_birthday_idx on public.members
  (org_id, store_id, birthday_calendar, birth_month, birth_day, birth_leap_month) where deleted_at is null and birthday_calendar is not null;

-- 3. Fewer indexes for every write of members -----------------------------------------------
--
-- Each index of members is paid by every insert (an import of 1 M customers maintains all of
-- them, row by row). Names are now searched through member_search_terms, by any fragment, so
-- the two name-prefix indexes of 20261122000200 / 20261122000700 serve no query; and
-- members_birthday_key_idx repeats members_birthday_idx (greetings) with deleted members left out.
drop index if exists public.members_name_idx;
drop index if exists public.members_store_name_idx;
drop index if exists public.members_birthday_key_idx;

-- 4. Org-wide reads of members: the cheap test first -----------------------------------------
--
-- The read policy's OR is evaluated in the order written, per row. For an operator every row
-- first compared its store with each of the org's ~200 stores (my_store_ids) before reaching
-- is_org_wide(), which is true: a segment count of 176 k members spent most of its time there
-- (1.1 s under RLS against 135 ms as the owner at 1 M). Same rule, cheapest test first; the
-- initplan is computed once per statement.
drop policy if exists "Members see themselves; staff see their stores' members; operators their org" on public.members;
create policy "Members see themselves; staff see their stores' members; operators their org"
  on public.members for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and deleted_at is null
    and (
      (select private.is_org_wide())
      or account_id = (select auth.uid())
      or store_id = any ((select private.my_store_ids())::uuid[])
    )
  );
