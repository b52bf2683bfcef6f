// Imports in the console, end to end in Chromium against the H5 build: an operator uploads a
// small messy CSV (GBK, Chinese headers, a +86 phone with dashes, a full-width phone, an invalid
// phone, a repeated customer), sees the encoding, the suggested mapping and edits it, tries it
// (dry run: nothing stored), imports it and reads the row-by-row report; then resolves the
// pair a second file links, and undoes the merge.
import iconv from 'iconv-lite';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, startBrowserSession, type BrowserSession } from '../helpers/browser';
import { csvText } from '../imports/messy-files';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`imports e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);

const MESSY = iconv.encode(
  csvText({
    headers: ['客户姓名', '手机号码', '会员卡号', '性别', '备注'],
    rows: [
      [' 林 一 ', '+86 188-0000-0101', 'E2E-1', '女士', '老客'],
      ['林二', '１８８０００００１０２', 'E2E-2', 'M', ''],
      ['林三', '12345', 'E2E-3', '男', ''],
      ['林一', '18800000101', '', '', '重复'],
    ],
  }),
  'gbk',
);

describeIfReady('console imports in the browser (H5)', () => {
  let app: StartedApp;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 50 });
    browser = await startBrowserSession();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(() => {
    expect(browser.pageErrors).toEqual([]);
  });

  test('upload a messy CSV, check the mapping, dry run, import, read the report; merge and undo', async () => {
    const page = await browser.openPage('operator', { viewport: { width: 1000, height: 1400 } });
    await page.goto(`${app.url}/`);
    await page.locator('#demo-login-demo-operator').click();
    await page.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
    await page.goto(`${app.url}/?console=1#/console/imports/index`);
    await page.locator('#import-choose').waitFor();

    await page.locator('#import-source input').fill('门店POS');
    const chooser = page.waitForEvent('filechooser');
    await page.locator('#import-choose').click();
    await (await chooser).setFiles({ name: '会员.csv', mimeType: 'text/csv', buffer: MESSY });
    await page.locator('#import-preview', { hasText: 'gb18030' }).waitFor();
    await page.locator('#import-preview', { hasText: '4 行' }).waitFor();
    expect(await page.locator('#map-1-field').innerText()).toContain('手机号');
    expect(await page.locator('#map-4-field').innerText()).toContain('不导入');
    // Edit the mapping: gender is not imported this time.
    await page.locator('#map-3-field').click();
    await page.locator('#map-3-to-none').click();
    expect(await page.locator('#map-3-field').innerText()).toContain('不导入');

    await page.locator('#import-dry-run').click();
    await page.locator('#imports-note', { hasText: '试运行完成' }).waitFor();
    await page.locator('#import-count-rejected', { hasText: '已拒绝 1' }).waitFor();
    const [none] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where name like '林%'`;
    expect(none?.n).toBe(0);

    await page.locator('#import-run').click();
    await page.locator('#imports-note', { hasText: '导入完成' }).waitFor();
    await page.locator('#import-result', { hasText: '导入结果' }).waitFor();
    expect(await page.locator('#import-count-fixed').innerText()).toBe('已修正 2');
    expect(await page.locator('#import-count-merged').innerText()).toBe('已合并 1');
    expect(await page.locator('#import-count-rejected').innerText()).toBe('已拒绝 1');
    const row2 = await page.locator('#report-row-2').innerText();
    expect(row2).toContain('已修正');
    expect(row2).toContain('手机号：去掉国家码 +86');
    expect(row2).toContain('姓名：去掉多余空格');
    expect(row2).not.toContain('性别');
    expect(await page.locator('#report-row-3').innerText()).toContain('手机号：全角转半角');
    const row4 = await page.locator('#report-row-4').innerText();
    expect(row4).toContain('已拒绝');
    expect(row4).toContain('不是有效的电话号码');
    const row5 = await page.locator('#report-row-5').innerText();
    expect(row5).toContain('已合并');
    expect(row5).toContain('与第 2 行是同一位顾客（手机号相同）');
    const [lin] = await app.sql<{ member_no: string; gender: string }[]>`select member_no::text, gender from public.members where name = '林一'`;
    expect(row5).toContain(`会员 ${lin?.member_no}`);
    expect(lin?.gender).toBe('unknown');
    await page.locator('#import-count-rejected').click();
    await page.waitForFunction(() => document.querySelectorAll('.imports__report-row[id^="report-row-"]').length === 1);

    // A second file says 林一's phone and 林二's card are one person: a candidate to merge.
    const second = Buffer.from(csvText({ headers: ['客户姓名', '手机号码', '会员卡号'], rows: [['林一', '18800000101', 'E2E-2']] }), 'utf8');
    const chooser2 = page.waitForEvent('filechooser');
    await page.locator('#import-choose').click();
    await (await chooser2).setFiles({ name: '第二批.csv', mimeType: 'text/csv', buffer: second });
    await page.locator('#import-preview', { hasText: '1 行' }).waitFor();
    await page.locator('#import-run').click();
    await page.locator('#import-count-conflict', { hasText: '待合并 1' }).waitFor();
    await page.locator('#import-go-merges').click();

    const [cand] = await app.sql<{ id: string }[]>`select id from public.member_merge_candidates where status = 'open'`;
    await page.locator(`#candidate-${cand?.id}-preview`).click();
    await page.locator('#merge-preview').waitFor();
    expect(await page.locator('#merge-field-name').innerText()).toContain('林');
    await page.locator('#merge-apply').click();
    await page.locator('#merges-note', { hasText: '已合并' }).waitFor();
    const [merge] = await app.sql<{ id: string }[]>`select id from public.member_merges`;
    await page.locator(`#merge-${merge?.id}-undo`).click();
    await page.locator('#merges-note', { hasText: '已撤销合并' }).waitFor();
    const [back] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where name in ('林一', '林二') and deleted_at is null`;
    expect(back?.n).toBe(2);
  });
});
