// The greetings console end to end, in Chromium against the H5 build: the operator creates a
// birthday automation and a holiday greeting, dry-runs the holiday greeting (counts by reason
// and a rendered preview), launches it, and reads its statistics after cron has sent it.
import { type Browser, type Page } from 'playwright-core';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, launchChromium } from '../helpers/browser';
import { api } from '../helpers/api-client';
import { zonedTimeToUtc } from '../../shared/domain/birthday';
import { holidayDate } from '../../shared/domain/holidays';
import { wechatSubscribeChannel } from '../../functions/_lib/messaging/channel';
import { dispatch, planDue } from '../../functions/_lib/messaging/engine';
import { getWechatClient } from '../../functions/_lib/wechat-context';

const nextOccasionDate = (today: string): string => {
  const y = Number(today.slice(0, 4));
  const d = holidayDate('mid_autumn', y);
  return d >= today ? d : holidayDate('mid_autumn', y + 1);
};

const missing = browserTestsBlockedBy();
if (missing) console.warn(`greetings e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);


describeIfReady('greetings console in the browser (H5)', () => {
  let app: StartedApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 200 });
    // Quiet hours off, so the test does not depend on the time of day.
    await app.sql`update public.greeting_settings set quiet_start = '00:00', quiet_end = '00:00'`;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1000, height: 1200 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(20_000);
    await page.goto(`${app.url}/`);
    await page.locator('#demo-login-demo-operator').click();
    await page.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
    // A full load straight into the console page (the session is in storage).
    await page.goto(`${app.url}/?console=1#/console/greetings/index`);
    await page.locator('#gr-create-form').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  const campaignIdByName = async (name: string): Promise<string> => {
    const [c] = await app.sql<{ id: string }[]>`select id from public.greeting_campaigns where name = ${name}`;
    if (!c) throw new Error(`no campaign ${name}`);
    return c.id;
  };

  test('an operator creates a birthday automation; bad template data is refused naming the field', async () => {
    await page.locator('#gr-kind-birthday').click();
    await page.locator('#gr-name input').fill('三天后的生日');
    await page.locator('#gr-template-birthday').click();
    await page.locator('#gr-days-ahead input').fill('3');
    await page.locator('#gr-field-thing1 input').fill('这是一段明显超过二十个字的祝福语，会被微信拒绝的');
    await page.locator('#gr-field-date2 input').fill('{date}');
    await page.locator('#gr-create').click();
    await page.locator('#gr-data-error').waitFor();
    await page.locator('#gr-field-thing1 input').fill('{name}生日快乐');
    await page.locator('#gr-create').click();
    await page.locator('#gr-notice').waitFor();
    const id = await campaignIdByName('三天后的生日');
    await page.locator(`#gr-campaign-${id}`).waitFor();
    expect(await page.locator(`#gr-status-${id}`).textContent()).toBe('草稿');
  });

  test('a holiday greeting: dry run, launch, cron sends, statistics', async () => {
    await page.locator('#gr-kind-holiday').click();
    await page.locator('#gr-name input').fill('中秋问候');
    await page.locator('#gr-template-holiday').click();
    await page.locator('#gr-holiday-mid_autumn').click();
    await page.locator('#gr-days-ahead input').fill('0');
    await page.locator('#gr-field-thing1 input').fill('{holiday}快乐');
    await page.locator('#gr-field-thing2 input').fill('{name}，团圆美满');
    await page.locator('#gr-create').click();
    const id = await (async () => {
      for (let i = 0; i < 50; i++) {
        const rows = await app.sql<{ id: string }[]>`select id from public.greeting_campaigns where name = '中秋问候'`;
        if (rows[0]) return rows[0].id;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('not created');
    })();
    await page.locator(`#gr-dry-${id}`).click();
    await page.locator('#gr-dry-result').waitFor();
    const will = Number(await page.locator('#gr-dry-will').textContent());
    expect(will).toBeGreaterThan(0);
    expect(await page.locator('#gr-preview-thing1').textContent()).toBe('中秋快乐');
    expect(await page.locator('#gr-preview-thing2').textContent()).toMatch(/，团圆美满$/);
    expect(await page.locator('[id^="gr-dry-skip-"]').count()).toBeGreaterThan(0);

    await page.locator(`#gr-launch-${id}`).click();
    await page.waitForFunction((cid) => document.querySelector(`#gr-status-${cid}`)?.textContent === '进行中', id);

    // Cron on the day of the occasion (10:30 in Shanghai, after the 10:00 send time).
    const [c] = await app.sql<{ day: string }[]>`select (now() at time zone 'Asia/Shanghai')::date::text as day`;
    const occasion = nextOccasionDate(c!.day);
    const onTheDay = zonedTimeToUtc(occasion, '10:30', 'Asia/Shanghai');
    // The members' subscription taps happened on their phones: tell the simulator.
    const credits = await app.sql<{ openid: string; external_id: string; credits: number }[]>`
      select a.wx_openid as openid, t.external_id, sc.credits from public.subscription_credits sc
      join public.members m on m.org_id = sc.org_id and m.id = sc.member_id
      join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
      join public.message_templates t on t.org_id = sc.org_id and t.id = sc.template_id where sc.credits > 0`;
    for (const c of credits) app.simulator!.grantSubscription({ appid: app.demo.appId, openid: c.openid, templateId: c.external_id, count: c.credits });
    const before = app.simulator!.sentMessages().length;
    // The cron endpoints themselves are covered by the API tests; here the same engine runs
    // with the clock of the holiday, twice (a duplicate cron run).
    for (let i = 0; i < 2; i++) {
      await planDue(app.sql, onTheDay);
      await dispatch(app.sql, { channel: wechatSubscribeChannel(getWechatClient()), now: () => onTheDay });
    }
    expect((await api(app, '/api/cron/greetings-plan')).status).toBe(401);
    const sent = app.simulator!.sentMessages().length - before;
    expect(sent).toBe(will);

    await page.locator(`#gr-stats-${id}`).click();
    await page.locator('#gr-stats-result .gr-stats-sent').waitFor();
    expect(Number(await page.locator('#gr-stats-result .gr-stats-sent').textContent())).toBe(sent);
  });
});

