// The console dashboards and the data quality report end to end, in Chromium against the H5
// build: an operator opens the dashboards, clicks a bar of a chart (a real mouse click on the
// canvas where ECharts drew it) and lands on exactly its members; clicks an RFM cell; opens the
// quality report, follows a number to its list, and re-runs the audit.
import type { Page } from 'playwright-core';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, startBrowserSession, type BrowserSession } from '../helpers/browser';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`dashboards e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);

describeIfReady('console dashboards in the browser (H5)', () => {
  let app: StartedApp;
  let session: BrowserSession;
  let page: Page;
  let orgId: string;

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 200 });
    orgId = app.demo.orgId as string;
    await app.sql`update public.members set tier = case when member_no % 4 = 0 then '金卡' end where org_id = ${orgId}`;
    await app.sql`select public.data_quality_snapshot(${orgId})`;
    session = await startBrowserSession();
    page = await session.openPage('operator', { viewport: { width: 1200, height: 1400 } });
    await page.goto(`${app.url}/`);
    await page.locator('#demo-login-demo-operator').click();
    await page.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
  });

  afterAll(async () => {
    await session?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(session.pageErrors).toEqual([]);
  });

  // Where ECharts drew the middle of bar `category` of series 0 (value `n`), in page pixels.
  const barPoint = async (chartId: string, category: number, n: number): Promise<{ x: number; y: number }> => {
    await page.waitForFunction(
      (id) => {
        const el = document.getElementById(id) as (HTMLElement & { __chart?: { getOption: () => { series?: { data?: unknown[] }[] } } }) | null;
        return Boolean(el?.__chart && (el.__chart.getOption().series?.[0]?.data?.length ?? 0) > 0 && el.querySelector('canvas'));
      },
      chartId,
    );
    await page.locator(`#${chartId}`).scrollIntoViewIfNeeded();
    return page.evaluate(
      ([id, ci, value]) => {
        const el = document.getElementById(id as string) as HTMLElement & { __chart: { convertToPixel: (f: object, v: number[]) => number[] } };
        const [x, y] = el.__chart.convertToPixel({ seriesIndex: 0 }, [ci as number, (value as number) / 2]);
        const r = el.getBoundingClientRect();
        return { x: r.left + (x ?? 0), y: r.top + (y ?? 0) };
      },
      [chartId, category, n] as const,
    );
  };

  // A full page load (a new query string, not only a new hash), so Taro's page stack starts
  // afresh and ids are unique on the page.
  let loads = 0;
  const openConsole = async (hash: string): Promise<void> => {
    loads++;
    await page.goto(`${app.url}/?console=${loads}#/console/${hash}`);
  };

  const drillLoaded = async (): Promise<void> => {
    await page.waitForFunction(() => (document.getElementById('drill-total')?.textContent ?? '…') !== '…' || document.getElementById('drill-error'));
    const error = await page.locator('#drill-error').count();
    if (error) throw new Error(`drill-down page: ${await page.locator('#drill-error').textContent()}`);
  };

  const drillIds = async (): Promise<string[]> =>
    (await page.locator('[id^="drill-member-"]').evaluateAll((els) => els.map((e) => e.id.replace('drill-member-', '')))).sort();

  test('an operator opens the dashboards and clicks the "未购买" bar of the churn chart: its members', async () => {
    await openConsole('dashboards/index');
    // Every section loaded, so nothing moves the chart while the mouse goes there.
    await page.locator('#dash-loaded').waitFor({ state: 'attached' });
    const truth = await app.sql<{ id: string }[]>`
      select id from public.members where org_id = ${orgId} and deleted_at is null and churn_state = 'no_purchase'`;
    expect(truth.length).toBeGreaterThan(0);
    const p = await barPoint('dash-churn', 0, truth.length);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => location.hash.includes('console/members/index'));
    await drillLoaded();
    expect(await page.locator('#drill-title').textContent()).toContain('未购买');
    expect(Number(await page.locator('#drill-total').textContent())).toBe(truth.length);
    // All of them are on the first page (fewer than 50), each masked.
    await page.waitForFunction((n) => document.querySelectorAll('[id^="drill-member-"]').length === Math.min(50, n), truth.length);
    const shown = await drillIds();
    const all = truth.map((t) => t.id).sort();
    if (truth.length <= 50) expect(shown).toEqual(all);
    else for (const id of shown) expect(all).toContain(id);
    expect(await page.locator('.drill-row__phone').first().textContent()).toMatch(/^\d{3}\*{4}\d{4}$|未绑定手机/);
  });

  test('a bar of the growth chart and a cell of the RFM grid open their members', async () => {
    await openConsole('dashboards/index');
    await page.locator('#dash-loaded').waitFor({ state: 'attached' });
    // The last month's first channel series (channels sorted by key: associate_qr first).
    const [cell] = await app.sql<{ month: string; channel: string; n: number }[]>`
      select to_char(joined_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, join_channel as channel, count(*)::int as n
      from public.members where org_id = ${orgId} and deleted_at is null
        and joined_at >= date_trunc('month', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai' - interval '11 months'
      group by 1, 2 order by 2, 1 desc limit 1`;
    await barPoint('dash-growth-channel', 0, 0);
    const months = await page.evaluate(() => {
      const el = document.getElementById('dash-growth-channel') as HTMLElement & { __chart?: { getOption: () => { xAxis: { data: string[] }[] } } };
      return el.__chart?.getOption().xAxis[0]?.data ?? [];
    });
    const p = await barPoint('dash-growth-channel', months.indexOf(cell!.month), cell!.n);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => location.hash.includes('console/members/index'));
    await drillLoaded();
    expect(Number(await page.locator('#drill-total').textContent())).toBe(cell!.n);
    expect(await page.locator('#drill-title').textContent()).toContain(cell!.month);

    await openConsole('dashboards/index');
    await page.locator('#dash-loaded').waitFor({ state: 'attached' });
    const [rfm] = await app.sql<{ rfm_class: string; n: number }[]>`
      select rfm_class, count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null and rfm_class is not null
      group by 1 order by 2 desc limit 1`;
    await page.locator(`#dash-rfm-${rfm!.rfm_class}`).click();
    await drillLoaded();
    expect(Number(await page.locator('#drill-total').textContent())).toBe(rfm!.n);
    // A row opens the customer card.
    await page.locator('[id^="drill-member-"]').first().click();
    await page.waitForFunction(() => location.hash.includes('staff/customer/index'));
  });

  test('the quality report: follow a number to its list; re-run the audit', async () => {
    await openConsole('quality/index');
    await page.locator('#dq-score').waitFor();
    const [run] = await app.sql<{ score: string; counts: Record<string, number>; members: number }[]>`
      select score::text, counts, members from public.data_quality_runs where org_id = ${orgId} order by finished_at desc limit 1`;
    expect(await page.locator('#dq-score').textContent()).toBe(String(Number(run!.score)));
    expect(Number(await page.locator('#dq-members').textContent())).toBe(run!.members);
    const n = run!.counts.missing_birthday ?? 0;
    expect(n).toBeGreaterThan(0);
    expect(Number(await page.locator('#dq-count-missing_birthday').textContent())).toBe(n);
    await page.locator('#dq-count-missing_birthday').click();
    await drillLoaded();
    expect(Number(await page.locator('#drill-total').textContent())).toBe(n);
    const truth = (await app.sql<{ member_id: string }[]>`
      select f.member_id from public.data_quality_findings f where f.org_id = ${orgId} and f.issue = 'missing_birthday'`).map((r) => r.member_id);
    const shown = await drillIds();
    expect(shown.length).toBe(Math.min(50, n));
    for (const id of shown) expect(truth).toContain(id);
    if (n > 50) {
      await page.locator('#drill-more').click();
      await page.waitForFunction((k) => document.querySelectorAll('[id^="drill-member-"]').length === Math.min(100, k), n);
    }

    // Fix one member's birthday, re-run from the report: the count drops by one.
    await app.sql`update public.members set birthday_calendar = 'solar', birth_month = 1, birth_day = 1 where id = ${truth[0]!}`;
    await app.sql`update public.data_quality_runs set started_at = started_at - interval '5 minutes' where org_id = ${orgId}`;
    await openConsole('quality/index');
    await page.locator('#dq-run').click();
    await page.locator('#dq-notice').waitFor();
    await page.waitForFunction((k) => document.getElementById('dq-count-missing_birthday')?.textContent === String(k), n - 1);
  });
});
