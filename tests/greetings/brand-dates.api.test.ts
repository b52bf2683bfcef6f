import { addDays, localDate } from '../../shared/domain/birthday';
import type { StartedApp } from '../../server/start-app';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// Store opening dates, store anniversaries, recurring campaigns and WeChat content security over
// real HTTP, against the demo data and the WeChat simulator mounted at /wx-sim.
type Upcoming = { date: string; storeName: string | null; years: number | null };
type Campaign = { id: string; status: string; kind: string; nextOccasion: string | null; recurrence: unknown; repeatUntil: string | null; upcoming: Upcoming[] };
type Overview = { campaigns: Campaign[]; templates: { id: string; purpose: string }[]; storesWithOpeningDate: number };
type Store = { id: string; code: string; openedOn: string | null; nextAnniversary: { date: string; years: number } | null };
type DryRun = { occasionDate: string; audience: number; willReceive: number; skipped: Record<string, number>; preview: { data: Record<string, string> }[] };
type Stats = { days: { date: string; planned: number; sent: number }[] };
type Err = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

const CRON = { authorization: 'Bearer test-cron-secret-0123456789' };
let app: StartedApp;
let admin: string;
let operator: string;
let assocA: string;
let templates: Overview['templates'];
let today: string;

beforeAll(async () => {
  process.env.CRON_SECRET = 'test-cron-secret-0123456789';
  app = await startTestApp();
  [admin, operator, assocA] = await Promise.all([loginAs(app, 'demo-admin'), loginAs(app, 'demo-operator'), loginAs(app, 'demo-associate-a')]);
  templates = (await api<Overview>(app, '/api/console/greetings', { token: operator })).body.templates;
  today = localDate(new Date(), 'Asia/Shanghai');
  await app.sql`update public.greeting_settings set quiet_start = '00:00', quiet_end = '00:00' where org_id = ${app.demo.orgId}`;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const tpl = (purpose: string) => templates.find((t) => t.purpose === purpose)!;
const stores = async (token = admin) => api<{ stores: Store[]; canEdit: boolean }>(app, '/api/console/stores', { token });
const storeId = async (code: string) => (await stores()).body.stores.find((s) => s.code === code)!.id;
const syncSimulatorCredits = async () => {
  const rows = await app.sql<{ openid: string; external_id: string; credits: number }[]>`
    select a.wx_openid as openid, t.external_id, sc.credits from public.subscription_credits sc
    join public.members m on m.org_id = sc.org_id and m.id = sc.member_id
    join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
    join public.message_templates t on t.org_id = sc.org_id and t.id = sc.template_id
    where sc.org_id = ${app.demo.orgId} and sc.credits > 0`;
  for (const r of rows) app.simulator!.grantSubscription({ appid: app.demo.appId, openid: r.openid, templateId: r.external_id, count: r.credits });
};

describe('console: store opening dates', () => {
  test('admins and operators list stores with opening dates; only admins may edit', async () => {
    const a = await stores(admin);
    expect(a.status).toBe(200);
    expect(a.body.canEdit).toBe(true);
    expect(a.body.stores.find((s) => s.code === 'S002')).toMatchObject({ openedOn: '2020-02-29' });
    const o = await stores(operator);
    expect(o.status).toBe(200);
    expect(o.body.canEdit).toBe(false);
    expect((await stores(assocA)).status).toBe(403);
    expect((await api(app, '/api/console/stores')).status).toBe(401);
  });

  test('an admin sets an opening date: next anniversary computed, audited', async () => {
    const id = await storeId('S001');
    const openedOn = `${Number(today.slice(0, 4)) - 3}${today.slice(4)}`.replace(/-02-29$/, '-02-28');
    const r = await api<Store>(app, '/api/console/stores', { token: admin, body: { storeId: id, openedOn } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ openedOn, nextAnniversary: { date: today, years: 3 } });
    const [log] = await app.sql<{ detail: { to: string } }[]>`
      select detail from public.audit_log where org_id = ${app.demo.orgId} and action = 'store.opening_date_set' and target_id = ${id} order by created_at desc limit 1`;
    expect(log?.detail.to).toBe(openedOn);
  });

  test.each([
    [{ openedOn: '2099-01-01' }, 'openedOn'],
    [{ openedOn: '2026-02-30' }, 'openedOn'],
    [{ openedOn: '2026-1-5' }, 'openedOn'],
    [{ extra: true }, 'extra'],
  ])('bad input %j → 400 naming %s, nothing changed', async (patch, field) => {
    const id = await storeId('S002');
    const r = await api<Err>(app, '/api/console/stores', { token: admin, body: { storeId: id, openedOn: '2020-02-29', ...patch } });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
    expect((await stores()).body.stores.find((s) => s.code === 'S002')?.openedOn).toBe('2020-02-29');
  });

  test('operators and associates cannot set it; an unknown store is 404', async () => {
    const id = await storeId('S002');
    expect((await api(app, '/api/console/stores', { token: operator, body: { storeId: id, openedOn: '2019-01-01' } })).status).toBe(403);
    expect((await api(app, '/api/console/stores', { token: assocA, body: { storeId: id, openedOn: '2019-01-01' } })).status).toBe(403);
    expect((await api(app, '/api/console/stores', { token: admin, body: { storeId: '00000000-0000-4000-8000-000000000000', openedOn: '2019-01-01' } })).status).toBe(404);
    expect((await stores()).body.stores.find((s) => s.code === 'S002')?.openedOn).toBe('2020-02-29');
  });
});

describe('console: store anniversaries', () => {
  test('create one: the next anniversaries are listed, the dry run counts the store\'s members', async () => {
    const c = await api<Campaign>(app, '/api/console/greetings', {
      token: operator,
      body: { name: '门店周年', kind: 'store_anniversary', templateId: tpl('holiday').id, data: { thing1: '{store}{years}周年', thing2: '{name}，感谢一路相伴' } },
    });
    expect(c.status).toBe(201);
    const names = Object.fromEntries((await app.sql<{ code: string; name: string }[]>`select code, name from public.stores where org_id = ${app.demo.orgId}`).map((s) => [s.code, s.name]));
    expect(c.body.upcoming[0]).toEqual({ date: today, storeName: names.S001, years: 3 });
    expect(c.body.upcoming.some((u) => u.storeName === names.S002)).toBe(true);
    const d = await api<DryRun>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: c.body.id, occasionDate: today } });
    expect(d.status).toBe(200);
    const [{ n } = { n: 0 }] = await app.sql<{ n: number }[]>`
      select count(*)::int as n from public.members m join public.stores s on s.org_id = m.org_id and s.id = m.store_id where m.org_id = ${app.demo.orgId} and s.code = 'S001'`;
    expect(d.body.audience).toBe(n);
    expect(d.body.willReceive).toBeGreaterThan(0);
    expect(d.body.preview[0]?.data.thing1).toBe(`${names.S001}3周年`);
    const overview = await api<Overview>(app, '/api/console/greetings', { token: operator });
    expect(overview.body.storesWithOpeningDate).toBe(2);
  });
});

describe('console: recurring segment campaigns', () => {
  const body = (patch: Record<string, unknown>) => ({
    name: '每周上新',
    kind: 'segment',
    templateId: tpl('campaign').id,
    scheduledOn: today,
    sendTime: '00:00',
    data: { thing1: '每周上新', date2: '{date}' },
    ...patch,
  });

  test.each([
    [{ recurrence: { every: 'week', weekdays: [] } }, 'recurrence.weekdays'],
    [{ recurrence: { every: 'week', weekdays: [1, 1] } }, 'recurrence.weekdays'],
    [{ recurrence: { every: 'week', weekdays: [8] } }, 'recurrence.weekdays.0'],
    [{ recurrence: { every: 'month', day: 32 } }, 'recurrence.day'],
    [{ recurrence: { every: 'day' } }, 'recurrence.every'],
    [{ recurrence: { every: 'month', day: 5 }, repeatUntil: '2000-01-01' }, 'repeatUntil'],
    [{ repeatUntil: '2099-01-01' }, 'repeatUntil'],
    [{ kind: 'birthday', scheduledOn: undefined, recurrence: { every: 'month', day: 5 } }, 'recurrence'],
  ])('bad recurrence %j → 400 naming %s', async (patch, field) => {
    const r = await api<Err>(app, '/api/console/greetings', { token: operator, body: body(patch) });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
  });

  test('weekly: next occurrences, a dry run per occurrence, launch, cron twice, stats per day', async () => {
    const all = [1, 2, 3, 4, 5, 6, 7];
    const c = await api<Campaign>(app, '/api/console/greetings', { token: operator, body: body({ recurrence: { every: 'week', weekdays: all }, repeatUntil: addDays(today, 20) }) });
    expect(c.status).toBe(201);
    expect(c.body.recurrence).toEqual({ every: 'week', weekdays: all });
    expect(c.body.upcoming.map((u) => u.date)).toEqual([0, 1, 2, 3, 4].map((i) => addDays(today, i)));
    const second = await api<DryRun>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: c.body.id, occasionDate: addDays(today, 1) } });
    expect(second.status).toBe(200);
    expect(second.body.occasionDate).toBe(addDays(today, 1));
    expect(second.body.preview[0]?.data.date2).toBe(addDays(today, 1));
    const outside = await api<Err>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: c.body.id, occasionDate: addDays(today, 30) } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields?.[0]?.path).toBe('occasionDate');

    const dry = await api<DryRun>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: c.body.id } });
    expect(dry.body.occasionDate).toBe(today);
    const launched = await api<Campaign>(app, '/api/console/greetings-launch', { token: operator, body: { campaignId: c.body.id } });
    expect(launched.status).toBe(200);
    expect(launched.body.status).toBe('active');
    await syncSimulatorCredits();
    const before = app.simulator!.sentMessages().length;
    for (let i = 0; i < 2; i++) {
      expect((await api(app, '/api/cron/greetings-plan', { headers: CRON })).status).toBe(200);
      expect((await api(app, '/api/cron/greetings-dispatch', { headers: CRON })).status).toBe(200);
    }
    const sent = app.simulator!.sentMessages().slice(before);
    expect(sent.length).toBe(dry.body.willReceive);
    expect(new Set(sent.map((m) => m.toUser)).size).toBe(sent.length);
    expect(new Set(sent.map((m) => m.data.date2?.value))).toEqual(new Set([today]));
    const stats = await api<Stats>(app, `/api/console/greetings-stats?campaignId=${c.body.id}`, { token: operator });
    expect(stats.body.days).toEqual([expect.objectContaining({ date: today, sent: sent.length })]);
  });
});

describe('WeChat content security', () => {
  const draft = async (data: Record<string, string>) =>
    (await api<Campaign>(app, '/api/console/greetings', { token: operator, body: { name: '内容检查', kind: 'holiday', holidayKey: 'christmas', templateId: tpl('holiday').id, data } })).body.id;
  const status = async (id: string) => (await app.sql<{ status: string }[]>`select status from public.greeting_campaigns where id = ${id}`)[0]?.status;

  test('launching a campaign whose text is risky is refused naming the field; it stays a draft', async () => {
    const id = await draft({ thing1: '{holiday}', thing2: '{name}，赌博有礼' });
    const r = await api<Err>(app, '/api/console/greetings-launch', { token: operator, body: { campaignId: id } });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'content_risky', fields: [{ path: 'data.thing2', message: expect.stringContaining('违法犯罪') }] });
    expect(r.body.error.message).toContain('活动未启动');
    expect(await status(id)).toBe('draft');
    // WeChat judged the operator's own words (placeholders left out), as the operator, scene 3.
    const check = app.simulator!.contentChecks().at(-1);
    expect(check).toMatchObject({ openid: 'demo-operator', scene: 3, version: 2, suggest: 'risky' });
    expect(check?.content).not.toContain('{name}');
  });

  test('"review" is refused too', async () => {
    const id = await draft({ thing1: '{holiday}', thing2: '私聊领取礼品' });
    const r = await api<Err>(app, '/api/console/greetings-launch', { token: operator, body: { campaignId: id } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('content_review');
    expect(await status(id)).toBe('draft');
  });

  test('WeChat busy throughout: 503, not launched; once it answers, launched', async () => {
    const id = await draft({ thing1: '{holiday}', thing2: '{name}，节日快乐' });
    app.simulator!.injectFault({ endpoint: 'msg_sec_check', errcode: -1, times: 4 });
    const r = await api<Err>(app, '/api/console/greetings-launch', { token: operator, body: { campaignId: id } });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('content_check_unavailable');
    expect(await status(id)).toBe('draft');
    const ok = await api<Campaign>(app, '/api/console/greetings-launch', { token: operator, body: { campaignId: id } });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('active');
  });

  const greetable = async (): Promise<string> => {
    const [m] = await app.sql<{ id: string }[]>`
      select m.id from public.members m join public.stores s on s.org_id = m.org_id and s.id = m.store_id
      where m.org_id = ${app.demo.orgId} and s.code = 'S001' and m.account_id is not null
        and exists (select 1 from public.subscription_credits sc join public.message_templates t on t.id = sc.template_id
          where sc.member_id = m.id and t.purpose = 'holiday' and sc.credits > 0)
        and coalesce((select c.granted from public.consents c where c.org_id = m.org_id and c.member_id = m.id and c.purpose = 'marketing' order by c.created_at desc, c.id desc limit 1), false)
        and not exists (select 1 from public.greeting_sends g where g.member_id = m.id and g.occasion_key like 'manual:%')
      order by m.member_no limit 1`;
    return m!.id;
  };
  const manualRows = async (memberId: string) => (await app.sql`select 1 from public.greeting_sends where member_id = ${memberId} and occasion_key like 'manual:%'`).length;

  test("an associate's 1:1 greeting with a risky word: 422 naming the field, nothing queued or sent", async () => {
    const memberId = await greetable();
    const before = app.simulator!.sentMessages().length;
    const r = await api<Err>(app, '/api/staff/greetings', { token: assocA, body: { memberId, templateId: tpl('holiday').id, data: { thing1: '店庆', thing2: '加入我们刷单赚钱' } } });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'content_risky', fields: [{ path: 'data.thing2', message: expect.stringContaining('欺诈') }] });
    expect(r.body.error.message).toContain('问候未发送');
    expect(await manualRows(memberId)).toBe(0);
    expect(app.simulator!.sentMessages().length).toBe(before);
    expect(app.simulator!.contentChecks().at(-1)).toMatchObject({ openid: 'demo-associate-a', scene: 2 });
  });

  test('WeChat down during the check: 503 and nothing queued; a token expiring mid-check is refreshed', async () => {
    const memberId = await greetable();
    app.simulator!.injectFault({ endpoint: 'msg_sec_check', errcode: -1, times: 4 });
    const down = await api<Err>(app, '/api/staff/greetings', { token: assocA, body: { memberId, templateId: tpl('holiday').id, data: { thing1: '店庆', thing2: '欢迎回店' } } });
    expect(down.status).toBe(503);
    expect(await manualRows(memberId)).toBe(0);
    await syncSimulatorCredits();
    app.simulator!.expireAccessTokens();
    const ok = await api<{ status: string }>(app, '/api/staff/greetings', { token: assocA, body: { memberId, templateId: tpl('holiday').id, data: { thing1: '店庆', thing2: '欢迎回店' } } });
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('sent');
    expect(await manualRows(memberId)).toBe(1);
  });
});
