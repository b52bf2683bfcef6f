import { wechatSubscribeChannel, type Channel } from '../../functions/_lib/messaging/channel';
import { campaignStats, dispatch, dryRun, planDue, recoverStale } from '../../functions/_lib/messaging/engine';
import { readSettings, type CampaignRow } from '../../functions/_lib/messaging/audience';
import { occasionOn } from '../../functions/_lib/messaging/occasions';
import { withServiceTx } from '../../functions/_lib/db';
import { startWechatSimulatorServer, type WechatSimulatorServer } from '../../simulator/wechat-simulator';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { APPID, SECRET, buildGreetingsWorld, createBirthdayCampaign, simClient, statusCounts, type GreetingsWorld, type MemberSpec } from './greetings-fixture';

// The engine against a real database and the WeChat simulator with injected faults. Every test
// asserts the exact messages the simulator received: none twice, none missing.

// 2026-12-01 10:30 in Shanghai: after the 10:00 send time, outside quiet hours.
const NOW = new Date('2026-12-01T02:30:00Z');
const LATER = new Date(NOW.getTime() + 3 * 3600_000);
const BDAY = { calendar: 'solar' as const, month: 12, day: 1 };

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
  // Each test builds its own org with the same appid: drop the previous one.
  await db.sql`delete from public.greeting_sends`;
  await db.sql`delete from public.greeting_campaigns`;
  await db.sql`delete from public.orgs where wx_appid = ${APPID}`;
});

const eligible = (n: number, over: Partial<MemberSpec> = {}): MemberSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `会员${'甲乙丙丁戊己庚辛壬癸子丑寅卯'[i] ?? '某'}`, birthday: BDAY, ...over }));

const received = () => sim.simulator.sentMessages();
const receivedOpenids = () => received().map((m) => m.toUser).sort();
const openidsOf = (w: GreetingsWorld, n = w.members.length) => w.members.slice(0, n).map((m) => m.openid ?? '').sort();

const setup = async (specs: MemberSpec[]) => {
  const w = await buildGreetingsWorld(db.sql, sim, specs);
  const campaignId = await createBirthdayCampaign(db.sql, w);
  return { w, campaignId };
};

describe('planning and sending a birthday automation', () => {
  test('dry run counts everyone by reason and previews; sending delivers exactly the eligible', async () => {
    const { w, campaignId } = await setup([
      ...eligible(3),
      { name: '撤回', birthday: BDAY, consent: 'withdrawn' },
      { name: '未同意', birthday: BDAY, consent: 'none' },
      { name: '没订阅', birthday: BDAY, dbCredits: 0 },
      { name: '已注销', birthday: BDAY, deleted: true },
      { name: '没账号', birthday: BDAY, account: false },
      { name: '别的日子', birthday: { calendar: 'solar', month: 6, day: 1 } },
    ]);
    const dry = await withServiceTx(db.sql, async (tx) => {
      const [c] = await tx<CampaignRow[]>`select *, scheduled_on::text as scheduled_on from public.greeting_campaigns where id = ${campaignId}`;
      const settings = await readSettings(tx, w.orgId);
      return dryRun(tx, c!, occasionOn(c!, '2026-12-01', settings.timeZone)!, settings);
    });
    expect(dry).toMatchObject({
      occasionDate: '2026-12-01',
      sendAt: '2026-12-01T02:00:00.000Z',
      audience: 8,
      willReceive: 3,
      skipped: { consent_withdrawn: 1, no_consent: 1, no_credit: 1, deleted: 1, no_openid: 1 },
      templateProblem: null,
    });
    expect(dry.preview[0]).toEqual({ memberName: expect.stringMatching(/^会员.$/), storeName: '旗舰店', data: { thing1: '祝您生日快乐', name2: expect.stringMatching(/^会员.$/), date3: '2026-12-01' } });

    expect(await planDue(db.sql, NOW)).toEqual({ campaigns: 1, queued: 3 });
    const report = await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW });
    expect(report).toMatchObject({ claimed: 3, sent: 3, failed: 0, skipped: 0 });
    expect(receivedOpenids()).toEqual(openidsOf(w, 3));
    expect(received()[0]?.data).toEqual({ thing1: { value: '祝您生日快乐' }, name2: { value: expect.stringMatching(/^会员.$/) }, date3: { value: '2026-12-01' } });
    expect(await statusCounts(db.sql, w.orgId)).toEqual({
      sent: 3,
      'skipped:consent_withdrawn': 1,
      'skipped:deleted': 1,
      'skipped:no_consent': 1,
      'skipped:no_credit': 1,
      'skipped:no_openid': 1,
    });
    // The credit was used: the database agrees with the simulator.
    const [{ n } = { n: -1 }] = await db.sql<{ n: number }[]>`select sum(credits)::int as n from public.subscription_credits where member_id = any (${w.members.slice(0, 3).map((m) => m.id)}::uuid[])`;
    expect(n).toBe(0);
    const stats = await withServiceTx(db.sql, (tx) => campaignStats(tx, w.orgId, campaignId));
    expect(stats).toEqual([{ date: '2026-12-01', planned: 3, queued: 0, sent: 3, unknown: 0, failed: {}, skipped: { consent_withdrawn: 1, deleted: 1, no_consent: 1, no_credit: 1, no_openid: 1 } }]);
  });

  test('nothing is sent before the send time', async () => {
    await setup(eligible(2));
    await planDue(db.sql, NOW);
    const early = await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => new Date('2026-12-01T01:59:00Z') });
    expect(early.claimed).toBe(0);
    expect(received()).toHaveLength(0);
  });

  test('duplicate and overlapping cron runs: planned once, sent once', async () => {
    const { w } = await setup(eligible(5));
    const channel = wechatSubscribeChannel(simClient(sim));
    await Promise.all([planDue(db.sql, NOW), planDue(db.sql, NOW)]);
    await planDue(db.sql, LATER);
    await dispatch(db.sql, { channel, now: () => NOW });
    await planDue(db.sql, LATER);
    await dispatch(db.sql, { channel, now: () => LATER });
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 5 });
  });

  test('a member who subscribes after the first planning run is picked up by a later run the same day', async () => {
    const { w } = await setup([...eligible(1), { name: '晚订阅', birthday: BDAY, dbCredits: 0, simCredits: 1 }]);
    await planDue(db.sql, NOW);
    await db.sql`insert into public.subscription_credits (org_id, member_id, template_id, credits, last_decision) values (${w.orgId}, ${w.members[1]!.id}, ${w.templateId}, 1, 'accept')`;
    await planDue(db.sql, LATER);
    await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => LATER });
    expect(receivedOpenids()).toEqual(openidsOf(w));
  });
});

// A dispatcher whose process dies right after its nth delivery (before storing the outcome).
const crashingDispatch = (channel: Channel, n: number, opts: { concurrency?: number; batchSize?: number } = {}) => {
  let delivered = 0;
  return dispatch(db.sql, {
    channel,
    now: () => NOW,
    ...opts,
    afterDeliver: () => {
      delivered += 1;
      if (delivered === n) throw new Error('process killed');
    },
  });
};

describe('faults', () => {
  test('two dispatchers at once share the work without a duplicate', async () => {
    if (db.embedded) {
      console.warn('SKIPPED: two concurrent dispatchers need the Postgres server (PGlite is one session); set DATABASE_URL');
      return;
    }
    const { w } = await setup(eligible(12));
    await planDue(db.sql, NOW);
    const channel = wechatSubscribeChannel(simClient(sim));
    const [a, b] = await Promise.all([
      dispatch(db.sql, { channel, now: () => NOW, batchSize: 3 }),
      dispatch(db.sql, { channel, now: () => NOW, batchSize: 3 }),
    ]);
    expect(a.sent + b.sent).toBe(12);
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 12 });
  });

  test('parallel deliveries within a batch: each member once', async () => {
    const { w } = await setup(eligible(10));
    await planDue(db.sql, NOW);
    const r = await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW, concurrency: 4, batchSize: 4 });
    expect(r).toMatchObject({ claimed: 10, sent: 10 });
    expect(receivedOpenids()).toEqual(openidsOf(w));
  });

  test("WeChat's daily quota runs out: the rest waits for the reset (midnight in China), nothing lost, credits and attempts kept", async () => {
    const { w } = await setup(eligible(10));
    await planDue(db.sql, NOW);
    const channel = wechatSubscribeChannel(simClient(sim), APPID);
    sim.simulator.configure({ dailyQuota: { subscribe_send: 4 } });
    await db.sql`delete from private.channel_quota_pauses`;
    const first = await dispatch(db.sql, { channel, now: () => NOW, concurrency: 2, batchSize: 3 });
    expect(first.quotaReached).toBe(true);
    expect(first.sent).toBe(4);
    expect(received()).toHaveLength(4);
    // Rows WeChat turned away or that were claimed and not started wait for the reset
    // (2026-12-01 10:30 in Shanghai: 2026-12-02 00:00 there); rows never claimed stay as planned.
    const waiting = await db.sql<{ status: string; reason: string | null; not_before: Date; attempts: number }[]>`
      select status, reason, not_before, attempts from public.greeting_sends where org_id = ${w.orgId} and status <> 'sent'`;
    expect(waiting).toHaveLength(6);
    const deferred = waiting.filter((r) => r.not_before.toISOString() === '2026-12-01T16:00:00.000Z');
    expect(deferred.length).toBe(first.deferred);
    expect(deferred.length).toBeGreaterThanOrEqual(1);
    for (const r of waiting) {
      expect(['queued', 'retrying']).toContain(r.status);
      expect(r.attempts).toBe(0);
    }
    const calls = sim.simulator.calls('subscribe_send');
    // Every waiting member still has the credit the run took and gave back.
    const [{ n } = { n: -1 }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from public.subscription_credits sc join public.greeting_sends s
        on s.org_id = sc.org_id and s.member_id = sc.member_id and s.template_id = sc.template_id
      where s.org_id = ${w.orgId} and s.status <> 'sent' and sc.credits = 1`;
    expect(n).toBe(6);
    // Later the same day every dispatcher knows the quota is spent: no claim, no call to WeChat.
    expect(await dispatch(db.sql, { channel, now: () => LATER })).toMatchObject({ claimed: 0, quotaReached: true });
    expect(sim.simulator.calls('subscribe_send')).toBe(calls);
    // After the reset the rest goes out, each once.
    sim.simulator.configure({ dailyQuota: {} });
    const next = await dispatch(db.sql, { channel, now: () => new Date('2026-12-02T02:30:00Z') });
    expect(next).toMatchObject({ sent: 6, quotaReached: false });
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 10 });
  });

  test('crash mid-batch: the claimed rest is requeued, the in-flight one is never resent', async () => {
    const { w } = await setup(eligible(6));
    await planDue(db.sql, NOW);
    const channel = wechatSubscribeChannel(simClient(sim));
    await expect(crashingDispatch(channel, 2)).rejects.toThrow('process killed');
    expect(received()).toHaveLength(2);
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 1, sending: 1, claimed: 4 });
    // A fresh run before the lease expires leaves the dead dispatcher's rows alone.
    await dispatch(db.sql, { channel, now: () => NOW });
    expect(received()).toHaveLength(2);
    // The sweep runs later by the wall clock too: "sending" was stamped with the database's now().
    expect(await recoverStale(db.sql, 60_000, new Date(Math.max(LATER.getTime(), Date.now() + 3 * 3600_000)))).toEqual({ requeued: 4, unknown: 1 });
    await dispatch(db.sql, { channel, now: () => LATER });
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 5, 'unknown:outcome_unknown_after_crash': 1 });
  });

  test('crash with several in flight: at most `concurrency` rows unknown, the rest requeued, none resent', async () => {
    const { w } = await setup(eligible(12));
    await planDue(db.sql, NOW);
    const channel = wechatSubscribeChannel(simClient(sim));
    await expect(crashingDispatch(channel, 6, { concurrency: 4, batchSize: 12 })).rejects.toThrow('process killed');
    const counts = await statusCounts(db.sql, w.orgId);
    const sending = counts.sending ?? 0;
    // What was stored as sent, the simulator received.
    expect(received().length).toBeGreaterThanOrEqual(counts.sent ?? 0);
    expect(sending).toBeGreaterThanOrEqual(1);
    expect(sending).toBeLessThanOrEqual(4);
    expect((counts.sent ?? 0) + sending + (counts.claimed ?? 0)).toBe(12);
    // Let the calls still in flight at the "crash" land before the sweep.
    await new Promise((r) => setTimeout(r, 200));
    const before = received().length;
    const swept = await recoverStale(db.sql, 60_000, new Date(Math.max(LATER.getTime(), Date.now() + 3 * 3600_000)));
    expect(swept).toEqual({ requeued: counts.claimed ?? 0, unknown: sending });
    await dispatch(db.sql, { channel, now: () => LATER, concurrency: 4 });
    // Each member received exactly once: the unknown ones were never sent again.
    expect(received().length - before).toBe(counts.claimed ?? 0);
    expect(receivedOpenids()).toEqual(openidsOf(w));
  });

  test('a batch of members who are all skipped does not end the run', async () => {
    const { w } = await setup(eligible(5));
    await planDue(db.sql, NOW);
    // The first three rows in queue order lose their consent after planning: the first batch
    // of three is all skipped, and the run goes on to the next.
    const first = await db.sql<{ member_id: string }[]>`
      select member_id from public.greeting_sends where org_id = ${w.orgId} order by not_before, org_id, id limit 3`;
    await db.sql`delete from public.consents where org_id = ${w.orgId} and member_id = any (${first.map((r) => r.member_id)}::uuid[])`;
    const r = await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW, batchSize: 3 });
    expect(r).toMatchObject({ sent: 2, skipped: 3 });
    expect(received()).toHaveLength(2);
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 2, 'skipped:no_consent': 3 });
  });

  test('token expiry mid-run: one refresh, every message sent once', async () => {
    const { w } = await setup(eligible(4));
    await planDue(db.sql, NOW);
    let n = 0;
    await dispatch(db.sql, {
      channel: wechatSubscribeChannel(simClient(sim)),
      now: () => NOW,
      afterDeliver: () => {
        n += 1;
        if (n === 2) sim.simulator.expireAccessTokens();
      },
    });
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(sim.simulator.calls('stable_token')).toBe(2);
    expect(sim.simulator.calls('subscribe_send')).toBe(5);
  });

  test('rate limit: retried with backoff inside the client, then by a later run; none lost', async () => {
    const { w } = await setup(eligible(3));
    await planDue(db.sql, NOW);
    const channel = wechatSubscribeChannel(simClient(sim));
    // 2 refusals are absorbed by the client's own retries.
    sim.simulator.injectFault({ endpoint: 'subscribe_send', errcode: 45011, times: 2 });
    // Then 4 in a row exhaust them (1 + 3 retries): that row waits for a later run.
    await dispatch(db.sql, { channel, now: () => NOW, maxBatches: 1, batchSize: 1 });
    expect(received()).toHaveLength(1);
    sim.simulator.injectFault({ endpoint: 'subscribe_send', errcode: 45011, times: 4 });
    const r = await dispatch(db.sql, { channel, now: () => NOW });
    expect(r).toMatchObject({ sent: 1, retrying: 1 });
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 2, 'retrying:wechat_45011': 1 });
    const again = await dispatch(db.sql, { channel, now: () => NOW });
    expect(again.claimed).toBe(0);
    await dispatch(db.sql, { channel, now: () => new Date(NOW.getTime() + 2 * 3600_000) });
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 3 });
  });

  test('refusals and bad data are permanent with their reason; 43101 zeroes our credit', async () => {
    const { w } = await setup([...eligible(2), { name: '拒收', birthday: BDAY, dbCredits: 2, simCredits: 0 }]);
    await planDue(db.sql, NOW);
    await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW });
    expect(receivedOpenids()).toEqual(openidsOf(w, 2));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 2, 'failed:refused': 1 });
    const [c] = await db.sql<{ credits: number }[]>`select credits from public.subscription_credits where member_id = ${w.members[2]!.id}`;
    expect(c?.credits).toBe(0);
  });

  test('a timed-out send is "unknown" and never resent blindly', async () => {
    const { w } = await setup(eligible(2));
    await planDue(db.sql, NOW);
    const channel = wechatSubscribeChannel(simClient(sim, { timeoutMs: 300 }));
    sim.simulator.injectFault({ endpoint: 'subscribe_send', errcode: 0, delayMs: 800 });
    await dispatch(db.sql, { channel, now: () => NOW });
    await new Promise((r) => setTimeout(r, 900));
    await recoverStale(db.sql, 0, LATER);
    await dispatch(db.sql, { channel, now: () => LATER });
    // WeChat got both (the slow one late); we sent each exactly once.
    expect(receivedOpenids()).toEqual(openidsOf(w));
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 1, 'unknown:ambiguous_timeout': 1 });
  });

  test('withdrawn between planning and sending: skipped at dispatch, nothing sent', async () => {
    const { w } = await setup(eligible(2));
    await planDue(db.sql, NOW);
    await db.sql`insert into public.consents (org_id, member_id, purpose, channel, granted, policy_version, source, created_at)
      values (${w.orgId}, ${w.members[0]!.id}, 'marketing', 'wechat_subscribe', false, 'v1', 'test', now() + interval '1 minute')`;
    await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW });
    expect(receivedOpenids()).toEqual([w.members[1]!.openid]);
    expect(await statusCounts(db.sql, w.orgId)).toEqual({ sent: 1, 'skipped:consent_withdrawn': 1 });
  });

  test('quiet hours defer, they do not drop', async () => {
    const { w } = await setup(eligible(2));
    await db.sql`insert into public.greeting_settings (org_id, quiet_start, quiet_end) values (${w.orgId}, '10:00', '11:00')`;
    await planDue(db.sql, NOW);
    const r = await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW });
    expect(r).toMatchObject({ claimed: 0, deferred: 2 });
    expect(received()).toHaveLength(0);
    await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => LATER });
    expect(receivedOpenids()).toEqual(openidsOf(w));
  });

  test('frequency budget: a holiday campaign skips members who already got 2 this week; birthdays are exempt', async () => {
    const { w } = await setup(eligible(2, { dbCredits: 3, simCredits: 3 }));
    await db.sql`update public.greeting_campaigns set kind = 'holiday', holiday_key = 'christmas', budget_exempt = false where org_id = ${w.orgId}`;
    for (const d of ['2026-11-29', '2026-11-30']) {
      await db.sql`insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, status, claimed_at, sent_at)
        values (${w.orgId}, ${w.members[0]!.id}, ${`other:${d}`}, ${d}::date, ${w.templateId}, 'sent', ${NOW}, ${NOW})`;
    }
    const christmas = new Date('2026-12-25T02:30:00Z');
    await planDue(db.sql, christmas);
    await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => christmas });
    expect(receivedOpenids()).toEqual([w.members[1]!.openid]);
    expect(await statusCounts(db.sql, w.orgId)).toMatchObject({ 'skipped:frequency_budget': 1 });
  });
});

describe('brand dates', () => {
  test('member join anniversary: members who joined on this day in an earlier year (brand zone)', async () => {
    const w = await buildGreetingsWorld(db.sql, sim, eligible(4));
    const [a, b, c, d] = w.members;
    // 2025-12-01 00:30 in Shanghai is still Nov 30 in UTC: the brand's zone decides.
    await db.sql`update public.members set joined_at = '2025-11-30T16:30:00Z' where id = ${a!.id}`;
    await db.sql`update public.members set joined_at = '2024-12-01T10:00:00Z' where id = ${b!.id}`;
    await db.sql`update public.members set joined_at = '2026-12-01T01:00:00Z' where id = ${c!.id}`; // joined today: no anniversary
    await db.sql`update public.members set joined_at = '2025-12-01T16:30:00Z' where id = ${d!.id}`; // Dec 2 in Shanghai
    await createBirthdayCampaign(db.sql, w, { kind: 'join_anniversary', data: { thing1: '入会周年快乐', name2: '{name}', date3: '{date}' } });
    expect(await planDue(db.sql, NOW)).toEqual({ campaigns: 1, queued: 2 });
    await dispatch(db.sql, { channel: wechatSubscribeChannel(simClient(sim)), now: () => NOW });
    expect(receivedOpenids()).toEqual([a!.openid, b!.openid].sort());
  });
});
