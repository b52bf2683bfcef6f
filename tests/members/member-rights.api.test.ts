import type { StartedApp } from '../../server/start-app';
import { api, loginAs, phoneCode, startTestApp } from '../helpers/api-client';

// Issue 4 over real HTTP: joining through an associate's code, identity resolution, profile with
// a lunar birthday, consent ledger, subscriptions, the rate-limited phone exchange, the data
// export, correction requests for staff, and deletion; bad input everywhere stores nothing.
type Card = {
  id: string; memberNo: string; store: { name: string } | null; associate: { id: string; name: string } | null;
  phoneMasked: string | null; policyOutdated?: boolean; notice?: string; consents: { purpose: string; granted: boolean }[];
};
type Err = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
type Profile = { name: string | null; birthday: { calendar: string; year: number | null; month: number; day: number; leapMonth: boolean } | null; sensitiveConsent: boolean; preferences: string[]; regionCode: string | null };
type Ledger = { policyOutdated: boolean; current: { purpose: string; granted: boolean }[]; ledger: { purpose: string; granted: boolean; source: string }[] };
type Subs = { templates: { id: string; name: string; credits: number; lastDecision: string | null; askable: boolean }[] };

const VERSION = '2026-11-01';
const JOIN = { policyVersion: VERSION, agreeTerms: true, agreePrivacy: true };
let app: StartedApp;
let inviteA = '';
let unique = 0;
const fresh = (): Promise<string> => loginAs(app, `rights-${Date.now()}-${unique++}`);
const paths = (b: unknown): string[] => ((b as Err).error.fields ?? []).map((f) => f.path);

beforeAll(async () => {
  app = await startTestApp(50);
  const [row] = await app.sql<{ invite_code: string }[]>`
    select s.invite_code from public.staff s join public.accounts a on a.id = s.account_id where a.wx_openid = 'demo-associate-a'`;
  inviteA = row?.invite_code ?? '';
}, 120_000);
afterAll(async () => {
  await app.close();
});

const memberCount = async (): Promise<number> => Number((await app.sql<{ n: string }[]>`select count(*) as n from public.members`)[0]?.n);

describe('joining through a code', () => {
  test('the associate gets a stable join code and a QR of the mini-program path with scene a=<code>', async () => {
    const token = await loginAs(app, 'demo-associate-a');
    const r = await api<{ inviteCode: string; scene: string; path: string; qrDataUrl: string }>(app, '/api/member/invite-qr', { token });
    expect(r.status).toBe(200);
    expect(r.body.inviteCode).toBe(inviteA);
    expect(r.body.scene).toBe(`a=${inviteA}`);
    expect(r.body.scene.length).toBeLessThanOrEqual(32);
    expect(r.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const again = await api<{ inviteCode: string }>(app, '/api/member/invite-qr', { token });
    expect(again.body.inviteCode).toBe(inviteA);
  });

  test('a member has no join code', async () => {
    const token = await loginAs(app, 'demo-member-1');
    expect((await api(app, '/api/member/invite-qr', { token })).status).toBe(403);
  });

  test('joining with an associate code attributes the member to that associate and their store', async () => {
    const token = await fresh();
    const r = await api<Card>(app, '/api/member/join', { token, body: { ...JOIN, inviteCode: inviteA.toLowerCase() } });
    expect(r.status).toBe(200);
    expect(r.body.associate?.name).toBe('王芳');
    expect(r.body.store?.name).toBe('上海南京西路旗舰店');
    const [m] = await app.sql<{ join_channel: string }[]>`select join_channel from public.members where id = ${r.body.id}`;
    expect(m?.join_channel).toBe('associate_qr');
    // Joining again (even with another code) keeps the first attribution and the same member.
    const again = await api<Card>(app, '/api/member/join', { token, body: { ...JOIN, storeCode: 'S002' } });
    expect(again.body.id).toBe(r.body.id);
    expect(again.body.associate?.name).toBe('王芳');
  });

  test('joining with no code attributes to no one', async () => {
    const r = await api<Card>(app, '/api/member/join', { token: await fresh(), body: JOIN });
    expect(r.status).toBe(200);
    expect(r.body.associate).toBeNull();
    expect(r.body.store).toBeNull();
  });

  test.each([
    ['an unknown invite code', { inviteCode: 'NOSUCH99' }, 'inviteCode', 400],
    ['a malformed invite code', { inviteCode: 'a=1' }, 'inviteCode', 400],
    ['a store the associate does not work in', { inviteCode: 'WANGFANG', storeCode: 'S002' }, 'storeCode', 400],
    ['an unknown store', { storeCode: 'S999' }, 'storeCode', 400],
    ['a client-sent associate id', { associateId: '00000000-0000-0000-0000-000000000000' }, 'associateId', 400],
  ] as [string, Record<string, string>, string, number][])('%s is refused naming the field, and no member is made', async (_name, extra, field, status) => {
    const before = await memberCount();
    // 'WANGFANG' stands for associate A's real code (read in beforeAll).
    const body = { ...JOIN, ...extra, ...(extra.inviteCode === 'WANGFANG' ? { inviteCode: inviteA } : {}) };
    const r = await api(app, '/api/member/join', { token: await fresh(), body });
    expect(r.status).toBe(status);
    expect(paths(r.body)).toContain(field);
    expect(await memberCount()).toBe(before);
  });

  test('the same unionid resolves to the existing member instead of making a second one', async () => {
    // A member imported with a unionid but no account: the WeChat user with that unionid joins.
    const [org] = await app.sql<{ id: string }[]>`select id from public.orgs limit 1`;
    const unionid = `union-${Date.now()}`;
    const [m] = await app.sql<{ id: string }[]>`insert into public.members (org_id, name, join_channel) values (${org?.id ?? null}, '导入会员', 'import') returning id`;
    await app.sql`insert into public.member_identities (org_id, kind, value, member_id) values (${org?.id ?? null}, 'unionid', ${unionid}, ${m?.id ?? null})`;
    const openid = `u-${Date.now()}`;
    const code = await api<{ code: string }>(app, '/wx-sim/dev/login-code', { body: { appid: app.demo.appId, openid, unionid } });
    expect(code.status).toBe(200);
    const login = await api<{ token: string }>(app, '/api/auth/wx-login', { body: { code: code.body.code, appId: app.demo.appId } });
    const r = await api<Card>(app, '/api/member/join', { token: login.body.token, body: JOIN });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(m?.id);
    expect(r.body.notice).toMatch(/原有会员/);
  });
});

describe('phone number', () => {
  test('a number that belongs to a till-joined member folds this account into that membership, explained', async () => {
    const [org] = await app.sql<{ id: string }[]>`select id from public.orgs limit 1`;
    const token = await fresh();
    const joined = await api<Card>(app, '/api/member/join', { token, body: JOIN });
    // The till member: first bind the number to a throwaway app member, then detach the account.
    const number = `137${String(Date.now()).slice(-8)}`;
    const other = await fresh();
    const otherCard = await api<Card>(app, '/api/member/join', { token: other, body: JOIN });
    expect((await api(app, '/api/member/phone', { token: other, body: { code: await phoneCode(app, number) } })).status).toBe(200);
    await app.sql`update public.members set account_id = null where org_id = ${org?.id ?? null} and id = ${otherCard.body.id}`;

    const r = await api<Card>(app, '/api/member/phone', { token, body: { code: await phoneCode(app, number) } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(otherCard.body.id);
    expect(r.body.memberNo).toBe(otherCard.body.memberNo);
    expect(r.body.notice).toMatch(/合并/);
    expect(await app.sql`select 1 from public.members where id = ${joined.body.id}`).toHaveLength(0);
    const audit = await app.sql<{ detail: { rule: string } }[]>`select detail from public.audit_log where action = 'member.merged' and target_id = ${otherCard.body.id}`;
    expect(audit[0]?.detail.rule).toBe('phone');
  });

  test('a number of another WeChat account\'s membership is refused (409), nothing changes', async () => {
    const number = `136${String(Date.now()).slice(-8)}`;
    const a = await fresh();
    await api(app, '/api/member/join', { token: a, body: JOIN });
    await api(app, '/api/member/phone', { token: a, body: { code: await phoneCode(app, number) } });
    const b = await fresh();
    await api(app, '/api/member/join', { token: b, body: JOIN });
    const r = await api<Err>(app, '/api/member/phone', { token: b, body: { code: await phoneCode(app, number) } });
    expect(r.status).toBe(409);
    expect((await api<Card>(app, '/api/member/card', { token: b })).body.phoneMasked).toBeNull();
  });

  test('the exchange is rate-limited per account (5 attempts an hour), before WeChat is called', async () => {
    const token = await fresh();
    await api(app, '/api/member/join', { token, body: JOIN });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api(app, '/api/member/phone', { token, body: { code: `bogus-code-${i}` } })).status);
    expect(statuses.slice(0, 5).every((s) => s === 400)).toBe(true);
    expect(statuses[5]).toBe(429);
    // Another account is not affected.
    const other = await fresh();
    await api(app, '/api/member/join', { token: other, body: JOIN });
    expect((await api(app, '/api/member/phone', { token: other, body: { code: 'bogus' } })).status).toBe(400);
  });
});

describe('profile', () => {
  let token = '';
  beforeAll(async () => {
    token = await fresh();
    await api(app, '/api/member/join', { token, body: JOIN });
  });

  test('a lunar birthday in a leap month, with the sensitive-data consent, is stored and in the ledger', async () => {
    // 2023 has a leap 2nd month (闰二月) with 29 days.
    const r = await api<Profile>(app, '/api/member/profile', {
      token, 
      body: { name: '林月', birthday: { calendar: 'lunar', year: 1990, month: 5, day: 15 }, sensitiveConsent: true, gender: 'female', regionCode: '310101', preferences: ['通勤', '羊绒'] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: '林月', birthday: { calendar: 'lunar', year: 1990, month: 5, day: 15, leapMonth: false }, sensitiveConsent: true, regionCode: '310101', preferences: ['通勤', '羊绒'] });
    const leap = await api<Profile>(app, '/api/member/profile', { token, body: { birthday: { calendar: 'lunar', month: 2, day: 30, leapMonth: true }, sensitiveConsent: true } });
    expect(leap.status).toBe(200);
    expect(leap.body.birthday).toEqual({ calendar: 'lunar', year: null, month: 2, day: 30, leapMonth: true });
  });

  test.each([
    ['a leap month the year does not have', { birthday: { calendar: 'lunar', year: 2024, month: 3, day: 1, leapMonth: true }, sensitiveConsent: true }, 'birthday.leapMonth'],
    ['lunar day 30 of a 29-day month', { birthday: { calendar: 'lunar', year: 2023, month: 2, day: 30, leapMonth: true }, sensitiveConsent: true }, 'birthday.day'],
    ['lunar day 31', { birthday: { calendar: 'lunar', month: 1, day: 31 }, sensitiveConsent: true }, 'birthday.day'],
    ['February 30', { birthday: { calendar: 'solar', month: 2, day: 30 }, sensitiveConsent: true }, 'birthday.day'],
    ['29 February of a common year', { birthday: { calendar: 'solar', year: 1991, month: 2, day: 29 }, sensitiveConsent: true }, 'birthday.day'],
    ['month 13', { birthday: { calendar: 'solar', month: 13, day: 1 }, sensitiveConsent: true }, 'birthday.month'],
    ['a birthday in the future', { birthday: { calendar: 'solar', year: 2099, month: 1, day: 1 }, sensitiveConsent: true }, 'birthday.year'],
    ['a birthday without the sensitive-data consent', { birthday: { calendar: 'solar', month: 1, day: 1 } }, 'sensitiveConsent'],
    ['an under-14 birthday without a guardian', { birthday: { calendar: 'solar', year: 2020, month: 1, day: 1 }, sensitiveConsent: true }, 'guardianConsent'],
    ['a 5-digit region', { regionCode: '31010' }, 'regionCode'],
    ['eleven preferences', { preferences: Array.from({ length: 11 }, (_, i) => `p${i}`) }, 'preferences'],
    ['an empty name', { name: '  ' }, 'name'],
    ['an unknown gender', { gender: 'x' }, 'gender'],
    ['an unknown field', { tier: 'gold' }, 'tier'],
  ])('%s (%j) is refused naming %s, and nothing changes', async (_n, body, field) => {
    const before = await api<Profile>(app, '/api/member/profile', { token });
    const r = await api<Err>(app, '/api/member/profile', { token, body: { ...body, name: (body as { name?: string }).name ?? '改名了' } });
    expect(r.status).toBe(400);
    expect(paths(r.body)).toContain(field);
    expect((await api<Profile>(app, '/api/member/profile', { token })).body).toEqual(before.body);
  });

  test('an under-14 member with a guardian\'s consent is accepted and the guardian consent is recorded', async () => {
    const child = await fresh();
    await api(app, '/api/member/join', { token: child, body: JOIN });
    const r = await api(app, '/api/member/profile', { token: child, body: { birthday: { calendar: 'solar', year: 2020, month: 6, day: 1 }, sensitiveConsent: true, guardianConsent: true } });
    expect(r.status).toBe(200);
    const ledger = await api<Ledger>(app, '/api/member/consents', { token: child });
    expect(ledger.body.current.find((c) => c.purpose === 'guardian')?.granted).toBe(true);
  });
});

describe('consent ledger', () => {
  test('withdrawing marketing is one call, a new ledger row, effective at once; sensitive data withdrawal erases the birthday', async () => {
    const token = await fresh();
    const card = await api<Card>(app, '/api/member/join', { token, body: { ...JOIN, marketing: true } });
    await api(app, '/api/member/profile', { token, body: { birthday: { calendar: 'solar', month: 3, day: 8 }, sensitiveConsent: true } });
    const r = await api<Ledger>(app, '/api/member/consents', { token, body: { purpose: 'marketing', granted: false, policyVersion: VERSION } });
    expect(r.status).toBe(200);
    expect(r.body.current.find((c) => c.purpose === 'marketing')?.granted).toBe(false);
    expect(r.body.ledger.filter((c) => c.purpose === 'marketing').map((c) => c.granted)).toEqual([false, true]);
    const [inForce] = await app.sql<{ v: boolean }[]>`
      select private.consent_in_force(org_id, id, 'marketing') as v from public.members where id = ${card.body.id}`;
    expect(inForce?.v).toBe(false);
    await api(app, '/api/member/consents', { token, body: { purpose: 'sensitive_data', granted: false, policyVersion: VERSION } });
    expect((await api<Profile>(app, '/api/member/profile', { token })).body.birthday).toBeNull();
    // Personalised recommendations are off until chosen (the non-personalised default).
    const p = await api<Ledger>(app, '/api/member/consents', { token, body: { purpose: 'personalization', granted: true, policyVersion: VERSION } });
    expect(p.body.current.find((c) => c.purpose === 'personalization')?.granted).toBe(true);
  });

  test('a consent given under an older policy version is flagged so the app asks again, and re-agreeing clears it', async () => {
    const token = await fresh();
    const card = await api<Card>(app, '/api/member/join', { token, body: JOIN });
    expect(card.body.policyOutdated).toBe(false);
    await app.sql`update public.consents set policy_version = '2025-01-01' where member_id = ${card.body.id}`;
    expect((await api<Card>(app, '/api/member/card', { token })).body.policyOutdated).toBe(true);
    const r = await api<Ledger>(app, '/api/member/consents', { token, body: { purpose: 'privacy_policy', granted: true, policyVersion: VERSION } });
    expect(r.body.policyOutdated).toBe(false);
  });

  test.each([
    [{ purpose: 'privacy_policy', granted: false, policyVersion: VERSION }, 'granted', 400],
    [{ purpose: 'membership_terms', granted: false, policyVersion: VERSION }, 'purpose', 400],
    [{ purpose: 'marketing', granted: 'no', policyVersion: VERSION }, 'granted', 400],
    [{ purpose: 'marketing', granted: false, policyVersion: '2020-01-01' }, 'policyVersion', 409],
  ])('bad decision %j is refused naming %s, no ledger row', async (body, field, status) => {
    const token = await fresh();
    const card = await api<Card>(app, '/api/member/join', { token, body: JOIN });
    const before = (await app.sql`select 1 from public.consents where member_id = ${card.body.id}`).length;
    const r = await api(app, '/api/member/consents', { token, body });
    expect(r.status).toBe(status);
    expect(paths(r.body)).toContain(field);
    expect((await app.sql`select 1 from public.consents where member_id = ${card.body.id}`).length).toBe(before);
  });
});

describe('subscriptions', () => {
  test('each accept adds one credit per template; reject and ban are stored, ban stops asking', async () => {
    const token = await fresh();
    await api(app, '/api/member/join', { token, body: JOIN });
    const list = await api<Subs>(app, '/api/member/subscriptions', { token });
    expect(list.body.templates.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = list.body.templates.map((t) => t.id) as [string, string, string];
    await api(app, '/api/member/subscriptions', { token, body: { answers: { [a]: 'accept', [b]: 'accept', [c]: 'reject' } } });
    const r = await api<Subs>(app, '/api/member/subscriptions', { token, body: { answers: { [a]: 'accept', [b]: 'ban' } } });
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.templates.map((t) => [t.id, t]));
    expect(by[a]).toMatchObject({ credits: 2, lastDecision: 'accept', askable: true });
    expect(by[b]).toMatchObject({ credits: 1, lastDecision: 'ban', askable: false });
    expect(by[c]).toMatchObject({ credits: 0, lastDecision: 'reject', askable: true });
  });

  test.each([
    [{ answers: {} }, 'answers'],
    [{ answers: { 'not-a-uuid': 'accept' } }, 'answers.not-a-uuid'],
    [{ answers: { '00000000-0000-4000-8000-000000000000': 'accept' } }, 'answers'],
    [{ answers: { '00000000-0000-4000-8000-000000000000': 'maybe' } }, 'answers.00000000-0000-4000-8000-000000000000'],
    [{ answers: {}, credits: 99 }, 'credits'],
  ])('bad answers %j are refused naming %s, no credit is stored', async (body, field) => {
    const token = await fresh();
    const card = await api<Card>(app, '/api/member/join', { token, body: JOIN });
    const r = await api(app, '/api/member/subscriptions', { token, body });
    expect(r.status).toBe(400);
    expect(paths(r.body)).toContain(field);
    expect(await app.sql`select 1 from public.subscription_credits where member_id = ${card.body.id}`).toHaveLength(0);
  });
});

describe('rights: access, export, correction requests, deletion', () => {
  test('the export holds everything with a readable summary, and each request is logged', async () => {
    const token = await fresh();
    await api(app, '/api/member/join', { token, body: { ...JOIN, inviteCode: inviteA, name: '导出者' } });
    const r = await api<{ data: { member: { name: string; associate: string }; account: { wechatOpenid: string }; consents: unknown[] }; summary: string }>(app, '/api/member/data?purpose=export', { token });
    expect(r.status).toBe(200);
    expect(r.body.data.member).toMatchObject({ name: '导出者', associate: '王芳' });
    expect(r.body.data.account.wechatOpenid).toMatch(/^rights-/);
    expect(r.body.data.consents.length).toBeGreaterThanOrEqual(3);
    expect(r.body.summary).toMatch(/导出者/);
    const reqs = await api<{ items: { kind: string; status: string }[] }>(app, '/api/member/privacy-requests', { token });
    expect(reqs.body.items[0]).toMatchObject({ kind: 'export', status: 'completed' });
    expect((await api(app, '/api/member/data?purpose=steal', { token })).status).toBe(400);
  });

  test('a correction request is due in 15 working days and shows up for admins only; an admin resolves it', async () => {
    const token = await fresh();
    await api(app, '/api/member/join', { token, body: JOIN });
    const created = await api<{ id: string; status: string; dueOn: string }>(app, '/api/member/privacy-requests', { token, body: { kind: 'correction', detail: '订单 D000001 的金额不对' } });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');
    const daysAhead = (Date.parse(created.body.dueOn) - Date.now()) / 86400000;
    expect(daysAhead).toBeGreaterThan(18);
    expect(daysAhead).toBeLessThan(23);
    const admin = await loginAs(app, 'demo-admin');
    const due = await api<{ items: { id: string }[] }>(app, '/api/member/privacy-requests?scope=due', { token: admin });
    expect(due.body.items.map((i) => i.id)).toContain(created.body.id);
    for (const who of ['demo-associate-a', 'demo-operator']) {
      expect((await api(app, '/api/member/privacy-requests?scope=due', { token: await loginAs(app, who) })).status).toBe(403);
    }
    expect((await api(app, '/api/member/privacy-requests?scope=due', { token })).status).toBe(403);
    expect((await api(app, '/api/member/privacy-request-resolve', { token, body: { id: created.body.id, status: 'completed', outcome: 'fixed' } })).status).toBe(403);
    const resolved = await api<{ status: string }>(app, '/api/member/privacy-request-resolve', { token: admin, body: { id: created.body.id, status: 'completed', outcome: '已更正订单金额' } });
    expect(resolved.body.status).toBe('completed');
    expect((await api(app, '/api/member/privacy-request-resolve', { token: admin, body: { id: created.body.id, status: 'completed', outcome: 'again' } })).status).toBe(404);
    for (const body of [{ kind: 'correction', detail: 'x' }, { kind: 'deletion', detail: 'please delete' }, { kind: 'correction', detail: '订单金额不对', dueOn: '2020-01-01' }]) {
      expect((await api(app, '/api/member/privacy-requests', { token, body })).status).toBe(400);
    }
  });

  test('deleting the account erases the person at once; orders stay anonymised; the associate no longer sees them', async () => {
    const token = await fresh();
    const card = await api<Card>(app, '/api/member/join', { token, body: { ...JOIN, inviteCode: inviteA, name: '将注销' } });
    await api(app, '/api/member/phone', { token, body: { code: await phoneCode(app, `135${String(Date.now()).slice(-8)}`) } });
    await api(app, '/api/member/profile', { token, body: { birthday: { calendar: 'solar', year: 1990, month: 1, day: 2 }, sensitiveConsent: true } });
    const [org] = await app.sql<{ id: string }[]>`select id from public.orgs limit 1`;
    await app.sql`insert into public.orders (org_id, member_id, order_no, total_fen, ordered_at) values (${org?.id ?? null}, ${card.body.id}, ${`DEL-${Date.now()}`}, 1000, now())`;
    // A greeting queued for the member (greetings engine's outbox): cancelled and scrubbed.
    const [tpl] = await app.sql<{ id: string }[]>`select id from public.message_templates where org_id = ${org?.id ?? null} limit 1`;
    await app.sql`insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, data)
      values (${org?.id ?? null}, ${card.body.id}, ${`manual:${tpl?.id ?? ''}`}, current_date, ${tpl?.id ?? null}, ${app.sql.json({ thing1: '将注销，生日快乐' })})`;
    const assoc = await loginAs(app, 'demo-associate-a');
    expect((await api(app, `/api/staff/customer?id=${card.body.id}`, { token: assoc })).status).toBe(200);

    expect((await api(app, '/api/member/delete', { token, body: { confirm: 'yes' } })).status).toBe(400);
    const del = await api<{ deleted: boolean }>(app, '/api/member/delete', { token, body: { confirm: '注销' } });
    expect(del.status).toBe(200);

    const [m] = await app.sql<Record<string, unknown>[]>`select * from public.members where id = ${card.body.id}`;
    expect(m).toMatchObject({ name: null, phone_enc: null, phone_hash: null, phone_last4: null, birth_year: null, account_id: null, associate_id: null });
    expect(m?.deleted_at).not.toBeNull();
    expect(await app.sql`select 1 from public.member_identities where member_id = ${card.body.id}`).toHaveLength(0);
    expect(await app.sql`select 1 from public.consents where member_id = ${card.body.id}`).toHaveLength(0);
    expect(await app.sql`select 1 from public.orders where member_id = ${card.body.id}`).toHaveLength(1);
    expect(await app.sql`select status, data from public.greeting_sends where member_id = ${card.body.id}`).toEqual([{ status: 'skipped', data: null }]);
    const audit = await app.sql<{ detail: unknown }[]>`select detail from public.audit_log where action = 'member.erased' and target_id = ${card.body.id}`;
    expect(JSON.stringify(audit)).not.toMatch(/将注销|1990/);
    expect((await api(app, `/api/staff/customer?id=${card.body.id}`, { token: assoc })).status).toBe(404);
    expect((await api(app, '/api/member/card', { token })).status).toBe(404);
    expect((await api(app, '/api/member/delete', { token, body: { confirm: '注销' } })).status).toBe(404);
  });
});

describe('anonymous callers', () => {
  test.each(['/api/member/profile', '/api/member/consents', '/api/member/subscriptions', '/api/member/data', '/api/member/privacy-requests', '/api/member/invite-qr'])('%s needs a sign-in', async (path) => {
    expect((await api(app, path)).status).toBe(401);
  });
});
