import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import {
  DENIED, NO_ROWS, ONE_ROW, firstId, forged, idsSeenBy, outcomeAs, setupWorld, sorted,
  type Reader, type Row, type WriteCase,
} from './rls-helpers';

// tag_groups, tags, member_tags. World: tag A (group A) on m1 (by associate A1) and on m2 (by
// associate A2); tag B (group B) on mb. This file adds, in org A, a second live tag "新品" and a
// retired tag "旧款", both in group A.
type World = RlsWorld & { groupA: string; groupB: string; fresh: string; retired: string };
let extra: Omit<World, keyof RlsWorld> = { groupA: '', groupB: '', fresh: '', retired: '' };
const ctx = setupWorld(async (sql, w) => {
  const groupA = await firstId(sql<Row[]>`select group_id::text as id from public.tags where id = ${w.tags.a}`);
  const groupB = await firstId(sql<Row[]>`select group_id::text as id from public.tags where id = ${w.tags.b}`);
  const fresh = await firstId(sql<Row[]>`insert into public.tags (org_id, group_id, name) values (${w.orgA}, ${groupA}, '新品') returning id`);
  const retired = await firstId(sql<Row[]>`insert into public.tags (org_id, group_id, name, retired_at) values (${w.orgA}, ${groupA}, '旧款', now()) returning id`);
  extra = { groupA, groupB, fresh, retired };
});
const world = (): World => ({ ...ctx().w, ...extra });

const readers = {
  tag_groups: (tx) => tx<Row[]>`select id::text as id from public.tag_groups`,
  tags: (tx) => tx<Row[]>`select id::text as id from public.tags`,
  member_tags: (tx) => tx<Row[]>`select member_id || ':' || tag_id as id from public.member_tags`,
} satisfies Record<string, Reader>;
type Table = keyof typeof readers;
const TABLES = Object.keys(readers) as Table[];

const on = (member: string, tag: string): string => `${member}:${tag}`;
const allTagsA = (w: World): string[] => [w.tags.a, w.fresh, w.retired];
const staffOfA = { tag_groups: (w: World) => [w.groupA], tags: allTagsA };
const nothing = { tag_groups: () => [], tags: () => [], member_tags: () => [] };

const visibilityTests = (who: (w: World) => Actor, visible: Record<Table, (w: World) => string[]>): void => {
  test.each(TABLES)('reads exactly the expected rows of %s', async (table) => {
    const w = world();
    expect(await idsSeenBy(ctx().sql, who(w), readers[table])).toEqual(sorted(visible[table](w)));
  });
};

type TagsCase = Omit<WriteCase, 'run'> & { run: (tx: Tx, w: World) => Promise<{ count: number }> };
const writeTests = (who: (w: World) => Actor, cases: TagsCase[]): void => {
  test.each(cases)('$name', async ({ run, expected }) => {
    const w = world();
    expect(await outcomeAs(ctx().sql, who(w), (tx) => run(tx, w))).toEqual(expected);
  });
};

const tag = (tx: Tx, org: string, member: string, tagId: string, by: string | null) =>
  tx`insert into public.member_tags (org_id, member_id, tag_id, tagged_by) values (${org}, ${member}, ${tagId}, ${by})`;
// With the member's store written by the caller (what bulk tagging does): only the real one passes.
const tagInStore = (tx: Tx, org: string, member: string, tagId: string, by: string, store: string | null) =>
  tx`insert into public.member_tags (org_id, member_id, tag_id, tagged_by, store_id) values (${org}, ${member}, ${tagId}, ${by}, ${store})`;
const untag = (tx: Tx, member: string, tagId: string) => tx`delete from public.member_tags where member_id = ${member} and tag_id = ${tagId}`;
const newTag = (tx: Tx, org: string, group: string) => tx`insert into public.tags (org_id, group_id, name) values (${org}, ${group}, '高净值')`;
const newGroup = (tx: Tx, org: string) => tx`insert into public.tag_groups (org_id, name) values (${org}, '尺码')`;

// The taxonomy is the operators': anyone else is refused.
const taxonomyIsNotMine: TagsCase[] = [
  { name: 'cannot create a tag', run: (tx, w) => newTag(tx, w.orgA, w.groupA), expected: DENIED },
  { name: 'cannot create a tag group', run: (tx, w) => newGroup(tx, w.orgA), expected: DENIED },
  { name: 'cannot rename a tag', run: (tx, w) => tx`update public.tags set name = 'x' where id = ${w.tags.a}`, expected: NO_ROWS },
  { name: 'cannot retire a tag', run: (tx, w) => tx`update public.tags set retired_at = now() where id = ${w.tags.a}`, expected: NO_ROWS },
  { name: 'cannot revive a retired tag', run: (tx, w) => tx`update public.tags set retired_at = null where id = ${w.retired}`, expected: NO_ROWS },
  { name: 'cannot rename a tag group', run: (tx, w) => tx`update public.tag_groups set name = 'x' where id = ${w.groupA}`, expected: NO_ROWS },
  { name: 'cannot delete a tag (no delete privilege)', run: (tx, w) => tx`delete from public.tags where id = ${w.tags.a}`, expected: DENIED },
];

describe('associate A1 (same store as m1; tagged m1)', () => {
  const me = (w: World): Actor => w.actors.associateA1;
  visibilityTests(me, { ...staffOfA, member_tags: (w) => [on(w.members.m1, w.tags.a)] });
  writeTests(me, [
    { name: 'can tag m1 as themselves', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1), expected: ONE_ROW },
    { name: 'cannot tag m2 (store A2)', run: (tx, w) => tag(tx, w.orgA, w.members.m2, w.fresh, w.staff.associateA1), expected: DENIED },
    { name: 'cannot tag the unassigned member', run: (tx, w) => tag(tx, w.orgA, w.members.unassigned, w.fresh, w.staff.associateA1), expected: DENIED },
    { name: 'cannot tag m1 in the name of associate A2', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA2), expected: DENIED },
    { name: 'can tag m1 naming m1\'s real store', run: (tx, w) => tagInStore(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1, w.stores.a1), expected: ONE_ROW },
    { name: 'cannot tag m1 claiming another store (A2)', run: (tx, w) => tagInStore(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1, w.stores.a2), expected: DENIED },
    { name: 'cannot tag m1 claiming org B\'s store', run: (tx, w) => tagInStore(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1, w.stores.b1), expected: DENIED },
    { name: 'cannot tag m1 anonymously (tagged_by null)', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, null), expected: DENIED },
    { name: 'cannot tag m1 with org B\'s tag', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.tags.b, w.staff.associateA1), expected: DENIED },
    { name: 'cannot tag m1 with a retired tag', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.retired, w.staff.associateA1), expected: DENIED },
    { name: 'cannot tag org B\'s member', run: (tx, w) => tag(tx, w.orgB, w.members.mb, w.tags.b, w.staff.associateA1), expected: DENIED },
    { name: 'can untag m1', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: ONE_ROW },
    { name: 'cannot untag m2 (store A2)', run: (tx, w) => untag(tx, w.members.m2, w.tags.a), expected: NO_ROWS },
    { name: 'cannot untag org B\'s member', run: (tx, w) => untag(tx, w.members.mb, w.tags.b), expected: NO_ROWS },
    { name: 'a blanket delete removes only what they may see (m1\'s one tag)', run: (tx) => tx`delete from public.member_tags`, expected: ONE_ROW },
    { name: 'cannot re-attribute a tag (no update privilege)', run: (tx, w) => tx`update public.member_tags set tagged_by = ${w.staff.associateA1} where member_id = ${w.members.m2}`, expected: DENIED },
    ...taxonomyIsNotMine,
  ]);
});

describe('manager A1 (same store as m1)', () => {
  const me = (w: World): Actor => w.actors.managerA1;
  visibilityTests(me, { ...staffOfA, member_tags: (w) => [on(w.members.m1, w.tags.a)] });
  writeTests(me, [
    { name: 'can tag m1 as themselves', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.managerA1), expected: ONE_ROW },
    { name: 'can remove a tag associate A1 put on m1', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: ONE_ROW },
    { name: 'cannot tag m2 (store A2)', run: (tx, w) => tag(tx, w.orgA, w.members.m2, w.fresh, w.staff.managerA1), expected: DENIED },
    ...taxonomyIsNotMine,
  ]);
});

describe('associate A2 (other store than m1)', () => {
  const me = (w: World): Actor => w.actors.associateA2;
  visibilityTests(me, { ...staffOfA, member_tags: (w) => [on(w.members.m2, w.tags.a)] });
  writeTests(me, [
    { name: 'cannot tag m1 (store A1)', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA2), expected: DENIED },
    { name: 'cannot untag m1 (store A1)', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: NO_ROWS },
    { name: 'can tag m2 as themselves', run: (tx, w) => tag(tx, w.orgA, w.members.m2, w.fresh, w.staff.associateA2), expected: ONE_ROW },
  ]);
});

describe('operator A (owns the taxonomy)', () => {
  const me = (w: World): Actor => w.actors.operatorA;
  visibilityTests(me, { ...staffOfA, member_tags: (w) => [on(w.members.m1, w.tags.a), on(w.members.m2, w.tags.a)] });
  writeTests(me, [
    { name: 'can create a tag group', run: (tx, w) => newGroup(tx, w.orgA), expected: ONE_ROW },
    { name: 'can create a tag', run: (tx, w) => newTag(tx, w.orgA, w.groupA), expected: ONE_ROW },
    { name: 'can retire a tag', run: (tx, w) => tx`update public.tags set retired_at = now() where id = ${w.tags.a}`, expected: ONE_ROW },
    { name: 'can tag the unassigned member as themselves', run: (tx, w) => tag(tx, w.orgA, w.members.unassigned, w.fresh, w.staff.operatorA), expected: ONE_ROW },
    { name: 'cannot create a tag group in org B', run: (tx, w) => newGroup(tx, w.orgB), expected: DENIED },
    { name: 'cannot create a tag in org B\'s group', run: (tx, w) => newTag(tx, w.orgB, w.groupB), expected: DENIED },
    // The policy passes (org A, operator); the composite foreign key keeps the orgs apart.
    { name: 'cannot hang an org-A tag on org B\'s group', run: (tx, w) => newTag(tx, w.orgA, w.groupB), expected: { error: '23503' } },
    { name: 'cannot rename org B\'s tag', run: (tx, w) => tx`update public.tags set name = 'x' where id = ${w.tags.b}`, expected: NO_ROWS },
    { name: 'cannot rename org B\'s tag group', run: (tx, w) => tx`update public.tag_groups set name = 'x' where id = ${w.groupB}`, expected: NO_ROWS },
    { name: 'cannot move a tag to org B (org_id is not updatable)', run: (tx, w) => tx`update public.tags set org_id = ${w.orgB} where id = ${w.tags.a}`, expected: DENIED },
    { name: 'cannot tag m1 with org B\'s tag', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.tags.b, w.staff.operatorA), expected: DENIED },
    { name: 'cannot untag org B\'s member', run: (tx, w) => untag(tx, w.members.mb, w.tags.b), expected: NO_ROWS },
  ]);
});

describe('admin A (org-wide)', () => {
  const me = (w: World): Actor => w.actors.adminA;
  visibilityTests(me, { ...staffOfA, member_tags: (w) => [on(w.members.m1, w.tags.a), on(w.members.m2, w.tags.a)] });
  writeTests(me, [
    { name: 'can create a tag', run: (tx, w) => newTag(tx, w.orgA, w.groupA), expected: ONE_ROW },
    { name: 'cannot create a tag in org B\'s group', run: (tx, w) => newTag(tx, w.orgB, w.groupB), expected: DENIED },
  ]);
});

describe('associate B1 (other org)', () => {
  const me = (w: World): Actor => w.actors.associateB1;
  visibilityTests(me, { tag_groups: (w) => [w.groupB], tags: (w) => [w.tags.b], member_tags: (w) => [on(w.members.mb, w.tags.b)] });
  writeTests(me, [
    { name: 'cannot tag m1 (org A)', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateB1), expected: DENIED },
    { name: 'cannot tag their member with org A\'s tag', run: (tx, w) => tag(tx, w.orgB, w.members.mb, w.fresh, w.staff.associateB1), expected: DENIED },
    { name: 'cannot untag m1 (org A)', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: NO_ROWS },
    { name: 'cannot rename org A\'s tag', run: (tx, w) => tx`update public.tags set name = 'x' where id = ${w.tags.a}`, expected: NO_ROWS },
  ]);
});

const memberCases: TagsCase[] = [
  { name: 'cannot tag themselves', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, null), expected: DENIED },
  { name: 'cannot tag themselves in associate A1\'s name', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1), expected: DENIED },
  { name: 'cannot remove a tag from m1', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: NO_ROWS },
  ...taxonomyIsNotMine,
];

describe('member m1 (the tagged member)', () => {
  const me = (w: World): Actor => w.actors.memberM1;
  // Tags are staff's notes about customers: members read neither the tags nor their own tagging.
  test.each(['tags', 'member_tags'] as const)('reads no rows of %s', async (table) => {
    expect(await idsSeenBy(ctx().sql, me(world()), readers[table])).toEqual([]);
  });
  writeTests(me, memberCases);
});

describe('member m2 (other member)', () => {
  const me = (w: World): Actor => w.actors.memberM2;
  test.each(['tags', 'member_tags'] as const)('reads no rows of %s', async (table) => {
    expect(await idsSeenBy(ctx().sql, me(world()), readers[table])).toEqual([]);
  });
  writeTests(me, memberCases);
});

describe('removed (deactivated) staff A1', () => {
  const me = (w: World): Actor => w.actors.removedA1;
  visibilityTests(me, nothing);
  writeTests(me, [
    { name: 'cannot tag m1 (their former store\'s member) as themselves', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.removedA1), expected: DENIED },
    { name: 'cannot untag m1', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: NO_ROWS },
    ...taxonomyIsNotMine,
  ]);
});

describe('anon (no token)', () => {
  test.each(TABLES)('cannot read %s (permission denied)', async (table) => {
    expect(await outcomeAs(ctx().sql, null, readers[table])).toEqual(DENIED);
  });
  test('cannot tag', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, null, (tx) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1))).toEqual(DENIED);
  });
});

describe('forged claim (org_id = org B, sub = associate A1\'s account)', () => {
  const me = (w: World): Actor => forged(w, 'associateA1');
  visibilityTests(me, nothing);
  writeTests(me, [
    { name: 'cannot tag org B\'s member in associate B1\'s name', run: (tx, w) => tag(tx, w.orgB, w.members.mb, w.tags.b, w.staff.associateB1), expected: DENIED },
    { name: 'cannot tag m1 as associate A1', run: (tx, w) => tag(tx, w.orgA, w.members.m1, w.fresh, w.staff.associateA1), expected: DENIED },
    { name: 'cannot untag org B\'s member', run: (tx, w) => untag(tx, w.members.mb, w.tags.b), expected: NO_ROWS },
    { name: 'cannot untag m1', run: (tx, w) => untag(tx, w.members.m1, w.tags.a), expected: NO_ROWS },
    { name: 'cannot create a tag in org B', run: (tx, w) => newTag(tx, w.orgB, w.groupB), expected: DENIED },
  ]);
});
