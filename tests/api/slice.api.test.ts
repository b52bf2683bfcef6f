import type { StartedApp } from '../../server/start-app';
import { api, loginAs, phoneCode, startTestApp } from '../helpers/api-client';

// The foundation slice over real HTTP: a member joins store S001 and shares a phone number; an
// associate of S001 finds, tags and logs them; the associate of S002 cannot reach them at all.
type Card = { id: string; memberNo: string; phone: string | null; phoneMasked: string | null; store: { name: string } | null; consents: { purpose: string; granted: boolean; policyVersion: string }[] };
type List = { items: { id: string; name: string | null; phoneMasked: string | null }[]; nextCursor: string | null };
type CustomerCard = { id: string; phoneMasked: string | null; tags: { id: string }[]; interactions: { note: string; staffName: string | null }[] };
type Taxonomy = { groups: { id: string; name: string; selection: string; tags: { id: string; name: string }[] }[] };

let app: StartedApp;
let memberToken: string;
let memberId: string;
let assocA: string;
let assocB: string;

beforeAll(async () => {
  app = await startTestApp();
  memberToken = await loginAs(app, `e2e-member-${Date.now()}`);
  assocA = await loginAs(app, 'demo-associate-a');
  assocB = await loginAs(app, 'demo-associate-b');
});
afterAll(async () => {
  await app.close();
});

describe('a member joins', () => {
  test('before joining there is no card', async () => {
    const r = await api(app, '/api/member/card', { token: memberToken });
    expect(r.status).toBe(404);
  });

  test('joining without agreeing to the privacy policy is refused, naming the field, and stores nothing', async () => {
    const r = await api<{ error: { fields: { path: string }[] } }>(app, '/api/member/join', {
      token: memberToken,
      body: { policyVersion: '2026-11-01', agreeTerms: true, agreePrivacy: false },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.map((f) => f.path)).toContain('agreePrivacy');
    expect((await api(app, '/api/member/card', { token: memberToken })).status).toBe(404);
  });

  test('an outdated policy version is refused with 409', async () => {
    const r = await api(app, '/api/member/join', { token: memberToken, body: { policyVersion: '2020-01-01', agreeTerms: true, agreePrivacy: true } });
    expect(r.status).toBe(409);
  });

  test('joining records each consent with the policy version, and joining twice gives the same member', async () => {
    const body = { policyVersion: '2026-11-01', agreeTerms: true, agreePrivacy: true, marketing: true, name: '端到端', storeCode: 'S001' };
    const first = await api<Card>(app, '/api/member/join', { token: memberToken, body });
    expect(first.status).toBe(200);
    const second = await api<Card>(app, '/api/member/join', { token: memberToken, body });
    expect(second.body.id).toBe(first.body.id);
    memberId = first.body.id;
    expect(first.body.store?.name).toBe('上海南京西路旗舰店');
    const purposes = Object.fromEntries(first.body.consents.map((c) => [c.purpose, c]));
    expect(purposes.privacy_policy).toMatchObject({ granted: true, policyVersion: '2026-11-01' });
    expect(purposes.membership_terms).toMatchObject({ granted: true });
    expect(purposes.marketing).toMatchObject({ granted: true });
  });

  test('the phone number is exchanged by code, stored encrypted, shown in full only to the member', async () => {
    const code = await phoneCode(app, '13712345678');
    const r = await api<Card>(app, '/api/member/phone', { token: memberToken, body: { code } });
    expect(r.status).toBe(200);
    expect(r.body.phone).toBe('+8613712345678');
    expect(r.body.phoneMasked).toBe('137****5678');
    const [row] = await app.sql<{ phone_enc: string; phone_last4: string }[]>`select phone_enc, phone_last4 from public.members where id = ${memberId}`;
    expect(row?.phone_enc).toMatch(/^v1:k1:/);
    expect(row?.phone_enc).not.toContain('13712345678');
    expect(row?.phone_last4).toBe('5678');
  });

  test('a used phone code is refused and a second exchange is not attempted', async () => {
    const code = await phoneCode(app, '13712345678');
    const r = await api(app, '/api/member/phone', { token: memberToken, body: { code } });
    expect(r.status).toBe(409);
  });

  test('a member cannot use the staff endpoints', async () => {
    expect((await api(app, '/api/staff/customers', { token: memberToken })).status).toBe(403);
    expect((await api(app, `/api/staff/customer?id=${memberId}`, { token: memberToken })).status).toBe(403);
  });
});

describe('the associate of the member\'s store', () => {
  test.each([
    ['last 4 digits', '5678'],
    ['name prefix', '端到'],
    ['pinyin initials', 'dd'],
    ['full pinyin', 'duandaoduan'],
  ])('finds the member by %s', async (_label, q) => {
    const r = await api<List>(app, `/api/staff/customers?q=${encodeURIComponent(q)}`, { token: assocA });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i) => i.id)).toContain(memberId);
    const hit = r.body.items.find((i) => i.id === memberId);
    expect(hit?.phoneMasked).toBe('137****5678');
  });

  test('pages through the store by cursor without repeats', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let page = 0; page < 4; page++) {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const r: { status: number; body: List } = await api<List>(app, `/api/staff/customers?limit=10${q}`, { token: assocA });
      expect(r.status).toBe(200);
      for (const item of r.body.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.size).toBe(40);
  });

  test('a tampered cursor is a 400 naming the cursor', async () => {
    const r = await api<{ error: { fields: { path: string }[] } }>(app, '/api/staff/customers?cursor=garbage', { token: assocA });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0]?.path).toBe('cursor');
  });

  test('opens the card with the masked phone only', async () => {
    const r = await api<CustomerCard & Record<string, unknown>>(app, `/api/staff/customer?id=${memberId}`, { token: assocA });
    expect(r.status).toBe(200);
    expect(r.body.phoneMasked).toBe('137****5678');
    expect(JSON.stringify(r.body)).not.toContain('13712345678');
  });

  test('adds and removes a tag; a single-choice group keeps one tag', async () => {
    const tax = await api<Taxonomy>(app, '/api/staff/tags', { token: assocA });
    const size = tax.body.groups.find((g) => g.selection === 'single');
    const [s, m] = size?.tags ?? [];
    if (!s || !m) throw new Error('demo taxonomy has a single-choice group with two tags');
    expect((await api(app, '/api/staff/member-tags', { token: assocA, body: { memberId, tagId: s.id } })).status).toBe(200);
    expect((await api(app, '/api/staff/member-tags', { token: assocA, body: { memberId, tagId: m.id } })).status).toBe(200);
    let card = await api<CustomerCard>(app, `/api/staff/customer?id=${memberId}`, { token: assocA });
    expect(card.body.tags.map((t) => t.id)).toEqual([m.id]);
    const del = await api(app, `/api/staff/member-tags?memberId=${memberId}&tagId=${m.id}`, { method: 'DELETE', token: assocA });
    expect(del.status).toBe(200);
    card = await api<CustomerCard>(app, `/api/staff/customer?id=${memberId}`, { token: assocA });
    expect(card.body.tags).toEqual([]);
  });

  test('logs an interaction that appears on the card with their name', async () => {
    const r = await api(app, '/api/staff/interactions', { token: assocA, body: { memberId, kind: 'visit', note: '到店试穿', followUpOn: '2026-12-01' } });
    expect(r.status).toBe(201);
    const card = await api<CustomerCard>(app, `/api/staff/customer?id=${memberId}`, { token: assocA });
    expect(card.body.interactions[0]).toMatchObject({ note: '到店试穿', staffName: '王芳' });
  });

  test.each([
    [{ memberId: 'x', kind: 'visit', note: 'n' }, 'memberId'],
    [{ kind: 'visit', note: 'n' }, 'memberId'],
    [{ memberId: '00000000-0000-4000-8000-000000000000', kind: 'dance', note: 'n' }, 'kind'],
    [{ memberId: '00000000-0000-4000-8000-000000000000', kind: 'visit', note: '   ' }, 'note'],
    [{ memberId: '00000000-0000-4000-8000-000000000000', kind: 'visit', note: 'n', extra: 1 }, 'extra'],
    [{ memberId: '00000000-0000-4000-8000-000000000000', kind: 'visit', note: 'n', followUpOn: '2026-13-45' }, 'followUpOn'],
  ])('bad interaction input %j is a 400 naming %s', async (body, field) => {
    const r = await api<{ error: { fields: { path: string }[] } }>(app, '/api/staff/interactions', { token: assocA, body });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.map((f) => f.path)).toContain(field);
  });
});

describe('the associate of another store', () => {
  test('does not find the member in lists or searches', async () => {
    for (const q of ['5678', '端到', '']) {
      const r = await api<List>(app, `/api/staff/customers${q ? `?q=${encodeURIComponent(q)}` : ''}`, { token: assocB });
      expect(r.body.items.map((i) => i.id)).not.toContain(memberId);
    }
  });

  test('asking for store S001 explicitly returns nothing', async () => {
    const [s1] = await app.sql<{ id: string }[]>`select id from public.stores where code = 'S001'`;
    const r = await api<List>(app, `/api/staff/customers?storeId=${s1?.id}`, { token: assocB });
    expect(r.body.items).toEqual([]);
  });

  test.each([
    ['open the card', 'GET', `/api/staff/customer?id=MEMBER`, undefined],
    ['tag the member', 'POST', '/api/staff/member-tags', { memberId: 'MEMBER', tagId: 'TAG' }],
    ['untag the member', 'DELETE', '/api/staff/member-tags?memberId=MEMBER&tagId=TAG', undefined],
    ['log an interaction', 'POST', '/api/staff/interactions', { memberId: 'MEMBER', kind: 'note', note: 'x' }],
  ])('cannot %s: 404, and nothing changes', async (_label, method, path, body) => {
    const [tag] = await app.sql<{ id: string }[]>`select id from public.tags limit 1`;
    const fill = (s: string): string => s.replace('MEMBER', memberId).replace('TAG', tag?.id ?? '');
    const before = await app.sql<{ n: number }[]>`select (select count(*) from public.interactions where member_id = ${memberId})::int + (select count(*) from public.member_tags where member_id = ${memberId})::int as n`;
    const r = await api(app, fill(path), { method, token: assocB, body: body ? JSON.parse(fill(JSON.stringify(body))) : undefined });
    expect(r.status).toBe(404);
    const after = await app.sql<{ n: number }[]>`select (select count(*) from public.interactions where member_id = ${memberId})::int + (select count(*) from public.member_tags where member_id = ${memberId})::int as n`;
    expect(after[0]?.n).toBe(before[0]?.n);
  });
});
