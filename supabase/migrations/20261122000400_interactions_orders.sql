-- Interactions logged by staff, and orders with their lines.

create table public.interactions (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  member_id uuid not null,
  staff_id uuid,
  kind text not null check (kind in ('chat', 'call', 'visit', 'note')),
  note text not null check (length(note) between 1 and 1000),
  follow_up_on date,
  occurred_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, staff_id) references public.staff (org_id, id)
);
create index interactions_member_idx on public.interactions (org_id, member_id, occurred_at desc);
create index interactions_follow_up_idx on public.interactions (org_id, staff_id, follow_up_on) where follow_up_on is not null;

create table public.orders (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  member_id uuid,
  store_id uuid,
  order_no text not null check (length(order_no) between 1 and 64),
  total_fen bigint not null check (total_fen >= 0),
  ordered_at timestamptz not null,
  source text not null default 'pos',
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, order_no),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete set null (member_id),
  foreign key (org_id, store_id) references public.stores (org_id, id)
);
create index orders_member_idx on public.orders (org_id, member_id, ordered_at desc);

create table public.order_lines (
  org_id uuid not null,
  order_id uuid not null,
  line_no smallint not null check (line_no >= 1),
  sku text not null,
  name text not null,
  quantity int not null check (quantity > 0),
  unit_price_fen bigint not null check (unit_price_fen >= 0),
  primary key (org_id, order_id, line_no),
  foreign key (org_id, order_id) references public.orders (org_id, id) on delete cascade
);

comment on table public.interactions is 'A chat, call, visit or note an associate logged on a customer; follow_up_on feeds the to-do list.';
comment on table public.orders is 'A purchase. Kept (anonymised) when a member deletes their account, for the brand''s accounts.';
comment on table public.order_lines is 'The lines of an order; amounts in fen.';

alter table public.interactions enable row level security;
alter table public.orders enable row level security;
alter table public.order_lines enable row level security;

-- Reads: operators and admins first (one initplan for the statement), so org-wide reads
-- (dashboards, segments, audits) never call can_see_member() per row.
create policy "Staff read interactions of members they can see"
  on public.interactions for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and ((select private.is_org_wide()) or private.can_see_member(org_id, member_id))
  );

create policy "Staff log interactions as themselves on members they can see"
  on public.interactions for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and staff_id = (select private.my_staff_id())
    and private.can_see_member(org_id, member_id)
  );

create policy "Orders are visible with their member"
  on public.orders for select to authenticated
  using (org_id = (select private.jwt_org_id()) and ((select private.is_org_wide()) or private.can_see_member(org_id, member_id)));

create policy "Order lines are visible with their order"
  on public.order_lines for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and exists (select 1 from public.orders o where o.org_id = order_lines.org_id and o.id = order_lines.order_id)
  );

revoke all on public.interactions, public.orders, public.order_lines from anon, authenticated;
-- occurred_at is the server's clock.
grant select, insert (org_id, member_id, staff_id, kind, note, follow_up_on) on public.interactions to authenticated;
grant select on public.orders to authenticated;
grant select on public.order_lines to authenticated;
