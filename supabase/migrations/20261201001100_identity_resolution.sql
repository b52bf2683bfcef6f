-- Identity resolution (issue 7): one customer may appear as an openid, a unionid, a phone, a POS
-- member number. Matches are made by explicit, ordered rules:
--
--   1. unionid   2. openid   3. phone (HMAC blind index of the E.164 number)   4. POS member number
--
-- An import row that finds exactly one member by them merges into it; a row (or a group of rows
-- of one file) whose identifiers point at two different members is never guessed at: it becomes
-- a merge candidate (20261201001000_imports.sql). Operators preview, apply, undo or dismiss
-- member-to-member merges here. Every merge records its rule, the before-state of both members
-- and exactly what it moved (member_merge_items), so an undo moves back exactly that and leaves
-- everything that happened later in place.
--
-- Survivorship (also in the README):
-- - The survivor is the member with a WeChat account; else the one who joined first; else the
--   lower member number. An operator may choose the other, except that a member with a WeChat
--   account is never retired (its account would lose its membership), and two members that both
--   have an account are never merged.
-- - Name (with its pinyin keys), gender (unknown counts as empty), birthday (calendar, year,
--   month, day and leap month as one), region, phone (ciphertext, blind index, last 4 and mask as
--   one), store, tier: the survivor's when it has one, else the other's. The associate goes with
--   the store. Preferences: the union (survivor's first, at most 10). Points: the sum. Joined:
--   the earlier date, with its join channel.
-- - Orders, interactions, consent ledger rows and identities move to the survivor. Tags move,
--   except those the survivor already carries (and, for single-choice groups, any group in
--   which the survivor already has a tag): those stay as the survivor's. Subscription credits
--   are added up per template, the later decision kept. Purchase and contact aggregates are
--   recomputed; tags' store column follows the survivor's store.
-- - The other member is retired: deleted_at set (so no policy shows it) and merged_into_id
--   pointing at the survivor; its own fields are kept for the undo.

-- Tables ------------------------------------------------------------------------------------

alter table public.members add column merged_into_id uuid;
alter table public.members add constraint members_merged_into_fk foreign key (org_id, merged_into_id) references public.members (org_id, id);
-- The key's check when a member is deleted (an erasure, an org removed) looks for members merged
-- into it: without an index that read all the org's members once per deleted member (removing
-- a 1 M-member org did not finish in 20 minutes). Partial: only retired members are in it.
create index members_merged_into_idx on public.members (org_id, merged_into_id) where merged_into_id is not null;
alter table public.members add constraint members_merged_is_retired check (merged_into_id is null or deleted_at is not null);
comment on column public.members.merged_into_id is 'Set when this member was merged into another (it is then retired: deleted_at is set).';

create table public.member_merge_candidates (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  -- The pair in a fixed order, so one pair is one candidate whoever found it.
  member_a uuid not null,
  member_b uuid not null,
  -- Which identifiers linked them, e.g. 'phone/pos': the first member by phone, the second by POS number.
  rule text not null check (length(rule) between 1 and 64),
  source text not null check (source in ('import', 'manual')),
  job_id uuid,
  row_no int,
  status text not null default 'open' check (status in ('open', 'merged', 'dismissed')),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid,
  primary key (org_id, id),
  unique (org_id, member_a, member_b),
  check (member_a < member_b),
  foreign key (org_id, member_a) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, member_b) references public.members (org_id, id) on delete cascade,
  foreign key (org_id, job_id) references public.import_jobs (org_id, id) on delete set null (job_id),
  foreign key (org_id, decided_by) references public.staff (org_id, id)
);
create index member_merge_candidates_status_idx on public.member_merge_candidates (org_id, status, created_at desc);
create index member_merge_candidates_b_idx on public.member_merge_candidates (org_id, member_b);

create table public.member_merges (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  survivor_id uuid not null,
  loser_id uuid not null,
  candidate_id uuid,
  rule text not null check (length(rule) between 1 and 64),
  -- Both members' fields before the merge, and the survivor's fields the merge changed.
  before jsonb not null,
  after jsonb not null,
  -- How many of each kind moved (orders, interactions, consents, identities, tags, credits).
  moved jsonb not null default '{}'::jsonb,
  performed_by uuid not null,
  performed_at timestamptz not null default now(),
  undone_at timestamptz,
  undone_by uuid,
  primary key (org_id, id),
  check (survivor_id <> loser_id),
  foreign key (org_id, survivor_id) references public.members (org_id, id),
  foreign key (org_id, loser_id) references public.members (org_id, id),
  foreign key (org_id, candidate_id) references public.member_merge_candidates (org_id, id) on delete set null (candidate_id),
  foreign key (org_id, performed_by) references public.staff (org_id, id),
  foreign key (org_id, undone_by) references public.staff (org_id, id)
);
create index member_merges_time_idx on public.member_merges (org_id, performed_at desc);
create index member_merges_loser_idx on public.member_merges (org_id, loser_id);

-- Exactly what a merge moved, so that an undo moves back exactly that.
create table public.member_merge_items (
  org_id uuid not null,
  merge_id uuid not null,
  kind text not null check (kind in ('order', 'interaction', 'consent', 'identity', 'tag', 'credit')),
  -- The moved row: an order/interaction/consent id, 'kind:value' of an identity, a tag or template id.
  ref text not null,
  -- For tags and credits: what the row was before ({"mode":"moved"} or the kept/added details).
  detail jsonb,
  primary key (org_id, merge_id, kind, ref),
  foreign key (org_id, merge_id) references public.member_merges (org_id, id) on delete cascade
);

-- Comments ----------------------------------------------------------------------------------

comment on table public.member_merge_candidates is 'Pairs of members that identifiers say are one person (from imports) or that an operator suspects; decided by merging or dismissing.';
comment on table public.member_merges is 'A merge of one member into another: rule, before-state, what moved, who, when; undoable.';
comment on table public.member_merge_items is 'The exact rows a merge moved (orders, interactions, consents, identities, tags, credits).';

-- RLS ---------------------------------------------------------------------------------------

alter table public.member_merge_candidates enable row level security;
alter table public.member_merges enable row level security;
alter table public.member_merge_items enable row level security;

create policy "Operators read their org's merge candidates"
  on public.member_merge_candidates for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators read their org's merges"
  on public.member_merges for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators read what their org's merges moved"
  on public.member_merge_items for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

revoke all on public.member_merge_candidates, public.member_merges, public.member_merge_items from anon, authenticated;
-- before/after hold phone ciphertexts: readable only through the functions below.
grant select (org_id, id, member_a, member_b, rule, source, job_id, row_no, status, created_at, decided_at, decided_by)
  on public.member_merge_candidates to authenticated;
grant select (org_id, id, survivor_id, loser_id, candidate_id, rule, moved, performed_by, performed_at, undone_at, undone_by)
  on public.member_merges to authenticated;
grant select (org_id, merge_id, kind, ref) on public.member_merge_items to authenticated;

-- Helpers -----------------------------------------------------------------------------------

-- The identity rules, strongest first (documentation for people and code alike).
create or replace function private.identity_rules() returns text[]
  language sql immutable set search_path = ''
as $$ select array['unionid', 'openid', 'phone', 'pos'] $$;
grant execute on function private.identity_rules() to authenticated;

-- The columns a merge may change on the survivor, with the survivor's resulting values under
-- the survivorship rules above (every key; the caller keeps those that differ).
create or replace function private.member_merge_result(p_s public.members, p_l public.members) returns jsonb
  language sql stable set search_path = ''
as $$
  select jsonb_build_object(
    'name', coalesce(p_s.name, p_l.name),
    'name_pinyin', case when p_s.name is null and p_l.name is not null then p_l.name_pinyin else p_s.name_pinyin end,
    'name_initials', case when p_s.name is null and p_l.name is not null then p_l.name_initials else p_s.name_initials end,
    'gender', case when p_s.gender = 'unknown' then p_l.gender else p_s.gender end,
    'birthday_calendar', case when p_s.birthday_calendar is null then p_l.birthday_calendar else p_s.birthday_calendar end,
    'birth_year', case when p_s.birthday_calendar is null then p_l.birth_year else p_s.birth_year end,
    'birth_month', case when p_s.birthday_calendar is null then p_l.birth_month else p_s.birth_month end,
    'birth_day', case when p_s.birthday_calendar is null then p_l.birth_day else p_s.birth_day end,
    'birth_leap_month', case when p_s.birthday_calendar is null then p_l.birth_leap_month else p_s.birth_leap_month end,
    'region_code', coalesce(p_s.region_code, p_l.region_code),
    'phone_enc', case when p_s.phone_enc is null then p_l.phone_enc else p_s.phone_enc end,
    'phone_hash', case when p_s.phone_enc is null then p_l.phone_hash else p_s.phone_hash end,
    'phone_last4', case when p_s.phone_enc is null then p_l.phone_last4 else p_s.phone_last4 end,
    'phone_masked', case when p_s.phone_enc is null then p_l.phone_masked else p_s.phone_masked end,
    'store_id', coalesce(p_s.store_id, p_l.store_id),
    'associate_id', case when p_s.store_id is null then p_l.associate_id
                         when p_s.associate_id is null and p_l.store_id = p_s.store_id then p_l.associate_id
                         else p_s.associate_id end,
    'tier', coalesce(p_s.tier, p_l.tier),
    'points', case when p_s.points is null and p_l.points is null then null else coalesce(p_s.points, 0) + coalesce(p_l.points, 0) end,
    'preferences', to_jsonb(coalesce((
      select array_agg(x.p order by x.o) from (
        select p, min(o) as o from (
          select p, o from unnest(p_s.preferences) with ordinality as s(p, o)
          union all
          select p, 100 + o from unnest(p_l.preferences) with ordinality as l(p, o)
        ) y group by p order by min(o) limit 10
      ) x), '{}'::text[])),
    'joined_at', least(p_s.joined_at, p_l.joined_at),
    'join_channel', case when p_l.joined_at < p_s.joined_at then p_l.join_channel else p_s.join_channel end
  )
$$;

-- Who survives: the caller's choice when allowed, else the account holder, else the earlier
-- member, else the lower member number. Blockers explain why a pair cannot be merged.
create or replace function private.member_merge_pick(p_a public.members, p_b public.members, p_survivor uuid)
  returns table (survivor uuid, loser uuid, blockers text[])
  language plpgsql stable set search_path = ''
as $$
declare
  v_blockers text[] := '{}';
  v_s public.members;
  v_l public.members;
begin
  if p_a.account_id is not null and p_b.account_id is not null then
    v_blockers := v_blockers || '两位会员都绑定了微信账号，不能合并（一个微信账号只能对应一位会员）'::text;
  end if;
  if p_survivor is not null and p_survivor not in (p_a.id, p_b.id) then
    raise exception 'the survivor must be one of the two members' using errcode = '22023', hint = 'survivorId';
  end if;
  if p_survivor = p_a.id then v_s := p_a; v_l := p_b;
  elsif p_survivor = p_b.id then v_s := p_b; v_l := p_a;
  elsif (p_b.account_id is not null and p_a.account_id is null)
     or (p_a.account_id is null) = (p_b.account_id is null) and (p_b.joined_at, p_b.member_no) < (p_a.joined_at, p_a.member_no) then
    v_s := p_b; v_l := p_a;
  else
    v_s := p_a; v_l := p_b;
  end if;
  if v_l.account_id is not null and v_s.account_id is null then
    v_blockers := v_blockers || '绑定了微信账号的会员必须保留，请以它为准'::text;
  end if;
  return query select v_s.id, v_l.id, v_blockers;
end
$$;

-- The two members for an operator's merge request, locked, checked.
create or replace function private.member_merge_pair(p_org uuid, p_a uuid, p_b uuid, p_lock boolean)
  returns setof public.members
  language plpgsql security definer set search_path = ''
as $$
declare
  v_n int;
begin
  if p_a = p_b then
    raise exception 'choose two different members' using errcode = '22023', hint = 'memberB';
  end if;
  if p_lock then
    perform 1 from public.members m where m.org_id = p_org and m.id in (p_a, p_b) order by m.id for update;
  end if;
  select count(*) into v_n from public.members m where m.org_id = p_org and m.id in (p_a, p_b) and m.deleted_at is null;
  if v_n <> 2 then
    raise exception 'no such member' using errcode = 'P0002';
  end if;
  return query select m.* from public.members m where m.org_id = p_org and m.id in (p_a, p_b) order by m.id = p_a desc;
end
$$;
revoke execute on function private.member_merge_pair(uuid, uuid, uuid, boolean) from public;

create or replace function private.require_org_wide() returns uuid
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
begin
  if v_org is null or not private.is_org_wide() then
    raise exception 'only operators and admins merge members' using errcode = '42501';
  end if;
  return v_org;
end
$$;
revoke execute on function private.require_org_wide() from public;

-- How one member reads in a preview (no phone number, only its mask).
create or replace function private.member_merge_card(p_m public.members) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_m.id, 'memberNo', p_m.member_no::text, 'name', p_m.name, 'phoneMasked', p_m.phone_masked,
    'hasAccount', p_m.account_id is not null, 'joinedAt', p_m.joined_at,
    'store', (select s.name from public.stores s where s.org_id = p_m.org_id and s.id = p_m.store_id),
    'orderCount', p_m.order_count, 'lifetimeSpendFen', p_m.lifetime_spend_fen)
$$;
revoke execute on function private.member_merge_card(public.members) from public;

-- Display values of the fields a merge decides, for the preview.
create or replace function private.member_merge_fields(p_s public.members, p_l public.members, p_r jsonb) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  with f(field, s, l, r, o) as (
    values
      ('name', p_s.name, p_l.name, p_r ->> 'name', 1),
      ('gender', p_s.gender, p_l.gender, p_r ->> 'gender', 2),
      ('birthday',
        case when p_s.birthday_calendar is not null then concat_ws('-', p_s.birthday_calendar, p_s.birth_year, p_s.birth_month, p_s.birth_day, case when p_s.birth_leap_month then 'leap' end) end,
        case when p_l.birthday_calendar is not null then concat_ws('-', p_l.birthday_calendar, p_l.birth_year, p_l.birth_month, p_l.birth_day, case when p_l.birth_leap_month then 'leap' end) end,
        case when p_r ->> 'birthday_calendar' is not null then concat_ws('-', p_r ->> 'birthday_calendar', p_r ->> 'birth_year', p_r ->> 'birth_month', p_r ->> 'birth_day', case when (p_r ->> 'birth_leap_month')::boolean then 'leap' end) end, 3),
      ('region', p_s.region_code, p_l.region_code, p_r ->> 'region_code', 4),
      ('phone', p_s.phone_masked, p_l.phone_masked, p_r ->> 'phone_masked', 5),
      ('store', (select s.name from public.stores s where s.org_id = p_s.org_id and s.id = p_s.store_id),
                (select s.name from public.stores s where s.org_id = p_l.org_id and s.id = p_l.store_id),
                (select s.name from public.stores s where s.org_id = p_s.org_id and s.id = (p_r ->> 'store_id')::uuid), 6),
      ('associate', (select s.name from public.staff s where s.org_id = p_s.org_id and s.id = p_s.associate_id),
                    (select s.name from public.staff s where s.org_id = p_l.org_id and s.id = p_l.associate_id),
                    (select s.name from public.staff s where s.org_id = p_s.org_id and s.id = (p_r ->> 'associate_id')::uuid), 7),
      ('tier', p_s.tier, p_l.tier, p_r ->> 'tier', 8),
      ('points', p_s.points::text, p_l.points::text, p_r ->> 'points', 9),
      ('preferences', array_to_string(p_s.preferences, '、'), array_to_string(p_l.preferences, '、'),
                      (select string_agg(x, '、') from jsonb_array_elements_text(p_r -> 'preferences') x), 10),
      ('joinedAt', to_char(p_s.joined_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'), to_char(p_l.joined_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
                   to_char((p_r ->> 'joined_at')::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM-DD'), 11)
  )
  select jsonb_agg(jsonb_build_object('field', f.field, 'survivor', f.s, 'loser', f.l, 'result', f.r,
    'from', case when f.r is null then 'none' when f.r is not distinct from f.s then 'survivor'
                 when f.r is not distinct from f.l then 'loser' else 'both' end) order by f.o)
  from f
$$;
revoke execute on function private.member_merge_fields(public.members, public.members, jsonb) from public;

-- Whether the survivor's own tags take the place of the loser's tag (same tag, or a tag of the
-- same single-choice group).
create or replace function private.member_merge_tag_kept(p_org uuid, p_s uuid, p_tag uuid) returns boolean
  language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.member_tags st
    join public.tags t on t.org_id = st.org_id and t.id = st.tag_id
    join public.tags lt on lt.org_id = p_org and lt.id = p_tag
    join public.tag_groups g on g.org_id = lt.org_id and g.id = lt.group_id
    where st.org_id = p_org and st.member_id = p_s
      and (st.tag_id = p_tag or (g.selection = 'single' and t.group_id = lt.group_id))
  )
$$;
revoke execute on function private.member_merge_tag_kept(uuid, uuid, uuid) from public;

-- What would move (counts), without moving anything.
create or replace function private.member_merge_moves(p_org uuid, p_s uuid, p_l uuid) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'orders', (select count(*) from public.orders o where o.org_id = p_org and o.member_id = p_l),
    'interactions', (select count(*) from public.interactions x where x.org_id = p_org and x.member_id = p_l),
    'consents', (select count(*) from public.consents c where c.org_id = p_org and c.member_id = p_l),
    'identities', (select count(*) from public.member_identities i where i.org_id = p_org and i.member_id = p_l),
    'tags', (select count(*) from public.member_tags t where t.org_id = p_org and t.member_id = p_l
             and not private.member_merge_tag_kept(p_org, p_s, t.tag_id)),
    'tagsAlreadyThere', (select count(*) from public.member_tags t where t.org_id = p_org and t.member_id = p_l
             and private.member_merge_tag_kept(p_org, p_s, t.tag_id)),
    'credits', (select coalesce(sum(c.credits), 0) from public.subscription_credits c where c.org_id = p_org and c.member_id = p_l)
  )
$$;

revoke execute on function private.member_merge_moves(uuid, uuid, uuid) from public;

-- Public functions (operators and admins, in their own RLS transaction) ----------------------

-- Preview: who survives, each decided field (survivor's, other's, result), what would move and
-- what blocks the merge, if anything. Changes nothing.
create or replace function public.member_merge_preview(p_a uuid, p_b uuid, p_survivor uuid default null) returns jsonb
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_org uuid := private.require_org_wide();
  v_a public.members;
  v_b public.members;
  v_s public.members;
  v_l public.members;
  v_pick record;
begin
  select * into v_a from private.member_merge_pair(v_org, p_a, p_b, false) m where m.id = p_a;
  select * into v_b from public.members m where m.org_id = v_org and m.id = p_b;
  select * into v_pick from private.member_merge_pick(v_a, v_b, p_survivor);
  if v_pick.survivor = v_a.id then v_s := v_a; v_l := v_b; else v_s := v_b; v_l := v_a; end if;
  return jsonb_build_object(
    'survivor', private.member_merge_card(v_s),
    'loser', private.member_merge_card(v_l),
    'fields', private.member_merge_fields(v_s, v_l, private.member_merge_result(v_s, v_l)),
    'moves', private.member_merge_moves(v_org, v_s.id, v_l.id),
    'blockers', to_jsonb(v_pick.blockers));
end
$$;
revoke execute on function public.member_merge_preview(uuid, uuid, uuid) from public;
grant execute on function public.member_merge_preview(uuid, uuid, uuid) to authenticated;

-- Apply: merge the pair (from a candidate, or two members the operator names). Returns the merge id.
create or replace function public.member_merge_apply(p_a uuid, p_b uuid, p_survivor uuid default null, p_candidate uuid default null)
  returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.require_org_wide();
  v_staff uuid := private.my_staff_id();
  v_a public.members;
  v_b public.members;
  v_s public.members;
  v_l public.members;
  v_pick record;
  v_result jsonb;
  v_after jsonb := '{}'::jsonb;
  v_before jsonb;
  v_key text;
  v_rule text := 'manual';
  v_merge uuid;
  v_moved jsonb;
  v_new public.members;
begin
  perform pg_advisory_xact_lock(hashtextextended('identity:' || v_org::text, 0));
  select * into v_a from private.member_merge_pair(v_org, p_a, p_b, true) m where m.id = p_a;
  select * into v_b from public.members m where m.org_id = v_org and m.id = p_b;
  if p_candidate is not null then
    select c.rule into v_rule from public.member_merge_candidates c
    where c.org_id = v_org and c.id = p_candidate and c.status = 'open'
      and c.member_a = least(p_a, p_b) and c.member_b = greatest(p_a, p_b)
    for update;
    if not found then
      raise exception 'no such open merge candidate for these members' using errcode = 'P0002', hint = 'candidateId';
    end if;
  else
    -- A manual merge of a pair an import had proposed settles that proposal too.
    select c.id, c.rule into p_candidate, v_rule from public.member_merge_candidates c
    where c.org_id = v_org and c.status = 'open' and c.member_a = least(p_a, p_b) and c.member_b = greatest(p_a, p_b)
    for update;
    v_rule := coalesce(v_rule, 'manual');
  end if;
  select * into v_pick from private.member_merge_pick(v_a, v_b, p_survivor);
  if cardinality(v_pick.blockers) > 0 then
    raise exception '%', v_pick.blockers[1] using errcode = '23514';
  end if;
  if v_pick.survivor = v_a.id then v_s := v_a; v_l := v_b; else v_s := v_b; v_l := v_a; end if;

  v_result := private.member_merge_result(v_s, v_l);
  for v_key in select jsonb_object_keys(v_result) loop
    if (to_jsonb(v_s) -> v_key) is distinct from (v_result -> v_key) then
      v_after := v_after || jsonb_build_object(v_key, v_result -> v_key);
    end if;
  end loop;
  v_before := jsonb_build_object('survivor', to_jsonb(v_s), 'loser', to_jsonb(v_l));

  insert into public.member_merges (org_id, survivor_id, loser_id, candidate_id, rule, before, after, performed_by)
  values (v_org, v_s.id, v_l.id, p_candidate, v_rule, v_before, v_after, v_staff)
  returning id into v_merge;

  -- Orders: one statement, so the statement-level trigger recomputes both members' aggregates.
  with moved as (update public.orders o set member_id = v_s.id where o.org_id = v_org and o.member_id = v_l.id returning o.id)
  insert into public.member_merge_items (org_id, merge_id, kind, ref) select v_org, v_merge, 'order', moved.id::text from moved;
  with moved as (update public.interactions x set member_id = v_s.id where x.org_id = v_org and x.member_id = v_l.id returning x.id)
  insert into public.member_merge_items (org_id, merge_id, kind, ref) select v_org, v_merge, 'interaction', moved.id::text from moved;
  with moved as (update public.consents c set member_id = v_s.id where c.org_id = v_org and c.member_id = v_l.id returning c.id)
  insert into public.member_merge_items (org_id, merge_id, kind, ref) select v_org, v_merge, 'consent', moved.id::text from moved;
  with moved as (update public.member_identities i set member_id = v_s.id where i.org_id = v_org and i.member_id = v_l.id returning i.kind, i.value)
  insert into public.member_merge_items (org_id, merge_id, kind, ref) select v_org, v_merge, 'identity', moved.kind || ':' || moved.value from moved;

  -- Tags: the survivor's own win; the loser's others move (their store follows by trigger).
  with kept as (
    delete from public.member_tags t where t.org_id = v_org and t.member_id = v_l.id
      and private.member_merge_tag_kept(v_org, v_s.id, t.tag_id)
    returning t.tag_id, t.tagged_by, t.created_at
  )
  insert into public.member_merge_items (org_id, merge_id, kind, ref, detail)
  select v_org, v_merge, 'tag', kept.tag_id::text, jsonb_build_object('mode', 'kept', 'tagged_by', kept.tagged_by, 'created_at', kept.created_at) from kept;
  with moved as (update public.member_tags t set member_id = v_s.id where t.org_id = v_org and t.member_id = v_l.id returning t.tag_id)
  insert into public.member_merge_items (org_id, merge_id, kind, ref, detail)
  select v_org, v_merge, 'tag', moved.tag_id::text, '{"mode":"moved"}'::jsonb from moved;

  -- Subscription credits: added up per template (the later decision kept), or moved.
  with pairs as (
    select l.template_id, l.credits as l_credits, l.last_decision as l_decision, l.decided_at as l_at,
           s.credits as s_credits, s.last_decision as s_decision, s.decided_at as s_at
    from public.subscription_credits l
    join public.subscription_credits s on s.org_id = l.org_id and s.member_id = v_s.id and s.template_id = l.template_id
    where l.org_id = v_org and l.member_id = v_l.id
  ), upd as (
    update public.subscription_credits s set credits = s.credits + p.l_credits,
      last_decision = case when p.l_at > p.s_at then p.l_decision else s.last_decision end,
      decided_at = greatest(p.l_at, p.s_at)
    from pairs p where s.org_id = v_org and s.member_id = v_s.id and s.template_id = p.template_id
    returning s.template_id
  ), del as (
    delete from public.subscription_credits l using pairs p where l.org_id = v_org and l.member_id = v_l.id and l.template_id = p.template_id
    returning l.template_id
  )
  insert into public.member_merge_items (org_id, merge_id, kind, ref, detail)
  select v_org, v_merge, 'credit', p.template_id::text, jsonb_build_object('mode', 'added',
    'loser', jsonb_build_object('credits', p.l_credits, 'last_decision', p.l_decision, 'decided_at', p.l_at),
    'survivor', jsonb_build_object('credits', p.s_credits, 'last_decision', p.s_decision, 'decided_at', p.s_at))
  from pairs p where p.template_id in (select template_id from upd) and p.template_id in (select template_id from del);
  with moved as (update public.subscription_credits c set member_id = v_s.id where c.org_id = v_org and c.member_id = v_l.id returning c.template_id)
  insert into public.member_merge_items (org_id, merge_id, kind, ref, detail)
  select v_org, v_merge, 'credit', moved.template_id::text, '{"mode":"moved"}'::jsonb from moved;

  -- Retire the loser first (its phone blind index and account may go to the survivor).
  update public.members m set deleted_at = now(), merged_into_id = v_s.id where m.org_id = v_org and m.id = v_l.id;
  v_new := jsonb_populate_record(v_s, v_after);
  update public.members m set
    name = v_new.name, name_pinyin = v_new.name_pinyin, name_initials = v_new.name_initials, gender = v_new.gender,
    birthday_calendar = v_new.birthday_calendar, birth_year = v_new.birth_year, birth_month = v_new.birth_month,
    birth_day = v_new.birth_day, birth_leap_month = v_new.birth_leap_month, region_code = v_new.region_code,
    phone_enc = v_new.phone_enc, phone_hash = v_new.phone_hash, phone_last4 = v_new.phone_last4, phone_masked = v_new.phone_masked,
    store_id = v_new.store_id, associate_id = v_new.associate_id, tier = v_new.tier, points = v_new.points,
    preferences = v_new.preferences, joined_at = v_new.joined_at, join_channel = v_new.join_channel
  where m.org_id = v_org and m.id = v_s.id;
  update public.members m set last_contact_at = (select max(x.occurred_at) from public.interactions x where x.org_id = v_org and x.member_id = m.id)
  where m.org_id = v_org and m.id in (v_s.id, v_l.id);

  select coalesce(jsonb_object_agg(k.kind, k.n), '{}'::jsonb) into v_moved
  from (select i.kind, count(*) as n from public.member_merge_items i where i.org_id = v_org and i.merge_id = v_merge group by i.kind) k;
  update public.member_merges g set moved = v_moved where g.org_id = v_org and g.id = v_merge;
  if p_candidate is not null then
    update public.member_merge_candidates c set status = 'merged', decided_at = now(), decided_by = v_staff
    where c.org_id = v_org and c.id = p_candidate;
  end if;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'member.merged', 'member', v_s.id::text,
          jsonb_build_object('merge', v_merge, 'loser', v_l.id, 'rule', v_rule, 'moved', v_moved, 'fields', (select coalesce(jsonb_agg(k), '[]') from jsonb_object_keys(v_after) k)));
  return v_merge;
end
$$;
revoke execute on function public.member_merge_apply(uuid, uuid, uuid, uuid) from public;
grant execute on function public.member_merge_apply(uuid, uuid, uuid, uuid) to authenticated;

-- Undo: exactly what the merge moved comes back; what happened since stays (a tag added to the
-- survivor later stays on the survivor; a field edited since keeps its edit; credits used since
-- are taken from the survivor's own first). Returns how many of each kind came back.
create or replace function public.member_merge_undo(p_merge uuid) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.require_org_wide();
  v_staff uuid := private.my_staff_id();
  g public.member_merges;
  v_s public.members;
  v_cur jsonb;
  v_restore jsonb := '{}'::jsonb;
  v_key text;
  v_new public.members;
  v_n int;
  v_back jsonb := '{}'::jsonb;
begin
  perform pg_advisory_xact_lock(hashtextextended('identity:' || v_org::text, 0));
  select * into g from public.member_merges m where m.org_id = v_org and m.id = p_merge for update;
  if not found then
    raise exception 'no such merge' using errcode = 'P0002';
  end if;
  if g.undone_at is not null then
    raise exception 'this merge was already undone' using errcode = '23505';
  end if;
  perform 1 from public.members m where m.org_id = v_org and m.id in (g.survivor_id, g.loser_id) order by m.id for update;
  select * into v_s from public.members m where m.org_id = v_org and m.id = g.survivor_id;
  if v_s.deleted_at is not null then
    raise exception 'the surviving member was merged or erased since: undo that first' using errcode = '23514';
  end if;
  if not exists (select 1 from public.members m where m.org_id = v_org and m.id = g.loser_id and m.merged_into_id = g.survivor_id) then
    raise exception 'the merged member is no longer retired into the survivor' using errcode = '23514';
  end if;

  update public.members m set deleted_at = null, merged_into_id = null where m.org_id = v_org and m.id = g.loser_id;

  update public.orders o set member_id = g.loser_id
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'order' and o.org_id = v_org and o.id = i.ref::uuid and o.member_id = g.survivor_id;
  get diagnostics v_n = row_count; v_back := v_back || jsonb_build_object('orders', v_n);
  update public.interactions x set member_id = g.loser_id
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'interaction' and x.org_id = v_org and x.id = i.ref::uuid and x.member_id = g.survivor_id;
  get diagnostics v_n = row_count; v_back := v_back || jsonb_build_object('interactions', v_n);
  update public.consents c set member_id = g.loser_id
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'consent' and c.org_id = v_org and c.id = i.ref::bigint and c.member_id = g.survivor_id;
  get diagnostics v_n = row_count; v_back := v_back || jsonb_build_object('consents', v_n);
  update public.member_identities d set member_id = g.loser_id
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'identity' and d.org_id = v_org
    and d.kind = split_part(i.ref, ':', 1) and d.value = substr(i.ref, length(split_part(i.ref, ':', 1)) + 2) and d.member_id = g.survivor_id;
  get diagnostics v_n = row_count; v_back := v_back || jsonb_build_object('identities', v_n);

  update public.member_tags t set member_id = g.loser_id
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'tag' and i.detail ->> 'mode' = 'moved'
    and t.org_id = v_org and t.member_id = g.survivor_id and t.tag_id = i.ref::uuid;
  get diagnostics v_n = row_count;
  insert into public.member_tags (org_id, member_id, tag_id, tagged_by, created_at)
  select v_org, g.loser_id, i.ref::uuid, (i.detail ->> 'tagged_by')::uuid, (i.detail ->> 'created_at')::timestamptz
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'tag' and i.detail ->> 'mode' = 'kept'
    and exists (select 1 from public.tags t where t.org_id = v_org and t.id = i.ref::uuid)
  on conflict do nothing;
  v_back := v_back || jsonb_build_object('tags', v_n);

  update public.subscription_credits c set member_id = g.loser_id
  from public.member_merge_items i
  where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'credit' and i.detail ->> 'mode' = 'moved'
    and c.org_id = v_org and c.member_id = g.survivor_id and c.template_id = i.ref::uuid;
  get diagnostics v_n = row_count;
  with back as (
    select i.ref::uuid as template_id, (i.detail -> 'loser') as l, (i.detail -> 'survivor') as s, c.credits as now_credits
    from public.member_merge_items i
    join public.subscription_credits c on c.org_id = v_org and c.member_id = g.survivor_id and c.template_id = i.ref::uuid
    where i.org_id = v_org and i.merge_id = p_merge and i.kind = 'credit' and i.detail ->> 'mode' = 'added'
  ), upd as (
    -- The survivor's own decision comes back too, unless the member decided again since.
    update public.subscription_credits c set credits = b.now_credits - least((b.l ->> 'credits')::int, b.now_credits),
      last_decision = case when c.decided_at = greatest((b.l ->> 'decided_at')::timestamptz, (b.s ->> 'decided_at')::timestamptz)
                           then b.s ->> 'last_decision' else c.last_decision end,
      decided_at = case when c.decided_at = greatest((b.l ->> 'decided_at')::timestamptz, (b.s ->> 'decided_at')::timestamptz)
                        then (b.s ->> 'decided_at')::timestamptz else c.decided_at end
    from back b where c.org_id = v_org and c.member_id = g.survivor_id and c.template_id = b.template_id
    returning c.template_id
  ), ins as (
    insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision, decided_at)
    select v_org, g.loser_id, b.template_id, least((b.l ->> 'credits')::int, b.now_credits), b.l ->> 'last_decision', (b.l ->> 'decided_at')::timestamptz
    from back b where b.template_id in (select template_id from upd)
    on conflict do nothing
    returning template_id
  )
  select v_n + count(*) into v_n from ins;
  v_back := v_back || jsonb_build_object('credits', v_n);

  -- Fields: those the merge set and nobody changed since go back to the survivor's own.
  v_cur := to_jsonb(v_s);
  for v_key in select jsonb_object_keys(g.after) loop
    if (v_cur -> v_key) is not distinct from (g.after -> v_key) then
      v_restore := v_restore || jsonb_build_object(v_key, g.before -> 'survivor' -> v_key);
    end if;
  end loop;
  v_new := jsonb_populate_record(v_s, v_restore);
  update public.members m set
    name = v_new.name, name_pinyin = v_new.name_pinyin, name_initials = v_new.name_initials, gender = v_new.gender,
    birthday_calendar = v_new.birthday_calendar, birth_year = v_new.birth_year, birth_month = v_new.birth_month,
    birth_day = v_new.birth_day, birth_leap_month = v_new.birth_leap_month, region_code = v_new.region_code,
    phone_enc = v_new.phone_enc, phone_hash = v_new.phone_hash, phone_last4 = v_new.phone_last4, phone_masked = v_new.phone_masked,
    store_id = v_new.store_id, associate_id = v_new.associate_id, tier = v_new.tier, points = v_new.points,
    preferences = v_new.preferences, joined_at = v_new.joined_at, join_channel = v_new.join_channel
  where m.org_id = v_org and m.id = g.survivor_id;
  update public.members m set last_contact_at = (select max(x.occurred_at) from public.interactions x where x.org_id = v_org and x.member_id = m.id)
  where m.org_id = v_org and m.id in (g.survivor_id, g.loser_id);

  update public.member_merges m set undone_at = now(), undone_by = v_staff where m.org_id = v_org and m.id = p_merge;
  if g.candidate_id is not null then
    update public.member_merge_candidates c set status = 'open', decided_at = null, decided_by = null
    where c.org_id = v_org and c.id = g.candidate_id;
  end if;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'member.merge_undone', 'member', g.survivor_id::text,
          jsonb_build_object('merge', p_merge, 'loser', g.loser_id, 'restored', v_back));
  return v_back;
end
$$;
revoke execute on function public.member_merge_undo(uuid) from public;
grant execute on function public.member_merge_undo(uuid) to authenticated;

-- The console's overview: open candidates (both members still there) with a card of each, and
-- the recent merges (the retired member's number and name too, which no policy shows anymore).
create or replace function public.member_merge_overview(p_limit int default 100) returns jsonb
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_org uuid := private.require_org_wide();
begin
  return jsonb_build_object(
    'candidates', coalesce((
      select jsonb_agg(x.j order by x.created_at desc) from (
        select c.created_at, jsonb_build_object('id', c.id, 'rule', c.rule, 'source', c.source, 'jobId', c.job_id, 'rowNo', c.row_no,
                 'createdAt', c.created_at, 'a', private.member_merge_card(a), 'b', private.member_merge_card(b)) as j
        from public.member_merge_candidates c
        join public.members a on a.org_id = c.org_id and a.id = c.member_a
        join public.members b on b.org_id = c.org_id and b.id = c.member_b
        where c.org_id = v_org and c.status = 'open' and a.deleted_at is null and b.deleted_at is null
        order by c.created_at desc limit least(greatest(p_limit, 1), 500)
      ) x), '[]'::jsonb),
    'merges', coalesce((
      select jsonb_agg(x.j order by x.performed_at desc) from (
        select g.performed_at, jsonb_build_object('id', g.id, 'rule', g.rule,
                 'survivor', jsonb_build_object('id', s.id, 'memberNo', s.member_no::text, 'name', s.name),
                 'loser', jsonb_build_object('id', l.id, 'memberNo', l.member_no::text, 'name', l.name),
                 'moved', g.moved, 'performedAt', g.performed_at, 'undoneAt', g.undone_at) as j
        from public.member_merges g
        join public.members s on s.org_id = g.org_id and s.id = g.survivor_id
        join public.members l on l.org_id = g.org_id and l.id = g.loser_id
        where g.org_id = v_org
        order by g.performed_at desc limit 50
      ) x), '[]'::jsonb));
end
$$;
revoke execute on function public.member_merge_overview(int) from public;
grant execute on function public.member_merge_overview(int) to authenticated;

-- Dismiss: "not the same person". A dismissed pair is not proposed again by later imports.
create or replace function public.member_merge_dismiss(p_candidate uuid) returns boolean
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.require_org_wide();
begin
  update public.member_merge_candidates c set status = 'dismissed', decided_at = now(), decided_by = private.my_staff_id()
  where c.org_id = v_org and c.id = p_candidate and c.status = 'open';
  if not found then
    raise exception 'no such open merge candidate' using errcode = 'P0002';
  end if;
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'member.merge_dismissed', 'merge_candidate', p_candidate::text, '{}'::jsonb);
  return true;
end
$$;
revoke execute on function public.member_merge_dismiss(uuid) from public;
grant execute on function public.member_merge_dismiss(uuid) to authenticated;

revoke execute on function private.member_merge_result(public.members, public.members) from public;
revoke execute on function private.member_merge_pick(public.members, public.members, uuid) from public;
