import type { Sql } from '../../functions/_lib/db';
import { probeCanFindPage } from '../../functions/api/staff/customers';
import { buildRlsWorld, type RlsWorld } from '../helpers/rls-fixtures';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { ensureTestEnv } from '../helpers/test-env';

// member_tag_counts (20261207000200_member_tag_counts.sql) stays equal to a recount of
// member_tags through every kind of write to tags — one tag, many in one statement, removal,
// a member moving store, retired and removed, a tag merged into another, a member merged into
// another — and compaction and rebuild leave every sum as it was. Then the list's estimate
// (probeCanFindPage), table-driven.

let db: TestDb;
let w: RlsWorld;
const members: string[] = [];
let tagM: string;
let tagL: string;

// Every (org, store, tag) whose delta sum differs from its member_tags count, as text. Empty = equal.
const drift = async (sql: Sql): Promise<string[]> => {
  const rows = await sql<{ line: string }[]>`
    with want as (select org_id, store_id, tag_id, count(*)::bigint as n from public.member_tags group by 1, 2, 3),
    have as (select org_id, store_id, tag_id, sum(n)::bigint as n from public.member_tag_counts group by 1, 2, 3 having sum(n) <> 0)
    select coalesce(w.store_id, h.store_id)::text || ' ' || coalesce(w.tag_id, h.tag_id)::text || ': want ' || coalesce(w.n, 0) || ', have ' || coalesce(h.n, 0) as line
    from want w full join have h on h.org_id = w.org_id and h.store_id is not distinct from w.store_id and h.tag_id = w.tag_id
    where w.n is distinct from h.n`;
  return rows.map((r) => r.line);
};

beforeAll(async () => {
  ensureTestEnv();
  db = await createTestDb();
  w = await buildRlsWorld(db.sql);
  const sql = db.sql;
  const ids = await sql<{ id: string }[]>`
    insert into public.members (org_id, store_id, name)
    select ${w.orgA}, case i % 3 when 0 then ${w.stores.a1}::uuid when 1 then ${w.stores.a2}::uuid end, '会员' || i
    from generate_series(1, 60) i returning id`;
  members.push(...ids.map((r) => r.id));
  const [g] = await sql<{ id: string }[]>`insert into public.tag_groups (org_id, name) values (${w.orgA}, '尺码') returning id`;
  const tags = await sql<{ id: string }[]>`insert into public.tags (org_id, group_id, name) values (${w.orgA}, ${g?.id ?? ''}, 'M'), (${w.orgA}, ${g?.id ?? ''}, 'L') returning id`;
  tagM = tags[0]?.id ?? '';
  tagL = tags[1]?.id ?? '';
}, 180_000);

afterAll(async () => {
  await db?.close();
});

const member = (i: number): string => members[i] ?? '';

describe('the counts equal a recount of member_tags after', () => {
  test.each<[string, (sql: Sql) => Promise<unknown>]>([
    ['the fixture world (one tag at a time)', async () => {}],
    ['many members tagged in one statement (bulk tagging)', (sql) => sql`
      insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
      select ${w.orgA}, m, t, ${w.staff.operatorA}::uuid from unnest(${members}::uuid[]) with ordinality x(m, i), unnest(array[${tagM}, ${tagL}]::uuid[]) t
      where (t = ${tagM}::uuid and i % 2 = 0) or (t = ${tagL}::uuid and i % 5 = 0)`],
    ['one tag added and one removed', async (sql) => {
      await sql`insert into public.member_tags (org_id, member_id, tag_id, tagged_by) values (${w.orgA}, ${member(0)}, ${tagM}, ${w.staff.associateA1})`;
      await sql`delete from public.member_tags where member_id = ${member(1)} and tag_id = ${tagM}`;
    }],
    ['a re-tag that conflicts (nothing inserted)', (sql) => sql`
      insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
      select org_id, member_id, tag_id, tagged_by from public.member_tags where tag_id = ${tagM} on conflict do nothing`],
    ['members handed over to another store', (sql) => sql`
      update public.members set store_id = ${w.stores.a2} where id = any (${members.slice(0, 12)}::uuid[]) and store_id is distinct from ${w.stores.a2}::uuid`],
    ['members given no store, and given one', async (sql) => {
      await sql`update public.members set store_id = null where id = any (${members.slice(12, 18)}::uuid[])`;
      await sql`update public.members set store_id = ${w.stores.a1} where id = any (${members.slice(18, 21)}::uuid[])`;
    }],
    ['members retired (their tags keep no store) and restored', async (sql) => {
      await sql`update public.members set deleted_at = now() where id = any (${members.slice(21, 27)}::uuid[])`;
      await sql`update public.members set deleted_at = null where id = any (${members.slice(21, 24)}::uuid[])`;
    }],
    ['members removed for good (their tags cascade)', (sql) => sql`delete from public.members where id = any (${members.slice(27, 30)}::uuid[])`],
    ['a tag merged into another (the operators\' merge: copy, then delete)', async (sql) => {
      await sql`
        insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
        select org_id, member_id, ${tagM}::uuid, ${w.staff.operatorA}::uuid from public.member_tags where tag_id = ${tagL}
        on conflict do nothing`;
      await sql`delete from public.member_tags where tag_id = ${tagL}`;
    }],
    ['a member merged into one of another store (their tags move member)', (sql) => sql`
      update public.member_tags set member_id = ${member(59)}
      where member_id = ${member(31)} and not exists (select 1 from public.member_tags x where x.member_id = ${member(59)} and x.tag_id = member_tags.tag_id)`],
  ])('%s', async (_name, change) => {
    await change(db.sql);
    expect(await drift(db.sql)).toEqual([]);
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from public.member_tags where org_id = ${w.orgA}`;
    expect(n?.n).toBeGreaterThan(0);
  });

  test('compaction: one row per (store, tag), every sum unchanged; rebuild: the same rows', async () => {
    const before = await db.sql<{ n: number }[]>`select count(*)::int as n from public.member_tag_counts where org_id = ${w.orgA}`;
    const [folded] = await db.sql<{ n: number }[]>`select public.compact_member_tag_counts(${w.orgA}) as n`;
    expect(folded?.n).toBeGreaterThan(0);
    const after = await db.sql<{ n: number }[]>`select count(*)::int as n from public.member_tag_counts where org_id = ${w.orgA}`;
    expect((after[0]?.n ?? 0) + (folded?.n ?? 0)).toBe(before[0]?.n);
    const [dups] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from (select 1 from public.member_tag_counts where org_id = ${w.orgA} group by store_id, tag_id having count(*) > 1) x`;
    expect(dups?.n).toBe(0);
    expect(await drift(db.sql)).toEqual([]);
    const compacted = await db.sql`select store_id, tag_id, n from public.member_tag_counts where org_id = ${w.orgA} order by 1, 2`;
    await db.sql`select public.rebuild_member_tag_counts(${w.orgA})`;
    expect(await db.sql`select store_id, tag_id, n from public.member_tag_counts where org_id = ${w.orgA} order by 1, 2`).toEqual(compacted);
    // Org B untouched by org A's compaction and rebuild.
    expect(await drift(db.sql)).toEqual([]);
  });
});

describe('the list tries its probe only when the window should hold a page', () => {
  const stats = (members: number, perTag: Record<string, number>) => ({ members, perTag: new Map(Object.entries(perTag)) });
  test.each<[string, ReturnType<typeof stats>, string[][], boolean]>([
    // 37,249 members, 1,500 in the window, a page of 21 (half a page: 10.5 expected).
    ['休闲 + 羽绒服 + 活跃 in the bench store (3.6 expected)', stats(37249, { a: 7264, b: 3619, c: 4750 }), [['a'], ['b'], ['c']], false],
    ['通勤 + 高价值 (19.6 expected)', stats(37249, { a: 8749, b: 2073 }), [['a'], ['b']], true],
    ['one common tag', stats(37249, { a: 10000 }), [['a']], true],
    ['any of two rare tags of one group, and a common group', stats(37249, { a: 100, b: 50, c: 30000 }), [['a', 'b'], ['c']], false],
    ['any of many tags of one group (capped at every member)', stats(100, { a: 90, b: 90 }), [['a', 'b']], true],
    ['a tag nobody in the stores carries', stats(37249, { a: 5000 }), [['a'], ['z']], false],
    ['a small store: the window is the whole store', stats(40, { a: 30, b: 30 }), [['a'], ['b']], true],
    ['no counts for the stores (loaded around the triggers): try the probe', stats(0, {}), [['a'], ['b']], true],
  ])('%s', (_name, s, groups, probe) => {
    expect(probeCanFindPage(s, groups, 21)).toBe(probe);
  });
});
