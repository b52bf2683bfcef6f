import type { Sql, Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, NO_ROWS, forged, firstId, idsSeenBy, outcomeAs, pgCode, setupWorld, sorted, type Reader, type Row } from './rls-helpers';
import { asAnon, asPerson } from '../helpers/rls-fixtures';

// Imports and identity resolution: import_sources, import_jobs, import_job_rows (the report),
// the staging tables, member_merge_candidates, member_merges, member_merge_items; and the
// functions the console calls. Operators and admins of an org read their org's; nobody else
// reads any; nobody writes them directly (only through the functions, which check the caller).
type Fixture = { jobA: string; jobB: string; stagedA: string; candA: string; candB: string; mergeA: string; mergeB: string; operatorB: Actor };
let fx: Fixture;

const seed = async (sql: Sql, w: RlsWorld, org: string, staff: string, m1: string, m2: string, tag: string) => {
  const source = await firstId(sql<Row[]>`insert into public.import_sources (org_id, kind, name, mapping) values (${org}, 'customers', 'pos', '{"手机":"phone"}') returning id`);
  const job = await firstId(sql<Row[]>`
    insert into public.import_jobs (org_id, source_id, kind, via, file_name, file_hash, file_bytes, format, encoding, mapping, status, created_by)
    values (${org}, ${source}, 'customers', 'console', 'a.csv', ${'a'.repeat(64)}, 10, 'csv', 'utf-8', '{}', 'done', ${staff}) returning id`);
  await sql`insert into public.import_job_rows (org_id, job_id, row_no, outcome, member_id, detail) values (${org}, ${job}, 2, 'accepted', ${m1}, '新建会员')`;
  const cand = await firstId(sql<Row[]>`
    insert into public.member_merge_candidates (org_id, member_a, member_b, rule, source, job_id, row_no)
    values (${org}, least(${m1}::uuid, ${m2}::uuid), greatest(${m1}::uuid, ${m2}::uuid), 'phone/pos', 'import', ${job}, 2) returning id`);
  const merge = await firstId(sql<Row[]>`
    insert into public.member_merges (org_id, survivor_id, loser_id, rule, before, after, performed_by)
    values (${org}, ${m1}, ${m2}, 'manual', '{"survivor":{"phone_enc":"secret"}}', '{}', ${staff}) returning id`);
  await sql`insert into public.member_merge_items (org_id, merge_id, kind, ref) values (${org}, ${merge}, 'tag', ${tag})`;
  void w;
  return { job, cand, merge };
};

const ctx = setupWorld(async (sql, w) => {
  const acc = await firstId(sql<Row[]>`insert into public.accounts (org_id, wx_openid) values (${w.orgB}, 'operator-b') returning id`);
  const operatorB = await firstId(sql<Row[]>`insert into public.staff (org_id, account_id, name, role) values (${w.orgB}, ${acc}, 'operator-b', 'operator') returning id`);
  const mb2 = await firstId(sql<Row[]>`insert into public.members (org_id, name) values (${w.orgB}, '钱二') returning id`);
  const a = await seed(sql, w, w.orgA, w.staff.operatorA, w.members.m1, w.members.unassigned, w.tags.a);
  const b = await seed(sql, w, w.orgB, operatorB, w.members.mb, mb2, w.tags.b);
  // A job of operator A's, staged and not yet applied, with one staged row.
  const stagedA = await firstId(sql<Row[]>`
    select private.import_create_job(${w.orgA}, ${w.staff.operatorA}, 'console', 'customers', 'pos', 'b.csv', ${'b'.repeat(64)}, 10, 'csv', 'utf-8', '{}') as id`);
  await sql`insert into private.import_customer_rows (org_id, job_id, row_no, pos_no) values (${w.orgA}, ${stagedA}, 2, 'RLS-2')`;
  await sql`update public.import_jobs set status = 'staged' where id = ${stagedA}`;
  fx = { jobA: a.job, jobB: b.job, stagedA, candA: a.cand, candB: b.cand, mergeA: a.merge, mergeB: b.merge, operatorB: { accountId: acc, orgId: w.orgB } };
});
const world = (): RlsWorld => ctx().w;

const readers = {
  import_sources: (tx) => tx<Row[]>`select org_id::text as id from public.import_sources`,
  import_jobs: (tx) => tx<Row[]>`select id::text as id from public.import_jobs`,
  import_job_rows: (tx) => tx<Row[]>`select job_id::text as id from public.import_job_rows`,
  member_merge_candidates: (tx) => tx<Row[]>`select id::text as id from public.member_merge_candidates`,
  member_merges: (tx) => tx<Row[]>`select id::text as id from public.member_merges`,
  member_merge_items: (tx) => tx<Row[]>`select merge_id::text as id from public.member_merge_items`,
} satisfies Record<string, Reader>;
type Table = keyof typeof readers;

const orgARows = (w: RlsWorld): Record<Table, string[]> => ({
  import_sources: [w.orgA],
  import_jobs: sorted([fx.jobA, fx.stagedA]),
  import_job_rows: [fx.jobA],
  member_merge_candidates: [fx.candA],
  member_merges: [fx.mergeA],
  member_merge_items: [fx.mergeA],
});
const orgBRows = (w: RlsWorld): Record<Table, string[]> => ({
  import_sources: [w.orgB], import_jobs: [fx.jobB], import_job_rows: [fx.jobB], member_merge_candidates: [fx.candB], member_merges: [fx.mergeB], member_merge_items: [fx.mergeB],
});
const nothing = (): Record<Table, string[]> => ({ import_sources: [], import_jobs: [], import_job_rows: [], member_merge_candidates: [], member_merges: [], member_merge_items: [] });

const writes: { name: string; run: (tx: Tx, w: RlsWorld) => Promise<{ count: number }> }[] = [
  { name: 'insert a job directly', run: (tx, w) => tx`insert into public.import_jobs (org_id, source_id, kind, via, file_name, file_hash, file_bytes, format, encoding, mapping) select ${w.orgA}, id, 'customers', 'console', 'x.csv', ${'c'.repeat(64)}, 1, 'csv', 'utf-8', '{}' from public.import_sources limit 1` },
  { name: 'mark a job done directly', run: (tx) => tx`update public.import_jobs set status = 'done'` },
  { name: 'rewrite the report', run: (tx) => tx`update public.import_job_rows set outcome = 'rejected'` },
  { name: 'delete the report', run: (tx) => tx`delete from public.import_job_rows` },
  { name: 'change a remembered mapping directly', run: (tx) => tx`update public.import_sources set mapping = '{}'` },
  { name: 'dismiss a candidate directly', run: (tx) => tx`update public.member_merge_candidates set status = 'dismissed'` },
  { name: 'forge a merge record', run: (tx, w) => tx`insert into public.member_merges (org_id, survivor_id, loser_id, rule, before, after, performed_by) values (${w.orgA}, ${w.members.m1}, ${w.members.m2}, 'x', '{}', '{}', ${w.staff.operatorA})` },
  { name: 'read a merge\'s before-state (phone ciphertexts)', run: (tx) => tx`select before from public.member_merges` },
  { name: 'read the staging table', run: (tx) => tx`select * from private.import_customer_rows` },
  { name: 'write the staging table', run: (tx, w) => tx`insert into private.import_customer_rows (org_id, job_id, row_no) values (${w.orgA}, ${fx.stagedA}, 3)` },
  { name: 'apply a job with the owner\'s function', run: (tx, w) => tx`select private.import_apply(${w.orgA}, ${fx.stagedA})` },
];

const describeActor = (label: string, who: (w: RlsWorld) => Actor, sees: (w: RlsWorld) => Record<Table, string[]>) => {
  describe(label, () => {
    test.each(Object.keys(readers) as Table[])('reads exactly the expected %s', async (table) => {
      const w = world();
      expect(await idsSeenBy(ctx().sql, who(w), readers[table])).toEqual(sees(w)[table]);
    });
    test.each(writes)('cannot $name', async ({ run }) => {
      const w = world();
      const o = await outcomeAs(ctx().sql, who(w), (tx) => run(tx, w));
      // Refused outright, or (for a table the person reads) nothing they may change.
      expect(['42501', 'rows:0']).toContain('error' in o ? o.error : `rows:${o.rows}`);
    });
  });
};

describeActor('admin A', (w) => w.actors.adminA, orgARows);
describeActor('operator A', (w) => w.actors.operatorA, orgARows);
describeActor('operator B (other org)', () => fx.operatorB, orgBRows);
describeActor('store manager A1', (w) => w.actors.managerA1, nothing);
describeActor('associate A1', (w) => w.actors.associateA1, nothing);
describeActor('member m1', (w) => w.actors.memberM1, nothing);
describeActor('operator A with a forged org B token', (w) => forged(w, 'operatorA'), nothing);

describe('anon', () => {
  test.each(Object.keys(readers) as Table[])('cannot read %s', async (table) => {
    expect(await outcomeAs(ctx().sql, null, async (tx) => ({ count: (await readers[table](tx)).length }))).toEqual(DENIED);
  });
  test.each([
    ['import_start', (tx: Tx) => tx`select public.import_start('customers', 'x', 'x.csv', ${'d'.repeat(64)}, 1, 'csv', 'utf-8', '{}')`],
    ['import_run', (tx: Tx) => tx`select public.import_run(${fx.stagedA})`],
    ['member_merge_overview', (tx: Tx) => tx`select public.member_merge_overview()`],
    ['member_merge_undo', (tx: Tx) => tx`select public.member_merge_undo(${fx.mergeA})`],
  ])('cannot call %s', async (_name, run) => {
    expect(await outcomeAs(ctx().sql, null, run)).toEqual(DENIED);
  });
});

describe('the console functions check the caller', () => {
  const codeAs = async (actor: Actor | null, run: (tx: Tx) => Promise<unknown>): Promise<string> => {
    try {
      await (actor ? asPerson(ctx().sql, actor, run) : asAnon(ctx().sql, run));
      return 'ok';
    } catch (e) {
      return pgCode(e);
    }
  };
  const start = (tx: Tx) => tx`select public.import_start('customers', 'pos', 'x.csv', ${'e'.repeat(64)}, 1, 'csv', 'utf-8', '{}')`;
  test.each([
    ['admin A', (w: RlsWorld) => w.actors.adminA, 'ok'],
    ['operator A', (w: RlsWorld) => w.actors.operatorA, 'ok'],
    ['store manager A1', (w: RlsWorld) => w.actors.managerA1, '42501'],
    ['associate A1', (w: RlsWorld) => w.actors.associateA1, '42501'],
    ['member m1', (w: RlsWorld) => w.actors.memberM1, '42501'],
    ['removed associate', (w: RlsWorld) => w.actors.removedA1, '42501'],
  ])('%s starting an import: %s', async (_l, who, code) => {
    expect(await codeAs(who(world()), start)).toBe(code);
  });
  test('only the operator who staged a job stages rows into it and runs it', async () => {
    const w = world();
    const rows = (tx: Tx) => tx`select public.import_stage_rows(${fx.stagedA}, '[{"row_no": 9, "pos_no": "RLS-9"}]'::jsonb)`;
    expect(await codeAs(w.actors.operatorA, rows)).toBe('ok');
    expect(await codeAs(w.actors.adminA, rows)).toBe('P0002');
    expect(await codeAs(fx.operatorB, rows)).toBe('P0002');
    expect(await codeAs(forged(w, 'operatorA'), rows)).toBe('42501');
    expect(await codeAs(w.actors.adminA, (tx) => tx`select public.import_run(${fx.stagedA})`)).toBe('P0002');
    expect(await codeAs(fx.operatorB, (tx) => tx`select public.import_run(${fx.stagedA})`)).toBe('P0002');
    expect(await codeAs(w.actors.operatorA, (tx) => tx`select public.import_run(${fx.jobA})`)).toBe('P0002');
  });
  test('staged rows land in the caller\'s org whatever the rows say', async () => {
    const w = world();
    const orgs = await asPerson(ctx().sql, w.actors.operatorA, async (tx) => {
      await tx`select public.import_stage_rows(${fx.stagedA}, ${tx.json([{ row_no: 10, pos_no: 'RLS-10', org_id: w.orgB, job_id: fx.jobB }])})`;
      await tx`select public.import_run(${fx.stagedA})`;
      return tx<{ org_id: string; job_id: string }[]>`select org_id, job_id from public.import_job_rows where row_no = 10`;
    });
    // Reported in the caller's own job and org (and org B's job has no row 10).
    expect(orgs).toEqual([{ org_id: w.orgA, job_id: fx.stagedA }]);
    expect(await ctx().sql`select 1 from public.import_job_rows where job_id = ${fx.jobB} and row_no = 10`).toHaveLength(0);
  });
  test('merges: only org-wide staff, only their own org\'s members and merges', async () => {
    const w = world();
    const preview = (a: string, b: string) => (tx: Tx) => tx`select public.member_merge_preview(${a}, ${b})`;
    expect(await codeAs(w.actors.operatorA, preview(w.members.m1, w.members.unassigned))).toBe('ok');
    expect(await codeAs(w.actors.associateA1, preview(w.members.m1, w.members.unassigned))).toBe('42501');
    expect(await codeAs(w.actors.managerA1, preview(w.members.m1, w.members.unassigned))).toBe('42501');
    expect(await codeAs(fx.operatorB, preview(w.members.m1, w.members.unassigned))).toBe('P0002');
    expect(await codeAs(w.actors.operatorA, preview(w.members.m1, w.members.mb))).toBe('P0002');
    expect(await codeAs(fx.operatorB, (tx) => tx`select public.member_merge_apply(${w.members.m1}, ${w.members.unassigned})`)).toBe('P0002');
    expect(await codeAs(fx.operatorB, (tx) => tx`select public.member_merge_undo(${fx.mergeA})`)).toBe('P0002');
    expect(await codeAs(fx.operatorB, (tx) => tx`select public.member_merge_dismiss(${fx.candA})`)).toBe('P0002');
    const overview = await asPerson(ctx().sql, fx.operatorB, (tx) => tx<{ o: { candidates: { id: string }[]; merges: { id: string }[] } }[]>`select public.member_merge_overview() as o`);
    expect(overview[0]?.o.candidates.map((c) => c.id)).toEqual([fx.candB]);
    expect(overview[0]?.o.merges.map((m) => m.id)).toEqual([fx.mergeB]);
    expect(await codeAs(w.actors.associateA1, (tx) => tx`select public.member_merge_overview()`)).toBe('42501');
  });
  test('a forged token reaches nobody\'s merges', async () => {
    const w = world();
    expect(await outcomeAs(ctx().sql, forged(w, 'operatorA'), (tx) => tx`select id from public.member_merge_candidates`)).toEqual(NO_ROWS);
    expect(await codeAs(forged(w, 'operatorA'), (tx) => tx`select public.member_merge_overview()`)).toBe('42501');
  });
});
