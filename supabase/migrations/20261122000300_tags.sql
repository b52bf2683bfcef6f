-- Tag taxonomy (groups, tags) and tags on members.

create table public.tag_groups (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 30),
  selection text not null default 'multiple' check (selection in ('single', 'multiple')),
  sort_order int not null default 0,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, name)
);

create table public.tags (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  group_id uuid not null,
  name text not null check (length(name) between 1 and 30),
  color text not null default '#07c160' check (color ~ '^#[0-9a-fA-F]{6}$'),
  retired_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, group_id, name),
  foreign key (org_id, group_id) references public.tag_groups (org_id, id) on delete cascade
);

create table public.member_tags (
  org_id uuid not null,
  member_id uuid not null,
  tag_id uuid not null,
  tagged_by uuid,
  created_at timestamptz not null default now(),
  primary key (org_id, member_id, tag_id),
  foreign key (org_id, member_id) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, tag_id) references public.tags (org_id, id) on delete cascade,
  foreign key (org_id, tagged_by) references public.staff (org_id, id)
);
-- Search by tag: the members carrying a tag.
create index member_tags_tag_idx on public.member_tags (org_id, tag_id, member_id);

comment on table public.tag_groups is 'A group of tags; single-choice groups (e.g. 尺码) allow one tag per member.';
comment on table public.tags is 'A tag. Retired tags stay on history but cannot be newly applied.';
comment on table public.member_tags is 'Tags on members, applied by staff.';

alter table public.tag_groups enable row level security;
alter table public.tags enable row level security;
alter table public.member_tags enable row level security;

create policy "Staff can read their org's tag groups"
  on public.tag_groups for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.my_staff_role()) is not null);

create policy "Operators can create tag groups"
  on public.tag_groups for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators can update tag groups"
  on public.tag_groups for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Staff can read their org's tags"
  on public.tags for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.my_staff_role()) is not null);

create policy "Operators can create tags"
  on public.tags for insert to authenticated
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators can update tags"
  on public.tags for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()))
  with check (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Staff can read tags of members they can see"
  on public.member_tags for select to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and private.can_see_member(org_id, member_id)
  );

create policy "Staff can tag members they can see"
  on public.member_tags for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id())
    and tagged_by = (select private.my_staff_id())
    and private.can_see_member(org_id, member_id)
    and exists (select 1 from public.tags t where t.org_id = member_tags.org_id and t.id = member_tags.tag_id and t.retired_at is null)
  );

create policy "Staff can untag members they can see"
  on public.member_tags for delete to authenticated
  using (
    org_id = (select private.jwt_org_id())
    and (select private.my_staff_role()) is not null
    and private.can_see_member(org_id, member_id)
  );

revoke all on public.tag_groups, public.tags, public.member_tags from anon, authenticated;
grant select, insert (org_id, name, selection, sort_order), update (name, selection, sort_order) on public.tag_groups to authenticated;
grant select, insert (org_id, group_id, name, color), update (name, color, retired_at) on public.tags to authenticated;
grant select, insert (org_id, member_id, tag_id, tagged_by), delete on public.member_tags to authenticated;
