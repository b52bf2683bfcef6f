-- The associates' workbench (issue 5): per-member purchase/contact aggregates kept up to date
-- by statement-level triggers (so a filtered, sorted customer list is one keyset index scan at
-- 1 M members, never an aggregate per request), the indexes the list, search and to-do list
-- need, the audited phone reveal, hand-over of customers between associates (recorded in
-- batches so it can be undone exactly for 24 hours), deactivating an associate, and tag merges.

-- 1. Per-member aggregates --------------------------------------------------------------------
--
-- Columns on members rather than a side table: the list filters and sorts on them together
-- with store_id / associate_id, and RLS on members already decides who sees them. They are
-- maintained only by the triggers below (people have no write grant on them).
-- The RFM issue adds rfm_class / churn_risk next to these and sorts/filters the same way
-- (see the "hook" comment in functions/api/staff/customers.ts).
alter table public.members
  add column first_purchase_at timestamptz,
  add column last_purchase_at timestamptz,
  add column lifetime_spend_fen bigint not null default 0,
  add column order_count int not null default 0,
  add column last_contact_at timestamptz;

comment on column public.members.last_purchase_at is 'Latest orders.ordered_at of the member; maintained by trigger.';
comment on column public.members.first_purchase_at is 'Earliest orders.ordered_at (the purchase rhythm for "slipping away"); maintained by trigger.';
comment on column public.members.lifetime_spend_fen is 'Sum of orders.total_fen; maintained by trigger.';
comment on column public.members.order_count is 'Number of orders; maintained by trigger.';
comment on column public.members.last_contact_at is 'Latest interactions.occurred_at; null = never contacted. Maintained by trigger.';

-- Recomputes the aggregates of the given members from their orders: exact (also after updates
-- and deletes), set-based, one statement per triggering statement. Also the backfill for
-- bulk loads that bypass triggers.
create or replace function private.refresh_member_order_stats(p_org uuid[], p_member uuid[]) returns void
  language sql security definer set search_path = ''
as $$
  update public.members m
  set first_purchase_at = s.first_at, last_purchase_at = s.last_at,
      lifetime_spend_fen = s.spend, order_count = s.n
  from (
    select k.org_id, k.member_id,
           min(o.ordered_at) as first_at, max(o.ordered_at) as last_at,
           coalesce(sum(o.total_fen), 0)::bigint as spend, count(o.id)::int as n
    from (select distinct unnest(p_org) as org_id, unnest(p_member) as member_id) k
    left join public.orders o on o.org_id = k.org_id and o.member_id = k.member_id
    group by k.org_id, k.member_id
  ) s
  where m.org_id = s.org_id and m.id = s.member_id
    and (m.first_purchase_at, m.last_purchase_at, m.lifetime_spend_fen, m.order_count)
        is distinct from (s.first_at, s.last_at, s.spend, s.n)
$$;
revoke execute on function private.refresh_member_order_stats(uuid[], uuid[]) from public;

create or replace function private.orders_stats_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.refresh_member_order_stats(array_agg(org_id), array_agg(member_id))
  from (select distinct org_id, member_id from new_rows where member_id is not null) x;
  return null;
end
$$;

create or replace function private.orders_stats_after_delete() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.refresh_member_order_stats(array_agg(org_id), array_agg(member_id))
  from (select distinct org_id, member_id from old_rows where member_id is not null) x;
  return null;
end
$$;

create or replace function private.orders_stats_after_update() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.refresh_member_order_stats(array_agg(org_id), array_agg(member_id))
  from (
    select org_id, member_id from new_rows where member_id is not null
    union
    select org_id, member_id from old_rows where member_id is not null
  ) x;
  return null;
end
$$;

-- Statement-level with transition tables: a bulk insert of 10 M orders updates each member
-- once per statement, not once per row.
create trigger orders_member_stats_ins after insert on public.orders
  referencing new table as new_rows for each statement execute function private.orders_stats_after_insert();
create trigger orders_member_stats_del after delete on public.orders
  referencing old table as old_rows for each statement execute function private.orders_stats_after_delete();
create trigger orders_member_stats_upd after update on public.orders
  referencing old table as old_rows new table as new_rows for each statement execute function private.orders_stats_after_update();

-- Interactions are append-only for people (no update/delete grant), so the latest contact only
-- ever moves forward.
create or replace function private.interactions_contact_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  update public.members m
  set last_contact_at = x.at
  from (select org_id, member_id, max(occurred_at) as at from new_rows group by org_id, member_id) x
  where m.org_id = x.org_id and m.id = x.member_id
    and (m.last_contact_at is null or m.last_contact_at < x.at);
  return null;
end
$$;
create trigger interactions_member_contact_ins after insert on public.interactions
  referencing new table as new_rows for each statement execute function private.interactions_contact_after_insert();

-- Backfill for databases migrated with data already in them.
update public.members m
set first_purchase_at = s.first_at, last_purchase_at = s.last_at, lifetime_spend_fen = s.spend, order_count = s.n
from (
  select org_id, member_id, min(ordered_at) as first_at, max(ordered_at) as last_at,
         sum(total_fen)::bigint as spend, count(*)::int as n
  from public.orders where member_id is not null group by org_id, member_id
) s
where m.org_id = s.org_id and m.id = s.member_id;
update public.members m
set last_contact_at = s.at
from (select org_id, member_id, max(occurred_at) as at from public.interactions group by org_id, member_id) s
where m.org_id = s.org_id and m.id = s.member_id;

-- Keyset indexes for the sorted lists, per store (my store / manager's stores) and per
-- associate (my customers). Nulls sort as -infinity so (key, id) is a total order the cursor
-- can continue from.
create index members_store_last_purchase_idx on public.members
  (org_id, store_id, (coalesce(last_purchase_at, '-infinity'::timestamptz)) desc, id desc) where deleted_at is null;
create index members_store_spend_idx on public.members
  (org_id, store_id, lifetime_spend_fen desc, id desc) where deleted_at is null;
create index members_store_last_contact_idx on public.members
  (org_id, store_id, (coalesce(last_contact_at, '-infinity'::timestamptz)) desc, id desc) where deleted_at is null;
create index members_associate_last_purchase_idx on public.members
  (org_id, associate_id, (coalesce(last_purchase_at, '-infinity'::timestamptz)) desc, id desc) where deleted_at is null;
create index members_associate_spend_idx on public.members
  (org_id, associate_id, lifetime_spend_fen desc, id desc) where deleted_at is null;
create index members_associate_last_contact_idx on public.members
  (org_id, associate_id, (coalesce(last_contact_at, '-infinity'::timestamptz)) desc, id desc) where deleted_at is null;

-- Birthdays on a date are a handful of (calendar, month, day, leap) keys (shared/domain/birthday.ts).
create index members_birthday_key_idx on public.members
  (org_id, birthday_calendar, birth_month, birth_day, birth_leap_month) where deleted_at is null and birthday_calendar is not null;

-- Due follow-ups of an associate: (staff, date) range, newest interaction per member.
create index interactions_staff_follow_up_idx on public.interactions (org_id, staff_id, follow_up_on, member_id, occurred_at desc)
  where follow_up_on is not null;

-- The reveal rate limit counts a person's recent reveals.
create index audit_log_actor_action_idx on public.audit_log (org_id, actor_account_id, action, created_at desc);

grant select (first_purchase_at, last_purchase_at, lifetime_spend_fen, order_count, last_contact_at) on public.members to authenticated;

-- 2. Phone reveal, for the owning associate, audited and rate-limited -------------------------

-- Returns the ciphertext (the server decrypts) when the caller is the active associate who owns
-- the customer, still works in the customer's store, and has revealed fewer than 20 numbers in
-- the last hour. Each successful reveal writes the audit log in the same transaction.
create or replace function public.reveal_member_phone(p_member uuid)
  returns table (outcome text, phone_enc text)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_staff uuid := private.my_staff_id();
  v_enc text;
  v_owner uuid;
  v_recent int;
begin
  if v_org is null or v_staff is null then
    return query select 'forbidden'::text, null::text;
    return;
  end if;
  select m.phone_enc, m.associate_id into v_enc, v_owner from public.members m
  where m.org_id = v_org and m.id = p_member and m.deleted_at is null
    and m.store_id = any (private.my_store_ids());
  if not found then
    return query select 'not_found'::text, null::text;
    return;
  end if;
  if v_owner is distinct from v_staff then
    return query select 'not_owner'::text, null::text;
    return;
  end if;
  if v_enc is null then
    return query select 'no_phone'::text, null::text;
    return;
  end if;
  select count(*) into v_recent from public.audit_log a
  where a.org_id = v_org and a.actor_account_id = auth.uid() and a.action = 'member.phone_reveal'
    and a.created_at > now() - interval '1 hour';
  if v_recent >= 20 then
    return query select 'rate_limited'::text, null::text;
    return;
  end if;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'member.phone_reveal', 'member', p_member::text, jsonb_build_object('staff_id', v_staff));
  return query select 'ok'::text, v_enc;
end
$$;
revoke execute on function public.reveal_member_phone(uuid) from public;
grant execute on function public.reveal_member_phone(uuid) to authenticated;

-- 3. Hand-over (离职继承 / 在职转接) -----------------------------------------------------------

create table public.handover_batches (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  from_staff_id uuid not null,
  to_staff_id uuid not null,
  performed_by uuid not null,
  reason text not null check (reason in ('leaving', 'reassignment')),
  member_count int not null check (member_count >= 0),
  created_at timestamptz not null default now(),
  undone_at timestamptz,
  undone_by uuid,
  primary key (org_id, id),
  foreign key (org_id, from_staff_id) references public.staff (org_id, id),
  foreign key (org_id, to_staff_id) references public.staff (org_id, id),
  foreign key (org_id, performed_by) references public.staff (org_id, id),
  foreign key (org_id, undone_by) references public.staff (org_id, id),
  check (from_staff_id <> to_staff_id)
);
create index handover_batches_time_idx on public.handover_batches (org_id, created_at desc);

create table public.handover_items (
  org_id uuid not null,
  batch_id uuid not null,
  member_id uuid not null,
  primary key (org_id, batch_id, member_id),
  foreign key (org_id, batch_id) references public.handover_batches (org_id, id) on delete cascade,
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade
);
create index handover_items_member_idx on public.handover_items (org_id, member_id);

comment on table public.handover_batches is 'One hand-over of customers from one associate to another; undoable for 24 hours.';
comment on table public.handover_items is 'The exact customers a hand-over moved (so an undo moves back exactly these).';

alter table public.handover_batches enable row level security;
alter table public.handover_items enable row level security;

-- Managers see the hand-overs they did or that touch staff of their stores; admins all of the org.
create or replace function private.can_see_handover(p_org uuid, p_from uuid, p_to uuid, p_by uuid) returns boolean
  language sql stable security definer set search_path = ''
as $$
  select p_org = private.jwt_org_id() and (
    private.is_org_admin()
    or (private.my_staff_role() = 'manager' and (
      p_by = private.my_staff_id()
      or exists (select 1 from public.staff_stores a
                 where a.org_id = p_org and a.staff_id in (p_from, p_to)
                   and a.store_id = any (private.my_store_ids()))))
  )
$$;
grant execute on function private.can_see_handover(uuid, uuid, uuid, uuid) to authenticated;

create policy "Managers read hand-overs of their stores; admins their org's"
  on public.handover_batches for select to authenticated
  using (org_id = (select private.jwt_org_id()) and private.can_see_handover(org_id, from_staff_id, to_staff_id, performed_by));

create policy "Hand-over items are visible with their batch"
  on public.handover_items for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and exists (select 1 from public.handover_batches b where b.org_id = handover_items.org_id and b.id = handover_items.batch_id)
  );

revoke all on public.handover_batches, public.handover_items from anon, authenticated;
grant select on public.handover_batches, public.handover_items to authenticated;

-- The stores in which the caller may hand customers over: a manager's own stores; an admin's
-- whole org. Associates and operators cannot.
create or replace function private.handover_store_ids() returns uuid[]
  language sql stable security definer set search_path = ''
as $$
  select case when private.my_staff_role() in ('manager', 'admin') then private.my_store_ids() else '{}'::uuid[] end
$$;

-- Moves customers of p_from (all of them in the caller's stores, or exactly p_members) to p_to.
-- All or nothing: a listed customer who is not p_from's in the caller's stores fails the call.
create or replace function public.hand_over_customers(p_from uuid, p_to uuid, p_members uuid[], p_reason text)
  returns table (batch_id uuid, moved int)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_me uuid := private.my_staff_id();
  v_stores uuid[] := private.handover_store_ids();
  v_batch uuid;
  v_n int;
begin
  if v_org is null or v_me is null or cardinality(v_stores) = 0 then
    raise exception 'only managers and admins hand customers over' using errcode = '42501';
  end if;
  if p_from = p_to then
    raise exception 'from and to are the same associate' using errcode = '23514';
  end if;
  if not exists (select 1 from public.staff s where s.org_id = v_org and s.id = p_from
                 and (s.role = 'associate' or s.role = 'manager')) then
    raise exception 'no such associate' using errcode = 'P0002';
  end if;
  -- The receiving associate must be active and work in one of the caller's stores.
  if not exists (select 1 from public.staff s join public.staff_stores a on a.org_id = s.org_id and a.staff_id = s.id
                 where s.org_id = v_org and s.id = p_to and s.active and s.role in ('associate', 'manager')
                   and a.store_id = any (v_stores)) then
    raise exception 'no such receiving associate in your stores' using errcode = 'P0002';
  end if;

  insert into public.handover_batches (org_id, from_staff_id, to_staff_id, performed_by, reason, member_count)
  values (v_org, p_from, p_to, v_me, p_reason, 0)
  returning id into v_batch;

  insert into public.handover_items (org_id, batch_id, member_id)
  select v_org, v_batch, m.id from public.members m
  where m.org_id = v_org and m.associate_id = p_from and m.deleted_at is null
    and m.store_id = any (v_stores)
    and (p_members is null or m.id = any (p_members));
  get diagnostics v_n = row_count;

  if p_members is not null and v_n <> (select count(distinct x) from unnest(p_members) x) then
    raise exception 'some customers are not that associate''s in your stores' using errcode = 'P0002';
  end if;

  update public.members m set associate_id = p_to
  from public.handover_items i
  where i.org_id = v_org and i.batch_id = v_batch and m.org_id = v_org and m.id = i.member_id;

  update public.handover_batches b set member_count = v_n where b.org_id = v_org and b.id = v_batch;

  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'customers.handover', 'handover_batch', v_batch::text,
          jsonb_build_object('from', p_from, 'to', p_to, 'moved', v_n, 'reason', p_reason));
  return query select v_batch, v_n;
end
$$;
revoke execute on function public.hand_over_customers(uuid, uuid, uuid[], text) from public;
grant execute on function public.hand_over_customers(uuid, uuid, uuid[], text) to authenticated;

-- Undoes a hand-over within 24 hours: exactly its customers go back, except those whose
-- associate has changed again since (they are left alone and not counted).
create or replace function public.undo_handover(p_batch uuid)
  returns table (restored int)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_me uuid := private.my_staff_id();
  v_stores uuid[] := private.handover_store_ids();
  b public.handover_batches%rowtype;
  v_n int;
begin
  if v_org is null or v_me is null or cardinality(v_stores) = 0 then
    raise exception 'only managers and admins undo hand-overs' using errcode = '42501';
  end if;
  select * into b from public.handover_batches h where h.org_id = v_org and h.id = p_batch for update;
  if not found or not (b.performed_by = v_me or private.is_org_admin()) then
    raise exception 'no such hand-over of yours' using errcode = 'P0002';
  end if;
  if b.undone_at is not null then
    raise exception 'this hand-over was already undone' using errcode = '23505';
  end if;
  if b.created_at < now() - interval '24 hours' then
    raise exception 'a hand-over can only be undone within 24 hours' using errcode = '23514';
  end if;
  update public.members m set associate_id = b.from_staff_id
  from public.handover_items i
  where i.org_id = v_org and i.batch_id = p_batch and m.org_id = v_org and m.id = i.member_id
    and m.associate_id = b.to_staff_id;
  get diagnostics v_n = row_count;
  update public.handover_batches h set undone_at = now(), undone_by = v_me where h.org_id = v_org and h.id = p_batch;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'customers.handover_undo', 'handover_batch', p_batch::text, jsonb_build_object('restored', v_n));
  return query select v_n;
end
$$;
revoke execute on function public.undo_handover(uuid) from public;
grant execute on function public.undo_handover(uuid) to authenticated;

-- 4. Deactivating an associate ---------------------------------------------------------------
--
-- A manager may deactivate an associate who works only in the manager's stores; an admin any
-- staff member but themselves. Access ends at once: every helper checks staff.active.
create or replace function public.deactivate_staff(p_staff uuid)
  returns table (deactivated boolean)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_me uuid := private.my_staff_id();
  v_role text := private.my_staff_role();
  v_target_role text;
begin
  if v_org is null or v_me is null or v_role not in ('manager', 'admin') then
    raise exception 'only managers and admins deactivate staff' using errcode = '42501';
  end if;
  if p_staff = v_me then
    raise exception 'you cannot deactivate yourself' using errcode = '23514';
  end if;
  select s.role into v_target_role from public.staff s where s.org_id = v_org and s.id = p_staff;
  if not found then
    raise exception 'no such staff member' using errcode = 'P0002';
  end if;
  if v_role = 'manager' and (
       v_target_role <> 'associate'
       or not exists (select 1 from public.staff_stores a where a.org_id = v_org and a.staff_id = p_staff)
       or exists (select 1 from public.staff_stores a where a.org_id = v_org and a.staff_id = p_staff
                  and not (a.store_id = any (private.my_store_ids())))) then
    raise exception 'no such associate in your stores' using errcode = 'P0002';
  end if;
  update public.staff s set active = false, deactivated_at = coalesce(s.deactivated_at, now())
  where s.org_id = v_org and s.id = p_staff and s.active;
  if found then
    insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
    values (v_org, auth.uid(), 'staff.deactivate', 'staff', p_staff::text, '{}'::jsonb);
    return query select true;
  else
    return query select false;
  end if;
end
$$;
revoke execute on function public.deactivate_staff(uuid) from public;
grant execute on function public.deactivate_staff(uuid) to authenticated;

-- 5. Tag merges ------------------------------------------------------------------------------
--
-- A merged tag is retired and points at the tag it was merged into, so history (who carried
-- it, reports by the old name) still explains itself. The merge itself runs as the operator
-- through RLS (functions/api/console/tags-merge.ts).
alter table public.tags add column merged_into_id uuid;
alter table public.tags add constraint tags_merged_into_fk foreign key (org_id, merged_into_id) references public.tags (org_id, id);
alter table public.tags add constraint tags_merged_is_retired check (merged_into_id is null or retired_at is not null);
comment on column public.tags.merged_into_id is 'Set when this tag was merged into another (it is then retired).';
grant update (merged_into_id) on public.tags to authenticated;
