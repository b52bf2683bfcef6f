-- Name search by any fragment, in any scope, at 1 M members (issues 3 and 5).
--
-- Chinese names are 2–4 characters and associates type 1–2 of them — often the given name, from
-- the middle (芳 for 王芳). Trigrams cannot index terms shorter than three characters, a
-- prefix index only finds the start, and a substring test (strpos) has to read every row of the
-- scope: ~37 k heap rows in the largest store, ~200 ms, and a whole org was out of reach.
--
-- So every name is indexed by its 1- and 2-character fragments (王芳 → 王, 芳, 王芳): a fragment
-- of one or two characters is then one equality lookup, and a longer one is its first two
-- characters looked up plus a substring check of the few rows found. Equality on text is
-- leakproof, so under RLS the planner uses it as an index condition. The rows carry the
-- member's store (like member_tags) so the read policy is decided from the row itself and a
-- store's slice of a fragment is one index range.

-- Table -----------------------------------------------------------------------------------------

create table public.member_search_terms (
  org_id uuid not null,
  member_id uuid not null,
  term text not null check (char_length(term) between 1 and 2),
  store_id uuid,
  -- The member's join time: the list's default order, so a fragment's page is read in order.
  joined_at timestamptz not null,
  -- No foreign key to members: the rows are derived, written only by the triggers and the
  -- rebuild below from the member rows themselves, and removed with their member by the delete
  -- trigger. A key check per row (4–5 per member) was a third of the cost of the terms of an
  -- imported million members.
  primary key (org_id, member_id, term)
);
-- A fragment's members in one store, newest first: the list's default order (joined_at desc,
-- id desc), so the first page of 王 in a store of 37 k members is its first 21 index entries,
-- not a sort of the ~2,600 who have 王 in their name. Org-wide (operators), the list walks
-- members in order and probes the primary key instead.
create index member_search_terms_store_idx on public.member_search_terms (org_id, term, store_id, joined_at desc, member_id desc);

-- Comments --------------------------------------------------------------------------------------

comment on table public.member_search_terms is
  'The 1- and 2-character fragments of each live member''s name, with the member''s store; kept by triggers on members. Serves name search by fragment.';
comment on column public.member_search_terms.store_id is 'The member''s store (null when none), so RLS and store-scoped search work from the row.';

-- RLS -------------------------------------------------------------------------------------------

alter table public.member_search_terms enable row level security;

-- Helpers ---------------------------------------------------------------------------------------

-- The fragments a name is found by: its 1- and 2-character substrings after folding case and
-- removing white space (the query side folds the same way). The first 12 characters are
-- enough for any personal name and bound the rows per member.
create or replace function private.name_search_terms(p_name text) returns text[]
  language sql immutable parallel safe set search_path = ''
as $$
  select coalesce(array_agg(distinct substr(n, i, l)), '{}'::text[])
  from (select left(regexp_replace(lower(coalesce(p_name, '')), '\s+', '', 'g'), 12) as n) s,
       generate_series(1, char_length(s.n)) as i,
       (values (1), (2)) as v(l)
  where i + l - 1 <= char_length(s.n)
$$;

-- Rebuilds the terms of one org (or of the given members), set-based: the backfill, and the
-- bulk loads that bypass triggers (npm run seed:scale).
create or replace function private.rebuild_member_search_terms(p_org uuid, p_members uuid[] default null) returns bigint
  language plpgsql security definer set search_path = ''
as $$
declare
  v_n bigint;
begin
  delete from public.member_search_terms t
  where t.org_id = p_org and (p_members is null or t.member_id = any (p_members));
  insert into public.member_search_terms (org_id, member_id, term, store_id, joined_at)
  select m.org_id, m.id, term, m.store_id, m.joined_at
  from public.members m, unnest(private.name_search_terms(m.name)) as term
  where m.org_id = p_org and m.deleted_at is null and m.name is not null
    and (p_members is null or m.id = any (p_members));
  get diagnostics v_n = row_count;
  return v_n;
end
$$;
revoke execute on function private.rebuild_member_search_terms(uuid, uuid[]) from public;

-- New members: one set-based insert per statement (an import of a million rows is one
-- statement, not a million trigger calls). A new member has no terms yet and a name's terms are
-- distinct, so there is nothing to conflict with: no ON CONFLICT, whose extra probe of the
-- primary key per row was a quarter of the cost.
create or replace function private.members_search_terms_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.member_search_terms (org_id, member_id, term, store_id, joined_at)
  select n.org_id, n.id, term, n.store_id, n.joined_at
  from new_rows n, unnest(private.name_search_terms(n.name)) as term
  where n.deleted_at is null and n.name is not null;
  return null;
end
$$;
create trigger members_search_terms_ins after insert on public.members
  referencing new table as new_rows for each statement execute function private.members_search_terms_after_insert();

-- Deleted members (erasure, an org removed): their terms go with them, one statement per
-- statement (what the foreign key's cascade did, without its check on every insert).
create or replace function private.members_search_terms_after_delete() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.member_search_terms t using old_rows o where t.org_id = o.org_id and t.member_id = o.id;
  return null;
end
$$;
create trigger members_search_terms_del after delete on public.members
  referencing old table as old_rows for each statement execute function private.members_search_terms_after_delete();

-- A renamed, moved, deleted (erased, merged) or restored member: rare, so per row, and only when
-- one of the three columns really changed (the WHEN is checked without calling the function,
-- so the frequent aggregate updates of members cost nothing here).
create or replace function private.members_search_terms_after_update() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.member_search_terms t where t.org_id = new.org_id and t.member_id = new.id;
  if new.deleted_at is null and new.name is not null then
    insert into public.member_search_terms (org_id, member_id, term, store_id, joined_at)
    select new.org_id, new.id, term, new.store_id, new.joined_at from unnest(private.name_search_terms(new.name)) as term;
  end if;
  return null;
end
$$;
create trigger members_search_terms_upd after update of name, store_id, deleted_at, joined_at on public.members
  for each row when (old.name is distinct from new.name or old.store_id is distinct from new.store_id
                     or old.deleted_at is distinct from new.deleted_at or old.joined_at is distinct from new.joined_at)
  execute function private.members_search_terms_after_update();

-- Backfill for databases that already hold members.
select private.rebuild_member_search_terms(o.id) from public.orgs o;

-- Policies --------------------------------------------------------------------------------------

-- Staff see the fragments of the members they can see: their stores' (operators and admins:
-- every store's, and members without a store). Decided from the row, like member_tags.
create policy "Staff can read the search terms of members they can see"
  on public.member_search_terms for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and ((select private.is_org_wide()) or store_id = any ((select private.my_store_ids())::uuid[]))
  );

-- Grants ----------------------------------------------------------------------------------------

revoke all on public.member_search_terms from anon, authenticated;
grant select on public.member_search_terms to authenticated;
