import { wechatSubscribeChannel } from '../../functions/_lib/messaging/channel';
import { campaignStats, dispatch, dryRun, planDue } from '../../functions/_lib/messaging/engine';
import { evaluated, readSettings, type CampaignRow } from '../../functions/_lib/messaging/audience';
import { lengthRules } from '../../functions/_lib/messaging/render';
import { campaignColumns } from '../../functions/_lib/messaging/campaigns';
import { occasionAt } from '../../functions/_lib/messaging/occasions';
import { withServiceTx } from '../../functions/_lib/db';
import { zonedTimeToUtc } from '../../shared/domain/birthday';
import { startWechatSimulatorServer, type WechatSimulatorServer } from '../../simulator/wechat-simulator';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { APPID, SECRET, buildGreetingsWorld, simClient, statusCounts, type GreetingsWorld, type MemberSpec } from './greetings-fixture';

// Store anniversaries and recurring segment campaigns through the real engine, database and the
// WeChat simulator: every test asserts the exact messages the simulator received, none twice.

const TZ = 'Asia/Shanghai';
// 10:30 in Shanghai on a local day: after the 10:00 send time, outside quiet hours.
const at = (day: string, time = '10:30'): Date => zonedTimeToUtc(day, time, TZ);

let db: TestDb;
let sim: WechatSimulatorServer;

beforeAll(async () => {
  db = await createTestDb();
  sim = await startWechatSimulatorServer({ port: 0, apps: { [APPID]: SECRET } });
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await db?.close();
});

beforeEach(async () => {
  sim.simulator.reset();
  await db.sql`delete from public.greeting_sends`;
  await db.sql`delete from public.greeting_campaigns`;
  await db.sql`delete from public.orgs where wx_appid = ${APPID}`;
});

const members = (n: number, over: Partial<MemberSpec> = {}): MemberSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `会员${'甲乙丙丁戊己庚辛壬癸'[i] ?? '某'}`, ...over }));

const perMember = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const m of sim.simulator.sentMessages()) out[m.toUser] = (out[m.toUser] ?? 0) + 1;
  return out;
};
const expectEach = (w: GreetingsWorld, n: number, count: number) =>
  expect(perMember()).toEqual(Object.fromEntries(w.members.slice(0, n).map((m) => [m.openid ?? '', count])));

type CampaignSpec = {
  kind: 'store_anniversary' | 'segment';
  data?: Record<string, string>;
  scheduledOn?: string | null;
  repeat?: { every: 'week'; weekdays: number[] } | { every: 'month'; day: number } | null;
  until?: string | null;
  daysAhead?: number;
  budgetExempt?: boolean;
};

const createCampaign = async (w: GreetingsWorld, s: CampaignSpec): Promise<string> => {
  const r = s.repeat ?? null;
  const [c] = await db.sql<{ id: string }[]>`
    insert into public.greeting_campaigns (org_id, name, kind, template_id, data, send_time, days_ahead, scheduled_on,
      repeat_every, repeat_weekdays, repeat_month_day, repeat_until, budget_exempt, status, launched_at)
    values (${w.orgId}, '活动', ${s.kind}, ${w.templateId},
      ${db.sql.json(s.data ?? { thing1: '{store}周年庆', name2: '{name}', date3: '{date}' })}, '10:00', ${s.daysAhead ?? 0}, ${s.scheduledOn ?? null},
      ${r?.every ?? null}, ${r?.every === 'week' ? r.weekdays : null}::smallint[], ${r?.every === 'month' ? r.day : null}, ${s.until ?? null},
      ${s.budgetExempt ?? false}, 'active', now())
    returning id`;
  return c!.id;
};

const loadRow = (id: string) =>
  withServiceTx(db.sql, async (tx) => {
    const [c] = await tx<CampaignRow[]>`select ${campaignColumns(tx)} from public.greeting_campaigns where id = ${id}`;
    return c!;
  });

const runCron = async (when: Date, times = 1): Promise<void> => {
  const channel = wechatSubscribeChannel(simClient(sim));
  for (let i = 0; i < times; i++) {
    await planDue(db.sql, when);
    await dispatch(db.sql, { channel, now: () => when });
  }
};

describe('store anniversaries', () => {
  const world = async () => {
    const w = await buildGreetingsWorld(db.sql, sim, [...members(3), { name: '分店会员', consent: 'withdrawn' }, ...members(2)]);
    const [s2] = await db.sql<{ id: string }[]>`insert into public.stores (org_id, code, name, opened_on) values (${w.orgId}, 'G02', '分店', '2021-12-08') returning id`;
    await db.sql`update public.stores set opened_on = '2020-02-29' where id = ${w.storeId}`;
    // Members 4–6 (one without consent) belong to the second store.
    await db.sql`update public.members set store_id = ${s2!.id} where id = any (${w.members.slice(3).map((m) => m.id)}::uuid[])`;
    return w;
  };

  test('a Feb 29 store is greeted on Feb 28 in a short year, with its years; the other store is not', async () => {
    const w = await world();
    const id = await createCampaign(w, { kind: 'store_anniversary', data: { thing1: '{store}开业{years}周年', name2: '{name}', date3: '{date}' } });
    const c = await loadRow(id);
    const dry = await withServiceTx(db.sql, async (tx) => dryRun(tx, c, occasionAt(c, '2027-02-28', TZ)!, await readSettings(tx, w.orgId)));
    expect(dry).toMatchObject({ occasionDate: '2027-02-28', audience: 3, willReceive: 3, skipped: {} });
    expect(dry.preview[0]?.data.thing1).toBe('旗舰店开业7周年');

    await runCron(at('2027-02-27'));
    expect(sim.simulator.sentMessages()).toHaveLength(0);
    await runCron(at('2027-02-28'), 2);
    expectEach(w, 3, 1);
    expect(sim.simulator.sentMessages().map((m) => m.data.thing1?.value)).toEqual(['旗舰店开业7周年', '旗舰店开业7周年', '旗舰店开业7周年']);
    // The day after (Mar 1) is not an anniversary; a duplicate cron plans nothing new.
    await runCron(at('2027-03-01'));
    expect(sim.simulator.sentMessages()).toHaveLength(3);
  });

  test('in a leap year the Feb 29 store is greeted on Feb 29, not Feb 28', async () => {
    const w = await world();
    await createCampaign(w, { kind: 'store_anniversary' });
    await runCron(at('2028-02-28'));
    expect(sim.simulator.sentMessages()).toHaveLength(0);
    await runCron(at('2028-02-29'));
    expectEach(w, 3, 1);
  });

  test('the second store on its day: consent, budget and stats as for any occasion', async () => {
    const w = await world();
    const id = await createCampaign(w, { kind: 'store_anniversary', daysAhead: 1 });
    // Planned the day before (days ahead 1), in the brand's zone: Dec 7 00:05 in Shanghai.
    await runCron(at('2026-12-07', '00:05'));
    expect(sim.simulator.sentMessages()).toHaveLength(0); // planned, due at 10:00
    await runCron(at('2026-12-07'));
    expect(perMember()).toEqual(Object.fromEntries(w.members.slice(4).map((m) => [m.openid ?? '', 1])));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 2, 'skipped:consent_withdrawn': 1 });
    const stats = await withServiceTx(db.sql, (tx) => campaignStats(tx, w.orgId, id));
    expect(stats).toEqual([{ date: '2026-12-08', planned: 2, queued: 0, sent: 2, unknown: 0, failed: {}, skipped: { consent_withdrawn: 1 } }]);
  });

  test('a store without an opening date has no anniversary', async () => {
    const w = await world();
    await db.sql`update public.stores set opened_on = null where org_id = ${w.orgId}`;
    await createCampaign(w, { kind: 'store_anniversary' });
    expect(await planDue(db.sql, at('2026-12-08'))).toEqual({ campaigns: 1, queued: 0 });
  });
});

describe('recurring segment campaigns', () => {
  test('weekly Mon/Thu: each occurrence once per member, duplicate and overlapping crons included', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, members(4, { dbCredits: 3, simCredits: 3 }));
    const id = await createCampaign(w, { kind: 'segment', scheduledOn: '2026-12-01', repeat: { every: 'week', weekdays: [1, 4] }, data: { thing1: '每周上新', name2: '{name}', date3: '{date}' } });
    const channel = wechatSubscribeChannel(simClient(sim));
    const mon = at('2026-12-07');
    await Promise.all([planDue(db.sql, mon), planDue(db.sql, mon)]);
    await dispatch(db.sql, { channel, now: () => mon });
    await runCron(mon);
    // Tuesday: Monday's grace-day replan adds nothing.
    await runCron(at('2026-12-08'), 2);
    expectEach(w, 4, 1);
    await runCron(at('2026-12-09'));
    await runCron(at('2026-12-10'), 2);
    expectEach(w, 4, 2);
    expect(sim.simulator.sentMessages().map((m) => m.data.date3?.value).sort()).toEqual([...Array(4).fill('2026-12-07'), ...Array(4).fill('2026-12-10')]);
    const stats = await withServiceTx(db.sql, (tx) => campaignStats(tx, w.orgId, id));
    expect(stats.map((d) => [d.date, d.planned, d.sent])).toEqual([
      ['2026-12-10', 4, 4],
      ['2026-12-07', 4, 4],
    ]);
  });

  test('the frequency budget spans occurrences: a third message in 7 days is skipped', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, members(2, { dbCredits: 3, simCredits: 3 }));
    await createCampaign(w, { kind: 'segment', scheduledOn: '2026-12-07', repeat: { every: 'week', weekdays: [1, 3, 5] } });
    for (const d of ['2026-12-07', '2026-12-09', '2026-12-11']) await runCron(at(d));
    expectEach(w, 2, 2);
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 4, 'skipped:frequency_budget': 2 });
  });

  test('monthly on day 31 through February; done after its end date', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, members(3, { dbCredits: 3, simCredits: 3 }));
    const id = await createCampaign(w, { kind: 'segment', scheduledOn: '2027-01-01', repeat: { every: 'month', day: 31 }, until: '2027-02-28', budgetExempt: true });
    for (const d of ['2027-01-30', '2027-01-31', '2027-02-01', '2027-02-27', '2027-02-28', '2027-03-01', '2027-03-31']) await runCron(at(d));
    expectEach(w, 3, 2);
    expect(sim.simulator.sentMessages().map((m) => m.data.date3?.value).sort()).toEqual([...Array(3).fill('2027-01-31'), ...Array(3).fill('2027-02-28')]);
    const [c] = await db.sql<{ status: string }[]>`select status from public.greeting_campaigns where id = ${id}`;
    expect(c?.status).toBe('done');
  });

  test('a cron that missed an occurrence day plans it on the grace day, without reconsidering its skipped members', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, [...members(2, { dbCredits: 2, simCredits: 2 }), { name: '晚订阅', dbCredits: 0, simCredits: 1 }]);
    await createCampaign(w, { kind: 'segment', scheduledOn: '2026-12-07', repeat: { every: 'week', weekdays: [1] }, budgetExempt: true });
    // No cron ran on Monday at all; Tuesday's run sends Monday's occurrence.
    await runCron(at('2026-12-08'));
    expectEach(w, 2, 1);
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 2, 'skipped:no_credit': 1 });
    // The third member subscribes on Tuesday: Monday's occurrence is not sent to them late.
    await db.sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgId}, ${w.members[2]!.id}, ${w.templateId}, 1, 'accept')`;
    await runCron(at('2026-12-08', '15:00'));
    expect(sim.simulator.sentMessages()).toHaveLength(2);
    // … but the next Monday's occurrence reaches them.
    await runCron(at('2026-12-14'));
    expect(perMember()[w.members[2]!.openid ?? '']).toBe(1);
  });
});

describe('one batch, several occasions of one member', () => {
  test('two campaigns the same day: one credit is spent once, the budget counts both', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, [{ name: '一次额度', dbCredits: 1, simCredits: 5 }, { name: '两次额度', dbCredits: 3, simCredits: 5 }]);
    // 两次额度 already got one message this week: room for one more (budget 2 per 7 days).
    await db.sql`insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, status, claimed_at)
      values (${w.orgId}, ${w.members[1]!.id}, 'other:x', '2026-12-05', ${w.templateId}, 'sent', ${at('2026-12-05')})`;
    for (let i = 0; i < 3; i++) await createCampaign(w, { kind: 'segment', scheduledOn: '2026-12-07' });
    await planDue(db.sql, at('2026-12-07', '09:30'));
    const r = await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => at('2026-12-07'), batchSize: 50 });
    expect(r).toMatchObject({ claimed: 2, sent: 2, skipped: 4 });
    expectEach(w, 2, 1);
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 3, 'skipped:frequency_budget': 2, 'skipped:no_credit': 2 });
    const credits = await db.sql<{ credits: number }[]>`select credits from public.subscription_credits where org_id = ${w.orgId} order by credits`;
    expect(credits.map((c) => c.credits)).toEqual([0, 2]);
  });
});

describe('the two eligibility shapes give the same answers', () => {
  test('per member and set-based: every member, the same reason', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, [
      ...members(3),
      { name: '撤回', consent: 'withdrawn' },
      { name: '未同意', consent: 'none' },
      { name: '没订阅', dbCredits: 0 },
      { name: '已注销', deleted: true },
      { name: '没账号', account: false },
      { name: '频次满' },
      { name: '这是一个特别特别长的会员名字' },
    ]);
    const id = await createCampaign(w, { kind: 'segment', scheduledOn: '2026-12-07', data: { thing1: '{name}您好，上新了', name2: '{name}', date3: '{date}' } });
    // Two recent sends use up 频次满's budget; an exempt one and an old one do not count.
    const capped = w.members[8]!.id;
    for (const [key, exempt, days] of [['a', false, 1], ['b', false, 2], ['c', true, 1], ['d', false, 30]] as const) {
      await db.sql`insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, status, budget_exempt, claimed_at)
        values (${w.orgId}, ${capped}, ${`other:${key}`}, '2026-12-01', ${w.templateId}, 'sent', ${exempt}, now() - make_interval(days => ${days}))`;
    }
    const c = await loadRow(id);
    const reasons = async (strategy: 'per_member' | 'set_based') =>
      withServiceTx(db.sql, async (tx) => {
        const settings = await readSettings(tx, w.orgId);
        const ev = evaluated(tx, { campaign: c, occasionDate: '2026-12-07', settings, quiet: false, strategy, lengthRules: lengthRules(c.data, { date: '2026-12-07' }) });
        const rows = await tx<{ member_name: string; reason: string | null }[]>`with ev as (${ev}) select member_name, reason from ev order by member_name`;
        return Object.fromEntries(rows.map((r) => [r.member_name, r.reason]));
      });
    const perMember = await reasons('per_member');
    expect(perMember).toEqual({
      会员甲: null,
      会员乙: null,
      会员丙: null,
      撤回: 'consent_withdrawn',
      未同意: 'no_consent',
      没订阅: 'no_credit',
      已注销: 'deleted',
      没账号: 'no_openid',
      频次满: 'frequency_budget',
      这是一个特别特别长的会员名字: 'invalid_template_data',
    });
    expect(await reasons('set_based')).toEqual(perMember);
  });
});
