import { localDate } from '../../shared/domain/birthday';
import type { StartedApp } from '../../server/start-app';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// The console, cron and 1:1 greeting endpoints over real HTTP against the demo data and the
// WeChat simulator mounted at /wx-sim.
type Overview = { campaigns: { id: string; kind: string; status: string }[]; templates: { id: string; name: string; purpose: string }[]; holidays: { key: string; date: string }[] };
type Campaign = { id: string; status: string; kind: string; nextOccasion: string | null };
type DryRun = { audience: number; willReceive: number; skipped: Record<string, number>; preview: { memberName: string; data: Record<string, string> }[]; templateProblem: string | null };
type Stats = { days: { date: string; planned: number; sent: number; failed: Record<string, number>; skipped: Record<string, number> }[] };
type Err = { error: { code: string; fields?: { path: string; message: string }[] } };

const CRON_SECRET = 'test-cron-secret-0123456789';
let app: StartedApp;
let operator: string;
let assocA: string;
let assocB: string;
let templates: Overview['templates'];
let storeS001: string;

beforeAll(async () => {
  process.env.CRON_SECRET = CRON_SECRET;
  app = await startTestApp();
  operator = await loginAs(app, 'demo-operator');
  assocA = await loginAs(app, 'demo-associate-a');
  assocB = await loginAs(app, 'demo-associate-b');
  const r = await api<Overview>(app, '/api/console/greetings', { token: operator });
  templates = r.body.templates;
  const [s] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${app.demo.orgId} and code = 'S001'`;
  storeS001 = s!.id;
  // Quiet hours off for this org so the test does not depend on the time of day.
  await app.sql`update public.greeting_settings set quiet_start = '00:00', quiet_end = '00:00' where org_id = ${app.demo.orgId}`;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const tpl = (purpose: string) => templates.find((t) => t.purpose === purpose)!;
// Grants in the simulator what the database says each member accepted (the taps happened on
// their phones, which the in-memory simulator did not see).
const syncSimulatorCredits = async () => {
  const rows = await app.sql<{ openid: string; external_id: string; credits: number }[]>`
    select a.wx_openid as openid, t.external_id, sc.credits from public.subscription_credits sc
    join public.members m on m.org_id = sc.org_id and m.id = sc.member_id
    join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
    join public.message_templates t on t.org_id = sc.org_id and t.id = sc.template_id
    where sc.org_id = ${app.demo.orgId} and sc.credits > 0`;
  for (const r of rows) app.simulator!.grantSubscription({ appid: app.demo.appId, openid: r.openid, templateId: r.external_id, count: r.credits });
};

describe('console: greetings', () => {
  test('the overview lists templates, the seeded birthday automation and upcoming holidays', async () => {
    const r = await api<Overview>(app, '/api/console/greetings', { token: operator });
    expect(r.status).toBe(200);
    expect(r.body.templates.map((t) => t.purpose).sort()).toEqual(['birthday', 'campaign', 'holiday']);
    expect(r.body.campaigns.some((c) => c.kind === 'birthday')).toBe(true);
    expect(r.body.holidays.length).toBe(17);
  });

  test.each([
    ['associate A', () => assocA],
    ['associate B', () => assocB],
  ])('%s cannot use the console endpoints', async (_label, token) => {
    expect((await api(app, '/api/console/greetings', { token: token() })).status).toBe(403);
    expect((await api(app, '/api/console/greetings-stats?campaignId=00000000-0000-4000-8000-000000000000', { token: token() })).status).toBe(403);
  });

  test('anonymous callers are refused', async () => {
    expect((await api(app, '/api/console/greetings')).status).toBe(401);
  });

  test.each([
    [{ kind: 'holiday' }, 'holidayKey'],
    [{ kind: 'segment' }, 'scheduledOn'],
    [{ data: { thing1: '这是一段超过二十个字的祝福语这是一段超过二十个字', date2: '{date}' } }, 'data'],
    [{ data: { thing1: '生日快乐' } }, 'data'],
    [{ sendTime: '25:00' }, 'sendTime'],
    [{ extra: 1 }, 'extra'],
  ])('bad input %j is a 400 naming %s, and nothing is created', async (patch, field) => {
    const before = (await api<Overview>(app, '/api/console/greetings', { token: operator })).body.campaigns.length;
    const r = await api<Err>(app, '/api/console/greetings', {
      token: operator,
      body: { name: '坏的', kind: 'birthday', templateId: tpl('birthday').id, data: { thing1: '生日快乐', date2: '{date}' }, ...patch },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
    expect((await api<Overview>(app, '/api/console/greetings', { token: operator })).body.campaigns.length).toBe(before);
  });

  test('create a holiday greeting, dry run it: every member is counted once, by reason', async () => {
    const c = await api<Campaign>(app, '/api/console/greetings', {
      token: operator,
      body: { name: '中秋问候', kind: 'holiday', holidayKey: 'mid_autumn', templateId: tpl('holiday').id, data: { thing1: '{holiday}', thing2: '{name}，节日快乐' } },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ status: 'draft', kind: 'holiday' });
    const d = await api<DryRun>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: c.body.id } });
    expect(d.status).toBe(200);
    const [{ n } = { n: 0 }] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${app.demo.orgId}`;
    expect(d.body.audience).toBe(n);
    expect(d.body.willReceive + Object.values(d.body.skipped).reduce((a, b) => a + b, 0)).toBe(n);
    expect(d.body.willReceive).toBeGreaterThan(0);
    expect(Object.keys(d.body.skipped).length).toBeGreaterThan(0);
    expect(d.body.preview[0]?.data.thing1).toBe('中秋');
    expect(d.body.preview[0]?.data.thing2).toBe(`${d.body.preview[0]?.memberName}，节日快乐`);
  });

  test('a segment campaign for today: launch, cron plans and dispatches, statistics match the simulator', async () => {
    const today = localDate(new Date());
    const c = await api<Campaign>(app, '/api/console/greetings', {
      token: operator,
      body: { name: '门店活动', kind: 'segment', templateId: tpl('campaign').id, scheduledOn: today, sendTime: '00:00', segment: { storeIds: [storeS001] }, data: { thing1: '{store}新品周', date2: '{date}' } },
    });
    expect(c.status).toBe(201);
    const dry = await api<DryRun>(app, '/api/console/greetings-dry-run', { token: operator, body: { campaignId: c.body.id } });
    expect(dry.status).toBe(200);
    // Not launched: the cron plans nothing for it.
    expect((await api(app, '/api/cron/greetings-plan', { headers: { authorization: `Bearer ${CRON_SECRET}` } })).status).toBe(200);
    expect((await app.sql`select 1 from public.greeting_sends where campaign_id = ${c.body.id}`).length).toBe(0);

    const launched = await api<Campaign>(app, '/api/console/greetings-launch', { token: operator, body: { campaignId: c.body.id } });
    expect(launched.body.status).toBe('active');
    await syncSimulatorCredits();
    const before = app.simulator!.sentMessages().length;
    for (let i = 0; i < 2; i++) {
      expect((await api(app, '/api/cron/greetings-plan', { headers: { authorization: `Bearer ${CRON_SECRET}` } })).status).toBe(200);
      expect((await api(app, '/api/cron/greetings-dispatch', { headers: { authorization: `Bearer ${CRON_SECRET}` } })).status).toBe(200);
    }
    const sent = app.simulator!.sentMessages().slice(before);
    expect(sent.length).toBe(dry.body.willReceive);
    expect(new Set(sent.map((m) => m.toUser)).size).toBe(sent.length);
    const stats = await api<Stats>(app, `/api/console/greetings-stats?campaignId=${c.body.id}`, { token: operator });
    expect(stats.status).toBe(200);
    expect(stats.body.days).toHaveLength(1);
    expect(stats.body.days[0]).toMatchObject({ date: today, sent: sent.length, planned: sent.length });
    expect(stats.body.days[0]?.skipped).toEqual(dry.body.skipped);
  });

  test('cron endpoints refuse a missing or wrong secret', async () => {
    expect((await api(app, '/api/cron/greetings-plan')).status).toBe(401);
    expect((await api(app, '/api/cron/greetings-dispatch', { headers: { authorization: 'Bearer wrong-secret-0123456789ab' } })).status).toBe(401);
    expect((await api(app, '/api/cron/greetings-dispatch', { token: operator })).status).toBe(401);
  });
});

describe('staff: 1:1 greetings', () => {
  const memberOf = async (storeCode: string, opts: { credit: boolean; consent: boolean }) => {
    const [m] = await app.sql<{ id: string }[]>`
      select m.id from public.members m join public.stores s on s.org_id = m.org_id and s.id = m.store_id
      where m.org_id = ${app.demo.orgId} and s.code = ${storeCode} and m.account_id is not null
        and ${opts.credit} = exists (select 1 from public.subscription_credits sc join public.message_templates t on t.id = sc.template_id
          where sc.member_id = m.id and t.purpose = 'holiday' and sc.credits > 0)
        and ${opts.consent} = coalesce((select c.granted from public.consents c where c.org_id = m.org_id and c.member_id = m.id and c.purpose = 'marketing' order by c.created_at desc, c.id desc limit 1), false)
        and not exists (select 1 from public.greeting_sends g where g.member_id = m.id and g.occasion_key like 'manual:%')
      order by m.member_no limit 1`;
    return m!.id;
  };

  test('an associate checks, sends once, and cannot send twice the same day', async () => {
    const memberId = await memberOf('S001', { credit: true, consent: true });
    await syncSimulatorCredits();
    const templateId = tpl('holiday').id;
    const check = await api<{ canSend: boolean; reason: string | null }>(app, `/api/staff/greetings?memberId=${memberId}&templateId=${templateId}`, { token: assocA });
    expect(check.body).toMatchObject({ canSend: true, reason: null });
    const before = app.simulator!.sentMessages().length;
    const r = await api<{ status: string }>(app, '/api/staff/greetings', { token: assocA, body: { memberId, templateId, data: { thing1: '店庆', thing2: '欢迎回店' } } });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('sent');
    const again = await api<Err>(app, '/api/staff/greetings', { token: assocA, body: { memberId, templateId, data: { thing1: '店庆', thing2: '欢迎回店' } } });
    expect(again.status).toBe(409);
    expect(app.simulator!.sentMessages().length).toBe(before + 1);
    const after = await api<{ canSend: boolean; reason: string | null }>(app, `/api/staff/greetings?memberId=${memberId}&templateId=${templateId}`, { token: assocA });
    expect(after.body.canSend).toBe(false);
  });

  test('why not: no consent / no credit are explained and nothing is sent', async () => {
    const templateId = tpl('holiday').id;
    const noConsent = await memberOf('S001', { credit: true, consent: false });
    const r1 = await api<{ canSend: boolean; reason: string }>(app, `/api/staff/greetings?memberId=${noConsent}&templateId=${templateId}`, { token: assocA });
    expect(r1.body).toMatchObject({ canSend: false });
    expect(['no_consent', 'consent_withdrawn']).toContain(r1.body.reason);
    const noCredit = await memberOf('S001', { credit: false, consent: true });
    const r2 = await api<{ canSend: boolean; reason: string }>(app, `/api/staff/greetings?memberId=${noCredit}&templateId=${templateId}`, { token: assocA });
    expect(r2.body).toMatchObject({ canSend: false, reason: 'no_credit' });
    const before = app.simulator!.sentMessages().length;
    const p = await api<Err>(app, '/api/staff/greetings', { token: assocA, body: { memberId: noCredit, templateId, data: { thing1: '店庆', thing2: '欢迎回店' } } });
    expect(p.status).toBe(409);
    expect(p.body.error.code).toBe('no_credit');
    expect(app.simulator!.sentMessages().length).toBe(before);
  });

  test("another store's associate cannot see or greet the member (404), and nothing is recorded", async () => {
    const memberId = await memberOf('S001', { credit: true, consent: true });
    const templateId = tpl('holiday').id;
    expect((await api(app, `/api/staff/greetings?memberId=${memberId}&templateId=${templateId}`, { token: assocB })).status).toBe(404);
    const r = await api(app, '/api/staff/greetings', { token: assocB, body: { memberId, templateId, data: { thing1: '店庆', thing2: '欢迎回店' } } });
    expect(r.status).toBe(404);
    expect((await app.sql`select 1 from public.greeting_sends where member_id = ${memberId} and occasion_key like 'manual:%'`).length).toBe(0);
  });

  test('bad template data is a 400 naming data', async () => {
    const memberId = await memberOf('S001', { credit: true, consent: true });
    const r = await api<Err>(app, '/api/staff/greetings', { token: assocA, body: { memberId, templateId: tpl('holiday').id, data: { thing1: '店庆' } } });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path)).toContain('data');
  });
});
