-- Untagging checks visibility the way reading tags does (issue 3: RLS under 1.5× the bare SQL).
--
-- The delete policy of member_tags looked the member up (`exists (select … from members)`, itself
-- under members' policy) for every row it removed. A bulk untag of 10,038 customers made 10,038
-- such probes: 192 ms at p95 against 86 ms as the owner (2.2×). Reading tags already decides by
-- the tag row's own store first — member_tags.store_id is the member's store, kept by the
-- triggers of 20261122000700 — and falls back to private.can_see_member() only for rows outside
-- the caller's stores. Untagging now asks exactly what reading asks: a person removes the tags
-- they can see, no more (the tests of tests/rls/tags.rls.test.ts attack it per actor).

drop policy if exists "Staff can untag members they can see" on public.member_tags;
create policy "Staff can untag members they can see"
  on public.member_tags for delete to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and ((select private.is_org_wide()) or store_id = any ((select private.my_store_ids())::uuid[]) or private.can_see_member(org_id, member_id))
  );
