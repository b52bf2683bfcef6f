import type { PendingQuery, Row as PgRow } from 'postgres';
import type { z } from 'zod';
import {
  customerListInputSchema,
  customerListOutputSchema,
  splitTagIds,
  type CustomerFilter,
  type CustomerSort,
} from '../../../shared/schemas/customer-list.schema';
import { DEFAULT_TIME_ZONE, localDate } from '../../../shared/domain/birthday';
import { birthdayKeysFor, windowDates } from '../../../shared/domain/customer-filter';
import { DomainError } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { requireStaff, type StaffCaller } from '../../_lib/staff-guard';
import type { Tx } from '../../_lib/db';

// GET /api/staff/customers: the associates' customer list. Filters combine (scope, store,
// search, tags the WeCom way, birthday window, last purchase range, never contacted); the sort
// is joined / last purchase / spend / last contact; pages follow a keyset cursor (no OFFSET).
// Every sort key is a column of members kept by triggers (migration 20261122002000) with an
// index per store and per associate, so a page is one index range scan at 1 M members.
//
// RFM (issue 7): rfm_class and churn_state are members columns, filtered like the others
// (customerFilterSchema rfmClass / churn, listFilter below) with a per-store index each.
type Row = {
  id: string; member_no: string; name: string | null; phone_masked: string | null; store_id: string | null; associate_id: string | null;
  joined_at: Date; last_purchase_at: Date | null; lifetime_spend_fen: string; order_count: number; last_contact_at: Date | null; sort_key: string;
  rfm_class: string | null; churn_state: string; tier: string | null;
};

const invalid = (path: string, message: string): DomainError => new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path, message }]);

const encodeCursor = (sort: CustomerSort, key: string, id: string): string => Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
const decodeCursor = (cursor: string, sort: CustomerSort): [string, string] => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && v[0] === sort && typeof v[1] === 'string' && typeof v[2] === 'string' && /^[0-9a-f-]{36}$/.test(v[2])) {
      return [v[1], v[2]];
    }
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor from this list');
};

// Search kinds, decided by what was typed: 4 digits = last 4 of the phone, 5+ digits = member
// number, Latin letters = pinyin or its initials (prefix, `^@` = starts_with: leakproof, so under
// RLS the planner uses it as an index condition; LIKE would only ever be a row-by-row filter),
// anything else = a fragment of the name, from anywhere in it (芳 finds 王芳). Fragments go
// through member_search_terms (migration 20261201000100): one or two characters are one
// equality lookup of the scope's slice, longer ones their first two characters plus a substring
// check of the rows found — the same cost in one store as org-wide.
export const nameFragment = (q: string): { term: string; rest: string | null } => {
  const folded = Array.from(q.toLowerCase().replace(/\s+/g, ''));
  return { term: folded.slice(0, 2).join(''), rest: folded.length > 2 ? folded.join('') : null };
};
// `ordered`: the list in its default order (joined_at desc, id desc) joins the fragment's rows
// instead of testing membership, so the planner can read the (org, term, store, joined_at)
// index in the list's order and stop after one page (the join's equalities put t.joined_at /
// t.member_id in the same equivalence class as the ORDER BY's m.joined_at / m.id). A member has
// at most one row per term, so the join never repeats a member.
type Search = { join: PendingQuery<PgRow[]>; where: PendingQuery<PgRow[]>; joined: boolean };
const searchFilter = (tx: Tx, orgId: string, q: string | undefined, scope: Scope, ordered: boolean): Search => {
  const plain = (where: PendingQuery<PgRow[]>): Search => ({ join: tx``, where, joined: false });
  if (!q) return plain(tx``);
  if (/^\d{4}$/.test(q)) return plain(tx`and m.phone_last4 = ${q}`);
  if (/^\d{5,}$/.test(q)) return plain(tx`and m.member_no = ${q}`);
  if (/^[a-zA-Z]+$/.test(q)) {
    const p = q.toLowerCase();
    return plain(tx`and (m.name_initials ^@ ${p} or m.name_pinyin ^@ ${p})`);
  }
  const { term, rest } = nameFragment(q);
  // "My customers" live in my stores: read those stores' slice of the fragment.
  const termScope = typeof scope === 'object' && 'owner' in scope ? 'myStores' : scope;
  const longer = rest ? tx`and strpos(regexp_replace(lower(m.name), '\s+', '', 'g'), ${rest}) > 0` : tx``;
  // Only in one store: there the store's slice of the index is read in page order as an index
  // range. Org-wide, under RLS the row policy is a filter on the terms (not an index condition)
  // and the planner, misled by the two-column join estimate, sorted every match (王: ~70 k rows,
  // 1.4 s at 1 M); the membership test lets it walk members in order instead (~20 ms).
  if (ordered && typeof termScope === 'object' && 'storeId' in termScope) {
    return {
      join: tx`join public.member_search_terms t on t.org_id = m.org_id and t.member_id = m.id and t.joined_at = m.joined_at
        and t.term = ${term} ${storeFilter(tx, 't', termScope)}`,
      where: longer,
      joined: true,
    };
  }
  return plain(tx`and m.id in (
      select t.member_id from public.member_search_terms t
      where t.org_id = ${orgId} and t.term = ${term} ${storeFilter(tx, 't', termScope)})
    ${longer}`);
};

// Which members: my own customers, one store, the caller's stores, or (operators and admins,
// whom RLS already limits to their org) the whole org.
type Scope = { owner: string } | { storeId: string } | 'myStores' | 'org';
const storeFilter = (tx: Tx, alias: 'm' | 't' | 'g0', scope: Scope) => {
  const col = tx(`${alias}.store_id`);
  if (scope === 'org') return tx``;
  if (scope === 'myStores') return tx`and ${col} = any ((select private.my_store_ids())::uuid[])`;
  if ('storeId' in scope) return tx`and ${col} = ${scope.storeId}`;
  return tx``;
};
const scopeFilter = (tx: Tx, scope: Scope, storeId: string | undefined) => {
  if (typeof scope === 'object' && 'owner' in scope) {
    return tx`and m.associate_id = ${scope.owner} ${storeId ? tx`and m.store_id = ${storeId}` : tx``}`;
  }
  return storeFilter(tx, 'm', scope);
};

// Tags the WeCom way: ANY of the chosen tags of a group, for EVERY group with a chosen tag. In a
// store scope read from member_tags' store slice (it carries the member's store), so the work
// is proportional to the tagged members of the store; for "my customers", probe per customer.
// (Fragments are thenables, so they travel wrapped in an object: returned bare from an async
// function, one would run.)
type Fragment = { frag: PendingQuery<PgRow[]> };
// The chosen tags by group (a tag id that is not the org's is a 400).
export type TagGroups = string[][];
const tagGroupsOf = async (tx: Tx, orgId: string, tagIds: string[]): Promise<TagGroups> => {
  if (tagIds.length === 0) return [];
  const tags = await tx<{ id: string; group_id: string }[]>`
    select id, group_id from public.tags where org_id = ${orgId} and id = any (${tagIds}::uuid[])`;
  if (tags.length !== tagIds.length) throw invalid('tagIds', 'names a tag that does not exist');
  const groups = new Map<string, string[]>();
  for (const t of tags) groups.set(t.group_id, [...(groups.get(t.group_id) ?? []), t.id]);
  return [...groups.values()];
};
const tagFilter = (tx: Tx, orgId: string, groups: TagGroups, scope: Scope, perMember: boolean): Fragment => {
  if (groups.length === 0) return { frag: tx`` };
  if (perMember || (typeof scope === 'object' && 'owner' in scope)) {
    const perGroup = groups.map(
      (ids) => tx`and exists (select 1 from public.member_tags mt where mt.org_id = m.org_id and mt.member_id = m.id and mt.tag_id = any (${ids}::uuid[]))`,
    );
    return { frag: perGroup.reduce((acc, f) => tx`${acc} ${f}`, tx``) };
  }
  // The members of the scope carrying a tag of the first group, kept when they carry one of each
  // other group: a join driven by the first group (the list passes the rarest first). In one
  // store, each group of one tag is a range of member_tags_tag_idx in member order, so the
  // planner merges the two rarest ranges and probes the index for the rest (a tag given as
  // `= any (array)` or a store as `= any (…)` would make the range unordered, and the join 3,600
  // index probes instead of one merge). The matches come as an array of ids, read through
  // members' primary key: this path serves combinations too rare for the list's probe, and as
  // an IN-subquery the planner hashed them against every member of the store. Measured at 1 M
  // members, 3 tags in a 37 k store (211 matches of 15,633 tag rows): 23 ms as one grouped pass
  // over every chosen tag's rows, 3.8 ms as this join. (A member's tags carry its store, so in
  // several stores each probe still names the member's.)
  const tagIs = (alias: string, ids: string[]) =>
    ids.length === 1 ? tx`${tx(alias)}.tag_id = ${ids[0] ?? ''}` : tx`${tx(alias)}.tag_id = any (${ids}::uuid[])`;
  const sameStore = (alias: string) =>
    typeof scope === 'object' && 'storeId' in scope
      ? tx`and ${tx(alias)}.store_id = ${scope.storeId}`
      : scope === 'org' ? tx`` : tx`and ${tx(alias)}.store_id = g0.store_id`;
  const [first = [], ...rest] = groups;
  const others = rest.map((ids, i) => {
    const g = `g${i + 1}`;
    return tx`and exists (select 1 from public.member_tags ${tx(g)} where ${tx(g)}.org_id = g0.org_id and ${tagIs(g, ids)}
      ${sameStore(g)} and ${tx(g)}.member_id = g0.member_id)`;
  });
  return {
    frag: tx`and m.id = any (array(
      select g0.member_id from public.member_tags g0
      where g0.org_id = ${orgId} and ${tagIs('g0', first)} ${storeFilter(tx, 'g0', scope)}
      ${others.reduce((acc, f) => tx`${acc} ${f}`, tx``)}))`,
  };
};

// The brand's calendar date today (its time zone), for birthday windows and date ranges.
export const brandToday = async (tx: Tx): Promise<{ today: string; timeZone: string }> => {
  const [org] = await tx<{ timezone: string }[]>`select timezone from public.orgs where id = (select private.jwt_org_id())`;
  const timeZone = org?.timezone ?? DEFAULT_TIME_ZONE;
  return { today: localDate(new Date(), timeZone), timeZone };
};

const birthdayFilter = (tx: Tx, window: CustomerFilter['birthday'], today: string) => {
  if (!window) return tx``;
  const keys = birthdayKeysFor(windowDates(window, today));
  return tx`and (m.birthday_calendar, m.birth_month, m.birth_day, m.birth_leap_month) in (
    select * from unnest(${keys.map((k) => k.calendar)}::text[], ${keys.map((k) => String(k.month))}::text[]::smallint[],
                         ${keys.map((k) => String(k.day))}::text[]::smallint[], ${keys.map((k) => String(k.leapMonth))}::text[]::boolean[]))`;
};

// Dates are days in the brand's time zone: "after 2026-11-01" = from that day's local midnight.
// RFM class and churn state (issue 7): columns of members. One value is an equality, so a store's
// page stays one range of members_store_rfm_idx / members_store_churn_idx (an IN list is not an
// ordered index scan).
const listFilter = (tx: Tx, column: 'rfm_class' | 'churn_state', list: string | undefined) => {
  if (!list) return tx``;
  const values = [...new Set(list.split(','))];
  const col = tx(`m.${column}`);
  return values.length === 1 ? tx`and ${col} = ${values[0] ?? ''}` : tx`and ${col} = any (${values}::text[])`;
};

const purchaseFilter = (tx: Tx, f: CustomerFilter, timeZone: string) => tx`
  ${f.purchasedAfter ? tx`and m.last_purchase_at >= (${f.purchasedAfter}::date::timestamp at time zone ${timeZone})` : tx``}
  ${f.purchasedBefore ? tx`and m.last_purchase_at < (${f.purchasedBefore}::date::timestamp at time zone ${timeZone})` : tx``}
  ${f.neverContacted === 'true' ? tx`and m.last_contact_at is null` : f.neverContacted === 'false' ? tx`and m.last_contact_at is not null` : tx``}`;

export const resolveScope = (filter: Pick<CustomerFilter, 'scope' | 'storeId'>, staff: Pick<StaffCaller, 'staffId' | 'role'>): Scope => {
  if (filter.scope === 'mine') return { owner: staff.staffId };
  if (filter.storeId) return { storeId: filter.storeId };
  return staff.role === 'operator' || staff.role === 'admin' ? 'org' : 'myStores';
};

// The WHERE clause (after `m.org_id = … and m.deleted_at is null`) of a filter: shared by the
// list and bulk tagging, so "tag everyone in this list" tags exactly the list.
// `frag` = `base` (scope, owner, purchase dates, RFM, churn: the index range a page is read
// from) + `probed` (search, birthday window, tags: tested per member); the list's probe applies
// them apart.
export type CustomerWhere = Fragment & { join: PendingQuery<PgRow[]>; joinedTerms: boolean; base: PendingQuery<PgRow[]>; probed: PendingQuery<PgRow[]> };
export const customerWhere = async (
  tx: Tx,
  filter: CustomerFilter,
  staff: StaffCaller,
  // zone: the brand's date and zone when the caller has read them already (else read here if needed).
  // tagGroups: the filter's tags already resolved (else read here).
  opts: { orderedByJoined?: boolean; tagProbe?: boolean; zone?: { today: string; timeZone: string }; tagGroups?: TagGroups } = {},
): Promise<CustomerWhere> => {
  let scope = resolveScope(filter, staff);
  if (filter.purchasedAfter && filter.purchasedBefore && filter.purchasedAfter >= filter.purchasedBefore) {
    throw invalid('purchasedBefore', 'must be after purchasedAfter');
  }
  // Round trips only for what the filter needs: the brand's zone for dates.
  const needsZone = filter.birthday !== undefined || filter.purchasedAfter !== undefined || filter.purchasedBefore !== undefined;
  if (scope === 'myStores') {
    // Most associates work in one store: name it, so the planner walks that store's slice of
    // the (org, store, sort key) index instead of the org-wide one filtered by `= any(...)`
    // (measured at 1 M members: a 2-character name search went from ~540 ms to a few ms).
    // RLS still decides what is visible; this only shapes the plan.
    const ids = staff.storeIds;
    // With a tag filter too: its rare-combination join merges the store's ranges of the tags.
    if (ids.length === 1 && ids[0]) scope = { storeId: ids[0] };
  }
  // The zone and the tags' groups are independent reads: sent together, one round trip.
  const [{ today, timeZone }, groups] = await Promise.all([
    opts.zone ?? (needsZone ? brandToday(tx) : { today: '', timeZone: DEFAULT_TIME_ZONE }),
    opts.tagGroups ?? tagGroupsOf(tx, staff.orgId, splitTagIds(filter.tagIds)),
  ]);
  const tags = tagFilter(tx, staff.orgId, groups, scope, opts.tagProbe ?? false);
  const search = searchFilter(tx, staff.orgId, filter.q, scope, opts.orderedByJoined ?? false);
  const base = tx`
    ${scopeFilter(tx, scope, filter.storeId)}
    ${filter.ownerId ? tx`and m.associate_id = ${filter.ownerId}` : tx``}
    ${purchaseFilter(tx, filter, timeZone)}
    ${listFilter(tx, 'rfm_class', filter.rfmClass)}
    ${listFilter(tx, 'churn_state', filter.churn)}`;
  const probed = tx`${search.where} ${birthdayFilter(tx, filter.birthday, today)} ${tags.frag}`;
  return { join: search.join, joinedTerms: search.joined, base, probed, frag: tx`${base} ${probed}` };
};

// Each sort: its key expression (matching an index of the migration) and the key's SQL type.
const sortKey = (tx: Tx, sort: CustomerSort) => {
  switch (sort) {
    case 'last_purchase':
      return { expr: tx`coalesce(m.last_purchase_at, '-infinity'::timestamptz)`, cast: (k: string) => tx`${k}::text::timestamptz` };
    case 'last_contact':
      return { expr: tx`coalesce(m.last_contact_at, '-infinity'::timestamptz)`, cast: (k: string) => tx`${k}::text::timestamptz` };
    case 'spend':
      return { expr: tx`m.lifetime_spend_fen`, cast: (k: string) => tx`${k}::text::bigint` };
    default:
      return { expr: tx`m.joined_at`, cast: (k: string) => tx`${k}::text::timestamptz` };
  }
};

export type CustomerListQuery = z.output<typeof customerListInputSchema>;

// Members of the scope read in order before the probe gives up (see listCustomersInTx).
const PROBE_WINDOW = 1500;
// Matches of a pinyin prefix read through its indexes before the probe takes over; and for tag
// combinations, whether the probe is tried as estimated (probeCanFindPage) or always / never.
// (An object: the workbench tests set them so that a small demo store walks every path.)
export const listTuning: { prefixCandidates: number; tagProbe: 'estimate' | 'always' | 'never' } = { prefixCandidates: 600, tagProbe: 'estimate' };

// How many members of the list's stores carry each chosen tag, and how many members those stores
// have (migration 20261207000200; delta rows summed). Null for "my customers": there every
// filter is tested per customer of the associate, a few hundred, and no estimate is needed.
type TagStats = { members: number; perTag: Map<string, number> };
const tagCountsIn = async (tx: Tx, staff: StaffCaller, scope: Scope, tagIds: string[]): Promise<TagStats | null> => {
  if (typeof scope === 'object' && 'owner' in scope) return null;
  const stores = scope === 'org' ? null : scope === 'myStores' ? staff.storeIds : [scope.storeId];
  const rows = await tx<{ tag_id: string | null; n: string }[]>`
    select null::uuid as tag_id, private.visible_member_count(${stores}::uuid[])::text as n
    union all
    select c.tag_id, sum(c.n)::text from public.member_tag_counts c
    where c.org_id = ${staff.orgId} and c.tag_id = any (${tagIds}::uuid[]) ${stores ? tx`and c.store_id = any (${stores}::uuid[])` : tx``}
    group by c.tag_id`;
  const perTag = new Map<string, number>();
  let members = 0;
  for (const r of rows) {
    if (r.tag_id === null) members = Number(r.n);
    else perTag.set(r.tag_id, Number(r.n));
  }
  return { members, perTag };
};

// Whether the probe's window (the next PROBE_WINDOW members in the list's order) is expected to
// hold a page of members carrying every chosen group, taking each group's share of the stores'
// members as independent. Tags that go together (休闲 and 活跃) make the true share larger, so
// the probe is still tried down to half a page expected; below that it almost never finds one
// (休闲 + 羽绒服 + 活跃 in a 37 k store: 3.6 expected, 8.5 found among 1,500, page 21), and its
// ~12 ms at 1 M members were spent before the grouped pass anyway. Without counts (a store
// loaded around the triggers and not recounted) the probe is tried, as before the counts.
const groupCount = (stats: TagStats, ids: string[]): number => ids.reduce((sum, id) => sum + (stats.perTag.get(id) ?? 0), 0);
export const probeCanFindPage = (stats: TagStats, groups: TagGroups, page: number): boolean => {
  if (stats.members <= 0) return true;
  let share = 1;
  for (const ids of groups) share *= Math.min(1, groupCount(stats, ids) / stats.members);
  return share * Math.min(PROBE_WINDOW, stats.members) >= page / 2;
};

// The request's work inside the person's transaction.
export const listCustomersInTx = async (tx: Tx, input: CustomerListQuery): Promise<z.input<typeof customerListOutputSchema>> => {
  const staff = await requireStaff(tx, { customPlans: true });
  const sort = input.sort ?? 'joined';
  const limit = input.limit ?? 20;
  const after = input.cursor ? decodeCursor(input.cursor, sort) : null;
  const key = sortKey(tx, sort);
  const columns = tx`m.id, m.member_no, m.name, m.phone_masked, m.store_id, m.associate_id, m.joined_at,
           m.last_purchase_at, m.lifetime_spend_fen, m.order_count, m.last_contact_at, (${key.expr})::text as sort_key,
           m.rfm_class, m.churn_state, m.tier`;
  const cursorCond = after ? tx`and (${key.expr}, m.id) < (${key.cast(after[0])}, ${after[1]}::uuid)` : tx``;
  // The probe, for filters that may match many (tags, pinyin or initials, a birthday window):
  // the next PROBE_WINDOW members of the scope in the list's order (one range of its
  // (org, store | associate, sort key) index), each tested against those filters. When a page is
  // among them it is the exact page, however common or rare the filters are; otherwise (rare
  // matches) the plan below decides, which is cheap exactly then: it reads only the matches.
  // A common tag pair or initial in a 37 k store is found within a few hundred members; read
  // through their own indexes they are thousands of rows to fetch and sort.
  const pinyin = input.q !== undefined && /^[a-zA-Z]+$/.test(input.q);
  const tagIds = splitTagIds(input.tagIds);
  const hasTags = tagIds.length > 0;
  const scope = resolveScope(input, staff);
  const [chosenGroups, tagStats] = hasTags
    ? await Promise.all([tagGroupsOf(tx, staff.orgId, tagIds), tagCountsIn(tx, staff, scope, tagIds)])
    : [[], null];
  // Rarest group first: the rare-combination plan is driven by it (tagFilter).
  const tagGroups = tagStats ? [...chosenGroups].sort((a, b) => groupCount(tagStats, a) - groupCount(tagStats, b)) : chosenGroups;
  // A tag combination too rare for the probe to find a page among its window goes straight to
  // the plan that reads only its matches (see probeCanFindPage).
  const probeTags =
    listTuning.tagProbe === 'estimate' ? !tagStats || probeCanFindPage(tagStats, tagGroups, limit + 1) : listTuning.tagProbe === 'always';
  if ((hasTags || input.birthday !== undefined || pinyin) && (input.q === undefined || pinyin) && probeTags) {
    const probe = await customerWhere(tx, input, staff, { tagProbe: true, tagGroups });
    // Pinyin typed on its own: most prefixes of two letters or more match a few dozen members
    // of a scope (wf: 84 of a 37 k store), which its prefix indexes return at once; the probe
    // would read 1,500 members to find none of them. So first take up to listTuning.prefixCandidates
    // matches through those indexes: when that is all of them, their page is exact. A common
    // prefix (w, wa: thousands) has more, and the probe below finds its page instead.
    if (pinyin && !hasTags && input.birthday === undefined) {
      const capped = await tx<(Row & { candidates: number })[]>`
        with c as materialized (
          select ${columns}, ${key.expr} as k
          from public.members m
          where m.org_id = ${staff.orgId} and m.deleted_at is null ${probe.frag} ${cursorCond}
          limit ${listTuning.prefixCandidates + 1})
        select c.*, (select count(*)::int from c) as candidates from c
        order by c.k desc, c.id desc
        limit ${limit + 1}`;
      if ((capped[0]?.candidates ?? 0) <= listTuning.prefixCandidates) return pageOf(capped, limit, sort);
    }
    const probed = await tx<Row[]>`
      select ${columns}
      from (
        -- (Named columns: a person may not read every column of members, e.g. phone_enc.)
        select m.org_id, m.id, m.member_no, m.name, m.phone_masked, m.store_id, m.associate_id, m.joined_at, m.last_purchase_at,
               m.lifetime_spend_fen, m.order_count, m.last_contact_at, m.rfm_class, m.churn_state, m.tier,
               m.name_initials, m.name_pinyin, m.birthday_calendar, m.birth_month, m.birth_day, m.birth_leap_month
        from public.members m
        where m.org_id = ${staff.orgId} and m.deleted_at is null ${probe.base} ${cursorCond}
        order by ${key.expr} desc, m.id desc
        limit ${PROBE_WINDOW}
      ) m
      where true ${probe.probed}
      order by ${key.expr} desc, m.id desc
      limit ${limit + 1}`;
    if (probed.length > limit) return pageOf(probed, limit, sort);
  }
  const where = await customerWhere(tx, input, staff, { orderedByJoined: sort === 'joined', tagGroups: hasTags ? tagGroups : undefined });
  // The org as a value (see requireStaff): planned with it; RLS tests it again per row.
  const rows = await tx<Row[]>`
    select m.id, m.member_no, m.name, m.phone_masked, m.store_id, m.associate_id, m.joined_at,
           m.last_purchase_at, m.lifetime_spend_fen, m.order_count, m.last_contact_at, (${key.expr})::text as sort_key,
           m.rfm_class, m.churn_state, m.tier
    from public.members m
    ${where.join}
    where m.org_id = ${staff.orgId} and m.deleted_at is null
      ${where.frag}
      ${after ? tx`and (${key.expr}, m.id) < (${key.cast(after[0])}, ${after[1]}::uuid)` : tx``}
      ${after && where.joinedTerms ? tx`and (t.joined_at, t.member_id) < (${key.cast(after[0])}, ${after[1]}::uuid)` : tx``}
    order by ${key.expr} desc, m.id desc
    limit ${limit + 1}`;
  return pageOf(rows, limit, sort);
};

const pageOf = (rows: Row[], limit: number, sort: CustomerSort): z.input<typeof customerListOutputSchema> => {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      memberNo: String(r.member_no),
      name: r.name,
      phoneMasked: r.phone_masked,
      storeId: r.store_id,
      associateId: r.associate_id,
      joinedAt: iso(r.joined_at),
      lastPurchaseAt: r.last_purchase_at ? iso(r.last_purchase_at) : null,
      lifetimeSpendFen: Number(r.lifetime_spend_fen),
      orderCount: r.order_count,
      lastContactAt: r.last_contact_at ? iso(r.last_contact_at) : null,
      rfmClass: r.rfm_class,
      churnState: r.churn_state,
      tier: r.tier,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(sort, last.sort_key, last.id) : null,
  };
};

export default route({
  GET: person({
    input: customerListInputSchema,
    output: customerListOutputSchema,
    run: ({ input, inTx }) => inTx((tx) => listCustomersInTx(tx, input)),
  }),
});
