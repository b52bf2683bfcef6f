import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withPersonTx, type Sql, type Tx } from '../../functions/_lib/db';
import { protectNormalisedPhone } from '../../functions/_lib/crypto/phone';
import { importFile } from '../../functions/_lib/import/file-import';
import { asPerson, buildRlsWorld, claimsFor, type Actor, type RlsWorld } from '../helpers/rls-fixtures';
import { segmentFactsDrift } from '../helpers/segment-facts';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { ensureTestEnv } from '../helpers/test-env';
import { csvText } from './messy-files';

// Identity resolution: the ordered rules (unionid → openid → phone → POS number) name how a row
// found its member; identifiers pointing at two members become a merge candidate; a merge is
// previewed (nothing changes), applied (rule and before-state recorded; orders, interactions,
// consents, identities, tags and subscription credits follow the survivor; conflicting fields by
// the survivorship rules) and undone (exactly what moved comes back).

let db: TestDb;
let w: RlsWorld;
let dir: string;

beforeAll(async () => {
  ensureTestEnv();
  db = await createTestDb();
  w = await buildRlsWorld(db.sql);
  dir = await mkdtemp(path.join(tmpdir(), 'identity-'));
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

const one = async <T extends Record<string, unknown>>(q: Promise<T[]>): Promise<T> => {
  const [r] = await q;
  if (!r) throw new Error('no row');
  return r;
};
// As a person, committed (asPerson rolls back).
const as = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> => withPersonTx(db.sql, claimsFor(actor), fn);

type MemberSpec = { name?: string | null; gender?: string; phone?: string; pos?: string; unionid?: string; account?: string; joined: string; store?: string | null; extra?: Record<string, unknown> };
const member = async (sql: Sql, s: MemberSpec): Promise<string> => {
  const p = s.phone ? protectNormalisedPhone(`+86${s.phone}`, s.phone) : null;
  const account = s.account ? (await one(sql<{ id: string }[]>`insert into public.accounts (org_id, wx_openid) values (${w.orgA}, ${s.account}) returning id`)).id : null;
  const { id } = await one(sql<{ id: string }[]>`
    insert into public.members (org_id, account_id, store_id, name, gender, phone_enc, phone_hash, phone_last4, phone_masked, joined_at)
    values (${w.orgA}, ${account}, ${s.store ?? null}, ${s.name ?? null}, ${s.gender ?? 'unknown'}, ${p?.enc ?? null}, ${p?.hash ?? null}, ${p?.last4 ?? null}, ${p?.masked ?? null}, ${s.joined})
    returning id`);
  if (s.extra) await sql`update public.members set ${sql(s.extra)} where id = ${id}`;
  for (const [kind, value] of [['phone', p?.hash], ['pos', s.pos], ['unionid', s.unionid]] as const) {
    if (value) await sql`insert into public.member_identities (org_id, kind, value, member_id) values (${w.orgA}, ${kind}, ${value}, ${id})`;
  }
  return id;
};

const importRows = async (headers: string[], rows: string[][], source = 'pos') => {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(file, csvText({ headers, rows }));
  const r = await importFile({ sql: db.sql, orgId: w.orgA, filePath: file, source, kind: 'customers', staging: db.embedded ? 'insert' : 'copy' });
  const report = await db.sql<{ row_no: number; outcome: string; member_id: string | null; rule: string | null; detail: string | null }[]>`
    select row_no, outcome, member_id, rule, detail from public.import_job_rows where job_id = ${r.jobId} order by row_no`;
  return report;
};

describe('ordered rules in imports', () => {
  test('a row that finds one member by several identifiers names the strongest rule', async () => {
    const m = await member(db.sql, { name: '规则甲', phone: '13700000001', pos: 'R-001', unionid: 'union-rule-a', joined: '2023-01-01' });
    const report = await importRows(['姓名', 'unionid', '手机', '会员卡号'], [
      ['规则甲', 'union-rule-a', '13700000001', 'R-001'],
      ['规则甲', '', '13700000001', 'R-001'],
      ['规则甲', '', '', 'R-001'],
    ]);
    expect(report.map((r) => [r.row_no, r.outcome, r.member_id, r.rule])).toEqual([
      [2, 'unchanged', m, 'unionid'],
      [3, 'unchanged', m, 'phone'],
      [4, 'unchanged', m, 'pos'],
    ]);
  });

  test('identifiers of two members: never guessed, a candidate ordered by rule (the unionid member first)', async () => {
    const byUnion = await member(db.sql, { name: '规则乙', unionid: 'union-rule-b', joined: '2023-01-01' });
    const byPhone = await member(db.sql, { name: '规则乙', phone: '13700000002', joined: '2023-01-01' });
    const report = await importRows(['姓名', 'unionid', '手机'], [['规则乙', 'union-rule-b', '13700000002']]);
    expect(report.map((r) => [r.outcome, r.member_id])).toEqual([['conflict', null]]);
    const c = await one(db.sql`select member_a, member_b, rule from public.member_merge_candidates where member_a in (${byUnion}, ${byPhone}) and member_b in (${byUnion}, ${byPhone})`);
    expect(c.rule).toBe('unionid/phone');
    const members = await db.sql`select id from public.members where id in (${byUnion}, ${byPhone}) and deleted_at is null`;
    expect(members).toHaveLength(2);
  });
});

describe('merge: preview, apply, undo', () => {
  let loser: string; // 周九: phone, joined first, no account
  let survivor: string; // 周先生: POS number and a WeChat account (so it must survive)
  let candidateId: string;
  let template: string;
  let otherTag: string;
  let singleA: string;
  let singleB: string;
  let mergeId: string;

  const snapshot = async () => ({
    members: await db.sql`select id, name, gender, birthday_calendar, birth_year, birth_month, birth_day, region_code, phone_hash, phone_masked, store_id,
      associate_id, tier, points, preferences, joined_at, join_channel, deleted_at, merged_into_id, order_count, lifetime_spend_fen
      from public.members where id in (${loser}, ${survivor}) order by id`,
    orders: await db.sql`select id, member_id from public.orders where member_id in (${loser}, ${survivor}) order by id`,
    interactions: await db.sql`select id, member_id from public.interactions where member_id in (${loser}, ${survivor}) order by id`,
    consents: await db.sql`select id, member_id from public.consents where member_id in (${loser}, ${survivor}) order by id`,
    identities: await db.sql`select kind, value, member_id from public.member_identities where member_id in (${loser}, ${survivor}) order by kind, value`,
    tags: await db.sql`select member_id, tag_id, tagged_by from public.member_tags where member_id in (${loser}, ${survivor}) order by member_id, tag_id`,
    credits: await db.sql`select member_id, template_id, credits, last_decision from public.subscription_credits where member_id in (${loser}, ${survivor}) order by member_id`,
  });

  beforeAll(async () => {
    const sql = db.sql;
    loser = await member(sql, { name: '周九', phone: '13500135000', joined: '2022-03-01T00:00:00Z', store: w.stores.a1, extra: { region_code: '310104', points: 20, preferences: ['咖啡', '运动'], tier: null } });
    survivor = await member(sql, {
      name: '周先生', gender: 'male', pos: 'VIP900', account: 'zhou-openid', joined: '2024-05-01T00:00:00Z', store: w.stores.a2,
      extra: { birthday_calendar: 'solar', birth_year: 1990, birth_month: 5, birth_day: 1, points: 5, preferences: ['运动', '茶'], tier: '金卡' },
    });
    template = (await one(sql<{ id: string }[]>`insert into public.message_templates (org_id, external_id, name, purpose) values (${w.orgA}, 'tpl-merge', '生日', 'birthday') returning id`)).id;
    const group = (await one(sql<{ id: string }[]>`insert into public.tag_groups (org_id, name) values (${w.orgA}, '其他') returning id`)).id;
    otherTag = (await one(sql<{ id: string }[]>`insert into public.tags (org_id, group_id, name) values (${w.orgA}, ${group}, '老客') returning id`)).id;
    const single = (await one(sql<{ id: string }[]>`insert into public.tag_groups (org_id, name, selection) values (${w.orgA}, '肤质', 'single') returning id`)).id;
    singleA = (await one(sql<{ id: string }[]>`insert into public.tags (org_id, group_id, name) values (${w.orgA}, ${single}, '干性') returning id`)).id;
    singleB = (await one(sql<{ id: string }[]>`insert into public.tags (org_id, group_id, name) values (${w.orgA}, ${single}, '油性') returning id`)).id;
    const by = w.staff.operatorA;
    for (const [m, tag] of [[loser, w.tags.a], [loser, otherTag], [loser, singleA], [survivor, w.tags.a], [survivor, singleB]] as const) {
      await sql`insert into public.member_tags (org_id, member_id, tag_id, tagged_by) values (${w.orgA}, ${m}, ${tag}, ${by})`;
    }
    await sql`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${w.orgA}, ${loser}, 'M-1', 10000, '2024-01-01'), (${w.orgA}, ${survivor}, 'M-2', 2500, '2024-06-01')`;
    await sql`insert into public.interactions (org_id, member_id, staff_id, kind, note, occurred_at) values (${w.orgA}, ${loser}, ${w.staff.associateA1}, 'note', '喜欢咖啡', '2024-02-01')`;
    await sql`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source) values (${w.orgA}, ${loser}, 'marketing', true, 'v1', 'test')`;
    await sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision, decided_at) values
      (${w.orgA}, ${loser}, ${template}, 2, 'accept', '2024-03-01'), (${w.orgA}, ${survivor}, ${template}, 3, 'reject', '2024-01-01')`;
    // The import that finds them: phone → 周九, POS → 周先生.
    const report = await importRows(['姓名', '手机', '会员卡号'], [['周九', '13500135000', 'VIP900']], 'merge-test');
    expect(report.map((r) => r.outcome)).toEqual(['conflict']);
    candidateId = (await one(db.sql<{ id: string }[]>`select id from public.member_merge_candidates where status = 'open' and rule = 'phone/pos' and (member_a = ${loser} or member_b = ${loser})`)).id;
  });

  test('operators see the candidate; preview: who survives, each field, what moves — and nothing changes', async () => {
    const seen = await asPerson(db.sql, w.actors.operatorA, (tx) => tx`select id, rule, source from public.member_merge_candidates where status = 'open' and id = ${candidateId}`);
    expect(seen).toEqual([{ id: candidateId, rule: 'phone/pos', source: 'import' }]);
    const before = await snapshot();
    const preview = await asPerson(db.sql, w.actors.operatorA, async (tx) =>
      (await one(tx<{ p: Record<string, unknown> }[]>`select public.member_merge_preview(${loser}, ${survivor}) as p`)).p);
    expect(await snapshot()).toEqual(before);
    expect(preview).toMatchObject({
      survivor: { id: survivor, name: '周先生', hasAccount: true },
      loser: { id: loser, name: '周九', hasAccount: false, phoneMasked: '135****5000' },
      moves: { orders: 1, interactions: 1, consents: 1, identities: 1, tags: 1, tagsAlreadyThere: 2, credits: 2 },
      blockers: [],
    });
    const fields = Object.fromEntries((preview.fields as { field: string; result: string | null; from: string }[]).map((f) => [f.field, [f.result, f.from]]));
    expect(fields).toEqual({
      name: ['周先生', 'survivor'],
      gender: ['male', 'survivor'],
      birthday: ['solar-1990-5-1', 'survivor'],
      region: ['310104', 'loser'],
      phone: ['135****5000', 'loser'],
      store: ['A2', 'survivor'],
      associate: [null, 'none'],
      tier: ['金卡', 'survivor'],
      points: ['25', 'both'],
      preferences: ['运动、茶、咖啡', 'both'],
      joinedAt: ['2022-03-01', 'loser'],
    });
  });

  test('the member with a WeChat account cannot be the one retired', async () => {
    const p = await asPerson(db.sql, w.actors.operatorA, async (tx) =>
      (await one(tx<{ p: { blockers: string[] } }[]>`select public.member_merge_preview(${loser}, ${survivor}, ${loser}) as p`)).p);
    expect(p.blockers).toEqual(['绑定了微信账号的会员必须保留，请以它为准']);
    await expect(as(w.actors.operatorA, (tx) => tx`select public.member_merge_apply(${loser}, ${survivor}, ${loser}, ${candidateId})`)).rejects.toMatchObject({ code: '23514' });
  });

  test('apply: everything follows the survivor; rule and before-state recorded; candidate settled; audited', async () => {
    const before = await snapshot();
    mergeId = await as(w.actors.operatorA, async (tx) => (await one(tx<{ id: string }[]>`select public.member_merge_apply(${loser}, ${survivor}, null, ${candidateId}) as id`)).id);
    const s = await one(db.sql`select name, gender, region_code, phone_masked, store_id, tier, points, preferences, joined_at, order_count, lifetime_spend_fen::int as spend from public.members where id = ${survivor}`);
    expect(s).toEqual({ name: '周先生', gender: 'male', region_code: '310104', phone_masked: '135****5000', store_id: w.stores.a2, tier: '金卡', points: 25,
      preferences: ['运动', '茶', '咖啡'], joined_at: new Date('2022-03-01T00:00:00Z'), order_count: 2, spend: 12500 });
    const l = await one(db.sql`select deleted_at is not null as retired, merged_into_id, order_count from public.members where id = ${loser}`);
    expect(l).toEqual({ retired: true, merged_into_id: survivor, order_count: 0 });
    const after = await snapshot();
    for (const k of ['orders', 'interactions', 'consents', 'identities'] as const) {
      expect((after[k] as unknown as { member_id: string }[]).every((r) => r.member_id === survivor)).toBe(true);
    }
    expect(after.identities).toHaveLength(2);
    // Tags: 运动 (both had it) and 干性 (single-choice group where the survivor has 油性) stay the survivor's own; 老客 moves.
    expect((after.tags as unknown as { member_id: string; tag_id: string }[]).map((t) => [t.member_id === survivor, t.tag_id]).sort()).toEqual(
      [[true, w.tags.a], [true, otherTag], [true, singleB]].sort());
    expect(after.credits).toEqual([{ member_id: survivor, template_id: template, credits: 5, last_decision: 'accept' }]);
    const g = await one(db.sql<{ rule: string; before: { survivor: { id: string; joined_at: string }; loser: { id: string } }; after: Record<string, unknown>; moved: Record<string, number> }[]>`
      select rule, before, after, moved from public.member_merges where id = ${mergeId}`);
    expect(g.rule).toBe('phone/pos');
    expect(g.before.survivor.id).toBe(survivor);
    expect(g.before.loser.id).toBe(loser);
    // Only the survivor's fields the merge changed (both joined 'organic': join_channel unchanged).
    expect(Object.keys(g.after).sort()).toEqual(['joined_at', 'phone_enc', 'phone_hash', 'phone_last4', 'phone_masked', 'points', 'preferences', 'region_code']);
    expect(g.before.survivor.joined_at).toBe('2024-05-01T00:00:00+00:00');
    expect(g.moved).toEqual({ order: 1, interaction: 1, consent: 1, identity: 1, tag: 3, credit: 1 });
    expect(await db.sql`select status from public.member_merge_candidates where id = ${candidateId}`).toEqual([{ status: 'merged' }]);
    expect(await db.sql`select action from public.audit_log where action = 'member.merged' and target_id = ${survivor}`).toHaveLength(1);
    expect(before).not.toEqual(after);
  });

  test('after the merge the same import row finds one member: no new conflict', async () => {
    const report = await importRows(['姓名', '手机', '会员卡号'], [['周九', '13500135000', 'VIP900']], 'merge-test-2');
    expect(report.map((r) => [r.outcome, r.member_id])).toEqual([['unchanged', survivor]]);
  });

  test('undo: exactly what moved comes back, fields the merge set return, the candidate reopens', async () => {
    // Something that happens after the merge stays: a new order of the survivor.
    await db.sql`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${w.orgA}, ${survivor}, 'M-3', 100, '2024-07-01')`;
    const restored = await as(w.actors.adminA, async (tx) => (await one(tx<{ r: Record<string, number> }[]>`select public.member_merge_undo(${mergeId}) as r`)).r);
    expect(restored).toEqual({ orders: 1, interactions: 1, consents: 1, identities: 1, tags: 1, credits: 1 });
    const l = await one(db.sql`select deleted_at, merged_into_id, name, phone_masked, order_count from public.members where id = ${loser}`);
    expect(l).toEqual({ deleted_at: null, merged_into_id: null, name: '周九', phone_masked: '135****5000', order_count: 1 });
    const s = await one(db.sql`select region_code, phone_masked, points, preferences, joined_at, order_count from public.members where id = ${survivor}`);
    expect(s).toEqual({ region_code: null, phone_masked: null, points: 5, preferences: ['运动', '茶'], joined_at: new Date('2024-05-01T00:00:00Z'), order_count: 2 });
    const tags = await db.sql<{ member_id: string; tag_id: string }[]>`select member_id, tag_id from public.member_tags where member_id in (${loser}, ${survivor})`;
    expect(tags.map((t) => `${t.member_id === loser ? 'loser' : 'survivor'}:${t.tag_id}`).sort()).toEqual(
      [`loser:${w.tags.a}`, `loser:${otherTag}`, `loser:${singleA}`, `survivor:${w.tags.a}`, `survivor:${singleB}`].sort());
    const credits = await db.sql`select member_id, credits, last_decision from public.subscription_credits where template_id = ${template} order by credits`;
    expect(credits).toEqual([{ member_id: loser, credits: 2, last_decision: 'accept' }, { member_id: survivor, credits: 3, last_decision: 'reject' }]);
    expect(await db.sql`select member_id from public.member_identities where kind = 'phone' and member_id in (${loser}, ${survivor})`).toEqual([{ member_id: loser }]);
    expect(await db.sql`select status from public.member_merge_candidates where id = ${candidateId}`).toEqual([{ status: 'open' }]);
    await expect(as(w.actors.adminA, (tx) => tx`select public.member_merge_undo(${mergeId})`)).rejects.toMatchObject({ code: '23505' });
  });
});

describe('survivorship without accounts, and what cannot be merged', () => {
  test('the earlier member survives; a dismissed pair is not proposed again', async () => {
    const early = await member(db.sql, { name: null, phone: '13700000003', joined: '2021-01-01' });
    const late = await member(db.sql, { name: '晚来', gender: 'female', pos: 'LATE-1', joined: '2024-01-01' });
    const p = await asPerson(db.sql, w.actors.operatorA, async (tx) =>
      (await one(tx<{ p: { survivor: { id: string }; fields: { field: string; result: string | null }[] } }[]>`select public.member_merge_preview(${late}, ${early}) as p`)).p);
    expect(p.survivor.id).toBe(early);
    expect(p.fields.find((f) => f.field === 'name')?.result).toBe('晚来');
    expect(p.fields.find((f) => f.field === 'gender')?.result).toBe('female');
    await importRows(['手机', '会员卡号'], [['13700000003', 'LATE-1']], 'dismiss-1');
    const c = await one(db.sql<{ id: string }[]>`select id from public.member_merge_candidates where member_a = least(${early}::uuid, ${late}::uuid) and member_b = greatest(${early}::uuid, ${late}::uuid)`);
    await as(w.actors.operatorA, (tx) => tx`select public.member_merge_dismiss(${c.id})`);
    const again = await importRows(['手机', '会员卡号'], [['13700000003', 'LATE-1']], 'dismiss-2');
    expect(again.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(await db.sql`select status from public.member_merge_candidates where id = ${c.id}`).toEqual([{ status: 'dismissed' }]);
  });

  test('two members with WeChat accounts are never merged', async () => {
    const p = await asPerson(db.sql, w.actors.operatorA, async (tx) =>
      (await one(tx<{ p: { blockers: string[] } }[]>`select public.member_merge_preview(${w.members.m1}, ${w.members.m2}) as p`)).p);
    expect(p.blockers).toContain('两位会员都绑定了微信账号，不能合并（一个微信账号只能对应一位会员）');
    await expect(as(w.actors.operatorA, (tx) => tx`select public.member_merge_apply(${w.members.m1}, ${w.members.m2})`)).rejects.toMatchObject({ code: '23514' });
  });

  test.each([
    ['associate', 'associateA1', '42501'],
    ['manager', 'managerA1', '42501'],
    ['another org', 'associateB1', '42501'],
  ] as const)('%s cannot preview or apply', async (_label, who, code) => {
    await expect(asPerson(db.sql, w.actors[who], (tx) => tx`select public.member_merge_preview(${w.members.m1}, ${w.members.unassigned})`)).rejects.toMatchObject({ code });
    await expect(asPerson(db.sql, w.actors[who], (tx) => tx`select public.member_merge_apply(${w.members.m1}, ${w.members.unassigned})`)).rejects.toMatchObject({ code });
  });
});

describe('after the imports, merges and undos above', () => {
  test('the segment facts still equal the live members', async () => {
    expect(await segmentFactsDrift(db.sql)).toEqual([]);
    const [n] = await db.sql<{ live: number; facts: number }[]>`
      select (select count(*)::int from public.members where deleted_at is null) as live, (select count(*)::int from public.member_segment_facts) as facts`;
    expect(n?.facts).toBe(n?.live);
  });
});
