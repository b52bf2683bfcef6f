import type { StartedApp } from '../../server/start-app';
import { localDate } from '../../shared/domain/birthday';
import { birthdayKeysFor, windowDates } from '../../shared/domain/customer-filter';
import { listTuning } from '../../functions/api/staff/customers';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// The associates' workbench over real HTTP against the demo brand: the filtered/sorted list
// checked against SQL ground truth, aggregates kept by triggers, bulk tagging, the card's
// timeline and phone reveal, the to-do list, and hand-over with undo and deactivation.
type Item = { id: string; name: string | null; associateId: string | null; storeId: string | null; lifetimeSpendFen: number; lastPurchaseAt: string | null; lastContactAt: string | null };
type List = { items: Item[]; nextCursor: string | null };
type Err = { error: { code: string; fields?: { path: string }[] } };

let app: StartedApp;
let wang: string; // 王芳, associate of S001
let li: string; // 李娜, associate of S002
let zhang: string; // 张伟, associate of S001
let chen: string; // 陈刚, manager of S001
let operator: string; // 赵敏, operator
let ids: { wang: string; zhang: string; li: string; chen: string; s1: string; s2: string };

const q = (params: Record<string, string | number | undefined>): string =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

// Every page of a list, following the cursor; fails on a repeated row.
const all = async (token: string, params: Record<string, string | undefined>): Promise<Item[]> => {
  const out: Item[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 200; i++) {
    const r = await api<List>(app, `/api/staff/customers?${q({ limit: 37, ...params, cursor })}`, { token });
    if (r.status !== 200) throw new Error(`list failed: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.items);
    if (!r.body.nextCursor) break;
    cursor = r.body.nextCursor;
  }
  expect(new Set(out.map((i) => i.id)).size).toBe(out.length);
  return out;
};

const staffId = async (openid: string): Promise<string> =>
  (await app.sql<{ id: string }[]>`select s.id from public.staff s join public.accounts a on a.id = s.account_id where a.wx_openid = ${openid}`)[0]?.id ?? '';

beforeAll(async () => {
  app = await startTestApp(300);
  const tokens = await Promise.all(['demo-associate-a', 'demo-associate-b', 'demo-associate-c', 'demo-manager-a', 'demo-operator'].map((o) => loginAs(app, o)));
  [wang, li, zhang, chen, operator] = tokens.map((t) => t ?? '') as [string, string, string, string, string];
  const stores = await app.sql<{ id: string; code: string }[]>`select id, code from public.stores`;
  ids = {
    wang: await staffId('demo-associate-a'),
    zhang: await staffId('demo-associate-c'),
    li: await staffId('demo-associate-b'),
    chen: await staffId('demo-manager-a'),
    s1: stores.find((s) => s.code === 'S001')?.id ?? '',
    s2: stores.find((s) => s.code === 'S002')?.id ?? '',
  };
}, 180_000);
afterAll(async () => {
  await app?.close();
});

describe('finding customers', () => {
  test('"my customers" are exactly the ones I own; "my store" exactly my store\'s', async () => {
    const mine = await all(wang, { scope: 'mine' });
    const expected = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} and deleted_at is null`;
    expect(mine.map((m) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());
    const store = await all(wang, { scope: 'store' });
    const inStore = await app.sql<{ id: string }[]>`select id from public.members where store_id = ${ids.s1} and deleted_at is null`;
    expect(store.map((m) => m.id).sort()).toEqual(inStore.map((m) => m.id).sort());
    expect(store.every((m) => m.storeId === ids.s1)).toBe(true);
  });

  test('a manager lists one associate\'s customers (ownerId), only inside their stores', async () => {
    const got = await all(chen, { scope: 'store', ownerId: ids.wang });
    const want = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} and store_id = ${ids.s1} and deleted_at is null`;
    expect(got.map((m) => m.id).sort()).toEqual(want.map((m) => m.id).sort());
    expect(await all(chen, { scope: 'store', ownerId: ids.li })).toEqual([]);
  });

  test.each([
    ['spend', 'lifetime_spend_fen'],
    ['last_purchase', 'last_purchase_at'],
    ['last_contact', 'last_contact_at'],
  ] as const)('sorted by %s, page after page, matches the database order', async (sort, column) => {
    const got = await all(wang, { scope: 'store', sort });
    const want = await app.sql<{ id: string }[]>`
      select id from public.members where store_id = ${ids.s1} and deleted_at is null
      order by ${app.sql(column)} desc nulls last, id desc`;
    expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
  });

  test('tags combine like WeCom: any of the chosen tags in a group, all of the groups', async () => {
    const tags = await app.sql<{ id: string; group: string }[]>`
      select t.id, g.name as group from public.tags t join public.tag_groups g on g.id = t.group_id where g.name in ('兴趣偏好', '尺码') order by t.name`;
    const interest = tags.filter((t) => t.group === '兴趣偏好').slice(0, 2).map((t) => t.id);
    const size = tags.filter((t) => t.group === '尺码').slice(0, 2).map((t) => t.id);
    const got = await all(wang, { scope: 'store', tagIds: [...interest, ...size].join(',') });
    const want = await app.sql<{ id: string }[]>`
      select m.id from public.members m where m.store_id = ${ids.s1} and m.deleted_at is null
        and exists (select 1 from public.member_tags mt where mt.member_id = m.id and mt.tag_id = any (${interest}::uuid[]))
        and exists (select 1 from public.member_tags mt where mt.member_id = m.id and mt.tag_id = any (${size}::uuid[]))`;
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((m) => m.id).sort()).toEqual(want.map((m) => m.id).sort());
    // One group only: any of its tags.
    const anyOf = await all(wang, { scope: 'store', tagIds: interest.join(',') });
    const wantAny = await app.sql<{ n: number }[]>`
      select count(distinct mt.member_id)::int as n from public.member_tags mt join public.members m on m.id = mt.member_id
      where m.store_id = ${ids.s1} and mt.tag_id = any (${interest}::uuid[])`;
    expect(anyOf.length).toBe(wantAny[0]?.n);
  });

  // Both plans of a tag combination (the probe of the list's first members, and the join driven
  // by the rarest group) for every scope, against SQL ground truth in the list's order, page by
  // page: the estimate only chooses between them, so each must be exact on its own.
  describe.each(['always', 'never', 'estimate'] as const)('tag combinations, probe %s', (tagProbe) => {
    beforeAll(() => {
      listTuning.tagProbe = tagProbe;
    });
    afterAll(() => {
      listTuning.tagProbe = 'estimate';
    });
    test.each<[string, () => string, Record<string, string>, 'store' | 'stores' | 'org' | 'mine']>([
      ['an associate, their store, two groups', () => wang, { scope: 'store' }, 'store'],
      ['an associate, their store, by spend, two per page', () => wang, { scope: 'store', sort: 'spend', limit: '2' }, 'store'],
      ['an associate, their own customers', () => wang, { scope: 'mine' }, 'mine'],
      ['a manager, their stores', () => chen, { scope: 'store' }, 'stores'],
      ['an operator, the whole org (members without a store too)', () => operator, { scope: 'store' }, 'org'],
    ])('%s', async (_name, token, params, scope) => {
      const tags = await app.sql<{ id: string; group: string }[]>`
        select t.id, g.name as group from public.tags t join public.tag_groups g on g.id = t.group_id
        where g.name in ('兴趣偏好', '尺码') and t.retired_at is null order by t.name`;
      const interest = tags.filter((t) => t.group === '兴趣偏好').slice(0, 3).map((t) => t.id);
      const size = tags.filter((t) => t.group === '尺码').slice(0, 1).map((t) => t.id);
      const caller = scope === 'mine' ? ids.wang : scope === 'stores' ? ids.chen : null;
      const got = await all(token(), { ...params, tagIds: [...interest, ...size].join(',') });
      const order = params.sort === 'spend' ? app.sql`lifetime_spend_fen desc, id desc` : app.sql`joined_at desc, id desc`;
      const want = await app.sql<{ id: string }[]>`
        select m.id from public.members m where m.deleted_at is null
          ${scope === 'store' ? app.sql`and m.store_id = ${ids.s1}` : app.sql``}
          ${scope === 'mine' ? app.sql`and m.associate_id = ${caller}` : app.sql``}
          ${scope === 'stores' ? app.sql`and m.store_id in (select store_id from public.staff_stores where staff_id = ${caller})` : app.sql``}
          and exists (select 1 from public.member_tags mt where mt.member_id = m.id and mt.tag_id = any (${interest}::uuid[]))
          and exists (select 1 from public.member_tags mt where mt.member_id = m.id and mt.tag_id = any (${size}::uuid[]))
        order by ${order}`;
      expect(want.length).toBeGreaterThan(0);
      expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
    });
  });

  test('birthday this month (solar and lunar keys), never contacted, purchased after a date', async () => {
    const today = localDate(new Date(), 'Asia/Shanghai');
    const keys = birthdayKeysFor(windowDates('month', today));
    const got = await all(wang, { scope: 'store', birthday: 'month' });
    const want = await app.sql<{ id: string }[]>`
      select id from public.members where store_id = ${ids.s1} and deleted_at is null
        and (birthday_calendar, birth_month, birth_day, birth_leap_month) in (
          select * from unnest(${keys.map((k) => k.calendar)}::text[], ${keys.map((k) => String(k.month))}::text[]::smallint[], ${keys.map((k) => String(k.day))}::text[]::smallint[], ${keys.map((k) => String(k.leapMonth))}::text[]::boolean[]))`;
    expect(got.map((m) => m.id).sort()).toEqual(want.map((m) => m.id).sort());
    expect(got.length).toBeGreaterThan(0);

    const never = await all(wang, { scope: 'store', neverContacted: 'true' });
    expect(never.length).toBeGreaterThan(0);
    expect(never.every((m) => m.lastContactAt === null)).toBe(true);

    const after = await all(wang, { scope: 'store', purchasedAfter: '2026-01-01', sort: 'last_purchase' });
    const wantAfter = await app.sql<{ n: number }[]>`
      select count(*)::int as n from public.members where store_id = ${ids.s1} and deleted_at is null
        and last_purchase_at >= '2026-01-01 00:00+08'`;
    expect(after.length).toBe(wantAfter[0]?.n);
  });

  test('search by pinyin initials and full pinyin finds the name; a Chinese fragment inside the store too', async () => {
    const [m] = await app.sql<{ id: string; name: string; name_pinyin: string; name_initials: string }[]>`
      select id, name, name_pinyin, name_initials from public.members where store_id = ${ids.s1} and length(name) = 3 order by member_no limit 1`;
    if (!m) throw new Error('no member');
    for (const term of [m.name_initials, m.name_pinyin, m.name.slice(1)]) {
      const r = await all(wang, { scope: 'store', q: term });
      expect(r.map((x) => x.id)).toContain(m.id);
    }
  });

  test.each<[string, 'wang' | 'operator', (name: string) => string]>([
    ['one character from the middle, in the store', 'wang', (n) => n.slice(1, 2)],
    ['the given name (two characters), in the store', 'wang', (n) => n.slice(1, 3)],
    ['one character from the middle, org-wide (operator)', 'operator', (n) => n.slice(1, 2)],
    ['the whole name, org-wide (operator)', 'operator', (n) => n],
  ])('a name fragment finds exactly the names containing it: %s', async (_name, who, fragmentOf) => {
    const [m] = await app.sql<{ name: string }[]>`
      select name from public.members where store_id = ${ids.s1} and char_length(name) = 3 and deleted_at is null order by member_no limit 1`;
    if (!m) throw new Error('no member with a three-character name');
    const fragment = fragmentOf(m.name);
    const token = who === 'wang' ? wang : operator;
    const got = await all(token, { scope: 'store', q: fragment });
    const want = await app.sql<{ id: string }[]>`
      select id from public.members
      where deleted_at is null and strpos(name, ${fragment}) > 0 ${who === 'wang' ? app.sql`and store_id = ${ids.s1}` : app.sql``}
      order by joined_at desc, id desc`;
    // Exactly those, across pages, in the list's order (newest first): the fragment's index is
    // read in that order, so paging must continue where the last page stopped.
    expect(got.map((x) => x.id)).toEqual(want.map((x) => x.id));
    expect(got.length).toBeGreaterThan(0);
  });

  test.each<[string, number, (initials: string) => Record<string, string>]>([
    // Small pages: a page is found among the first members of the store (the probe), and the
    // last pages are not (the planner's own path); both must page on exactly. The cap on a
    // prefix's candidates read through its index: above every match count (all read and
    // sorted), and below it (the probe and the planner's path).
    ['one initial (matches many: read in list order)', 0, (i) => ({ q: i.slice(0, 1), limit: '3' })],
    ['one initial, all candidates read through the index', 300, (i) => ({ q: i.slice(0, 1), limit: '3' })],
    ['two initials', 0, (i) => ({ q: i.slice(0, 2), limit: '2' })],
    ['two initials, all candidates read through the index', 300, (i) => ({ q: i.slice(0, 2), limit: '2' })],
    ['two initials, more candidates than the cap', 1, (i) => ({ q: i.slice(0, 2), limit: '2' })],
    ['one initial and birthdays this month', 300, (i) => ({ q: i.slice(0, 1), birthday: 'month', limit: '2' })],
  ])('pinyin initials page exactly, in order: %s', async (_name, cap, params) => {
    listTuning.prefixCandidates = cap;
    const [m] = await app.sql<{ name_initials: string }[]>`
      select name_initials from public.members where store_id = ${ids.s1} and deleted_at is null and name_initials <> '' order by member_no limit 1`;
    if (!m) throw new Error('no member');
    const p = params(m.name_initials);
    const got = await all(wang, { scope: 'store', ...p });
    const keys = birthdayKeysFor(windowDates('month', localDate(new Date(), 'Asia/Shanghai')));
    const want = await app.sql<{ id: string }[]>`
      select id from public.members
      where store_id = ${ids.s1} and deleted_at is null and (starts_with(name_initials, ${p.q ?? ''}) or starts_with(name_pinyin, ${p.q ?? ''}))
        ${p.birthday ? app.sql`and (birthday_calendar, birth_month, birth_day, birth_leap_month) in (
          select * from unnest(${keys.map((k) => k.calendar)}::text[], ${keys.map((k) => String(k.month))}::text[]::smallint[],
                               ${keys.map((k) => String(k.day))}::text[]::smallint[], ${keys.map((k) => String(k.leapMonth))}::text[]::boolean[]))` : app.sql``}
      order by joined_at desc, id desc`;
    expect(got.map((x) => x.id)).toEqual(want.map((x) => x.id));
    expect(got.length).toBeGreaterThan(0);
    listTuning.prefixCandidates = 300;
  });

  test('a renamed customer is found by the new name at once, not by the old one', async () => {
    const [m] = await app.sql<{ id: string; name: string }[]>`
      select id, name from public.members where store_id = ${ids.s1} and deleted_at is null order by member_no desc limit 1`;
    if (!m) throw new Error('no member');
    await app.sql`update public.members set name = '测试改名' where id = ${m.id}`;
    try {
      expect((await all(wang, { scope: 'store', q: '改名' })).map((x) => x.id)).toEqual([m.id]);
      expect((await all(wang, { scope: 'store', q: m.name })).map((x) => x.id)).not.toContain(m.id);
    } finally {
      await app.sql`update public.members set name = ${m.name} where id = ${m.id}`;
    }
  });

  test('bad filters are 400 naming the field; another store\'s id shows nothing', async () => {
    for (const [param, field] of [['sort=price', 'sort'], ['birthday=year', 'birthday'], ['purchasedAfter=2026-13-01', 'purchasedAfter'], ['tagIds=nope', 'tagIds'], ['scope=all', 'scope']]) {
      const r = await api<Err>(app, `/api/staff/customers?${param}`, { token: wang });
      expect(r.status).toBe(400);
      expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
    }
    const unknownTag = await api<Err>(app, `/api/staff/customers?tagIds=${ids.s1}`, { token: wang });
    expect(unknownTag.body.error.fields?.map((f) => f.path)).toContain('tagIds');
    const other = await api<List>(app, `/api/staff/customers?storeId=${ids.s2}`, { token: wang });
    expect(other.body.items).toEqual([]);
    const foreignCursor = await api<Err>(app, `/api/staff/customers?sort=spend&cursor=${Buffer.from(JSON.stringify(['joined', 'x', ids.s1])).toString('base64url')}`, { token: wang });
    expect(foreignCursor.status).toBe(400);
  });
});

describe('aggregates are kept by triggers', () => {
  test('an order insert, update and delete move spend, count and last purchase; an interaction moves last contact', async () => {
    const [m] = await app.sql<{ id: string; org_id: string }[]>`select id, org_id from public.members where store_id = ${ids.s1} and order_count = 0 limit 1`;
    if (!m) throw new Error('no member without orders');
    const stats = async () =>
      (await app.sql<{ spend: string; n: number; last: Date | null; contact: Date | null }[]>`
        select lifetime_spend_fen as spend, order_count as n, last_purchase_at as last, last_contact_at as contact from public.members where id = ${m.id}`)[0];
    await app.sql`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values
      (${m.org_id}, ${m.id}, ${`T-${m.id}-1`}, 1000, '2026-10-01T00:00:00Z'), (${m.org_id}, ${m.id}, ${`T-${m.id}-2`}, 2500, '2026-10-05T00:00:00Z')`;
    expect(await stats()).toMatchObject({ spend: '3500', n: 2, last: new Date('2026-10-05T00:00:00Z') });
    await app.sql`update public.orders set total_fen = 500 where order_no = ${`T-${m.id}-2`}`;
    expect(await stats()).toMatchObject({ spend: '1500', n: 2 });
    await app.sql`delete from public.orders where order_no = ${`T-${m.id}-2`}`;
    expect(await stats()).toMatchObject({ spend: '1000', n: 1, last: new Date('2026-10-01T00:00:00Z') });
    const r = await api(app, '/api/staff/interactions', { token: wang, body: { memberId: m.id, kind: 'call', note: '回访' } });
    expect(r.status).toBe(201);
    expect((await stats())?.contact).not.toBeNull();
  });
});

describe('bulk tagging', () => {
  test('tags exactly the filtered list, replaces in a single-choice group, and removes again', async () => {
    const [size] = await app.sql<{ id: string }[]>`select t.id from public.tags t join public.tag_groups g on g.id = t.group_id where g.name = '尺码' and t.name = 'XL'`;
    const [other] = await app.sql<{ id: string }[]>`select t.id from public.tags t join public.tag_groups g on g.id = t.group_id where g.name = '尺码' and t.name = 'S'`;
    if (!size || !other) throw new Error('demo tags missing');
    const filter = { scope: 'store', neverContacted: 'true' };
    const list = await all(wang, filter);
    const [{ t0 } = { t0: new Date() }] = await app.sql<{ t0: Date }[]>`select clock_timestamp() as t0`;
    const r = await api<{ matched: number; changed: number }>(app, '/api/staff/bulk-tags', { token: wang, body: { tagId: size.id, filter } });
    expect(r.status).toBe(200);
    expect(r.body.matched).toBe(list.length);
    const tagged = await app.sql<{ member_id: string }[]>`select member_id from public.member_tags where tag_id = ${size.id}`;
    expect(tagged.map((t) => t.member_id)).toEqual(expect.arrayContaining(list.map((m) => m.id)));
    // ...and nobody outside the list was touched: every XL outside it was there before (demo data).
    const fresh = await app.sql<{ n: number }[]>`
      select count(*)::int as n from public.member_tags where tag_id = ${size.id} and tagged_by = ${ids.wang}
        and created_at >= ${t0} and not (member_id = any (${list.map((m) => m.id)}::uuid[]))`;
    expect(fresh[0]?.n).toBe(0);
    // Nobody in the list still carries another size.
    const [clash] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.member_tags where tag_id = ${other.id} and member_id = any (${list.map((m) => m.id)}::uuid[])`;
    expect(clash?.n).toBe(0);
    // Idempotent.
    const again = await api<{ changed: number }>(app, '/api/staff/bulk-tags', { token: wang, body: { tagId: size.id, filter } });
    expect(again.body.changed).toBe(0);
    const removed = await api<{ changed: number }>(app, '/api/staff/bulk-tags', { token: wang, body: { tagId: size.id, action: 'remove', filter } });
    expect(removed.body.changed).toBe(list.length);
    const audits = await app.sql<{ action: string }[]>`select action from public.audit_log where target_id = ${size.id} and action like 'member_tags.bulk_%' order by id`;
    expect(audits.map((a) => a.action)).toEqual(['member_tags.bulk_add', 'member_tags.bulk_add', 'member_tags.bulk_remove']);
  });

  test('another store\'s associate tags none of S001\'s customers; bad input names the field', async () => {
    const [tag] = await app.sql<{ id: string }[]>`select id from public.tags where name = '运动'`;
    const r = await api<{ matched: number }>(app, '/api/staff/bulk-tags', { token: li, body: { tagId: tag?.id, filter: { scope: 'store', storeId: ids.s1 } } });
    expect(r.body.matched).toBe(0);
    const bad = await api<Err>(app, '/api/staff/bulk-tags', { token: wang, body: { tagId: tag?.id, filter: { scope: 'everyone' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path)).toContain('filter.scope');
  });
});

describe('the card', () => {
  test('one timeline of orders, interactions and consents, newest first; reveal only for the owner, audited', async () => {
    const [m] = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} and order_count > 0 and phone_enc is not null limit 1`;
    if (!m) throw new Error('no member');
    const card = await api<{ timeline: { type: string; at: string }[]; canRevealPhone: boolean; lifetimeSpendFen: number }>(app, `/api/staff/customer?id=${m.id}`, { token: wang });
    expect(card.status).toBe(200);
    const types = new Set(card.body.timeline.map((t) => t.type));
    expect(types.has('order') && types.has('consent')).toBe(true);
    const ats = card.body.timeline.map((t) => t.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(card.body.canRevealPhone).toBe(true);

    const before = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where action = 'member.phone_reveal' and target_id = ${m.id}`;
    const reveal = await api<{ phone: string }>(app, '/api/staff/customer-phone', { token: wang, body: { memberId: m.id } });
    expect(reveal.status).toBe(200);
    expect(reveal.body.phone).toMatch(/^\+?86?1\d{10}$|^1\d{10}$/);
    const after = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where action = 'member.phone_reveal' and target_id = ${m.id}`;
    expect((after[0]?.n ?? 0) - (before[0]?.n ?? 0)).toBe(1);

    // The manager sees the card but is not the owner; 李娜 does not see the customer at all.
    const managerCard = await api<{ canRevealPhone: boolean }>(app, `/api/staff/customer?id=${m.id}`, { token: chen });
    expect(managerCard.body.canRevealPhone).toBe(false);
    expect((await api(app, '/api/staff/customer-phone', { token: chen, body: { memberId: m.id } })).status).toBe(403);
    expect((await api(app, '/api/staff/customer-phone', { token: li, body: { memberId: m.id } })).status).toBe(404);
  });

  test('reveals are rate-limited (20 an hour)', async () => {
    const [m] = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} and phone_enc is not null offset 1 limit 1`;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await api(app, '/api/staff/customer-phone', { token: wang, body: { memberId: m?.id } })).status);
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
  });
});

describe('today\'s to-do list', () => {
  test('birthdays today, due follow-ups (until handled), slipping-away customers, upcoming holidays', async () => {
    const today = localDate(new Date(), 'Asia/Shanghai');
    const [m] = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} order by member_no desc limit 1`;
    if (!m) throw new Error('no member');
    const [month, day] = today.slice(5).split('-').map(Number);
    await app.sql`update public.members set birthday_calendar = 'solar', birth_month = ${month ?? 1}, birth_day = ${day ?? 1}, birth_year = 1990 where id = ${m.id}`;
    await api(app, '/api/staff/interactions', { token: wang, body: { memberId: m.id, kind: 'chat', note: '今天回访', followUpOn: today } });

    type Todo = { today: string; birthdaysToday: { id: string }[]; followUps: { id: string }[]; slipping: { id: string }[]; holidays: { date: string }[] };
    const todo = await api<Todo>(app, '/api/staff/todo', { token: wang });
    expect(todo.status).toBe(200);
    expect(todo.body.today).toBe(today);
    expect(todo.body.birthdaysToday.map((b) => b.id)).toContain(m.id);
    expect(todo.body.followUps.map((f) => f.id)).toContain(m.id);
    expect(todo.body.holidays.every((h) => h.date >= today)).toBe(true);

    // Logging the follow-up clears it.
    await api(app, '/api/staff/interactions', { token: wang, body: { memberId: m.id, kind: 'call', note: '已回访' } });
    const later = await api<Todo>(app, '/api/staff/todo', { token: wang });
    expect(later.body.followUps.map((f) => f.id)).not.toContain(m.id);

    // Another associate's list never names 王芳's customers.
    const other = await api<Todo>(app, '/api/staff/todo', { token: li });
    expect(other.body.birthdaysToday.map((b) => b.id)).not.toContain(m.id);
  });

  test('follow-ups: due ones by date, each customer once (the latest follow-up set), a superseded one gone, none older than 30 days', async () => {
    const today = localDate(new Date(), 'Asia/Shanghai');
    const day = (n: number): string => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const ms = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} order by member_no limit 4`;
    const [a, b, c, d] = ms;
    if (!a || !b || !c || !d) throw new Error('no members');
    const log = (memberId: string, followUpOn?: string) =>
      api(app, '/api/staff/interactions', { token: wang, body: { memberId, kind: 'note', note: '跟进', ...(followUpOn ? { followUpOn } : {}) } });
    await log(a.id, day(-3));
    await log(b.id, day(-10));
    // c: an older follow-up superseded by a later one (the later one counts).
    await log(c.id, day(-20));
    await log(c.id, day(-1));
    // d: a follow-up handled by a later contact without one.
    await log(d.id, day(-2));
    await log(d.id);
    type Todo = { followUps: { id: string; followUpOn: string }[] };
    const todo = await api<Todo>(app, '/api/staff/todo', { token: wang });
    const mine = todo.body.followUps.filter((f) => [a.id, b.id, c.id, d.id].includes(f.id));
    expect(mine).toEqual([
      { id: b.id, followUpOn: day(-10) },
      { id: a.id, followUpOn: day(-3) },
      { id: c.id, followUpOn: day(-1) },
    ].map((x) => expect.objectContaining(x)));
    const dates = todo.body.followUps.map((f) => f.followUpOn);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(todo.body.followUps.map((f) => f.id)).size).toBe(todo.body.followUps.length);
    expect(dates.every((x) => x >= day(-30) && x <= today)).toBe(true);
  });

  test('a customer who bought every ~10 days and went quiet for 60 days is slipping away', async () => {
    const [m] = await app.sql<{ id: string; org_id: string }[]>`select id, org_id from public.members where associate_id = ${ids.wang} and order_count = 0 offset 3 limit 1`;
    if (!m) throw new Error('no member');
    const day = 86_400_000;
    for (const [i, back] of [80, 70, 60].entries()) {
      await app.sql`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${m.org_id}, ${m.id}, ${`SL-${m.id}-${i}`}, 100000, ${new Date(Date.now() - back * day)})`;
    }
    const todo = await api<{ slipping: { id: string }[] }>(app, '/api/staff/todo', { token: wang });
    expect(todo.body.slipping.map((s) => s.id)).toContain(m.id);
  });
});

describe('hand-over', () => {
  test('only managers hand over; the manager moves some customers, the customer sees the new associate, and undo restores exactly', async () => {
    const denied = await api(app, '/api/staff/handover', { token: wang, body: { fromStaffId: ids.wang, toStaffId: ids.zhang, reason: 'reassignment' } });
    expect(denied.status).toBe(403);

    const overview = await api<{ associates: { id: string; customerCount: number }[] }>(app, '/api/staff/handover', { token: chen });
    expect(overview.status).toBe(200);
    expect(overview.body.associates.map((a) => a.id)).toEqual(expect.arrayContaining([ids.wang, ids.zhang]));
    expect(overview.body.associates.map((a) => a.id)).not.toContain(ids.li);

    const two = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${ids.wang} order by member_no limit 2`;
    const some = await api<{ batchId: string; moved: number }>(app, '/api/staff/handover', {
      token: chen, body: { fromStaffId: ids.wang, toStaffId: ids.zhang, memberIds: two.map((m) => m.id), reason: 'reassignment' },
    });
    expect(some.status).toBe(201);
    expect(some.body.moved).toBe(2);
    const owners = await app.sql<{ associate_id: string }[]>`select associate_id from public.members where id = any (${two.map((m) => m.id)}::uuid[])`;
    expect(owners.every((o) => o.associate_id === ids.zhang)).toBe(true);
    const audit = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where action = 'customers.handover' and target_id = ${some.body.batchId}`;
    expect(audit[0]?.n).toBe(1);

    // To an associate of another store: refused, nothing moved.
    const cross = await api(app, '/api/staff/handover', { token: chen, body: { fromStaffId: ids.wang, toStaffId: ids.li, reason: 'leaving' } });
    expect(cross.status).toBe(404);

    const undo = await api<{ restored: number }>(app, '/api/staff/handover-undo', { token: chen, body: { batchId: some.body.batchId } });
    expect(undo.body.restored).toBe(2);
    const back = await app.sql<{ associate_id: string }[]>`select associate_id from public.members where id = any (${two.map((m) => m.id)}::uuid[])`;
    expect(back.every((o) => o.associate_id === ids.wang)).toBe(true);
    expect((await api(app, '/api/staff/handover-undo', { token: chen, body: { batchId: some.body.batchId } })).status).toBe(409);
  });

  test('a leaving associate: all customers move, the associate is deactivated and can do nothing at once', async () => {
    const [{ n: before } = { n: 0 }] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where associate_id = ${ids.zhang}`;
    const [{ n: wangHad } = { n: 0 }] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where associate_id = ${ids.wang}`;
    const r = await api<{ moved: number }>(app, '/api/staff/handover', { token: chen, body: { fromStaffId: ids.zhang, toStaffId: ids.wang, reason: 'leaving' } });
    expect(r.status).toBe(201);
    expect(r.body.moved).toBe(before);
    expect((await api(app, '/api/staff/staff-deactivate', { token: wang, body: { staffId: ids.zhang } })).status).toBe(403);
    expect((await api(app, '/api/staff/staff-deactivate', { token: chen, body: { staffId: ids.li } })).status).toBe(404);
    const d = await api<{ deactivated: boolean }>(app, '/api/staff/staff-deactivate', { token: chen, body: { staffId: ids.zhang } });
    expect(d.body.deactivated).toBe(true);
    expect((await api(app, '/api/staff/customers', { token: zhang })).status).toBe(403);
    const [{ n: wangHas } = { n: 0 }] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where associate_id = ${ids.wang}`;
    expect(wangHas).toBe(wangHad + before);
  });
});

describe('the operators\' tag taxonomy', () => {
  test('create a group and tags, retire one (customers keep it), merge a duplicate; associates cannot', async () => {
    expect((await api(app, '/api/console/tags', { token: wang })).status).toBe(403);
    expect((await api(app, '/api/console/tags', { token: wang, body: { kind: 'group', name: '季节' } })).status).toBe(403);

    const group = await api<{ id: string }>(app, '/api/console/tags', { token: operator, body: { kind: 'group', name: '季节偏好' } });
    expect(group.status).toBe(201);
    const bad = await api<Err>(app, '/api/console/tags', { token: operator, body: { kind: 'tag', groupId: group.body.id, name: '', color: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path)).toEqual(expect.arrayContaining(['name', 'color']));
    const summer = await api<{ id: string }>(app, '/api/console/tags', { token: operator, body: { kind: 'tag', groupId: group.body.id, name: '夏季', color: '#ff976a' } });
    const summer2 = await api<{ id: string }>(app, '/api/console/tags', { token: operator, body: { kind: 'tag', groupId: group.body.id, name: '夏天' } });
    const [a, b] = await app.sql<{ id: string }[]>`select id from public.members where store_id = ${ids.s1} order by member_no limit 2`;
    if (!a || !b) throw new Error('no members');
    for (const [m, t] of [[a.id, summer.body.id], [b.id, summer2.body.id], [a.id, summer2.body.id]] as const) {
      expect((await api(app, '/api/staff/member-tags', { token: wang, body: { memberId: m, tagId: t } })).status).toBe(200);
    }

    // Retire: no new tagging, but the customer keeps it on the card.
    expect((await api(app, '/api/console/tags-update', { token: operator, body: { kind: 'tag', id: summer.body.id, retired: true } })).status).toBe(200);
    expect((await api(app, '/api/staff/member-tags', { token: wang, body: { memberId: b.id, tagId: summer.body.id } })).status).toBe(404);
    const card = await api<{ tags: { id: string }[] }>(app, `/api/staff/customer?id=${a.id}`, { token: wang });
    expect(card.body.tags.map((t) => t.id)).toContain(summer.body.id);
    expect((await api(app, '/api/console/tags-update', { token: operator, body: { kind: 'tag', id: summer.body.id, retired: false } })).status).toBe(200);

    // Merge 夏天 into 夏季: both customers end with 夏季 exactly once; 夏天 is retired and points at 夏季.
    const merged = await api<{ moved: number }>(app, '/api/console/tags-merge', { token: operator, body: { fromTagId: summer2.body.id, intoTagId: summer.body.id } });
    expect(merged.status).toBe(200);
    expect(merged.body.moved).toBe(1);
    const rows = await app.sql<{ member_id: string; tag_id: string }[]>`
      select member_id, tag_id from public.member_tags where tag_id in (${summer.body.id}, ${summer2.body.id}) order by member_id`;
    expect(rows.map((r) => r.tag_id)).toEqual([summer.body.id, summer.body.id]);
    const [old] = await app.sql<{ merged_into_id: string; retired: boolean }[]>`select merged_into_id, retired_at is not null as retired from public.tags where id = ${summer2.body.id}`;
    expect(old).toEqual({ merged_into_id: summer.body.id, retired: true });
    expect((await api(app, '/api/console/tags-merge', { token: wang, body: { fromTagId: summer.body.id, intoTagId: summer2.body.id } })).status).toBe(403);
    const [size] = await app.sql<{ id: string }[]>`select id from public.tags where name = 'XL'`;
    const cross = await api<Err>(app, '/api/console/tags-merge', { token: operator, body: { fromTagId: summer.body.id, intoTagId: size?.id } });
    expect(cross.body.error.fields?.map((f) => f.path)).toContain('intoTagId');

    const list = await api<{ groups: { id: string; tags: { id: string; memberCount: number; mergedIntoId: string | null }[] }[] }>(app, '/api/console/tags', { token: operator });
    const g = list.body.groups.find((x) => x.id === group.body.id);
    expect(g?.tags.find((t) => t.id === summer.body.id)?.memberCount).toBe(2);
    expect(g?.tags.find((t) => t.id === summer2.body.id)?.mergedIntoId).toBe(summer.body.id);
  });
});

describe('message templates for the 1:1 greeting', () => {
  test('staff read the active templates with their keywords; members cannot', async () => {
    const r = await api<{ templates: { id: string; fields: { key: string }[] }[] }>(app, '/api/staff/message-templates', { token: wang });
    expect(r.status).toBe(200);
    const active = await app.sql<{ n: number }[]>`select count(*)::int as n from public.message_templates where active and channel = 'wechat_subscribe'`;
    expect(r.body.templates).toHaveLength(active[0]?.n ?? -1);
    const member = await loginAs(app, 'demo-member-1');
    expect((await api(app, '/api/staff/message-templates', { token: member })).status).toBe(403);
  });
});

describe('people who are not, or no longer, staff', () => {
  test('members and the deactivated associate get 403 from every workbench endpoint', async () => {
    const member = await loginAs(app, 'demo-member-1');
    const someone = ids.wang;
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/staff/customers?scope=mine'],
      ['GET', '/api/staff/todo'],
      ['GET', `/api/staff/customer?id=${someone}`],
      ['POST', '/api/staff/customer-phone', { memberId: someone }],
      ['POST', '/api/staff/bulk-tags', { tagId: someone, filter: { scope: 'store' } }],
      ['GET', '/api/staff/handover'],
      ['POST', '/api/staff/handover', { fromStaffId: ids.wang, toStaffId: ids.chen, reason: 'leaving' }],
      ['POST', '/api/staff/handover-undo', { batchId: someone }],
      ['POST', '/api/staff/staff-deactivate', { staffId: ids.wang }],
      ['GET', '/api/staff/message-templates'],
      ['GET', '/api/console/tags'],
      ['POST', '/api/console/tags', { kind: 'group', name: 'x' }],
      ['POST', '/api/console/tags-update', { kind: 'tag', id: someone, retired: true }],
      ['POST', '/api/console/tags-merge', { fromTagId: someone, intoTagId: ids.chen }],
    ];
    for (const token of [member, zhang]) {
      for (const [method, path, body] of calls) {
        const r = await api(app, path, { method, token, body });
        expect(`${method} ${path} ${r.status}`).toBe(`${method} ${path} 403`);
      }
    }
    expect((await api(app, '/api/staff/todo')).status).toBe(401);
  });
});
