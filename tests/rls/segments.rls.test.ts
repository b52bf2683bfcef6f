import type { Tx } from '../../functions/_lib/db';
import type { Actor } from '../helpers/rls-fixtures';
import { DENIED, NO_ROWS, ONE_ROW, firstId, forged, idsSeenBy, outcomeAs, setupWorld, sorted, type Outcome } from './rls-helpers';

// segments, rfm_breakpoints, the RFM / consent columns of members, and the RFM and export
// routines, one block per actor. World: a segment in each org (made by its operator), the
// breakpoints of both orgs (m1, m2 and mb have one order each), an operator in org B.
let x: { segA: string; segB: string; operatorB: Actor; operatorBStaff: string; tplA: string };

const ctx = setupWorld(async (sql, w) => {
  const acc = await firstId(sql`insert into public.accounts (org_id, wx_openid) values (${w.orgB}, 'operator-b') returning id`);
  const operatorBStaff = await firstId(sql`insert into public.staff (org_id, account_id, name, role) values (${w.orgB}, ${acc}, 'operator-b', 'operator') returning id`);
  const segA = await firstId(sql`
    insert into public.segments (org_id, name, rules, created_by) values (${w.orgA}, '重要价值', '{"rfmClasses":["important_value"]}', ${w.staff.operatorA}) returning id`);
  const segB = await firstId(sql`
    insert into public.segments (org_id, name, rules, created_by) values (${w.orgB}, '重要价值', '{}', ${operatorBStaff}) returning id`);
  const tplA = await firstId(sql`
    insert into public.message_templates (org_id, external_id, name, purpose, fields) values (${w.orgA}, 'TPL_rls_seg_1', '活动', 'campaign', '[{"key":"thing1","label":"内容"}]') returning id`);
  await sql`select public.rfm_refresh_org(id) from public.orgs`;
  x = { segA, segB, operatorB: { accountId: acc, orgId: w.orgB }, operatorBStaff, tplA };
});

const segments = (tx: Tx) => tx<{ id: string }[]>`select id from public.segments`;
const breakpoints = (tx: Tx) => tx<{ id: string }[]>`select org_id as id from public.rfm_breakpoints`;
const insertSegment = (org: string, createdBy: string, name = '新人群') => (tx: Tx) =>
  tx`insert into public.segments (org_id, name, rules, created_by) values (${org}, ${name}, '{}', ${createdBy}) returning id`;
const renameSegment = (id: string, by: string) => (tx: Tx) => tx`update public.segments set name = '改名', updated_by = ${by} where id = ${id} returning id`;
const deleteSegment = (id: string) => (tx: Tx) => tx`delete from public.segments where id = ${id} returning id`;
const exportPhones = (seg: string, members: string[]) => (tx: Tx) =>
  tx`select * from public.segment_export_phones(${seg}, ${members}::uuid[], '导入短信平台')`;
const refresh = (org: string) => (tx: Tx) => tx`select * from public.rfm_refresh_org(${org})`;
const scoreMembers = (org: string, member: string) => (tx: Tx) => tx`select private.rfm_score_members(array[${org}]::uuid[], array[${member}]::uuid[])`;
const writeRfm = (member: string) => (tx: Tx) => tx`update public.members set rfm_class = 'important_value', churn_state = 'active' where id = ${member} returning id`;
const writeConsentColumn = (member: string) => (tx: Tx) => tx`update public.members set marketing_consent = 'granted' where id = ${member} returning id`;

describe('operator of org A', () => {
  const me = () => ctx().w.actors.operatorA;
  test('sees the org A segments and breakpoints only', async () => {
    const { sql, w } = ctx();
    expect(await idsSeenBy(sql, me(), segments)).toEqual([x.segA]);
    expect(await idsSeenBy(sql, me(), breakpoints)).toEqual([w.orgA]);
  });
  test('creates, renames (signing the change) and deletes org A segments; never org B\'s', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, me(), insertSegment(w.orgA, w.staff.operatorA))).toEqual(ONE_ROW);
    expect(await outcomeAs(sql, me(), insertSegment(w.orgA, w.staff.adminA))).toEqual(DENIED);
    expect(await outcomeAs(sql, me(), insertSegment(w.orgB, w.staff.operatorA))).toEqual(DENIED);
    expect(await outcomeAs(sql, me(), renameSegment(x.segA, w.staff.operatorA))).toEqual(ONE_ROW);
    expect(await outcomeAs(sql, me(), renameSegment(x.segA, w.staff.adminA))).toEqual(DENIED);
    expect(await outcomeAs(sql, me(), renameSegment(x.segB, w.staff.operatorA))).toEqual(NO_ROWS);
    expect(await outcomeAs(sql, me(), deleteSegment(x.segA))).toEqual(ONE_ROW);
    expect(await outcomeAs(sql, me(), deleteSegment(x.segB))).toEqual(NO_ROWS);
  });
  test('points a campaign at an org A segment, not at org B\'s', async () => {
    const { sql, w } = ctx();
    const campaign = (seg: string) => (tx: Tx) => tx`
      insert into public.greeting_campaigns (org_id, name, kind, template_id, data, scheduled_on, segment_id, created_by)
      values (${w.orgA}, '活动', 'segment', ${x.tplA}, '{"thing1":"你好"}', '2026-12-24', ${seg}, ${w.staff.operatorA}) returning id`;
    expect(await outcomeAs(sql, me(), campaign(x.segA))).toEqual(ONE_ROW);
    expect(await outcomeAs(sql, me(), campaign(x.segB))).toEqual({ error: '23503' });
  });
  test('cannot export full phones, run the refresh, or write RFM columns', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, me(), exportPhones(x.segA, [w.members.m1]))).toEqual(DENIED);
    expect(await outcomeAs(sql, me(), refresh(w.orgA))).toEqual(DENIED);
    expect(await outcomeAs(sql, me(), scoreMembers(w.orgA, w.members.m1))).toEqual(DENIED);
    expect(await outcomeAs(sql, me(), writeRfm(w.members.m1))).toEqual(DENIED);
  });
});

describe('admin of org A', () => {
  const me = () => ctx().w.actors.adminA;
  test('manages segments like an operator', async () => {
    const { sql, w } = ctx();
    expect(await idsSeenBy(sql, me(), segments)).toEqual([x.segA]);
    expect(await outcomeAs(sql, me(), insertSegment(w.orgA, w.staff.adminA))).toEqual(ONE_ROW);
  });
  test('gets full-phone ciphertexts of org A members only, and the read is audited with its purpose', async () => {
    const { sql, w } = ctx();
    const got = await idsSeenBy(sql, me(), async (tx) => {
      const rows = await exportPhones(x.segA, [w.members.m1, w.members.m2, w.members.mb])(tx);
      const [audit] = await tx<{ detail: { purpose: string; phones: number } }[]>`
        select detail from public.audit_log where action = 'segment.export_full_phones' order by id desc limit 1`;
      expect(audit?.detail).toMatchObject({ purpose: '导入短信平台', phones: 2 });
      return rows.map((r) => ({ id: String(r.member_id) }));
    });
    expect(got).toEqual(sorted([w.members.m1, w.members.m2]));
  });
  test('without a purpose, nothing', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, me(), (tx) => tx`select * from public.segment_export_phones(${x.segA}, ${[w.members.m1]}::uuid[], '')`)).toEqual({ error: '23514' });
  });
});

describe('associate A1 and manager A1 (store A1)', () => {
  test.each(['associateA1', 'managerA1'] as const)('%s sees no segment or breakpoints, writes none, exports nothing', async (who) => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    const staffId = w.staff[who];
    expect(await idsSeenBy(sql, me, segments)).toEqual([]);
    expect(await idsSeenBy(sql, me, breakpoints)).toEqual([]);
    expect(await outcomeAs(sql, me, insertSegment(w.orgA, staffId))).toEqual(DENIED);
    expect(await outcomeAs(sql, me, renameSegment(x.segA, staffId))).toEqual(NO_ROWS);
    expect(await outcomeAs(sql, me, deleteSegment(x.segA))).toEqual(NO_ROWS);
    expect(await outcomeAs(sql, me, exportPhones(x.segA, [w.members.m1]))).toEqual(DENIED);
  });
  test('reads the RFM columns of their store\'s members but cannot write them', async () => {
    const { sql, w } = ctx();
    const seen = await idsSeenBy(sql, w.actors.associateA1, (tx) => tx<{ id: string }[]>`select id from public.members where rfm_class is not null or churn_state <> 'no_purchase'`);
    expect(seen).toEqual([w.members.m1]);
    expect(await outcomeAs(sql, w.actors.associateA1, writeRfm(w.members.m1))).toEqual(DENIED);
    expect(await outcomeAs(sql, w.actors.associateA1, writeConsentColumn(w.members.m1))).toEqual(DENIED);
  });
});

describe('another org\'s operator', () => {
  test('sees only org B segments and breakpoints and cannot touch org A\'s', async () => {
    const { sql, w } = ctx();
    expect(await idsSeenBy(sql, x.operatorB, segments)).toEqual([x.segB]);
    expect(await idsSeenBy(sql, x.operatorB, breakpoints)).toEqual([w.orgB]);
    expect(await outcomeAs(sql, x.operatorB, renameSegment(x.segA, x.operatorBStaff))).toEqual(NO_ROWS);
    expect(await outcomeAs(sql, x.operatorB, deleteSegment(x.segA))).toEqual(NO_ROWS);
    expect(await outcomeAs(sql, x.operatorB, insertSegment(w.orgA, x.operatorBStaff))).toEqual(DENIED);
  });
});

describe('a member, a deactivated associate, a forged token', () => {
  test.each(['memberM1', 'removedA1'] as const)('%s sees and writes no segment', async (who) => {
    const { sql, w } = ctx();
    const me = w.actors[who];
    expect(await idsSeenBy(sql, me, segments)).toEqual([]);
    expect(await idsSeenBy(sql, me, breakpoints)).toEqual([]);
    expect(await outcomeAs(sql, me, insertSegment(w.orgA, w.staff.removedA1))).toEqual(DENIED);
    expect(await outcomeAs(sql, me, exportPhones(x.segA, [w.members.m1]))).toEqual(DENIED);
  });
  test('a member cannot write their own RFM or consent column', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, w.actors.memberM1, writeRfm(w.members.m1))).toEqual(DENIED);
    expect(await outcomeAs(sql, w.actors.memberM1, writeConsentColumn(w.members.m1))).toEqual(DENIED);
  });
  test('an operator\'s account with org B in its claims sees nothing of either org', async () => {
    const { sql, w } = ctx();
    const f = forged(w, 'operatorA');
    expect(await idsSeenBy(sql, f, segments)).toEqual([]);
    expect(await idsSeenBy(sql, f, breakpoints)).toEqual([]);
    expect(await outcomeAs(sql, forged(w, 'adminA'), exportPhones(x.segA, [w.members.m1]))).toEqual(DENIED);
  });
});

describe('anon', () => {
  test.each<[string, (tx: Tx) => Promise<unknown>, Outcome]>([
    ['reads segments', (tx) => segments(tx), DENIED],
    ['reads breakpoints', (tx) => breakpoints(tx), DENIED],
    ['runs the refresh', (tx) => refresh(ctx().w.orgA)(tx), DENIED],
    ['exports phones', (tx) => exportPhones(x.segA, [ctx().w.members.m1])(tx), DENIED],
  ])('cannot: %s', async (_name, run, expected) => {
    const { sql } = ctx();
    expect(await outcomeAs(sql, null, async (tx) => ({ count: ((await run(tx)) as unknown[]).length }))).toEqual(expected);
  });
});
