import { parse } from 'csv-parse/sync';
import type { StartedApp } from '../../server/start-app';
import { decryptPii } from '../../functions/_lib/crypto/pii-crypto';
import { signAccessToken } from '../../functions/_lib/jwt';
import { isBirthdayOn, localDate } from '../../shared/domain/birthday';
import type { SegmentRuleSet } from '../../shared/schemas/segment-rules.schema';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// Segments over real HTTP against the demo brand: every count checked against a hand-written
// query over the source tables (the consent ledger, member_tags per group, orders' dates in the
// brand's zone, lunar birthdays converted by the calendar), CRUD, paged member lists, the
// audited CSV export (masked unless an admin states a purpose), who may do what, and a campaign
// whose audience is a saved segment.
type Err = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
type Segment = {
  id: string; name: string; description: string | null; lastCount: number | null; lastCountedAt: string | null; rules: Record<string, unknown>;
  updatedAt: string; campaigns: { id: string }[];
};
type Member = { id: string; memberNo: string; phoneMasked: string | null; rfmClass: string | null; churnState: string };
type Page = { items: Member[]; nextCursor: string | null };
type Exported = { filename: string; csv: string; rows: number; masked: boolean; nextCursor: string | null };

let app: StartedApp;
let operator: string;
let admin: string;
let associate: string;
let manager: string;
let member: string;
let orgId: string;
let stores: { s1: string; s2: string };
let tags: { id: string; name: string; group: string }[];

const tagId = (name: string): string => {
  const t = tags.find((x) => x.name === name);
  if (!t) throw new Error(`no tag ${name}`);
  return t.id;
};

beforeAll(async () => {
  app = await startTestApp(600);
  orgId = app.demo.orgId ?? '';
  [operator, admin, associate, manager, member] = await Promise.all(
    ['demo-operator', 'demo-admin', 'demo-associate-a', 'demo-manager-a', 'demo-member-1'].map((o) => loginAs(app, o)),
  ) as [string, string, string, string, string];
  const st = await app.sql<{ id: string; code: string }[]>`select id, code from public.stores where org_id = ${orgId}`;
  stores = { s1: st.find((s) => s.code === 'S001')?.id ?? '', s2: st.find((s) => s.code === 'S002')?.id ?? '' };
  tags = await app.sql<{ id: string; name: string; group: string }[]>`
    select t.id, t.name, g.name as group from public.tags t join public.tag_groups g on g.org_id = t.org_id and g.id = t.group_id where t.org_id = ${orgId}`;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const count = async (rules: SegmentRuleSet, token = operator): Promise<number> => {
  const r = await api<{ count: number }>(app, '/api/console/segment-count', { token, body: { rules } });
  if (r.status !== 200) throw new Error(`count failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.count;
};

// Ground truth, written against the source tables rather than the columns the builder reads.
const ids = async (q: Promise<{ id: string }[]>): Promise<string[]> => (await q).map((r) => r.id).sort();
const alive = () => app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null`;
const withTags = (groups: string[][]) => {
  let q = app.sql`select m.id from public.members m where m.org_id = ${orgId} and m.deleted_at is null`;
  for (const g of groups) {
    q = app.sql`${q} and exists (select 1 from public.member_tags mt where mt.member_id = m.id and mt.tag_id = any (${g}::uuid[]))`;
  }
  return q as unknown as Promise<{ id: string }[]>;
};

describe('the live count equals a hand-written query', () => {
  test('an empty rule set is every member', async () => {
    expect(await count({})).toBe((await alive()).length);
  });

  test('RFM classes and churn states, recomputed from the orders and the stored breakpoints', async () => {
    // Score by hand from orders (not from the aggregates the triggers keep).
    const truth = await app.sql<{ id: string; cls: string | null; churn: string }[]>`
      with agg as (
        select m.id, count(o.id)::int as n, coalesce(sum(o.total_fen), 0)::bigint as spend, min(o.ordered_at) as first_at, max(o.ordered_at) as last_at
        from public.members m left join public.orders o on o.org_id = m.org_id and o.member_id = m.id
        where m.org_id = ${orgId} and m.deleted_at is null group by m.id
      ), sc as (
        select a.*, case when a.n = 0 then null else
          1 + (a.last_at > b.r_edges[1])::int + (a.last_at > b.r_edges[2])::int + (a.last_at > b.r_edges[3])::int + (a.last_at > b.r_edges[4])::int end as r,
          case when a.n = 0 then null else 1 + (a.n > b.f_edges[1])::int + (a.n > b.f_edges[2])::int + (a.n > b.f_edges[3])::int + (a.n > b.f_edges[4])::int end as f,
          case when a.n = 0 then null else 1 + (a.spend > b.m_edges[1])::int + (a.spend > b.m_edges[2])::int + (a.spend > b.m_edges[3])::int + (a.spend > b.m_edges[4])::int end as mm
        from agg a cross join public.rfm_breakpoints b where b.org_id = ${orgId}
      )
      select id,
        case when r is null then null else (case when mm >= 4 then 'important_' else 'general_' end) ||
          (case when r >= 4 and f >= 4 then 'value' when r >= 4 then 'develop' when f >= 4 then 'keep' else 'retain' end) end as cls,
        case when n = 0 then 'no_purchase' when now() - last_at >= interval '365 days' then 'lapsed' when n = 1 then 'one_time'
             when extract(epoch from now() - last_at) > greatest(2 * extract(epoch from last_at - first_at) / (n - 1), 30 * 86400) then 'at_risk'
             else 'active' end as churn
      from sc`;
    const classes = ['important_value', 'general_retain', 'important_keep'] as const;
    for (const c of classes) {
      expect(await count({ rfmClasses: [c] })).toBe(truth.filter((t) => t.cls === c).length);
    }
    expect(await count({ rfmClasses: [...classes] })).toBe(truth.filter((t) => (classes as readonly string[]).includes(t.cls ?? '')).length);
    for (const s of ['at_risk', 'no_purchase', 'lapsed'] as const) {
      expect(await count({ churnStates: [s] })).toBe(truth.filter((t) => t.churn === s).length);
    }
    expect(truth.filter((t) => t.cls === 'important_value').length).toBeGreaterThan(0);
    expect(truth.filter((t) => t.churn === 'at_risk').length).toBeGreaterThan(0);
  });

  test('tags the WeCom way: any within a group, all across groups', async () => {
    const interest = tags.filter((t) => t.group === '兴趣偏好').slice(0, 2).map((t) => t.id);
    const size = [tagId('M')];
    expect(await count({ tagIds: interest })).toBe((await ids(withTags([interest]))).length);
    const both = await ids(withTags([interest, size]));
    expect(both.length).toBeGreaterThan(0);
    expect(await count({ tagIds: [...interest, ...size] })).toBe(both.length);
  });

  test('stores, spend range, last purchase after / before (brand days), tiers', async () => {
    expect(await count({ storeIds: [stores.s2] })).toBe(
      (await ids(app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and store_id = ${stores.s2}`)).length,
    );
    const spend = await app.sql<{ id: string }[]>`
      select m.id from public.members m where m.org_id = ${orgId} and m.deleted_at is null
        and (select coalesce(sum(o.total_fen), 0) from public.orders o where o.member_id = m.id) between 100000 and 300000`;
    expect(await count({ spendMinFen: 100000, spendMaxFen: 300000 })).toBe(spend.length);
    const day = localDate(new Date(Date.now() - 90 * 86_400_000), 'Asia/Shanghai');
    const after = await app.sql<{ id: string }[]>`
      select m.id from public.members m where m.org_id = ${orgId} and m.deleted_at is null
        and exists (select 1 from public.orders o where o.member_id = m.id and o.ordered_at >= (${day}::date::timestamp at time zone 'Asia/Shanghai'))`;
    expect(await count({ lastPurchaseAfter: day })).toBe(after.length);
    const before = await app.sql<{ id: string }[]>`
      select m.id from public.members m where m.org_id = ${orgId} and m.deleted_at is null
        and exists (select 1 from public.orders o where o.member_id = m.id)
        and not exists (select 1 from public.orders o where o.member_id = m.id and o.ordered_at >= (${day}::date::timestamp at time zone 'Asia/Shanghai'))`;
    expect(await count({ lastPurchaseBefore: day })).toBe(before.length);
    const gold = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and tier = '金卡'`;
    expect(gold.length).toBeGreaterThan(0);
    expect(await count({ tiers: ['金卡'] })).toBe(gold.length);
  });

  test('birthday month: solar birthdays of the month and lunar ones that fall in it this year', async () => {
    const month = 2;
    const year = Number(localDate(new Date(), 'Asia/Shanghai').slice(0, 4));
    const days = Array.from({ length: new Date(Date.UTC(year, month, 0)).getUTCDate() }, (_, i) => `${year}-02-${String(i + 1).padStart(2, '0')}`);
    const people = await app.sql<{ id: string; calendar: 'solar' | 'lunar'; month: number; day: number; leap: boolean }[]>`
      select id, birthday_calendar as calendar, birth_month as month, birth_day as day, birth_leap_month as leap
      from public.members where org_id = ${orgId} and deleted_at is null and birthday_calendar is not null`;
    const expected = people.filter((p) => days.some((d) => isBirthdayOn({ calendar: p.calendar, month: p.month, day: p.day, leapMonth: p.leap }, d)));
    expect(expected.some((p) => p.calendar === 'lunar')).toBe(true);
    expect(await count({ birthdayMonth: month })).toBe(expected.length);
  });

  test('marketing consent from the ledger\'s latest decision, and region prefixes', async () => {
    const latest = await app.sql<{ id: string; granted: boolean | null }[]>`
      select m.id, (select c.granted from public.consents c where c.member_id = m.id and c.purpose = 'marketing' and c.channel = 'all'
                    order by c.created_at desc, c.id desc limit 1) as granted
      from public.members m where m.org_id = ${orgId} and m.deleted_at is null`;
    expect(await count({ consents: ['granted'] })).toBe(latest.filter((l) => l.granted === true).length);
    expect(await count({ consents: ['refused', 'none'] })).toBe(latest.filter((l) => l.granted !== true).length);
    // A withdrawal moves the member at once (the ledger trigger).
    const someone = latest.find((l) => l.granted === true);
    if (!someone) throw new Error('nobody consented');
    const before = await count({ consents: ['granted'] });
    await app.sql`insert into public.consents (org_id, member_id, purpose, channel, granted, policy_version, source) values (${orgId}, ${someone.id}, 'marketing', 'all', false, 'test', 'test')`;
    expect(await count({ consents: ['granted'] })).toBe(before - 1);

    const sh = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and region_code like '31%'`;
    expect(sh.length).toBeGreaterThan(0);
    expect(await count({ regionPrefixes: ['31'] })).toBe(sh.length);
    const two = await app.sql<{ id: string }[]>`select id from public.members where org_id = ${orgId} and deleted_at is null and (region_code like '310104%' or region_code like '4403%')`;
    expect(await count({ regionPrefixes: ['310104', '4403'] })).toBe(two.length);
  });

  test('rules combine: every rule narrows', async () => {
    const rules: SegmentRuleSet = { storeIds: [stores.s1], rfmClasses: ['important_value', 'important_keep'], consents: ['granted'] };
    const truth = await app.sql<{ id: string }[]>`
      select m.id from public.members m where m.org_id = ${orgId} and m.deleted_at is null and m.store_id = ${stores.s1}
        and m.rfm_class in ('important_value', 'important_keep')
        and (select c.granted from public.consents c where c.member_id = m.id and c.purpose = 'marketing' and c.channel = 'all'
             order by c.created_at desc, c.id desc limit 1)`;
    expect(await count(rules)).toBe(truth.length);
  });

  // The count reads member_segment_facts, the list reads members: the same members either way.
  test('the count equals the members the list pages through, for every kind of rule', async () => {
    const day = localDate(new Date(Date.now() - 120 * 86_400_000), 'Asia/Shanghai');
    const interest = tags.filter((t) => t.group === '兴趣偏好').slice(0, 2).map((t) => t.id);
    const ruleSets: SegmentRuleSet[] = [
      { storeIds: [stores.s2], tiers: ['金卡'] },
      { rfmClasses: ['important_value', 'general_keep'], churnStates: ['active', 'at_risk'] },
      { consents: ['granted'], spendMinFen: 200000 },
      { spendMaxFen: 50000, lastPurchaseAfter: day },
      { lastPurchaseBefore: day, regionPrefixes: ['31', '4403'] },
      { birthdayMonth: 2 },
      { tagIds: [...interest, tagId('M')], storeIds: [stores.s1] },
    ];
    for (const rules of ruleSets) {
      const listed: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 40; i++) {
        const r = await api<Page>(app, '/api/console/segment-members', { token: operator, body: { rules, limit: 100, ...(cursor ? { cursor } : {}) } });
        expect(r.status).toBe(200);
        listed.push(...r.body.items.map((m) => m.id));
        if (!r.body.nextCursor) break;
        cursor = r.body.nextCursor;
      }
      expect({ rules, count: await count(rules) }).toEqual({ rules, count: listed.length });
      expect(listed.length).toBeGreaterThan(0);
    }
  });

  test('bad rules are 400 naming the field; unknown tags and stores too', async () => {
    for (const [rules, field] of [
      [{ rfmClasses: ['vip'] }, 'rules.rfmClasses.0'],
      [{ spendMinFen: 10, spendMaxFen: 1 }, 'rules.spendMaxFen'],
      [{ colour: 'red' }, 'rules.colour'],
      [{ tagIds: ['00000000-0000-4000-8000-000000000000'] }, 'rules.tagIds'],
      [{ storeIds: ['00000000-0000-4000-8000-000000000000'] }, 'rules.storeIds'],
    ] as const) {
      const r = await api<Err>(app, '/api/console/segment-count', { token: operator, body: { rules } });
      expect(r.status).toBe(400);
      expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
    }
  });
});

describe('saved segments', () => {
  let seg: Segment;

  test('an operator saves a segment with its count; names are unique; rules can change', async () => {
    const rules: SegmentRuleSet = { rfmClasses: ['important_value'], storeIds: [stores.s1] };
    const created = await api<Segment>(app, '/api/console/segments', { token: operator, body: { name: '上海重要价值', rules } });
    expect(created.status).toBe(201);
    seg = created.body;
    expect(seg.lastCount).toBe(await count(rules));
    const dup = await api<Err>(app, '/api/console/segments', { token: operator, body: { name: '上海重要价值', rules: {} } });
    expect(dup.status).toBe(409);
    const list = await api<{ segments: Segment[] }>(app, '/api/console/segments', { token: operator });
    expect(list.body.segments.map((s) => s.id)).toContain(seg.id);

    const changed = await api<Segment>(app, '/api/console/segment-update', { token: operator, body: { id: seg.id, rules: { rfmClasses: ['important_value', 'important_keep'] } } });
    expect(changed.status).toBe(200);
    expect(changed.body.lastCount).toBe(await count({ rfmClasses: ['important_value', 'important_keep'] }));
    expect((await api<{ count: number }>(app, '/api/console/segment-count', { token: operator, body: { segmentId: seg.id } })).body.count).toBe(changed.body.lastCount);
    seg = changed.body;
  });

  test('member lists page through exactly the segment, newest first, phones masked', async () => {
    const got: Member[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const r = await api<Page>(app, '/api/console/segment-members', { token: operator, body: { segmentId: seg.id, limit: 37, ...(cursor ? { cursor } : {}) } });
      expect(r.status).toBe(200);
      got.push(...r.body.items);
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    const want = await app.sql<{ id: string }[]>`
      select id from public.members where org_id = ${orgId} and deleted_at is null and rfm_class in ('important_value', 'important_keep')
      order by joined_at desc, id desc`;
    expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
    expect(got.every((m) => m.phoneMasked === null || /^\d{3}\*{4}\d{4}$/.test(m.phoneMasked))).toBe(true);
    expect(got.every((m) => m.rfmClass === 'important_value' || m.rfmClass === 'important_keep')).toBe(true);
    const bad = await api<Err>(app, '/api/console/segment-members', { token: operator, body: { segmentId: seg.id, cursor: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path)).toEqual(['cursor']);
  });

  test('the export is CSV of exactly the segment, masked, and audited', async () => {
    const auditBefore = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where org_id = ${orgId} and action = 'segment.export'`;
    const r = await api<Exported>(app, '/api/console/segment-export', { token: operator, body: { segmentId: seg.id } });
    expect(r.status).toBe(200);
    expect(r.body.masked).toBe(true);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.csv.startsWith('\ufeff')).toBe(true);
    const rows = parse(r.body.csv.slice(1), { columns: true }) as Record<string, string>[];
    const want = await app.sql<{ member_no: string }[]>`
      select member_no::text from public.members where org_id = ${orgId} and deleted_at is null and rfm_class in ('important_value', 'important_keep') order by member_no`;
    expect(rows.map((x) => x['会员号'])).toEqual(want.map((w) => w.member_no));
    expect(rows.length).toBe(r.body.rows);
    expect(rows.every((x) => x['手机号'] === '' || /^\d{3}\*{4}\d{4}$/.test(x['手机号'] ?? ''))).toBe(true);
    expect(new Set(rows.map((x) => x['RFM 分类']))).toEqual(new Set(['重要价值', '重要保持']));
    const audit = await app.sql<{ detail: { rows: number; masked: boolean }; actor: string }[]>`
      select a.detail, s.name as actor from public.audit_log a join public.staff s on s.org_id = a.org_id and s.account_id = a.actor_account_id
      where a.org_id = ${orgId} and a.action = 'segment.export' and a.target_id = ${seg.id} order by a.id desc limit 1`;
    expect(audit[0]?.detail).toMatchObject({ rows: rows.length, masked: true });
    expect(audit[0]?.actor).toBe('赵敏');
    const auditAfter = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where org_id = ${orgId} and action = 'segment.export'`;
    expect((auditAfter[0]?.n ?? 0) - (auditBefore[0]?.n ?? 0)).toBe(1);
  });

  test('full phone numbers: never for an operator; an admin must state a purpose; each such export is audited with it', async () => {
    const fullRows = async () => (await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where org_id = ${orgId} and action = 'segment.export_full_phones'`)[0]?.n ?? 0;
    const n0 = await fullRows();
    const op = await api<Err>(app, '/api/console/segment-export', { token: operator, body: { segmentId: seg.id, fullPhones: true, purpose: '短信服务商导入' } });
    expect(op.status).toBe(403);
    const noPurpose = await api<Err>(app, '/api/console/segment-export', { token: admin, body: { segmentId: seg.id, fullPhones: true } });
    expect(noPurpose.status).toBe(400);
    expect(noPurpose.body.error.fields?.map((f) => f.path)).toEqual(['purpose']);
    expect(await fullRows()).toBe(n0);

    const r = await api<Exported>(app, '/api/console/segment-export', { token: admin, body: { segmentId: seg.id, fullPhones: true, purpose: '短信服务商导入' } });
    expect(r.status).toBe(200);
    expect(r.body.masked).toBe(false);
    const rows = parse(r.body.csv.slice(1), { columns: true }) as Record<string, string>[];
    const truth = await app.sql<{ member_no: string; phone_enc: string | null }[]>`
      select member_no::text, phone_enc from public.members where org_id = ${orgId} and deleted_at is null and rfm_class in ('important_value', 'important_keep') order by member_no`;
    expect(rows.map((x) => x['手机号'])).toEqual(truth.map((t) => (t.phone_enc ? decryptPii(t.phone_enc, 'phone').replace(/^\+86/, '') : '')));
    expect(await fullRows()).toBe(n0 + 1);
    const [a] = await app.sql<{ detail: { purpose: string; phones: number } }[]>`
      select detail from public.audit_log where org_id = ${orgId} and action = 'segment.export_full_phones' order by id desc limit 1`;
    expect(a?.detail.purpose).toBe('短信服务商导入');
    expect(a?.detail.phones).toBe(truth.filter((t) => t.phone_enc).length);
  });

  test('a campaign targets the saved segment: its dry run counts exactly the segment; the segment cannot be deleted while in use', async () => {
    const overview = await api<{ templates: { id: string; purpose: string; fields: { key: string }[] }[] }>(app, '/api/console/greetings', { token: operator });
    const tpl = overview.body.templates.find((t) => t.purpose === 'campaign');
    if (!tpl) throw new Error('no campaign template');
    const today = localDate(new Date(), 'Asia/Shanghai');
    const created = await api<{ id: string; segmentId: string | null }>(app, '/api/console/greetings', {
      token: operator,
      body: { name: '重要客户回馈', kind: 'segment', templateId: tpl.id, scheduledOn: today, segmentId: seg.id, data: { thing1: '{name}专属礼遇', date2: '{date}' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.segmentId).toBe(seg.id);
    const dry = await api<{ audience: number }>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: created.body.id, date: today } });
    expect(dry.status).toBe(200);
    expect(dry.body.audience).toBe(await count({ rfmClasses: ['important_value', 'important_keep'] }));

    // The audience follows the saved rules as they are now.
    await api(app, '/api/console/segment-update', { token: operator, body: { id: seg.id, rules: { rfmClasses: ['important_value'] } } });
    const again = await api<{ audience: number }>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: created.body.id, date: today } });
    expect(again.body.audience).toBe(await count({ rfmClasses: ['important_value'] }));

    const del = await api<Err>(app, `/api/console/segments?id=${seg.id}`, { method: 'DELETE', token: operator });
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain('重要客户回馈');
    const unknown = await api<Err>(app, '/api/console/greetings', {
      token: operator,
      body: { name: 'x', kind: 'segment', templateId: tpl.id, scheduledOn: today, segmentId: '00000000-0000-4000-8000-000000000000', data: { thing1: 'a', date2: '{date}' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields?.map((f) => f.path)).toEqual(['segmentId']);
  });

  test('an unused segment is deleted', async () => {
    const s = await api<Segment>(app, '/api/console/segments', { token: operator, body: { name: '临时', rules: { churnStates: ['at_risk'] } } });
    const del = await api(app, `/api/console/segments?id=${s.body.id}`, { method: 'DELETE', token: operator });
    expect(del.status).toBe(200);
    const list = await api<{ segments: Segment[] }>(app, '/api/console/segments', { token: operator });
    expect(list.body.segments.map((x) => x.id)).not.toContain(s.body.id);
  });
});

describe('editing a saved segment (POST /api/console/segment-update)', () => {
  let mine: Segment;
  let theirs: string;
  let otherOperator: string;
  const staffIdOf = async (openid: string): Promise<string> =>
    (await app.sql<{ id: string }[]>`select s.id from public.staff s join public.accounts a on a.id = s.account_id where a.wx_openid = ${openid}`)[0]?.id ?? '';
  const stored = async (id: string) =>
    (await app.sql<{ name: string; description: string | null; rules: unknown; last_count: number | null; updated_by: string | null }[]>`
      select name, description, rules, last_count, updated_by from public.segments where id = ${id}`)[0];
  const update = (token: string | undefined, body: unknown) => api<Segment & Err>(app, '/api/console/segment-update', { ...(token ? { token } : {}), body });

  beforeAll(async () => {
    const created = await api<Segment>(app, '/api/console/segments', { token: operator, body: { name: '待编辑', rules: { churnStates: ['at_risk'] } } });
    if (created.status !== 201) throw new Error(`create failed: ${created.status}`);
    mine = created.body;
    // Another brand with its own operator and segment, signed in with a valid token of its own.
    const [org] = await app.sql<{ id: string }[]>`insert into public.orgs (name, wx_appid) values ('Other brand', 'wx0ther0seg000000a') returning id`;
    const [acc] = await app.sql<{ id: string }[]>`insert into public.accounts (org_id, wx_openid) values (${org?.id ?? ''}, 'operator-other') returning id`;
    const [st] = await app.sql<{ id: string }[]>`
      insert into public.staff (org_id, account_id, name, role) values (${org?.id ?? ''}, ${acc?.id ?? ''}, '别家运营', 'operator') returning id`;
    const [seg] = await app.sql<{ id: string }[]>`
      insert into public.segments (org_id, name, rules, created_by) values (${org?.id ?? ''}, '别家人群', '{}', ${st?.id ?? ''}) returning id`;
    theirs = seg?.id ?? '';
    otherOperator = (await signAccessToken(acc?.id ?? '', org?.id ?? '')).token;
  });

  test('an operator renames and describes it: the rules and the stored count stay; the change is signed', async () => {
    const before = await stored(mine.id);
    const r = await update(operator, { id: mine.id, name: '  流失预警  ', description: '近期未复购' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: mine.id, name: '流失预警', description: '近期未复购', rules: { churnStates: ['at_risk'] }, lastCount: mine.lastCount, lastCountedAt: mine.lastCountedAt });
    expect(r.body.updatedAt > mine.updatedAt).toBe(true);
    const after = await stored(mine.id);
    expect(after).toMatchObject({ name: '流失预警', description: '近期未复购', rules: before?.rules, last_count: before?.last_count, updated_by: await staffIdOf('demo-operator') });
  });

  test('an admin of the org changes the rules: the new count is stored and is the live count; a null description clears it', async () => {
    const rules: SegmentRuleSet = { consents: ['granted'], storeIds: [stores.s2] };
    const r = await update(admin, { id: mine.id, rules, description: null });
    expect(r.status).toBe(200);
    expect(r.body.rules).toEqual(rules);
    expect(r.body.description).toBeNull();
    expect(r.body.name).toBe('流失预警');
    expect(r.body.lastCount).toBe(await count(rules));
    expect(r.body.lastCount).toBeGreaterThan(0);
    expect(await stored(mine.id)).toMatchObject({ rules, last_count: r.body.lastCount, updated_by: await staffIdOf('demo-admin') });
    mine = r.body;
  });

  test('refused: a taken name (409), an unknown id (404), invalid rules and unknown tags on their field (400), unknown keys (400); nothing changes', async () => {
    await api(app, '/api/console/segments', { token: operator, body: { name: '已占用', rules: {} } });
    const snapshot = await stored(mine.id);
    const taken = await update(operator, { id: mine.id, name: '已占用' });
    expect(taken.status).toBe(409);
    expect((await update(operator, { id: '00000000-0000-4000-8000-000000000000', name: '新名' })).status).toBe(404);
    const cases: [unknown, string][] = [
      [{ id: mine.id, rules: { spendMinFen: 500, spendMaxFen: 100 } }, 'rules.spendMaxFen'],
      [{ id: mine.id, rules: { regionPrefixes: ['310'] } }, 'rules.regionPrefixes.0'],
      [{ id: mine.id, rules: { tagIds: ['00000000-0000-4000-8000-000000000000'] } }, 'rules.tagIds'],
      [{ id: mine.id, name: '' }, 'name'],
      [{ id: 'not-a-uuid' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const r = await update(operator, body);
      expect(r.status).toBe(400);
      expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
    }
    expect((await update(operator, { id: mine.id, orgId: orgId })).status).toBe(400);
    expect(await stored(mine.id)).toEqual(snapshot);
  });

  test('across orgs: each operator gets 404 for the other brand\'s segment, and neither changes', async () => {
    const mineBefore = await stored(mine.id);
    const theirsBefore = await stored(theirs);
    const a = await update(otherOperator, { id: mine.id, name: '被改了', rules: {} });
    expect(a.status).toBe(404);
    const b = await update(operator, { id: theirs, name: '被改了' });
    expect(b.status).toBe(404);
    const c = await update(admin, { id: theirs, rules: { churnStates: ['lapsed'] } });
    expect(c.status).toBe(404);
    expect(await stored(mine.id)).toEqual(mineBefore);
    expect(await stored(theirs)).toEqual(theirsBefore);
    // The other brand's operator edits its own segment, and sees none of ours in its list.
    expect((await update(otherOperator, { id: theirs, description: '自己的' })).status).toBe(200);
    const list = await api<{ segments: Segment[] }>(app, '/api/console/segments', { token: otherOperator });
    expect(list.body.segments.map((s) => s.id)).toEqual([theirs]);
  });

  test.each([
    ['an associate', () => associate],
    ['a manager', () => manager],
    ['a member', () => member],
  ])('%s gets 403 and changes nothing', async (_who, token) => {
    const before = await stored(mine.id);
    const r = await update(token(), { id: mine.id, name: '越权', rules: {} });
    expect(r.status).toBe(403);
    expect(await stored(mine.id)).toEqual(before);
  });

  test('no token or a forged one: 401, nothing changes', async () => {
    const before = await stored(mine.id);
    expect((await update(undefined, { id: mine.id, name: '匿名' })).status).toBe(401);
    expect((await update(`${operator.slice(0, -4)}AAAA`, { id: mine.id, name: '伪造' })).status).toBe(401);
    expect((await api(app, '/api/console/segment-update', { method: 'GET', token: operator })).status).toBe(405);
    expect(await stored(mine.id)).toEqual(before);
  });
});

describe('who may use segments', () => {
  test.each([
    ['an associate', () => associate],
    ['a manager', () => manager],
    ['a member', () => member],
  ])('%s gets 403 from every segment endpoint', async (_who, token) => {
    const t = token();
    expect((await api(app, '/api/console/segments', { token: t })).status).toBe(403);
    expect((await api(app, '/api/console/segments', { token: t, body: { name: 'x', rules: {} } })).status).toBe(403);
    expect((await api(app, '/api/console/segment-count', { token: t, body: { rules: {} } })).status).toBe(403);
    expect((await api(app, '/api/console/segment-members', { token: t, body: { rules: {} } })).status).toBe(403);
    expect((await api(app, '/api/console/segment-options', { token: t })).status).toBe(403);
  });

  test('without a token: 401; with a forged one: 401', async () => {
    expect((await api(app, '/api/console/segment-count', { body: { rules: {} } })).status).toBe(401);
    expect((await api(app, '/api/console/segments', { token: `${operator.slice(0, -4)}AAAA` })).status).toBe(401);
  });

  test('the options list the stores, tags by group, classes and the member total', async () => {
    const r = await api<{ totalMembers: number; stores: { id: string }[]; tagGroups: { tags: { id: string }[] }[]; rfmClasses: { key: string; label: string }[] }>(
      app, '/api/console/segment-options', { token: operator });
    expect(r.status).toBe(200);
    expect(r.body.totalMembers).toBe((await alive()).length);
    expect(r.body.stores.map((s) => s.id).sort()).toEqual([stores.s1, stores.s2].sort());
    expect(r.body.tagGroups.flatMap((g) => g.tags).length).toBe(tags.length);
    expect(r.body.rfmClasses.map((c) => c.label)).toContain('重要价值');
  });
});
