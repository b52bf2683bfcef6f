import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withPersonTx, type Tx } from '../../functions/_lib/db';
import { importFile } from '../../functions/_lib/import/file-import';
import { segmentWhere } from '../../functions/_lib/segments/segment-sql';
import { countSegment, countSourceOf, segmentContext } from '../../functions/_lib/segments/segment-service';
import { localDate } from '../../shared/domain/birthday';
import type { SegmentRuleSet } from '../../shared/schemas/segment-rules.schema';
import { csvText } from '../imports/messy-files';
import { asPerson, buildRlsWorld, claimsFor, type RlsWorld } from '../helpers/rls-fixtures';
import { segmentFactsDrift } from '../helpers/segment-facts';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { ensureTestEnv } from '../helpers/test-env';
import { asOwner } from '../rls/rls-helpers';

// member_segment_facts (20261207000100_segment_facts.sql) stays equal to the live members' rule
// columns through everything that writes members — inserts, each rule column, soft delete,
// restore, removal, orders, the consent ledger, the RFM refresh, an import, a merge and its
// undo — and the segment count read from it finds exactly the members the list reads from
// members, for every kind of rule. World: the RLS fixtures plus 90 varied members in org A.

let db: TestDb;
let w: RlsWorld;
let dir: string;
let extraTag: string;
const generated: string[] = [];

const one = async <T>(q: Promise<T[]>): Promise<T> => {
  const [r] = await q;
  if (!r) throw new Error('no row');
  return r;
};

beforeAll(async () => {
  ensureTestEnv();
  db = await createTestDb();
  w = await buildRlsWorld(db.sql);
  dir = await mkdtemp(path.join(tmpdir(), 'segment-facts-'));
  const sql = db.sql;
  // 90 members: three stores' worth (a1, a2, none), solar / lunar / no birthdays, regions,
  // tiers, joined over three months; most with 1–4 orders over two years.
  const ids = await sql<{ id: string }[]>`
    insert into public.members (org_id, store_id, name, birthday_calendar, birth_month, birth_day, region_code, tier, joined_at)
    select ${w.orgA}, case i % 3 when 0 then ${w.stores.a1}::uuid when 1 then ${w.stores.a2}::uuid end, '会员' || i,
           case when i % 5 = 0 then null when i % 4 = 0 then 'lunar' else 'solar' end,
           case when i % 5 = 0 then null else 1 + i % 12 end,
           case when i % 5 = 0 then null else 1 + (i * 7) % 28 end,
           case i % 4 when 0 then '310104' when 1 then '440305' when 2 then '110101' end,
           case i % 3 when 0 then '金卡' when 1 then '银卡' end,
           now() - make_interval(days => i)
    from generate_series(1, 90) i
    returning id`;
  generated.push(...ids.map((r) => r.id));
  // g.i: the member's number in generation order (1–90), so the mix does not depend on the
  // member number sequence.
  await sql`
    insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at)
    select ${w.orgA}, g.id, 'F-' || g.i || '-' || k, 5000 * (1 + g.i % 7) * k, now() - make_interval(days => ((g.i * 13) % 500 + k * 40)::int)
    from unnest(${generated}::uuid[]) with ordinality g(id, i), generate_series(1, 1 + (g.i % 4)::int) k
    where g.i % 4 <> 3`;
  await sql`
    insert into public.consents (org_id, member_id, purpose, granted, policy_version, source)
    select ${w.orgA}, g.id, 'marketing', g.i % 3 = 0, 'v1', 'test'
    from unnest(${generated}::uuid[]) with ordinality g(id, i) where g.i % 3 <> 2`;
  const group = (await one(sql<{ id: string }[]>`insert into public.tag_groups (org_id, name) values (${w.orgA}, '尺码') returning id`)).id;
  extraTag = (await one(sql<{ id: string }[]>`insert into public.tags (org_id, group_id, name) values (${w.orgA}, ${group}, 'M') returning id`)).id;
  await sql`
    insert into public.member_tags (org_id, member_id, tag_id, tagged_by)
    select ${w.orgA}, g.id, t.tag, ${w.staff.operatorA}::uuid
    from unnest(${generated}::uuid[]) with ordinality g(id, i), (values (${w.tags.a}::uuid, 2), (${extraTag}::uuid, 3)) t(tag, every)
    where g.i % t.every = 0`;
  await sql`select public.rfm_refresh_org(${w.orgA})`;
  // A few retired members: never counted, never listed.
  await sql`update public.members set deleted_at = now() where id = any (${generated.filter((_, i) => i % 17 === 5)}::uuid[])`;
}, 180_000);

afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

type Fact = Record<string, unknown>;
const factOf = async (tx: Tx, member: string): Promise<Fact | null> =>
  (await tx<Fact[]>`select * from public.member_segment_facts where member_id = ${member}`)[0] ?? null;
// Whether this transaction wrote the member's facts row (its xmin is our transaction id).
const rewrittenHere = async (tx: Tx, member: string): Promise<boolean> =>
  (await one(tx<{ v: boolean }[]>`select coalesce((select f.xmin = pg_current_xact_id()::xid from public.member_segment_facts f where f.member_id = ${member}), false) as v`)).v;

describe('the facts follow the members (each case rolled back)', () => {
  test('the fixture world starts equal, with facts for the live members only', async () => {
    expect(await segmentFactsDrift(db.sql)).toEqual([]);
    const live = await one(db.sql<{ n: number }[]>`select count(*)::int as n from public.members where deleted_at is null`);
    const facts = await one(db.sql<{ n: number }[]>`select count(*)::int as n from public.member_segment_facts`);
    expect(facts.n).toBe(live.n);
    expect(live.n).toBeGreaterThan(80);
  });

  // Each rule column changed alone on m1 (store A1, one order: RFM scored), then compared.
  test.each<[string, Record<string, unknown>, (w: RlsWorld) => Fact]>([
    ['store', { store_id: 'A2' }, (x) => ({ store_id: x.stores.a2 })],
    ['store removed', { store_id: null }, () => ({ store_id: null })],
    ['lifetime spend', { lifetime_spend_fen: 123456 }, () => ({ lifetime_spend_fen: '123456' })],
    ['last purchase', { last_purchase_at: new Date('2025-03-04T05:06:07Z') }, () => ({ last_purchase_at: new Date('2025-03-04T05:06:07Z') })],
    ['birthday (calendar, month, day)', { birthday_calendar: 'lunar', birth_month: 8, birth_day: 15 }, () => ({ birthday_calendar: 'lunar', birth_month: 8, birth_day: 15 })],
    ['leap month', { birthday_calendar: 'lunar', birth_month: 4, birth_day: 2, birth_leap_month: true }, () => ({ birth_leap_month: true })],
    ['RFM class', { rfm_r: 5, rfm_f: 5, rfm_m: 5, rfm_class: 'important_value' }, () => ({ rfm_class: 'important_value' })],
    ['churn state', { churn_state: 'lapsed' }, () => ({ churn_state: 'lapsed' })],
    ['marketing consent column', { marketing_consent: 'refused' }, () => ({ marketing_consent: 'refused' })],
    ['tier', { tier: '黑卡' }, () => ({ tier: '黑卡' })],
    ['region', { region_code: '510104' }, () => ({ region_code: '510104' })],
  ])('an update of the %s', async (_name, set, want) => {
    const values = { ...set, ...(set.store_id === 'A2' ? { store_id: w.stores.a2 } : {}) };
    await asOwner(db.sql, async (tx) => {
      await tx`update public.members set ${tx(values)} where id = ${w.members.m1}`;
      expect(await factOf(tx, w.members.m1)).toMatchObject(want(w));
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('a birth day alone, then a month alone', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`update public.members set birthday_calendar = 'solar', birth_month = 3, birth_day = 3 where id = ${w.members.m1}`;
      await tx`update public.members set birth_day = 9 where id = ${w.members.m1}`;
      expect(await factOf(tx, w.members.m1)).toMatchObject({ birth_month: 3, birth_day: 9 });
      await tx`update public.members set birth_month = 11 where id = ${w.members.m1}`;
      expect(await factOf(tx, w.members.m1)).toMatchObject({ birth_month: 11, birth_day: 9 });
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('updates of other columns, or of a rule column to its own value, leave the row alone', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`update public.members set name = '张三丰', points = 7, last_contact_at = now(), preferences = '{茶}' where id = ${w.members.m1}`;
      await tx`update public.members set tier = tier, rfm_class = rfm_class, store_id = store_id where id = ${w.members.m1}`;
      expect(await rewrittenHere(tx, w.members.m1)).toBe(false);
      // …while a real change does rewrite it (the probe can tell).
      await tx`update public.members set tier = '金卡' where id = ${w.members.m1}`;
      expect(await rewrittenHere(tx, w.members.m1)).toBe(true);
    });
  });

  test('a soft delete removes the row, a restore brings it back, a removal for good removes it', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`update public.members set deleted_at = now() where id = ${w.members.m2}`;
      expect(await factOf(tx, w.members.m2)).toBeNull();
      expect(await segmentFactsDrift(tx)).toEqual([]);
      await tx`update public.members set tier = '银卡' where id = ${w.members.m2}`;
      expect(await factOf(tx, w.members.m2)).toBeNull();
      await tx`update public.members set deleted_at = null where id = ${w.members.m2}`;
      expect(await factOf(tx, w.members.m2)).toMatchObject({ store_id: w.stores.a2, tier: '银卡' });
      expect(await segmentFactsDrift(tx)).toEqual([]);
      const fresh = (await one(tx<{ id: string }[]>`insert into public.members (org_id, store_id, name) values (${w.orgA}, ${w.stores.a1}, '临时') returning id`)).id;
      expect(await factOf(tx, fresh)).not.toBeNull();
      await tx`delete from public.members where id = ${fresh}`;
      expect(await factOf(tx, fresh)).toBeNull();
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('a many-row insert adds the live members only', async () => {
    await asOwner(db.sql, async (tx) => {
      const rows = await tx<{ id: string; deleted: boolean }[]>`
        insert into public.members (org_id, store_id, name, tier, region_code, deleted_at)
        values (${w.orgA}, ${w.stores.a1}, '甲', '金卡', '310104', null), (${w.orgA}, null, '乙', null, null, null),
               (${w.orgB}, ${w.stores.b1}, '丙', null, null, null), (${w.orgA}, ${w.stores.a2}, '丁', null, null, now())
        returning id, deleted_at is not null as deleted`;
      for (const r of rows) expect(await factOf(tx, r.id)).toEqual(r.deleted ? null : expect.objectContaining({ member_id: r.id }));
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('an order arriving: aggregates and RFM of the buyer (a first-time buyer scored too)', async () => {
    const buyer = generated.find((_, i) => i % 4 === 2) as string;
    await asOwner(db.sql, async (tx) => {
      const fresh = (await one(tx<{ id: string }[]>`insert into public.members (org_id, store_id, name) values (${w.orgA}, ${w.stores.a1}, '新客') returning id`)).id;
      await tx`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at)
               values (${w.orgA}, ${fresh}, 'NEW-1', 880000, now()), (${w.orgA}, ${buyer}, 'NEW-2', 1000, now())`;
      expect(await factOf(tx, fresh)).toMatchObject({ lifetime_spend_fen: '880000', churn_state: 'one_time', rfm_class: expect.stringMatching(/^important_/) });
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('a marketing decision in the consent ledger', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`insert into public.consents (org_id, member_id, purpose, granted, policy_version, source) values (${w.orgA}, ${w.members.m1}, 'marketing', true, 'v2', 'test')`;
      expect(await factOf(tx, w.members.m1)).toMatchObject({ marketing_consent: 'granted' });
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('the daily RFM refresh (a year later: purchasers lapse)', async () => {
    await asOwner(db.sql, async (tx) => {
      const [r] = await tx<{ changed: number }[]>`select changed from public.rfm_refresh_org(${w.orgA}, now() + interval '400 days')`;
      expect(r?.changed).toBeGreaterThan(10);
      expect(await segmentFactsDrift(tx)).toEqual([]);
      const lapsed = await one(tx<{ n: number }[]>`select count(*)::int as n from public.member_segment_facts where org_id = ${w.orgA} and churn_state = 'lapsed'`);
      expect(lapsed.n).toBeGreaterThan(10);
    });
  });

  test('a hand-over to another store (the store column)', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`update public.members set store_id = ${w.stores.a2} where org_id = ${w.orgA} and store_id = ${w.stores.a1}`;
      const left = await one(tx<{ n: number }[]>`select count(*)::int as n from public.member_segment_facts where store_id = ${w.stores.a1}`);
      expect(left.n).toBe(0);
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });

  test('a TRUNCATE of members empties the copy', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`truncate public.members cascade`;
      expect(await one(tx<{ n: number }[]>`select count(*)::int as n from public.member_segment_facts`)).toEqual({ n: 0 });
    });
  });

  test('the rebuild function reproduces exactly what the triggers keep', async () => {
    await asOwner(db.sql, async (tx) => {
      await tx`delete from public.member_segment_facts where org_id = ${w.orgA}`;
      expect((await segmentFactsDrift(tx, w.orgA)).length).toBeGreaterThan(80);
      const [n] = await tx<{ n: number }[]>`select private.rebuild_member_segment_facts(${w.orgA})::int as n`;
      expect(n?.n).toBeGreaterThan(80);
      expect(await segmentFactsDrift(tx)).toEqual([]);
    });
  });
});

describe('imports and merges (committed)', () => {
  test('an import: new customers, and details filled into an existing one', async () => {
    const target = generated.find((_, i) => i % 5 === 4 && i % 17 !== 5) as string; // no birthday
    const { member_no: no } = await one(db.sql<{ member_no: string }[]>`select member_no::text from public.members where id = ${target}`);
    await db.sql`insert into public.member_identities (org_id, kind, value, member_id) values (${w.orgA}, 'pos', ${`POS-${no}`}, ${target})`;
    const file = path.join(dir, 'customers.csv');
    await writeFile(file, csvText({
      headers: ['姓名', '会员卡号', '生日', '地区', '门店'],
      rows: [
        ['导入甲', 'IMP-1', '1990-05-06', '310104', 'A1'],
        ['导入乙', 'IMP-2', '农历八月十五', '440305', 'A2'],
        ['', `POS-${no}`, '1988-12-01', '', ''],
      ],
    }));
    await importFile({ sql: db.sql, orgId: w.orgA, filePath: file, source: 'facts-test', kind: 'customers', staging: db.embedded ? 'insert' : 'copy' });
    const added = await db.sql<{ id: string }[]>`
      select m.id from public.members m join public.member_identities i on i.org_id = m.org_id and i.member_id = m.id
      where i.kind = 'pos' and i.value in ('IMP-1', 'IMP-2')`;
    expect(added).toHaveLength(2);
    expect(await asOwner(db.sql, (tx) => factOf(tx, target))).toMatchObject({ birthday_calendar: 'solar', birth_month: 12, birth_day: 1 });
    expect(await segmentFactsDrift(db.sql)).toEqual([]);
  });

  test('a merge retires the loser\'s row and moves its orders\' totals to the survivor; the undo restores both', async () => {
    const [loser, survivor] = generated.filter((_, i) => i % 17 !== 5 && i % 4 === 1).slice(0, 2) as [string, string];
    const spend = async (id: string) => (await asOwner(db.sql, (tx) => factOf(tx, id)))?.lifetime_spend_fen;
    const before = Number(await spend(survivor)) + Number(await spend(loser));
    const { id: mergeId } = await withPersonTx(db.sql, claimsFor(w.actors.operatorA), (tx) =>
      one(tx<{ id: string }[]>`select public.member_merge_apply(${loser}, ${survivor}, ${survivor}) as id`));
    expect(await asOwner(db.sql, (tx) => factOf(tx, loser))).toBeNull();
    expect(Number(await spend(survivor))).toBe(before);
    expect(await segmentFactsDrift(db.sql)).toEqual([]);
    await withPersonTx(db.sql, claimsFor(w.actors.adminA), (tx) => tx`select public.member_merge_undo(${mergeId})`);
    expect(await asOwner(db.sql, (tx) => factOf(tx, loser))).not.toBeNull();
    expect(await segmentFactsDrift(db.sql)).toEqual([]);
  });
});

describe('the count (from the facts) equals the list (from members)', () => {
  const day = (daysAgo: number) => localDate(new Date(Date.now() - daysAgo * 86_400_000), 'Asia/Shanghai');
  // Every kind of rule, alone and combined; each selects someone and leaves someone out.
  const cases: [string, () => SegmentRuleSet][] = [
    ['no rules (every live member)', () => ({})],
    ['stores', () => ({ storeIds: [w.stores.a1] })],
    ['RFM classes', () => ({ rfmClasses: ['important_value', 'important_keep', 'general_retain'] })],
    ['churn states', () => ({ churnStates: ['active', 'at_risk', 'one_time'] })],
    ['tiers', () => ({ tiers: ['金卡'] })],
    ['marketing consent', () => ({ consents: ['granted'] })],
    ['no consent yet', () => ({ consents: ['none', 'refused'] })],
    ['spend from', () => ({ spendMinFen: 20000 })],
    ['spend up to', () => ({ spendMaxFen: 20000 })],
    ['last purchase after', () => ({ lastPurchaseAfter: day(200) })],
    ['last purchase before', () => ({ lastPurchaseBefore: day(200) })],
    ['birthday month (solar and lunar)', () => ({ birthdayMonth: 9 })],
    ['region prefixes', () => ({ regionPrefixes: ['31', '4403'] })],
    ['tags of one group', () => ({ tagIds: [w.tags.a] })],
    ['tags of two groups in one store', () => ({ tagIds: [w.tags.a, extraTag], storeIds: [w.stores.a1] })],
    ['RFM + consent + spend', () => ({ rfmClasses: ['important_value', 'important_keep', 'general_keep', 'general_value'], consents: ['granted', 'refused'], spendMinFen: 10000 })],
    ['birthday month + bought recently + churn', () => ({ birthdayMonth: 6, lastPurchaseAfter: day(400), churnStates: ['active', 'at_risk', 'one_time'] })],
  ];

  test.each(cases)('%s', async (_name, rules) => {
    const got = await asPerson(db.sql, w.actors.operatorA, async (tx) => {
      const ctx = await segmentContext(tx, w.orgA);
      const count = await countSegment(tx, rules(), ctx);
      // The member list's and the export's query (segment-members.ts), unpaged.
      const listed = await tx<{ n: number }[]>`
        select count(*)::int as n from public.members m where m.org_id = ${w.orgA} and m.deleted_at is null ${segmentWhere(tx, rules(), ctx)}`;
      const all = await tx<{ n: number }[]>`select count(*)::int as n from public.members m where m.org_id = ${w.orgA} and m.deleted_at is null`;
      return { count, listed: listed[0]?.n, all: all[0]?.n ?? 0 };
    });
    expect(got.count).toBe(got.listed);
    expect(got.count).toBeGreaterThan(0);
    if (Object.keys(rules()).length > 0) expect(got.count).toBeLessThan(got.all);
  });

  test('the count reads the facts: a member missing from them is not counted', async () => {
    await asOwner(db.sql, async (tx) => {
      const ctx = await segmentContext(tx, w.orgA);
      const before = await countSegment(tx, {}, ctx);
      await tx`delete from public.member_segment_facts where member_id = ${w.members.m1}`;
      expect(await countSegment(tx, {}, ctx)).toBe(before - 1);
    });
  });

  test.each<[string, SegmentRuleSet, 'members' | 'facts']>([
    ['one RFM class', { rfmClasses: ['important_value'] }, 'members'],
    ['churn states', { churnStates: ['active', 'at_risk'] }, 'members'],
    ['a tier', { tiers: ['金卡'] }, 'members'],
    ['an RFM class in stores', { rfmClasses: ['important_value'], storeIds: ['00000000-0000-4000-8000-000000000001'] }, 'facts'],
    ['an RFM class and a churn state', { rfmClasses: ['important_value'], churnStates: ['active'] }, 'facts'],
    ['spend', { spendMinFen: 100 }, 'facts'],
    ['no rules', {}, 'facts'],
  ])('a rule one members index answers alone is counted from that index: %s', (_name, rules, source) => {
    expect(countSourceOf(rules)).toBe(source);
  });

  test('an index-answered count reads members: a member missing from the facts is still counted', async () => {
    await asOwner(db.sql, async (tx) => {
      const [m] = await tx<{ rfm_class: string }[]>`select rfm_class from public.members where id = ${w.members.m1}`;
      if (!m?.rfm_class) throw new Error('m1 has no RFM class');
      const rules = { rfmClasses: [m.rfm_class] } as SegmentRuleSet;
      const ctx = await segmentContext(tx, w.orgA);
      const before = await countSegment(tx, rules, ctx);
      await tx`delete from public.member_segment_facts where member_id = ${w.members.m1}`;
      expect(await countSegment(tx, rules, ctx)).toBe(before);
      expect(before).toBeGreaterThan(0);
    });
  });
});
