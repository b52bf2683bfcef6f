-- Saved segments (issue 7): rules over members (tags, RFM class, churn, stores, spend, last
-- purchase, birthday, consent, region, tier) that operators save, count live, list, export and
-- use as a campaign's audience. The rules are JSON checked by shared/schemas/segment-rules.schema.ts
-- and turned into SQL by one builder (functions/_lib/segments/segment-sql.ts), the same for the
-- live count, the member list, the export and the greeting audience.

-- 1. Segments --------------------------------------------------------------------------------

create table public.segments (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 60),
  description text check (description is null or length(description) <= 200),
  rules jsonb not null default '{}'::jsonb check (jsonb_typeof(rules) = 'object'),
  created_by uuid not null,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The count at the last save (the list shows it without counting every segment again).
  last_count int check (last_count >= 0),
  last_counted_at timestamptz,
  primary key (org_id, id),
  unique (org_id, name),
  foreign key (org_id, created_by) references public.staff (org_id, id),
  foreign key (org_id, updated_by) references public.staff (org_id, id)
);
create index segments_updated_idx on public.segments (org_id, updated_at desc);

create trigger segments_touch before update on public.segments
  for each row execute function private.touch_updated_at();

comment on table public.segments is 'A saved segment: rules over the org''s members, managed by operators and admins.';
comment on column public.segments.rules is 'Segment rules (shared/schemas/segment-rules.schema.ts); every rule narrows, values within a rule are alternatives.';

alter table public.segments enable row level security;

-- Operators and admins of the org manage segments; associates, managers and members cannot see
-- them (a segment is a view over the whole org's members).
create policy "Operators read their org's segments"
  on public.segments for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators create segments as themselves"
  on public.segments for insert to authenticated
  with check (
    org_id = (select private.jwt_org_id()) and (select private.is_org_wide())
    and created_by = (select private.my_staff_id())
  );

create policy "Operators change their org's segments, signing the change"
  on public.segments for update to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()))
  with check (
    org_id = (select private.jwt_org_id()) and (select private.is_org_wide())
    and updated_by = (select private.my_staff_id())
  );

create policy "Operators delete their org's segments"
  on public.segments for delete to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

revoke all on public.segments from anon, authenticated;
grant select, delete on public.segments to authenticated;
grant insert (org_id, name, description, rules, created_by, last_count, last_counted_at) on public.segments to authenticated;
grant update (name, description, rules, updated_by, last_count, last_counted_at) on public.segments to authenticated;

-- 2. Campaigns target a saved segment ---------------------------------------------------------
--
-- The campaign's audience is the saved segment's rules as they are when it is planned (and its
-- own inline rules, if any, on top). A segment in use cannot be deleted.
alter table public.greeting_campaigns add column segment_id uuid;
alter table public.greeting_campaigns add constraint greeting_campaigns_segment_fk
  foreign key (org_id, segment_id) references public.segments (org_id, id) on delete restrict;
create index greeting_campaigns_segment_idx on public.greeting_campaigns (org_id, segment_id) where segment_id is not null;
comment on column public.greeting_campaigns.segment_id is 'A saved segment whose rules (as they are when planned) are the campaign''s audience.';
grant insert (segment_id), update (segment_id) on public.greeting_campaigns to authenticated;

-- 3. Marketing consent as a column of members ---------------------------------------------------
--
-- "Consent state" is a segment rule; at 1 M members a lookup of each member's latest ledger row
-- per count is a million index probes. The state is kept here by statement-level triggers on the
-- ledger (the latest marketing decision on the 'all' channel, as private.consent_in_force reads
-- it): granted, refused (declined or withdrawn), none (never asked). Senders still check the
-- ledger itself (private.consent_in_force, the dry run); this column only selects audiences.
alter table public.members add column marketing_consent text not null default 'none'
  check (marketing_consent in ('granted', 'refused', 'none'));
comment on column public.members.marketing_consent is 'Latest marketing decision in the consent ledger (channel all): granted, refused, none. Kept by triggers; for segment rules.';

create or replace function private.refresh_marketing_consent(p_org uuid[], p_member uuid[]) returns void
  language sql security definer set search_path = ''
as $$
  update public.members m
  set marketing_consent = coalesce((
    select case when c.granted then 'granted' else 'refused' end from public.consents c
    where c.org_id = m.org_id and c.member_id = m.id and c.purpose = 'marketing' and c.channel = 'all'
    order by c.created_at desc, c.id desc limit 1), 'none')
  from (select distinct x.org_id, x.member_id from unnest(p_org, p_member) as x(org_id, member_id)) k
  where m.org_id = k.org_id and m.id = k.member_id
    and m.marketing_consent is distinct from coalesce((
      select case when c.granted then 'granted' else 'refused' end from public.consents c
      where c.org_id = m.org_id and c.member_id = m.id and c.purpose = 'marketing' and c.channel = 'all'
      order by c.created_at desc, c.id desc limit 1), 'none')
$$;
revoke execute on function private.refresh_marketing_consent(uuid[], uuid[]) from public;

create or replace function private.consents_marketing_after_insert() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.refresh_marketing_consent(array_agg(x.org_id), array_agg(x.member_id))
  from (select distinct n.org_id, n.member_id from new_rows n where n.purpose = 'marketing' and n.channel = 'all') x
  having count(*) > 0;
  return null;
end
$$;

create or replace function private.consents_marketing_after_delete() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.refresh_marketing_consent(array_agg(x.org_id), array_agg(x.member_id))
  from (select distinct o.org_id, o.member_id from old_rows o where o.purpose = 'marketing' and o.channel = 'all') x
  having count(*) > 0;
  return null;
end
$$;

create trigger consents_marketing_ins after insert on public.consents
  referencing new table as new_rows for each statement execute function private.consents_marketing_after_insert();
create trigger consents_marketing_del after delete on public.consents
  referencing old table as old_rows for each statement execute function private.consents_marketing_after_delete();

-- Backfill: one pass over the ledger.
update public.members m set marketing_consent = s.state
from (
  select distinct on (c.org_id, c.member_id) c.org_id, c.member_id, case when c.granted then 'granted' else 'refused' end as state
  from public.consents c where c.purpose = 'marketing' and c.channel = 'all'
  order by c.org_id, c.member_id, c.created_at desc, c.id desc
) s
where m.org_id = s.org_id and m.id = s.member_id and m.marketing_consent <> s.state;

grant select (marketing_consent) on public.members to authenticated;

-- 4. Full phone numbers in an export: admins only, with a purpose, audited ----------------------
--
-- The ciphertexts of the given members (the server decrypts), for an admin of their org, with the
-- stated purpose written to the audit log in the same transaction: no full-phone export exists
-- without its audit row. Members the caller cannot see, or without a phone, are left out.
create or replace function public.segment_export_phones(p_segment uuid, p_members uuid[], p_purpose text)
  returns table (member_id uuid, phone_enc text)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
  v_n int;
begin
  if v_org is null or not private.is_org_admin() then
    raise exception 'only admins export full phone numbers' using errcode = '42501';
  end if;
  if p_purpose is null or length(btrim(p_purpose)) < 4 or length(p_purpose) > 200 then
    raise exception 'state the purpose of the export (4 to 200 characters)' using errcode = '23514';
  end if;
  select count(*) into v_n from public.members m
  where m.org_id = v_org and m.id = any (p_members) and m.deleted_at is null and m.phone_enc is not null;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'segment.export_full_phones', 'segment', p_segment::text,
          jsonb_build_object('purpose', btrim(p_purpose), 'phones', v_n, 'staff_id', private.my_staff_id()));
  return query
    select m.id, m.phone_enc from public.members m
    where m.org_id = v_org and m.id = any (p_members) and m.deleted_at is null and m.phone_enc is not null;
end
$$;
revoke execute on function public.segment_export_phones(uuid, uuid[], text) from public, anon;
grant execute on function public.segment_export_phones(uuid, uuid[], text) to authenticated;
