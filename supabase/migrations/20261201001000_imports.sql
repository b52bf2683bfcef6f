-- Imports (issue 7, "data in"): customers and orders from the files shops really export, staged
-- and merged set-based, with a row-by-row report per job.
--
-- Flow: the application parses and normalises a file (functions/_lib/import/), encrypts phones
-- exactly as the app stores them, and writes the rows into a staging table — by COPY from the
-- CLI (`npm run import`, the database owner's connection: a job, not a person), or through
-- public.import_stage_rows() from the console (the operator's own RLS transaction). Then
-- private.import_apply() resolves every row against the org's members by the identity rules
-- (unionid → openid → phone blind index → POS member number, see 20261201001100), creates or
-- fills members, links identities, inserts orders, and writes one report row per input row —
-- a handful of set-based statements whatever the file size. Re-running the same file changes
-- nothing: customers are found again by their identities, orders by order_no.

-- Tables ------------------------------------------------------------------------------------

create table public.import_sources (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('customers', 'orders')),
  name text not null check (length(name) between 1 and 60),
  -- The confirmed column mapping: header as written in the file → field (or null: not imported).
  mapping jsonb not null default '{}'::jsonb check (jsonb_typeof(mapping) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, kind, name)
);

create table public.import_jobs (
  org_id uuid not null references public.orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  source_id uuid not null,
  kind text not null check (kind in ('customers', 'orders')),
  via text not null check (via in ('console', 'cli')),
  file_name text not null check (length(file_name) between 1 and 255),
  file_hash text not null check (file_hash ~ '^[0-9a-f]{64}$'),
  file_bytes bigint not null check (file_bytes >= 0),
  format text not null check (format in ('csv', 'xlsx')),
  encoding text not null check (length(encoding) between 1 and 20),
  mapping jsonb not null check (jsonb_typeof(mapping) = 'object'),
  -- staging: rows are being written; staged: all rows in, not applied; done / failed.
  status text not null default 'staging' check (status in ('staging', 'staged', 'done', 'failed')),
  total_rows int not null default 0 check (total_rows >= 0),
  accepted int not null default 0,
  fixed int not null default 0,
  merged int not null default 0,
  unchanged int not null default 0,
  conflicts int not null default 0,
  rejected int not null default 0,
  -- The earlier completed job of the same source with the same file (same SHA-256).
  repeat_of uuid,
  error text check (error is null or length(error) <= 500),
  created_by uuid,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, source_id) references public.import_sources (org_id, id) on delete cascade,
  foreign key (org_id, created_by) references public.staff (org_id, id)
);
create index import_jobs_time_idx on public.import_jobs (org_id, created_at desc);
create index import_jobs_hash_idx on public.import_jobs (org_id, source_id, file_hash, finished_at) where status = 'done';

-- One row per input row: compact (a million-row file is a million narrow rows, written by one
-- INSERT … SELECT). member_id has no foreign key on purpose: a report outlives merges, and a
-- million key checks would cost more than the rest of the row.
create table public.import_job_rows (
  org_id uuid not null,
  job_id uuid not null,
  row_no int not null check (row_no >= 1),
  outcome text not null check (outcome in ('accepted', 'fixed', 'merged', 'unchanged', 'conflict', 'rejected')),
  member_id uuid,
  order_id uuid,
  -- The identity rule that found the customer ('file': the same person as an earlier row).
  rule text check (rule in ('unionid', 'openid', 'phone', 'pos', 'file')),
  -- For rejected rows: the field at fault.
  field text,
  detail text,
  -- What was normalised or left out, field by field ("手机号：去掉国家码 +86；生日：…").
  fixes text,
  primary key (org_id, job_id, row_no),
  foreign key (org_id, job_id) references public.import_jobs (org_id, id) on delete cascade
);
create index import_job_rows_outcome_idx on public.import_job_rows (org_id, job_id, outcome, row_no);

-- Staging: normalised rows of jobs being imported. Unlogged (a crash loses only rows that are
-- re-sent anyway) and server-only; rows are deleted when their job is applied.
create unlogged table private.import_customer_rows (
  org_id uuid not null,
  job_id uuid not null,
  row_no int not null,
  reject_field text,
  reject_reason text,
  fixes text,
  name text,
  name_pinyin text,
  name_initials text,
  gender text check (gender in ('female', 'male', 'unknown')),
  birthday_calendar text check (birthday_calendar in ('solar', 'lunar')),
  birth_year smallint,
  birth_month smallint,
  birth_day smallint,
  birth_leap_month boolean,
  region_code text,
  phone_enc text,
  phone_hash text,
  phone_last4 text,
  phone_masked text,
  pos_no text,
  unionid text,
  openid text,
  store_code text,
  joined_at timestamptz,
  primary key (org_id, job_id, row_no)
);

create unlogged table private.import_order_rows (
  org_id uuid not null,
  job_id uuid not null,
  row_no int not null,
  reject_field text,
  reject_reason text,
  fixes text,
  order_no text,
  total_fen bigint,
  ordered_at timestamptz,
  phone_hash text,
  pos_no text,
  unionid text,
  openid text,
  store_code text,
  primary key (org_id, job_id, row_no)
);

-- Comments ----------------------------------------------------------------------------------

comment on table public.import_sources is 'Where imported files come from (a POS, a shop, a spreadsheet), with the column mapping confirmed last time.';
comment on table public.import_jobs is 'One import of one file: who, which file (SHA-256), the mapping used, status and totals per outcome.';
comment on table public.import_job_rows is 'The row-by-row report of an import: accepted, fixed (how), merged (into whom, by which rule), unchanged, conflict, rejected (which field, why).';
comment on table private.import_customer_rows is 'Staging for customer imports: normalised rows (phones already encrypted by the application). Server only; emptied when the job is applied.';
comment on table private.import_order_rows is 'Staging for order imports. Server only; emptied when the job is applied.';

-- RLS ---------------------------------------------------------------------------------------

alter table public.import_sources enable row level security;
alter table public.import_jobs enable row level security;
alter table public.import_job_rows enable row level security;
alter table private.import_customer_rows enable row level security;
alter table private.import_order_rows enable row level security;

-- Policies ----------------------------------------------------------------------------------
--
-- Imports are operators' and admins' work. People only read; every write goes through the
-- security definer functions below, which check the caller.

create policy "Operators read their org's import sources"
  on public.import_sources for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators read their org's import jobs"
  on public.import_jobs for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

create policy "Operators read their org's import reports"
  on public.import_job_rows for select to authenticated
  using (org_id = (select private.jwt_org_id()) and (select private.is_org_wide()));

-- Grants ------------------------------------------------------------------------------------

revoke all on public.import_sources, public.import_jobs, public.import_job_rows from anon, authenticated;
revoke all on private.import_customer_rows, private.import_order_rows from public;
grant select on public.import_sources, public.import_jobs, public.import_job_rows to authenticated;

-- Functions ---------------------------------------------------------------------------------

-- Creates a job (and the source, remembering the mapping). Abandoned jobs of the org (staged
-- more than a day ago and never applied) are cleared on the way: their staged rows hold
-- personal data that should not linger.
create or replace function private.import_create_job(
  p_org uuid, p_staff uuid, p_via text, p_kind text, p_source text, p_file_name text, p_file_hash text,
  p_file_bytes bigint, p_format text, p_encoding text, p_mapping jsonb
) returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_source uuid;
  v_job uuid;
  v_repeat uuid;
begin
  with stale as (
    update public.import_jobs j set status = 'failed', error = 'abandoned: staged and never applied', finished_at = now()
    where j.org_id = p_org and j.status in ('staging', 'staged') and j.created_at < now() - interval '1 day'
    returning j.id
  ), c as (
    delete from private.import_customer_rows r using stale where r.org_id = p_org and r.job_id = stale.id
  )
  delete from private.import_order_rows r using stale where r.org_id = p_org and r.job_id = stale.id;

  insert into public.import_sources as s (org_id, kind, name, mapping)
  values (p_org, p_kind, p_source, p_mapping)
  on conflict (org_id, kind, name) do update set mapping = excluded.mapping, updated_at = now()
  returning s.id into v_source;

  select j.id into v_repeat from public.import_jobs j
  where j.org_id = p_org and j.source_id = v_source and j.file_hash = p_file_hash and j.status = 'done'
  order by j.finished_at limit 1;

  insert into public.import_jobs (org_id, source_id, kind, via, file_name, file_hash, file_bytes, format, encoding, mapping, repeat_of, created_by)
  values (p_org, v_source, p_kind, p_via, p_file_name, p_file_hash, p_file_bytes, p_format, p_encoding, p_mapping, v_repeat, p_staff)
  returning id into v_job;
  return v_job;
end
$$;
revoke execute on function private.import_create_job(uuid, uuid, text, text, text, text, text, bigint, text, text, jsonb) from public;

-- Customers ---------------------------------------------------------------------------------
--
-- Set-based, in this order (each step one statement over the whole job):
--  1. match: every valid row's identifiers against member_identities (one hash join per kind);
--  2. group: rows of the file that are the same person — sharing an identifier, or matching the
--     same member — become one group (label propagation over the few shared identifiers only);
--  3. decide per group: no member matched → one new member; exactly one → that member; two or
--     more → a conflict: a merge candidate is recorded, nothing else is written for the group;
--  4. write: new members (values: the first row of the group that has each one), missing
--     details filled on matched members (what a member already has is never overwritten), new
--     identities linked;
--  5. report: one row per input row, with its outcome, member, rule and what was filled.
create or replace function private.import_apply_customers(p_org uuid, p_job uuid) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  v_n int;
  v_iter int := 0;
  v_ms bigint := (extract(epoch from clock_timestamp()) * 1000)::bigint;
begin
  drop table if exists pg_temp._m, pg_temp._dup, pg_temp._shared, pg_temp._lead, pg_temp._c, pg_temp._d, pg_temp._v, pg_temp._new,
    pg_temp._fill, pg_temp._pairs, pg_temp._cand;

  -- Fresh rows have no statistics: without them the planner takes the staging table and the
  -- work tables below for one row each and nests loops over a million (quadratic).
  analyze private.import_customer_rows;

  -- 0. Store codes (unknown ones are reported, not fatal).
  update private.import_customer_rows r
  set fixes = concat_ws('；', r.fixes, '门店代码：没有门店“' || r.store_code || '”，未设置'), store_code = null
  where r.org_id = p_org and r.job_id = p_job and r.reject_field is null and r.store_code is not null
    and not exists (select 1 from public.stores s where s.org_id = p_org and s.code = r.store_code);

  -- 1. Existing members per identifier kind.
  create temp table _m on commit drop as
  select r.row_no, r.row_no as leader,
         u.member_id as m_unionid, o.member_id as m_openid, p.member_id as m_phone, s.member_id as m_pos
  from private.import_customer_rows r
  left join public.member_identities u on u.org_id = p_org and u.kind = 'unionid' and u.value = r.unionid
  left join public.member_identities o on o.org_id = p_org and o.kind = 'openid' and o.value = r.openid
  left join public.member_identities p on p.org_id = p_org and p.kind = 'phone' and p.value = r.phone_hash
  left join public.member_identities s on s.org_id = p_org and s.kind = 'pos' and s.value = r.pos_no
  where r.org_id = p_org and r.job_id = p_job and r.reject_field is null;
  alter table pg_temp._m add primary key (row_no);
  analyze pg_temp._m;

  -- 2. Shared keys: identifiers (and matched members) carried by more than one row.
  create temp table _dup on commit drop as
  select x.kind, x.value, array_agg(x.row_no order by x.row_no) as rows
  from (
    select 'unionid' as kind, r.unionid as value, r.row_no from private.import_customer_rows r
    where r.org_id = p_org and r.job_id = p_job and r.reject_field is null and r.unionid is not null
    union all
    select 'openid', r.openid, r.row_no from private.import_customer_rows r
    where r.org_id = p_org and r.job_id = p_job and r.reject_field is null and r.openid is not null
    union all
    select 'phone', r.phone_hash, r.row_no from private.import_customer_rows r
    where r.org_id = p_org and r.job_id = p_job and r.reject_field is null and r.phone_hash is not null
    union all
    select 'pos', r.pos_no, r.row_no from private.import_customer_rows r
    where r.org_id = p_org and r.job_id = p_job and r.reject_field is null and r.pos_no is not null
    union all
    select 'member', x.member_id::text, m.row_no from pg_temp._m m
    cross join lateral (select distinct y from unnest(array[m.m_unionid, m.m_openid, m.m_phone, m.m_pos]) y where y is not null) x(member_id)
    where m.m_unionid is not null or m.m_openid is not null or m.m_phone is not null or m.m_pos is not null
  ) x
  group by x.kind, x.value
  having count(*) > 1;
  analyze pg_temp._dup;

  -- Each group's leader is its lowest row number: propagate the minimum over shared keys until
  -- nothing changes (a chain a–b–c settles in a few rounds; only rows with shared keys move).
  loop
    update pg_temp._m m set leader = g.leader
    from (
      select r.row_no, min(d.lead) as leader
      from (
        select d.rows, (select min(m2.leader) from pg_temp._m m2 where m2.row_no = any (d.rows)) as lead
        from pg_temp._dup d
      ) d
      cross join lateral unnest(d.rows) as r(row_no)
      group by r.row_no
    ) g
    where m.row_no = g.row_no and g.leader < m.leader;
    get diagnostics v_n = row_count;
    exit when v_n = 0;
    v_iter := v_iter + 1;
    if v_iter > 100 then
      raise exception 'import %: rows linked in a chain too long to group', p_job;
    end if;
  end loop;

  -- For a row that repeats an earlier row of the file: the strongest identifier they share.
  create temp table _shared on commit drop as
  select distinct on (r.row_no) r.row_no, d.kind, d.rows[1] as first_row
  from pg_temp._dup d
  cross join lateral unnest(d.rows[2:]) as r(row_no)
  where d.kind <> 'member'
  order by r.row_no, array_position(array['unionid', 'openid', 'phone', 'pos'], d.kind);
  analyze pg_temp._shared;

  -- Leaders of groups with more than one row.
  create temp table _lead on commit drop as
  select m.leader from pg_temp._m m
  where m.row_no in (select unnest(d.rows) from pg_temp._dup d)
  group by m.leader having count(*) > 1;
  analyze pg_temp._lead;

  -- 3. The members each group matched.
  create temp table _c on commit drop as
  select m.leader, array_agg(distinct x.member_id) as members
  from pg_temp._m m
  cross join lateral unnest(array[m.m_unionid, m.m_openid, m.m_phone, m.m_pos]) as x(member_id)
  where x.member_id is not null
  group by m.leader;
  analyze pg_temp._c;

  create temp table _d on commit drop as
  select m.row_no, m.leader, m.m_unionid, m.m_openid, m.m_phone, m.m_pos,
         case when cardinality(c.members) = 1 then c.members[1] end as existing,
         coalesce(cardinality(c.members), 0) > 1 as conflict
  from pg_temp._m m left join pg_temp._c c on c.leader = m.leader;
  alter table pg_temp._d add primary key (row_no);
  analyze pg_temp._d;

  -- 4. Values per group. A single row is its own values; a group takes, field by field, the
  -- first row (by row number) that has a value, and remembers which row that was.
  create temp table _v on commit drop as
  select r.row_no as leader, r.name, r.name_pinyin, r.name_initials, r.gender, r.birthday_calendar, r.birth_year,
         r.birth_month, r.birth_day, r.birth_leap_month, r.region_code, r.phone_enc, r.phone_hash, r.phone_last4,
         r.phone_masked, r.store_code, r.joined_at,
         r.row_no as src_name, r.row_no as src_gender, r.row_no as src_birthday, r.row_no as src_region,
         r.row_no as src_phone, r.row_no as src_store, r.row_no as src_joined
  from private.import_customer_rows r
  where r.org_id = p_org and r.job_id = p_job and r.reject_field is null
    and not exists (select 1 from pg_temp._lead l where l.leader = r.row_no)
    and exists (select 1 from pg_temp._d d where d.row_no = r.row_no and d.leader = r.row_no and not d.conflict)
  union all
  select d.leader,
         (array_agg(r.name order by r.row_no) filter (where r.name is not null))[1],
         (array_agg(r.name_pinyin order by r.row_no) filter (where r.name is not null))[1],
         (array_agg(r.name_initials order by r.row_no) filter (where r.name is not null))[1],
         coalesce((array_agg(r.gender order by r.row_no) filter (where r.gender in ('male', 'female')))[1],
                  (array_agg(r.gender order by r.row_no) filter (where r.gender is not null))[1]),
         (array_agg(r.birthday_calendar order by r.row_no) filter (where r.birthday_calendar is not null))[1],
         (array_agg(r.birth_year order by r.row_no) filter (where r.birthday_calendar is not null))[1],
         (array_agg(r.birth_month order by r.row_no) filter (where r.birthday_calendar is not null))[1],
         (array_agg(r.birth_day order by r.row_no) filter (where r.birthday_calendar is not null))[1],
         (array_agg(r.birth_leap_month order by r.row_no) filter (where r.birthday_calendar is not null))[1],
         (array_agg(r.region_code order by r.row_no) filter (where r.region_code is not null))[1],
         (array_agg(r.phone_enc order by r.row_no) filter (where r.phone_hash is not null))[1],
         (array_agg(r.phone_hash order by r.row_no) filter (where r.phone_hash is not null))[1],
         (array_agg(r.phone_last4 order by r.row_no) filter (where r.phone_hash is not null))[1],
         (array_agg(r.phone_masked order by r.row_no) filter (where r.phone_hash is not null))[1],
         (array_agg(r.store_code order by r.row_no) filter (where r.store_code is not null))[1],
         min(r.joined_at),
         min(r.row_no) filter (where r.name is not null),
         coalesce(min(r.row_no) filter (where r.gender in ('male', 'female')), min(r.row_no) filter (where r.gender is not null)),
         min(r.row_no) filter (where r.birthday_calendar is not null),
         min(r.row_no) filter (where r.region_code is not null),
         min(r.row_no) filter (where r.phone_hash is not null),
         min(r.row_no) filter (where r.store_code is not null),
         (array_agg(r.row_no order by r.joined_at, r.row_no) filter (where r.joined_at is not null))[1]
  from pg_temp._d d
  join private.import_customer_rows r on r.org_id = p_org and r.job_id = p_job and r.row_no = d.row_no
  where d.leader in (select l.leader from pg_temp._lead l) and not d.conflict
  group by d.leader;
  alter table pg_temp._v add primary key (leader);
  analyze pg_temp._v;

  -- New members: groups that matched nobody. Their ids are time-ordered (UUID version 7: the
  -- millisecond, then a counter in join order, then random bits) and they are inserted in that
  -- order: the primary key and every members index keyed by (store or associate, joined or a
  -- constant, id) then grow at a few hot pages instead of taking a random page per row — with
  -- 21 indexes on members that is most of the cost of inserting a million members.
  create temp table _new on commit drop as
  select x.leader, x.ord,
         (lpad(to_hex(v_ms), 12, '0') || '7' || lpad(to_hex(x.ord >> 18), 3, '0') || to_hex(8 | ((x.ord >> 16) & 3))
          || lpad(to_hex(x.ord & 65535), 4, '0') || right(replace(gen_random_uuid()::text, '-', ''), 11))::uuid as member_id
  from (
    select v.leader, (row_number() over (order by v.joined_at nulls last, v.leader))::bigint as ord
    from pg_temp._v v
    where not exists (select 1 from pg_temp._d d where d.row_no = v.leader and d.existing is not null)
  ) x;
  analyze pg_temp._new;

  insert into public.members (org_id, id, store_id, name, name_pinyin, name_initials, gender, birthday_calendar, birth_year,
    birth_month, birth_day, birth_leap_month, region_code, phone_enc, phone_hash, phone_last4, phone_masked, join_channel, joined_at)
  select p_org, n.member_id, st.id, v.name, v.name_pinyin, v.name_initials, coalesce(v.gender, 'unknown'), v.birthday_calendar,
         v.birth_year, v.birth_month, v.birth_day, coalesce(v.birth_leap_month, false), v.region_code,
         v.phone_enc, v.phone_hash, v.phone_last4, v.phone_masked, 'import', coalesce(v.joined_at, now())
  from pg_temp._new n
  join pg_temp._v v on v.leader = n.leader
  left join public.stores st on st.org_id = p_org and st.code = v.store_code
  order by n.ord;

  -- What each matched member lacks and its group has (never overwriting what it has). The
  -- phone goes with its blind index: filled only when the member has no phone yet.
  create temp table _fill on commit drop as
  select x.*, (x.f_name or x.f_gender or x.f_birthday or x.f_region or x.f_phone or x.f_store or x.f_joined) as changed
  from (
    select m.id as member_id,
           (m.name is null and v.name is not null) as f_name,
           (m.gender = 'unknown' and v.gender in ('male', 'female')) as f_gender,
           (m.birthday_calendar is null and v.birthday_calendar is not null) as f_birthday,
           (m.region_code is null and v.region_code is not null) as f_region,
           (m.phone_enc is null and v.phone_hash is not null) as f_phone,
           (m.store_id is null and st.id is not null) as f_store,
           (v.joined_at is not null and v.joined_at < m.joined_at) as f_joined,
           st.id as store_id, v.*
    from (select distinct on (d.leader) d.leader, d.existing from pg_temp._d d where d.existing is not null) d
    join pg_temp._v v on v.leader = d.leader
    join public.members m on m.org_id = p_org and m.id = d.existing
    left join public.stores st on st.org_id = p_org and st.code = v.store_code
  ) x;
  -- Keyed by member (a member is matched by one group only: rows matching the same member share
  -- the 'member' key, so they are one group). Without the key the update below was a nested loop
  -- over a sequential scan of this table once per member of the org whenever the statistics of
  -- members did not know the org yet (it had just been imported, autovacuum had not analysed it):
  -- a re-import of 100 k rows had not finished after 12 minutes. With it, the worst plan is one
  -- index probe per member.
  alter table pg_temp._fill add primary key (member_id);
  analyze pg_temp._fill;

  update public.members m set
    name = case when f.f_name then f.name else m.name end,
    name_pinyin = case when f.f_name then f.name_pinyin else m.name_pinyin end,
    name_initials = case when f.f_name then f.name_initials else m.name_initials end,
    gender = case when f.f_gender then f.gender else m.gender end,
    birthday_calendar = case when f.f_birthday then f.birthday_calendar else m.birthday_calendar end,
    birth_year = case when f.f_birthday then f.birth_year else m.birth_year end,
    birth_month = case when f.f_birthday then f.birth_month else m.birth_month end,
    birth_day = case when f.f_birthday then f.birth_day else m.birth_day end,
    birth_leap_month = case when f.f_birthday then coalesce(f.birth_leap_month, false) else m.birth_leap_month end,
    region_code = case when f.f_region then f.region_code else m.region_code end,
    phone_enc = case when f.f_phone then f.phone_enc else m.phone_enc end,
    phone_hash = case when f.f_phone then f.phone_hash else m.phone_hash end,
    phone_last4 = case when f.f_phone then f.phone_last4 else m.phone_last4 end,
    phone_masked = case when f.f_phone then f.phone_masked else m.phone_masked end,
    store_id = case when f.f_store then f.store_id else m.store_id end,
    joined_at = case when f.f_joined then f.joined_at else m.joined_at end
  from pg_temp._fill f
  where m.org_id = p_org and m.id = f.member_id and f.changed;

  -- Identities of every row of a resolved group that its member does not carry yet.
  insert into public.member_identities (org_id, kind, value, member_id)
  select p_org, i.kind, i.value, coalesce(d.existing, n.member_id)
  from pg_temp._d d
  join private.import_customer_rows r on r.org_id = p_org and r.job_id = p_job and r.row_no = d.row_no
  left join pg_temp._new n on n.leader = d.leader
  cross join lateral (values
    ('unionid', r.unionid, d.m_unionid), ('openid', r.openid, d.m_openid),
    ('phone', r.phone_hash, d.m_phone), ('pos', r.pos_no, d.m_pos)) as i(kind, value, matched)
  where not d.conflict and i.value is not null and i.matched is null
  -- In key order: the primary key index is then filled left to right, not at random pages.
  order by i.kind, i.value
  on conflict do nothing;

  -- Conflicts: a group whose identifiers point at two or more members. The member found by the
  -- strongest rule is paired with each other one; an operator decides (merge or dismiss).
  create temp table _pairs on commit drop as
  with facts as (
    select m.leader, k.kind, k.member_id, k.priority, m.row_no
    from pg_temp._d m
    cross join lateral (values ('unionid', m.m_unionid, 1), ('openid', m.m_openid, 2), ('phone', m.m_phone, 3), ('pos', m.m_pos, 4))
      as k(kind, member_id, priority)
    where m.conflict and k.member_id is not null
  ), ranked as (
    select f.leader, f.member_id, min(f.priority) as priority, min(f.row_no) as row_no,
           string_agg(distinct f.kind, '+') as kinds
    from facts f group by f.leader, f.member_id
  ), firsts as (
    select distinct on (r.leader) r.leader, r.member_id, r.kinds from ranked r order by r.leader, r.priority, r.row_no
  )
  select r.leader, least(f.member_id, r.member_id) as member_a, greatest(f.member_id, r.member_id) as member_b,
         f.kinds || '/' || r.kinds as rule
  from ranked r join firsts f on f.leader = r.leader and f.member_id <> r.member_id;
  analyze pg_temp._pairs;

  create temp table _cand on commit drop as
  with ins as (
    insert into public.member_merge_candidates (org_id, member_a, member_b, rule, source, job_id, row_no)
    select distinct on (p.member_a, p.member_b) p_org, p.member_a, p.member_b, p.rule, 'import', p_job, p.leader
    from pg_temp._pairs p order by p.member_a, p.member_b, p.leader
    on conflict (org_id, member_a, member_b) do nothing
    returning member_a, member_b
  )
  select p.leader, count(ins.member_a) as inserted
  from pg_temp._pairs p left join ins on ins.member_a = p.member_a and ins.member_b = p.member_b
  group by p.leader;
  analyze pg_temp._cand;

  -- 5. The report.
  insert into public.import_job_rows (org_id, job_id, row_no, outcome, member_id, rule, field, detail, fixes)
  select p_org, p_job, r.row_no, o.outcome,
         case when o.outcome in ('rejected', 'conflict') then null else coalesce(d.existing, n.member_id) end,
         o.rule, r.reject_field, o.detail, r.fixes
  from private.import_customer_rows r
  left join pg_temp._d d on d.row_no = r.row_no
  left join pg_temp._new n on n.leader = d.leader
  left join pg_temp._fill f on f.leader = d.leader
  left join pg_temp._cand c on c.leader = d.leader
  left join pg_temp._shared sh on sh.row_no = r.row_no
  cross join lateral (
    select
      -- the strongest rule by which this row itself found the member, if it did
      case when d.existing is null then null
           when d.m_unionid = d.existing then 'unionid' when d.m_openid = d.existing then 'openid'
           when d.m_phone = d.existing then 'phone' when d.m_pos = d.existing then 'pos' end as direct,
      -- what this row gave the member (fields it was the first to carry, identities it added)
      array_remove(array[
        case when f.f_name and f.src_name = r.row_no then '姓名' end,
        case when f.f_gender and f.src_gender = r.row_no then '性别' end,
        case when f.f_birthday and f.src_birthday = r.row_no then '生日' end,
        case when f.f_region and f.src_region = r.row_no then '地区' end,
        case when f.f_phone and f.src_phone = r.row_no then '手机号' end,
        case when f.f_store and f.src_store = r.row_no then '门店' end,
        case when f.f_joined and f.src_joined = r.row_no then '入会时间' end], null) as filled,
      array_remove(array[
        case when r.unionid is not null and d.m_unionid is null then 'unionid' end,
        case when r.openid is not null and d.m_openid is null then 'openid' end,
        case when r.phone_hash is not null and d.m_phone is null and not coalesce(f.f_phone and f.src_phone = r.row_no, false) then '手机号' end,
        case when r.pos_no is not null and d.m_pos is null then '会员卡号' end], null) as linked,
      -- for a conflict: the member numbers its identifiers point at
      case when d.conflict then (select string_agg('会员 ' || m.member_no, '、' order by m.member_no) from pg_temp._c cc
                                 join public.members m on m.org_id = p_org and m.id = any (cc.members) where cc.leader = d.leader) end as conflicting,
      case sh.kind when 'unionid' then '（unionid 相同）' when 'openid' then '（openid 相同）'
                   when 'phone' then '（手机号相同）' when 'pos' then '（会员卡号相同）' else '' end as same
  ) x
  cross join lateral (
    select
      case when r.reject_field is not null then 'rejected'
           when d.conflict then case when coalesce(c.inserted, 0) > 0 then 'conflict' else 'unchanged' end
           when d.existing is null and d.leader = r.row_no then case when r.fixes is null then 'accepted' else 'fixed' end
           when d.existing is null then 'merged'
           when cardinality(x.filled) > 0 or cardinality(x.linked) > 0 then 'merged'
           else 'unchanged' end as outcome,
      case when r.reject_field is not null or d.conflict then null
           when x.direct is not null then x.direct
           when sh.kind is not null then sh.kind
           when d.leader <> r.row_no then 'file' end as rule,
      case when r.reject_field is not null then r.reject_reason
           when d.conflict then case when coalesce(c.inserted, 0) > 0
                                     then '标识指向不同的会员（' || x.conflicting || '），已记为待合并，请在“会员合并”中处理'
                                     else '标识指向不同的会员（' || x.conflicting || '），待合并记录已存在' end
           when d.existing is null and d.leader = r.row_no then '新建会员'
           when d.existing is null then '与第 ' || coalesce(sh.first_row, d.leader) || ' 行是同一位顾客' || x.same
           else concat_ws('；',
                  case when x.direct is null then '与第 ' || coalesce(sh.first_row, d.leader) || ' 行是同一位顾客' || x.same end,
                  case when cardinality(x.filled) > 0 then '补充：' || array_to_string(x.filled, '、') end,
                  case when cardinality(x.linked) > 0 then '新增标识：' || array_to_string(x.linked, '、') end,
                  case when cardinality(x.filled) = 0 and cardinality(x.linked) = 0 then '与已有会员一致，无变化' end)
      end as detail
  ) o
  where r.org_id = p_org and r.job_id = p_job
  order by r.row_no;
end
$$;
revoke execute on function private.import_apply_customers(uuid, uuid) from public;

-- Orders ------------------------------------------------------------------------------------
--
-- The customer of an order is found by the same identity rules; an order number already stored
-- (or earlier in the file) with the same amount and time is "unchanged", with different data it
-- is rejected (an import never rewrites a stored sale). New orders go in with ONE insert, so the
-- statement-level trigger recomputes the members' purchase aggregates once for the whole file.
create or replace function private.import_apply_orders(p_org uuid, p_job uuid) returns void
  language plpgsql security definer set search_path = ''
as $$
begin
  drop table if exists pg_temp._o, pg_temp._oi;
  analyze private.import_order_rows;

  create temp table _o on commit drop as
  select r.row_no, r.order_no, r.total_fen, r.ordered_at, st.id as store_id,
         (r.store_code is not null and st.id is null) as unknown_store,
         u.member_id as m_unionid, o.member_id as m_openid, p.member_id as m_phone, s.member_id as m_pos,
         (r.unionid is not null or r.openid is not null or r.phone_hash is not null or r.pos_no is not null) as has_customer,
         case when r.phone_hash is not null then 'phone' when r.pos_no is not null then 'posNo'
              when r.unionid is not null then 'unionid' when r.openid is not null then 'openid' end as customer_field,
         first_value(r.row_no) over w as first_row,
         first_value(r.total_fen) over w as first_fen,
         first_value(r.ordered_at) over w as first_at,
         x.id as existing_id, x.total_fen as existing_fen, x.ordered_at as existing_at
  from private.import_order_rows r
  left join public.stores st on st.org_id = p_org and st.code = r.store_code
  left join public.member_identities u on u.org_id = p_org and u.kind = 'unionid' and u.value = r.unionid
  left join public.member_identities o on o.org_id = p_org and o.kind = 'openid' and o.value = r.openid
  left join public.member_identities p on p.org_id = p_org and p.kind = 'phone' and p.value = r.phone_hash
  left join public.member_identities s on s.org_id = p_org and s.kind = 'pos' and s.value = r.pos_no
  left join public.orders x on x.org_id = p_org and x.order_no = r.order_no
  where r.org_id = p_org and r.job_id = p_job and r.reject_field is null
  window w as (partition by r.order_no order by r.row_no);
  analyze pg_temp._o;

  alter table pg_temp._o add column member_id uuid, add column rule text, add column outcome text, add column field text, add column detail text;
  update pg_temp._o o set
    member_id = coalesce(o.m_unionid, o.m_openid, o.m_phone, o.m_pos),
    rule = case when o.m_unionid is not null then 'unionid' when o.m_openid is not null then 'openid'
                when o.m_phone is not null then 'phone' when o.m_pos is not null then 'pos' end;
  update pg_temp._o o set
    outcome = case
      when (select count(distinct y) from unnest(array[o.m_unionid, o.m_openid, o.m_phone, o.m_pos]) y) > 1 then 'rejected'
      when o.has_customer and o.member_id is null then 'rejected'
      when o.existing_id is not null and (o.existing_fen, o.existing_at) = (o.total_fen, o.ordered_at) then 'unchanged'
      when o.existing_id is not null then 'rejected'
      when o.first_row <> o.row_no and (o.first_fen, o.first_at) = (o.total_fen, o.ordered_at) then 'unchanged'
      when o.first_row <> o.row_no then 'rejected'
      else 'new' end,
    detail = case
      when (select count(distinct y) from unnest(array[o.m_unionid, o.m_openid, o.m_phone, o.m_pos]) y) > 1 then '顾客标识指向不同的会员，请先在“会员合并”中处理'
      when o.has_customer and o.member_id is null then '找不到这位顾客：请先导入顾客，再导入订单'
      when o.existing_id is not null and (o.existing_fen, o.existing_at) = (o.total_fen, o.ordered_at) then '订单已存在，无变化'
      when o.existing_id is not null then '订单号已存在，但金额或时间不同：已有订单不会被覆盖'
      when o.first_row <> o.row_no and (o.first_fen, o.first_at) = (o.total_fen, o.ordered_at) then '与第 ' || o.first_row || ' 行重复'
      when o.first_row <> o.row_no then '订单号与第 ' || o.first_row || ' 行相同，但金额或时间不同'
      end,
    field = case
      when (select count(distinct y) from unnest(array[o.m_unionid, o.m_openid, o.m_phone, o.m_pos]) y) > 1 then o.customer_field
      when o.has_customer and o.member_id is null then o.customer_field
      when o.existing_id is not null and (o.existing_fen, o.existing_at) is distinct from (o.total_fen, o.ordered_at) then 'orderNo'
      when o.first_row <> o.row_no and (o.first_fen, o.first_at) is distinct from (o.total_fen, o.ordered_at) then 'orderNo'
      end;

  create temp table _oi on commit drop as
  with ins as (
    insert into public.orders (org_id, member_id, store_id, order_no, total_fen, ordered_at, source)
    select p_org, o.member_id, o.store_id, o.order_no, o.total_fen, o.ordered_at, 'import'
    from pg_temp._o o where o.outcome = 'new'
    on conflict (org_id, order_no) do nothing
    returning id, order_no
  )
  select ins.id, ins.order_no from ins;
  analyze pg_temp._oi;

  insert into public.import_job_rows (org_id, job_id, row_no, outcome, member_id, order_id, rule, field, detail, fixes)
  select p_org, p_job, r.row_no,
         case when r.reject_field is not null then 'rejected'
              when o.outcome = 'new' and i.id is null then 'unchanged'
              when o.outcome = 'new' then case when r.fixes is null and not o.unknown_store then 'accepted' else 'fixed' end
              else o.outcome end,
         case when r.reject_field is null and o.outcome <> 'rejected' then o.member_id end,
         case when o.outcome = 'new' then i.id when o.outcome = 'unchanged' then o.existing_id end,
         case when r.reject_field is null and o.outcome <> 'rejected' then o.rule end,
         coalesce(r.reject_field, o.field),
         case when r.reject_field is not null then r.reject_reason
              when o.outcome = 'new' and i.id is null then '订单已存在，无变化'
              when o.outcome = 'new' then case when o.member_id is null then '新订单（未关联会员）' else '新订单' end
              else o.detail end,
         concat_ws('；', r.fixes, case when o.unknown_store then '门店代码：没有这个门店，未设置' end)
  from private.import_order_rows r
  left join pg_temp._o o on o.row_no = r.row_no
  left join pg_temp._oi i on i.order_no = o.order_no and o.outcome = 'new'
  where r.org_id = p_org and r.job_id = p_job;
end
$$;
revoke execute on function private.import_apply_orders(uuid, uuid) from public;

-- Applies a staged job: one transaction (the caller's), everything or nothing; the staged rows
-- are removed and the totals written. Returns the totals. The merge sorts and hashes a million
-- rows at a time (new members in join order, identities in key order, the report): with the
-- default 4 MB each sort spilled to disk in runs; 64 MB for this call only keeps them in memory.
create or replace function private.import_apply(p_org uuid, p_job uuid) returns jsonb
  language plpgsql security definer set search_path = '' set work_mem = '64MB'
as $$
declare
  v_kind text;
  v_status text;
  v_counts jsonb;
begin
  -- One import (or merge) at a time per org: two would race for the same identities.
  perform pg_advisory_xact_lock(hashtextextended('identity:' || p_org::text, 0));
  select j.kind, j.status into v_kind, v_status from public.import_jobs j where j.org_id = p_org and j.id = p_job for update;
  if not found then
    raise exception 'no such import job' using errcode = 'P0002';
  end if;
  if v_status not in ('staging', 'staged') then
    raise exception 'this import was already applied' using errcode = '23505';
  end if;
  if v_kind = 'customers' then
    perform private.import_apply_customers(p_org, p_job);
    delete from private.import_customer_rows r where r.org_id = p_org and r.job_id = p_job;
  else
    perform private.import_apply_orders(p_org, p_job);
    delete from private.import_order_rows r where r.org_id = p_org and r.job_id = p_job;
  end if;
  select jsonb_object_agg(x.outcome, x.n) into v_counts
  from (select r.outcome, count(*)::int as n from public.import_job_rows r where r.org_id = p_org and r.job_id = p_job group by r.outcome) x;
  v_counts := coalesce(v_counts, '{}'::jsonb);
  update public.import_jobs j set
    status = 'done', finished_at = now(),
    total_rows = (select coalesce(sum(v.value::int), 0) from jsonb_each_text(v_counts) v),
    accepted = coalesce((v_counts ->> 'accepted')::int, 0), fixed = coalesce((v_counts ->> 'fixed')::int, 0),
    merged = coalesce((v_counts ->> 'merged')::int, 0), unchanged = coalesce((v_counts ->> 'unchanged')::int, 0),
    conflicts = coalesce((v_counts ->> 'conflict')::int, 0), rejected = coalesce((v_counts ->> 'rejected')::int, 0)
  where j.org_id = p_org and j.id = p_job;
  return v_counts;
end
$$;
revoke execute on function private.import_apply(uuid, uuid) from public;

-- The console's entry points (on behalf of a person, in their RLS transaction) ----------------

create or replace function private.import_caller_job(p_job uuid) returns uuid
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
begin
  if v_org is null or not private.is_org_wide() then
    raise exception 'only operators and admins import' using errcode = '42501';
  end if;
  if not exists (select 1 from public.import_jobs j where j.org_id = v_org and j.id = p_job
                 and j.created_by = private.my_staff_id() and j.status in ('staging', 'staged')) then
    raise exception 'no such import of yours waiting' using errcode = 'P0002';
  end if;
  return v_org;
end
$$;
revoke execute on function private.import_caller_job(uuid) from public;

-- Starts an import as the calling operator/admin. The server has parsed the file; this records
-- the job and remembers the mapping for the source.
create or replace function public.import_start(
  p_kind text, p_source text, p_file_name text, p_file_hash text, p_file_bytes bigint,
  p_format text, p_encoding text, p_mapping jsonb
) returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.jwt_org_id();
begin
  if v_org is null or not private.is_org_wide() then
    raise exception 'only operators and admins import' using errcode = '42501';
  end if;
  return private.import_create_job(v_org, private.my_staff_id(), 'console', p_kind, p_source, p_file_name, p_file_hash,
    p_file_bytes, p_format, p_encoding, p_mapping);
end
$$;
revoke execute on function public.import_start(text, text, text, text, bigint, text, text, jsonb) from public;
grant execute on function public.import_start(text, text, text, text, bigint, text, text, jsonb) to authenticated;

-- Stages normalised rows of the caller's job (a JSON array of staging rows, as the server made
-- them; org and job come from the job, never from the rows).
create or replace function public.import_stage_rows(p_job uuid, p_rows jsonb) returns int
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.import_caller_job(p_job);
  v_kind text;
  v_n int;
begin
  select j.kind into v_kind from public.import_jobs j where j.org_id = v_org and j.id = p_job;
  if jsonb_typeof(p_rows) <> 'array' then
    raise exception 'rows must be an array' using errcode = '22023';
  end if;
  if v_kind = 'customers' then
    insert into private.import_customer_rows (org_id, job_id, row_no, reject_field, reject_reason, fixes, name, name_pinyin,
      name_initials, gender, birthday_calendar, birth_year, birth_month, birth_day, birth_leap_month, region_code, phone_enc,
      phone_hash, phone_last4, phone_masked, pos_no, unionid, openid, store_code, joined_at)
    select v_org, p_job, x.row_no, x.reject_field, x.reject_reason, x.fixes, x.name, x.name_pinyin, x.name_initials, x.gender,
      x.birthday_calendar, x.birth_year, x.birth_month, x.birth_day, x.birth_leap_month, x.region_code, x.phone_enc, x.phone_hash,
      x.phone_last4, x.phone_masked, x.pos_no, x.unionid, x.openid, x.store_code, x.joined_at
    from jsonb_to_recordset(p_rows) as x(row_no int, reject_field text, reject_reason text, fixes text, name text, name_pinyin text,
      name_initials text, gender text, birthday_calendar text, birth_year smallint, birth_month smallint, birth_day smallint,
      birth_leap_month boolean, region_code text, phone_enc text, phone_hash text, phone_last4 text, phone_masked text,
      pos_no text, unionid text, openid text, store_code text, joined_at timestamptz);
  else
    insert into private.import_order_rows (org_id, job_id, row_no, reject_field, reject_reason, fixes, order_no, total_fen,
      ordered_at, phone_hash, pos_no, unionid, openid, store_code)
    select v_org, p_job, x.row_no, x.reject_field, x.reject_reason, x.fixes, x.order_no, x.total_fen, x.ordered_at,
      x.phone_hash, x.pos_no, x.unionid, x.openid, x.store_code
    from jsonb_to_recordset(p_rows) as x(row_no int, reject_field text, reject_reason text, fixes text, order_no text,
      total_fen bigint, ordered_at timestamptz, phone_hash text, pos_no text, unionid text, openid text, store_code text);
  end if;
  get diagnostics v_n = row_count;
  update public.import_jobs j set status = 'staged', total_rows = j.total_rows + v_n where j.org_id = v_org and j.id = p_job;
  return v_n;
end
$$;
revoke execute on function public.import_stage_rows(uuid, jsonb) from public;
grant execute on function public.import_stage_rows(uuid, jsonb) to authenticated;

-- Applies the caller's staged job; audited.
create or replace function public.import_run(p_job uuid) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_org uuid := private.import_caller_job(p_job);
  v_counts jsonb;
begin
  v_counts := private.import_apply(v_org, p_job);
  insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
  values (v_org, auth.uid(), 'import.applied', 'import_job', p_job::text, v_counts);
  return v_counts;
end
$$;
revoke execute on function public.import_run(uuid) from public;
grant execute on function public.import_run(uuid) to authenticated;
