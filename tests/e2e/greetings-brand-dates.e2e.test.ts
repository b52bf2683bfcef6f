// The brand's own dates and recurring campaigns end to end, in Chromium against the H5 build: an
// admin sets a store's opening date; an operator creates a store-anniversary greeting and a
// recurring segment campaign, sees the next occurrences and a dry run per occurrence, launches,
// and reads the statistics after cron has sent; WeChat's content security refuses a risky
// campaign text and an associate's risky 1:1 greeting, with the reason on screen.
import type { Page } from 'playwright-core';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, startBrowserSession, type BrowserSession } from '../helpers/browser';
import { addDays, localDate } from '../../shared/domain/birthday';
import { isoWeekday } from '../../shared/domain/recurrence';
import { wechatSubscribeChannel } from '../../functions/_lib/messaging/channel';
import { dispatch, planDue } from '../../functions/_lib/messaging/engine';
import { getWechatClient } from '../../functions/_lib/wechat-context';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`greetings brand dates e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);

describeIfReady('store anniversaries, recurring campaigns and content security in the browser (H5)', () => {
  let app: StartedApp;
  let browser: BrowserSession;
  let today: string;
  let storeName: string;

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 200 });
    // Quiet hours off, so the test does not depend on the time of day.
    await app.sql`update public.greeting_settings set quiet_start = '00:00', quiet_end = '00:00'`;
    today = localDate(new Date(), 'Asia/Shanghai');
    const [s] = await app.sql<{ name: string }[]>`select name from public.stores where code = 'S001'`;
    storeName = s!.name;
    browser = await startBrowserSession();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(browser.pageErrors).toEqual([]);
  });

  const signIn = async (label: string, login: string, hash: string, ready: string): Promise<Page> => {
    const page = await browser.openPage(label, { viewport: { width: 1000, height: 1400 } });
    await page.goto(`${app.url}/`);
    await page.locator(`#demo-login-${login}`).click();
    await page.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
    await page.goto(`${app.url}/?console=1#${hash}`);
    await page.locator(ready).waitFor();
    return page;
  };
  const campaignId = async (name: string): Promise<string> => {
    for (let i = 0; i < 50; i++) {
      const [c] = await app.sql<{ id: string }[]>`select id from public.greeting_campaigns where name = ${name}`;
      if (c) return c.id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no campaign ${name}`);
  };
  const syncSimulatorCredits = async () => {
    const rows = await app.sql<{ openid: string; external_id: string; credits: number }[]>`
      select a.wx_openid as openid, t.external_id, sc.credits from public.subscription_credits sc
      join public.members m on m.org_id = sc.org_id and m.id = sc.member_id
      join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
      join public.message_templates t on t.org_id = sc.org_id and t.id = sc.template_id where sc.credits > 0`;
    for (const r of rows) app.simulator!.grantSubscription({ appid: app.demo.appId, openid: r.openid, templateId: r.external_id, count: r.credits });
  };

  test("an admin sets store S001's opening date; a date in the future is refused on the field", async () => {
    const page = await signIn('admin', 'demo-admin', '/console/stores/index', '#st-store-S001');
    await page.locator('#st-opened-S001 input').fill('2099-01-01');
    await page.locator('#st-save-S001').click();
    await page.locator('#st-opened-S001-error').waitFor();
    expect(await page.locator('#st-opened-S001-error').textContent()).toContain('future');
    const openedOn = `${Number(today.slice(0, 4)) - 3}${today.slice(4)}`.replace(/-02-29$/, '-02-28');
    await page.locator('#st-opened-S001 input').fill(openedOn);
    await page.locator('#st-save-S001').click();
    await page.locator('#st-notice').waitFor();
    await page.waitForFunction((d) => document.querySelector('#st-next-S001')?.textContent?.includes(d) ?? false, today);
    expect(await page.locator('#st-next-S001').textContent()).toContain('3 周年');
    const [s] = await app.sql<{ d: string }[]>`select opened_on::text as d from public.stores where code = 'S001'`;
    expect(s?.d).toBe(openedOn);
  });

  test('an operator creates a store-anniversary greeting and dry-runs today\'s anniversary', async () => {
    const page = await signIn('operator', 'demo-operator', '/console/greetings/index', '#gr-create-form');
    await page.locator('#gr-kind-store_anniversary').click();
    await page.locator('#gr-name input').fill('门店周年庆');
    await page.locator('#gr-template-holiday').click();
    await page.locator('#gr-days-ahead input').fill('0');
    await page.locator('#gr-field-thing1 input').fill('{store}{years}周年');
    await page.locator('#gr-field-thing2 input').fill('{name}，感谢一路相伴');
    await page.locator('#gr-create').click();
    const id = await campaignId('门店周年庆');
    await page.locator(`#gr-upcoming-${id}`).waitFor();
    expect(await page.locator(`#gr-upcoming-${id}`).textContent()).toContain(`${storeName} 3 周年`);
    await page.locator(`#gr-occ-dry-${id}-${today}`).click();
    await page.locator('#gr-dry-result').waitFor();
    expect(Number(await page.locator('#gr-dry-will').textContent())).toBeGreaterThan(0);
    expect(await page.locator('#gr-preview-thing1').textContent()).toBe(`${storeName}3周年`);
  });

  test('a recurring segment campaign: next occurrences, a dry run per occurrence, launch, cron, statistics', async () => {
    const page = await signIn('operator 2', 'demo-operator', '/console/greetings/index', '#gr-create-form');
    await page.locator('#gr-kind-segment').click();
    await page.locator('#gr-name input').fill('每周上新');
    await page.locator('#gr-template-campaign').click();
    await page.locator('#gr-scheduled-on input').fill(today);
    await page.locator('#gr-send-time input').fill('00:00');
    await page.locator('#gr-repeat-week').click();
    const twoDays = [isoWeekday(today), isoWeekday(addDays(today, 3))];
    // Nothing chosen yet: the form names the problem before anything is sent.
    await page.locator('#gr-field-thing1 input').fill('每周上新');
    await page.locator('#gr-field-date2 input').fill('{date}');
    await page.locator('#gr-create').click();
    await page.locator('#gr-recurrence-error').waitFor();
    for (const d of twoDays) await page.locator(`#gr-weekday-${d}`).click();
    await page.locator('#gr-repeat-until input').fill(addDays(today, 20));
    await page.locator('#gr-create').click();
    const id = await campaignId('每周上新');
    await page.locator(`#gr-upcoming-${id}`).waitFor();
    expect(await page.locator(`#gr-repeat-text-${id}`).textContent()).toContain(`至 ${addDays(today, 20)}`);
    const expected = [0, 3, 7, 10, 14].map((n) => addDays(today, n));
    const shown = await page.locator(`#gr-upcoming-${id} .gr-upcoming__date`).allTextContents();
    expect(shown).toEqual(expected);

    // A dry run of the second occurrence: its own date in the preview.
    await page.locator(`#gr-occ-dry-${id}-${expected[1]}`).click();
    await page.waitForFunction((d) => document.querySelector('#gr-dry-result')?.textContent?.includes(d) ?? false, expected[1]!);
    expect(await page.locator('#gr-preview-date2').textContent()).toBe(expected[1]);
    await page.locator(`#gr-occ-dry-${id}-${today}`).click();
    await page.waitForFunction((d) => document.querySelector('#gr-preview-date2')?.textContent === d, today);
    const will = Number(await page.locator('#gr-dry-will').textContent());
    expect(will).toBeGreaterThan(0);

    await page.locator(`#gr-launch-${id}`).click();
    await page.waitForFunction((cid) => document.querySelector(`#gr-status-${cid}`)?.textContent === '进行中', id);

    await syncSimulatorCredits();
    const before = app.simulator!.sentMessages().length;
    // Cron twice (a duplicate run): the same engine the cron endpoints run.
    for (let i = 0; i < 2; i++) {
      await planDue(app.sql, new Date());
      await dispatch(app.sql, { channel: wechatSubscribeChannel(getWechatClient()), now: () => new Date() });
    }
    const sent = app.simulator!.sentMessages().slice(before);
    expect(sent.length).toBe(will);
    expect(new Set(sent.map((m) => m.toUser)).size).toBe(will);

    await page.locator(`#gr-stats-${id}`).click();
    await page.locator(`#gr-stats-day-${today} .gr-stats-sent`).waitFor();
    expect(Number(await page.locator(`#gr-stats-day-${today} .gr-stats-sent`).textContent())).toBe(will);
  });

  test('launching a campaign with a risky text is refused, with the field and the reason on screen', async () => {
    const page = await signIn('operator 3', 'demo-operator', '/console/greetings/index', '#gr-create-form');
    await page.locator('#gr-kind-segment').click();
    await page.locator('#gr-name input').fill('周末活动');
    await page.locator('#gr-template-campaign').click();
    await page.locator('#gr-scheduled-on input').fill(addDays(today, 2));
    await page.locator('#gr-field-thing1 input').fill('周末赌博大优惠');
    await page.locator('#gr-field-date2 input').fill('{date}');
    await page.locator('#gr-create').click();
    const id = await campaignId('周末活动');
    await page.locator(`#gr-launch-${id}`).click();
    await page.locator('#gr-error').waitFor();
    const text = await page.locator('#gr-error').textContent();
    expect(text).toContain('未通过微信内容安全检测');
    expect(text).toContain('「活动名称」含有违规内容（违法犯罪）');
    expect(await page.locator(`#gr-status-${id}`).textContent()).toBe('草稿');
  });

  test("an associate's 1:1 greeting with a risky word is refused with the reason shown; nothing is queued", async () => {
    const [m] = await app.sql<{ id: string; openid: string }[]>`
      select m.id, a.wx_openid as openid from public.members m
      join public.stores s on s.org_id = m.org_id and s.id = m.store_id
      join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
      where s.code = 'S001'
        and exists (select 1 from public.subscription_credits sc join public.message_templates t on t.id = sc.template_id
          where sc.member_id = m.id and t.purpose = 'holiday' and sc.credits > 0)
        and coalesce((select c.granted from public.consents c where c.org_id = m.org_id and c.member_id = m.id and c.purpose = 'marketing' order by c.created_at desc, c.id desc limit 1), false)
        and (select count(*) from public.greeting_sends g where g.member_id = m.id) < 2
        and not exists (select 1 from public.greeting_sends g where g.member_id = m.id and g.occasion_key like 'manual:%')
      order by m.member_no limit 1`;
    const [t] = await app.sql<{ id: string }[]>`select id from public.message_templates where purpose = 'holiday'`;
    const page = await browser.openPage('associate');
    await page.goto(`${app.url}/`);
    await page.locator('#demo-login-demo-associate-a').click();
    await page.locator('.customer-row').first().waitFor();
    await page.goto(`${app.url}/#/staff/customer/index?id=${m!.id}`);
    await page.locator('#customer-card').waitFor();
    await page.locator(`#greeting-template-${t!.id}`).click();
    await page.locator('#greeting-fields').waitFor();
    await page.locator('#greeting-field-thing1 input').fill('店庆');
    await page.locator('#greeting-field-thing2 input').fill('加入我们刷单赚钱');
    const before = app.simulator!.sentMessages().length;
    await page.locator('#greeting-send').click();
    await page.locator('#greeting-error').waitFor();
    const text = await page.locator('#greeting-error').textContent();
    expect(text).toContain('未通过微信内容安全检测');
    expect(text).toContain('问候未发送');
    expect(text).toContain('欺诈');
    expect(await page.locator('#greeting-field-thing2-error').textContent()).toContain('含有违规内容');
    expect((await app.sql`select 1 from public.greeting_sends where member_id = ${m!.id} and occasion_key like 'manual:%'`).length).toBe(0);
    expect(app.simulator!.sentMessages().length).toBe(before);

    // Reworded, it goes out.
    app.simulator!.grantSubscription({ appid: app.demo.appId, openid: m!.openid, templateId: 'demoTplHoliday00002', count: 1 });
    await page.locator('#greeting-field-thing2 input').fill('欢迎回店');
    await page.locator('#greeting-send').click();
    await page.locator('#greeting-result').waitFor();
    expect(await page.locator('#greeting-result').textContent()).toContain('已发送');
    expect(app.simulator!.sentMessages().length).toBe(before + 1);
  });
});
