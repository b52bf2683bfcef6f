-- Segment counts read a narrow copy of the columns their rules read (issue 7: count < 300 ms at
-- 1 M members).
--
-- A rule set that no members index serves (RFM classes + consent + spend; birthday month + last
-- purchase + churn) counts by reading every member row: members is ~920 bytes a row (919 MB at
-- 1 M members), and that pass took 1.0–1.7 s. The rules read twelve columns of it. This table
-- holds exactly those, one row per live member, so the same pass reads a sixth of the bytes:
-- measured at 200 k members, 162 bytes a row with the fill factor below (members: 962), 3,966
-- pages for a count instead of 15,000–31,000; a rule set without an index went from 40–48 ms to
-- 24–30 ms there, and 1 M rows of this table count in 115–140 ms on the same machine.
-- One-byte codes instead of the text values measured 127 bytes a row and ~20 % faster scans;
-- not taken, so that the rules read the same values in members and here.
--
-- Write cost, measured at 200 k members: 8 µs per inserted member (0.8 s of a 32 s insert of
-- 100 k members), 15 µs per member whose rule columns change (1.5 s of a 19 s update of 100 k
-- members' spend); updates that change no rule column do not call the trigger at all.
--
-- Kept exactly in sync by triggers on members, in the same transaction as the change (like
-- member_search_terms, 20261201000100): inserts and deletes set-based per statement, updates per
-- row and only when one of the columns below really changed. Nobody writes it directly. Tags
-- stay in member_tags (one grouped pass over their own index).
--
-- Deleted (erased, merged-away) members have no row rather than a deleted flag: every segment
-- reader wants live members only, so the table stays narrower, the read policy needs no deleted
-- test, and an undo of a merge (deleted_at cleared) simply inserts the row again.

-- Table -----------------------------------------------------------------------------------------

create table public.member_segment_facts (
  org_id uuid not null,
  member_id uuid not null,
  store_id uuid,
  -- Fixed-width columns before the variable-width ones (fewer alignment bytes, and reading a
  -- row's later columns can use cached offsets up to the first text column).
  lifetime_spend_fen bigint not null,
  last_purchase_at timestamptz,
  birth_month smallint,
  birth_day smallint,
  birth_leap_month boolean not null,
  birthday_calendar text,
  rfm_class text,
  churn_state text not null,
  marketing_consent text not null,
  tier text,
  region_code text,
  -- No foreign key to members and no checks: the rows are copies written only by the triggers
  -- below from member rows that passed members' own checks; a key check per row is what an
  -- import of a million members would pay for nothing.
  primary key (org_id, member_id)
)
-- Room on each page for the new row versions of orders' and the RFM refresh's updates: with no
-- index on the changed columns they are HOT (no index entry, no new page).
with (fillfactor = 90);

-- Comments --------------------------------------------------------------------------------------

comment on table public.member_segment_facts is
  'The columns segment rules read, one row per live (not deleted) member; kept by triggers on members. Serves segment counts.';
comment on column public.member_segment_facts.member_id is 'public.members.id; the row exists while the member is not deleted.';
comment on column public.member_segment_facts.store_id is 'The member''s store (null when none), so RLS and store rules work from the row.';

-- RLS -------------------------------------------------------------------------------------------

alter table public.member_segment_facts enable row level security;

-- Helpers ---------------------------------------------------------------------------------------

-- Rebuilds the facts of one org from its members, set-based: the bulk loads that bypass
-- triggers (npm run seed:scale), and a repair if the two ever differed.
create or replace function private.rebuild_member_segment_facts(p_org uuid) returns bigint
  language plpgsql security definer set search_path = ''
as $$
declare
  v_n bigint;
begin
  delete from public.member_segment_facts f where f.org_id = p_org;
  insert into public.member_segment_facts (org_id, member_id, store_id, lifetime_spend_fen, last_purchase_at, birth_month, birth_day,
    birth_leap_month, birthday_calendar, rfm_class, churn_state, marketing_consent, tier, region_code)
  select m.org_id, m.id, m.store_id, m.lifetime_spend_fen, m.last_purchase_at, m.birth_month, m.birth_day,
         m.birth_leap_month, m.birthday_calendar, m.rfm_class, m.churn_state, m.marketing_consent, m.tier, m.region_code
  from public.members m
  where m.org_id = p_org and m.deleted_at is null;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;
revoke execute on function private.rebuild_member_segment_facts(uuid) from public;

-- New members: one set-based insert per statement (an import of a million members is one
-- statement, not a million trigger calls). A new member has no row yet: no ON CONFLICT.
create or replace function private.members_segment_facts_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.member_segment_facts (org_id, member_id, store_id, lifetime_spend_fen, last_purchase_at, birth_month, birth_day,
    birth_leap_month, birthday_calendar, rfm_class, churn_state, marketing_consent, tier, region_code)
  select n.org_id, n.id, n.store_id, n.lifetime_spend_fen, n.last_purchase_at, n.birth_month, n.birth_day,
         n.birth_leap_month, n.birthday_calendar, n.rfm_class, n.churn_state, n.marketing_consent, n.tier, n.region_code
  from new_rows n
  where n.deleted_at is null;
  return null;
end
$$;
create trigger members_segment_facts_ins after insert on public.members
  referencing new table as new_rows for each statement execute function private.members_segment_facts_after_insert();

-- Members removed for good (erasure of a joined-at-the-till duplicate, an org removed): their
-- rows go with them, one statement per statement.
create or replace function private.members_segment_facts_after_delete() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.member_segment_facts f using old_rows o where f.org_id = o.org_id and f.member_id = o.id;
  return null;
end
$$;
create trigger members_segment_facts_del after delete on public.members
  referencing old table as old_rows for each statement execute function private.members_segment_facts_after_delete();

-- A changed rule column (an order's aggregates and RFM scores, the RFM refresh, a consent
-- decision, a profile edit, a hand-over to another store), a soft delete (erasure, a merge) or a
-- restore (a merge undone): per row, and only when one of these columns really changed — the
-- WHEN is checked without calling the function, so the other updates of members (contact
-- aggregates, sign-ins, phones, names) cost nothing here. The row is written from NEW whole.
create or replace function private.members_segment_facts_after_update() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if new.deleted_at is not null or (old.org_id, old.id) is distinct from (new.org_id, new.id) then
    delete from public.member_segment_facts f where f.org_id = old.org_id and f.member_id = old.id;
  end if;
  if new.deleted_at is null then
    -- A live member has its row: a plain update by key (measured 15 µs a row against 27 µs for
    -- INSERT … ON CONFLICT, which probes the key for the insert before it updates).
    update public.member_segment_facts f
    set store_id = new.store_id, lifetime_spend_fen = new.lifetime_spend_fen, last_purchase_at = new.last_purchase_at,
        birth_month = new.birth_month, birth_day = new.birth_day, birth_leap_month = new.birth_leap_month,
        birthday_calendar = new.birthday_calendar, rfm_class = new.rfm_class, churn_state = new.churn_state,
        marketing_consent = new.marketing_consent, tier = new.tier, region_code = new.region_code
    where f.org_id = new.org_id and f.member_id = new.id;
    -- A restored member (a merge undone) has none yet. The member's row is locked by this
    -- update, so nobody else can insert it meanwhile.
    if not found then
      insert into public.member_segment_facts (org_id, member_id, store_id, lifetime_spend_fen, last_purchase_at, birth_month, birth_day,
        birth_leap_month, birthday_calendar, rfm_class, churn_state, marketing_consent, tier, region_code)
      values (new.org_id, new.id, new.store_id, new.lifetime_spend_fen, new.last_purchase_at, new.birth_month, new.birth_day,
        new.birth_leap_month, new.birthday_calendar, new.rfm_class, new.churn_state, new.marketing_consent, new.tier, new.region_code);
    end if;
  end if;
  return null;
end
$$;
create trigger members_segment_facts_upd after update of
    org_id, id, deleted_at, store_id, lifetime_spend_fen, last_purchase_at, birth_month, birth_day, birth_leap_month,
    birthday_calendar, rfm_class, churn_state, marketing_consent, tier, region_code
  on public.members
  for each row when (
    old.org_id is distinct from new.org_id or old.id is distinct from new.id or old.deleted_at is distinct from new.deleted_at
    or old.store_id is distinct from new.store_id or old.lifetime_spend_fen is distinct from new.lifetime_spend_fen
    or old.last_purchase_at is distinct from new.last_purchase_at or old.birth_month is distinct from new.birth_month
    or old.birth_day is distinct from new.birth_day or old.birth_leap_month is distinct from new.birth_leap_month
    or old.birthday_calendar is distinct from new.birthday_calendar or old.rfm_class is distinct from new.rfm_class
    or old.churn_state is distinct from new.churn_state or old.marketing_consent is distinct from new.marketing_consent
    or old.tier is distinct from new.tier or old.region_code is distinct from new.region_code)
  execute function private.members_segment_facts_after_update();

-- TRUNCATE of members fires no row or delete trigger: empty the copy with it.
create or replace function private.members_segment_facts_after_truncate() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  truncate public.member_segment_facts;
  return null;
end
$$;
create trigger members_segment_facts_truncate after truncate on public.members
  for each statement execute function private.members_segment_facts_after_truncate();

revoke execute on function private.members_segment_facts_after_insert(), private.members_segment_facts_after_delete(),
  private.members_segment_facts_after_update(), private.members_segment_facts_after_truncate() from public;

-- Backfill for databases that already hold members: each org rebuilt set-based.
select private.rebuild_member_segment_facts(o.id) from public.orgs o;

-- Policies --------------------------------------------------------------------------------------

-- Exactly the staff part of members' read policy (20261201000200): operators and admins see the
-- org's rows, other active staff their stores' (the deleted test is the table's own invariant).
-- Members themselves get nothing: a segment is a staff view.
create policy "Staff read the segment facts of the members they can see"
  on public.member_segment_facts for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and ((select private.is_org_wide()) or store_id = any ((select private.my_store_ids())::uuid[]))
  );

-- Grants ----------------------------------------------------------------------------------------

revoke all on public.member_segment_facts from anon, authenticated;
grant select on public.member_segment_facts to authenticated;
-- Jobs' service role gets every new public table by default (20261122000000); this copy is
-- written by the triggers only.
revoke insert, update, delete, truncate on public.member_segment_facts from service_role;
