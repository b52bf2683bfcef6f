// The segments console end to end, in Chromium against the H5 build: an operator builds rules
// (RFM class, store, spend) and watches the live count follow them (checked against SQL over
// the members; typing asks the server once, debounced), sees a bad range refused under its
// field, saves the segment, pages through its members (phones masked), and exports it as CSV:
// the downloaded file is exactly the segment, masked, and the export is in the audit log. Then
// edits the rules, uses the segment in a campaign (its dry run counts the segment) and cannot
// delete it while in use; an admin exports full phone numbers only with a stated purpose.
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { decryptPii } from '../../functions/_lib/crypto/pii-crypto';
import type { Page } from 'playwright-core';
import type postgres from 'postgres';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, startBrowserSession, type BrowserSession } from '../helpers/browser';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`segments e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);

describeIfReady('segments console in the browser (H5)', () => {
  let app: StartedApp;
  let session: BrowserSession;
  let page: Page;
  let orgId: string;
  let s001: string;

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 300 });
    orgId = app.demo.orgId ?? '';
    const [st] = await app.sql<{ id: string }[]>`select id from public.stores where org_id = ${orgId} and code = 'S001'`;
    s001 = st?.id ?? '';
    session = await startBrowserSession();
    page = await session.openPage('operator', { viewport: { width: 1000, height: 1400 }, acceptDownloads: true });
    await page.goto(`${app.url}/`);
    await page.locator('#demo-login-demo-operator').click();
    await page.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
    // A full load straight into the console page (the session is in storage).
    await page.goto(`${app.url}/?console=1#/console/segments/index`);
    await page.locator('#seg-rules').waitFor();
  });

  afterAll(async () => {
    await session?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(session.pageErrors).toEqual([]);
  });

  // Members of the demo org matching a hand-written condition, in member-number order.
  const truth = async (where: postgres.PendingQuery<postgres.Row[]>): Promise<string[]> =>
    (await app.sql<{ member_no: string }[]>`
      select m.member_no::text from public.members m where m.org_id = ${orgId} and m.deleted_at is null ${where} order by m.member_no`).map((r) => r.member_no);

  const liveCountIs = async (n: number): Promise<void> => {
    await page.locator('#seg-count', { hasText: new RegExp(`^${n}$`) }).waitFor();
  };

  test('an operator builds rules and the live count follows; saves; opens the members; exports CSV', async () => {
    // No rules: every member.
    const everyone = await truth(app.sql``);
    await liveCountIs(everyone.length);

    // Rule by rule, the count follows (each change counted once the typing pauses).
    const rfmKeep = ['important_value', 'important_keep', 'important_develop', 'important_retain'];
    for (const c of rfmKeep) await page.locator(`#seg-rfm-${c}`).click();
    const important = await truth(app.sql`and m.rfm_class = any (${rfmKeep}::text[])`);
    expect(important.length).toBeGreaterThan(0);
    expect(important.length).toBeLessThan(everyone.length);
    await liveCountIs(important.length);

    await page.locator('#seg-store-S001').click();
    const inStore = await truth(app.sql`and m.rfm_class = any (${rfmKeep}::text[]) and m.store_id = ${s001}`);
    expect(inStore.length).toBeLessThan(important.length);
    await liveCountIs(inStore.length);

    // A range the wrong way round is refused under its field, and nothing is counted.
    await page.locator('#seg-spend-min input').fill('500');
    await page.locator('#seg-spend-max input').fill('100');
    await page.locator('#seg-spendMax-error').waitFor();
    await page.locator('#seg-count-invalid').waitFor();
    await page.locator('#seg-spend-max input').fill('');
    await page.locator('#seg-spend-min input').fill('');
    await liveCountIs(inStore.length);
    // Typing a threshold (the median spend of those members, in whole yuan) asks the server
    // once, after the pause (debounced), not per keystroke.
    const [median] = await app.sql<{ fen: string }[]>`
      select percentile_disc(0.5) within group (order by lifetime_spend_fen) as fen from public.members
      where org_id = ${orgId} and deleted_at is null and rfm_class = any (${rfmKeep}::text[]) and store_id = ${s001}`;
    const yuan = Math.floor(Number(median?.fen ?? 0) / 100);
    expect(yuan).toBeGreaterThanOrEqual(10);
    const counts: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/console/segment-count')) counts.push(r.postData() ?? '');
    });
    await page.locator('#seg-spend-min input').pressSequentially(String(yuan), { delay: 50 });
    const spent = await truth(app.sql`and m.rfm_class = any (${rfmKeep}::text[]) and m.store_id = ${s001} and m.lifetime_spend_fen >= ${yuan * 100}`);
    expect(spent.length).toBeGreaterThan(20); // two pages of members
    expect(spent.length).toBeLessThan(inStore.length);
    await liveCountIs(spent.length);
    await page.waitForTimeout(800);
    expect(counts.map((b) => JSON.parse(b) as unknown)).toEqual([{ rules: { rfmClasses: rfmKeep, storeIds: [s001], spendMinFen: yuan * 100 } }]);
    expect(await page.locator('#seg-spendMax-error').count()).toBe(0);

    // Save: the segment is stored with these rules and its count.
    await page.locator('#seg-name input').fill('S001 重要客户');
    await page.locator('#seg-save').click();
    await page.locator('#seg-notice', { hasText: '已保存' }).waitFor();
    const [seg] = await app.sql<{ id: string; rules: Record<string, unknown>; last_count: number }[]>`
      select id, rules, last_count from public.segments where org_id = ${orgId} and name = 'S001 重要客户'`;
    if (!seg) throw new Error('segment not saved');
    expect(seg.rules).toEqual({ rfmClasses: rfmKeep, storeIds: [s001], spendMinFen: yuan * 100 });
    expect(seg.last_count).toBe(spent.length);
    expect(await page.locator(`#seg-item-count-${seg.id}`).textContent()).toBe(`${spent.length} 人`);

    // Members: pages of 20, newest first, phones masked; "more" loads the next page.
    await page.locator(`#seg-members-${seg.id}`).click();
    await page.locator('#seg-member-list').waitFor();
    const firstPage = Math.min(20, spent.length);
    await page.locator('#seg-member-shown', { hasText: `已显示 ${firstPage} 位` }).waitFor();
    if (spent.length > 20) {
      await page.locator('#seg-members-more').click();
      await page.locator('#seg-member-shown', { hasText: `已显示 ${Math.min(40, spent.length)} 位` }).waitFor();
    }
    const shownIds = await page.locator('.seg-member').evaluateAll((els) => els.map((e) => e.id.replace('seg-row-', '')));
    const newest = await app.sql<{ member_no: string }[]>`
      select member_no::text from public.members where org_id = ${orgId} and deleted_at is null and rfm_class = any (${rfmKeep}::text[])
        and store_id = ${s001} and lifetime_spend_fen >= ${yuan * 100} order by joined_at desc, id desc limit 40`;
    expect(shownIds).toEqual(newest.map((r) => r.member_no).slice(0, shownIds.length));
    const phones = await page.locator('.seg-member__phone').allTextContents();
    expect(phones.length).toBe(shownIds.length);
    expect(phones.every((p) => p === '无手机号' || /^\d{3}\*{4}\d{4}$/.test(p))).toBe(true);

    // Export: an operator has no full-phone option; the file is the segment, masked; audited.
    await page.locator(`#seg-export-${seg.id}`).click();
    await page.locator('#seg-export-panel').waitFor();
    expect(await page.locator('#seg-export-full').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#seg-export-go').click()]);
    expect(download.suggestedFilename()).toMatch(/^S001 重要客户-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['会员号'])).toEqual(spent);
    expect(rows.every((r) => r['手机号'] === '' || /^\d{3}\*{4}\d{4}$/.test(r['手机号'] ?? ''))).toBe(true);
    expect(rows.every((r) => r['门店编码'] === 'S001')).toBe(true);
    await page.locator('#seg-notice', { hasText: `已导出 ${spent.length} 位会员` }).waitFor();
    const audit = await app.sql<{ detail: { rows: number; masked: boolean } }[]>`
      select detail from public.audit_log where org_id = ${orgId} and action = 'segment.export' and target_id = ${seg.id}`;
    expect(audit.map((a) => a.detail)).toEqual([expect.objectContaining({ rows: spent.length, masked: true })]);
  });
  test('the operator edits the rules, uses the segment in a campaign (its dry run is the segment), and cannot delete it while in use', async () => {
    const [seg] = await app.sql<{ id: string }[]>`select id from public.segments where org_id = ${orgId} and name = 'S001 重要客户'`;
    const id = seg?.id ?? '';
    await page.locator(`#seg-edit-${id}`).click();
    await page.locator('#seg-editor-title', { hasText: '编辑：S001 重要客户' }).waitFor();
    expect(await page.locator('#seg-rfm-important_value').getAttribute('class')).toContain('chip--on');
    // Drop the spend rule and two classes: the count follows, and saving stores the new rules.
    await page.locator('#seg-spend-min input').fill('');
    await page.locator('#seg-rfm-important_develop').click();
    await page.locator('#seg-rfm-important_retain').click();
    const kept = ['important_value', 'important_keep'];
    const now = await truth(app.sql`and m.rfm_class = any (${kept}::text[]) and m.store_id = ${s001}`);
    await liveCountIs(now.length);
    await page.locator('#seg-save').click();
    await page.locator('#seg-notice', { hasText: `已保存“S001 重要客户”：${now.length} 人` }).waitFor();
    const [saved] = await app.sql<{ rules: unknown; last_count: number }[]>`select rules, last_count from public.segments where id = ${id}`;
    expect(saved).toEqual({ rules: { rfmClasses: kept, storeIds: [s001] }, last_count: now.length });

    // Use in a campaign: created as a draft aimed at the segment, dry run counts the segment.
    await page.locator(`#seg-use-${id}`).click();
    await page.locator('#seg-campaign').waitFor();
    await page.locator('#seg-campaign-field-thing1 input').fill('{name}专属礼遇');
    await page.locator('#seg-campaign-field-date2 input').fill('{date}');
    await page.locator('#seg-campaign-create').click();
    await page.locator('#seg-dry-audience', { hasText: new RegExp(`^${now.length}$`) }).waitFor();
    const campaigns = await app.sql<{ name: string; status: string; kind: string }[]>`
      select name, status, kind from public.greeting_campaigns where org_id = ${orgId} and segment_id = ${id}`;
    expect(campaigns).toEqual([{ name: 'S001 重要客户 活动', status: 'draft', kind: 'segment' }]);

    // In use: deleting is refused, naming the campaign; the segment stays.
    await page.locator(`#seg-item-${id}`, { hasText: '用于活动：S001 重要客户 活动' }).waitFor();
    await page.locator(`#seg-delete-${id}`).click();
    await page.locator(`#seg-delete-confirm-${id}`).click();
    await page.locator('#seg-error', { hasText: 'S001 重要客户 活动' }).waitFor();
    expect((await app.sql`select 1 from public.segments where id = ${id}`).length).toBe(1);

    // A new, unused segment is saved and deleted.
    await page.locator('#seg-new').click();
    await page.locator('#seg-editor-title', { hasText: '新建人群' }).waitFor();
    await page.locator('#seg-churn-at_risk').click();
    await liveCountIs((await truth(app.sql`and m.churn_state = 'at_risk'`)).length);
    await page.locator('#seg-name input').fill('临时');
    await page.locator('#seg-save').click();
    await page.locator('#seg-notice', { hasText: '已保存“临时”' }).waitFor();
    const [tmp] = await app.sql<{ id: string }[]>`select id from public.segments where org_id = ${orgId} and name = '临时'`;
    await page.locator(`#seg-delete-${tmp?.id}`).click();
    await page.locator(`#seg-delete-confirm-${tmp?.id}`).click();
    await page.locator('#seg-notice', { hasText: '已删除“临时”' }).waitFor();
    await page.locator(`#seg-item-${tmp?.id}`).waitFor({ state: 'detached' });
    expect((await app.sql`select 1 from public.segments where id = ${tmp?.id ?? ''}`).length).toBe(0);
  });

  test('an admin may export full phone numbers, only with a stated purpose, and that export is audited with it', async () => {
    const admin = await session.openPage('admin', { viewport: { width: 1000, height: 1400 }, acceptDownloads: true });
    await admin.goto(`${app.url}/`);
    await admin.locator('#demo-login-demo-admin').click();
    await admin.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
    await admin.goto(`${app.url}/?console=1#/console/segments/index`);
    const [seg] = await app.sql<{ id: string }[]>`select id from public.segments where org_id = ${orgId} and name = 'S001 重要客户'`;
    const id = seg?.id ?? '';
    await admin.locator(`#seg-export-${id}`).click();
    await admin.locator('#seg-export-full').click();
    // No purpose: refused in the form, nothing read.
    await admin.locator('#seg-export-go').click();
    await admin.locator('#seg-export-purpose-error').waitFor();
    const fullAudits = async () =>
      (await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where org_id = ${orgId} and action = 'segment.export_full_phones'`)[0]?.n ?? 0;
    expect(await fullAudits()).toBe(0);

    await admin.locator('#seg-export-purpose input').fill('导入短信服务商');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.locator('#seg-export-go').click()]);
    expect(download.suggestedFilename()).toMatch(/-完整手机号\.csv$/);
    const rows = parse(fs.readFileSync(await download.path(), 'utf8').slice(1), { columns: true }) as Record<string, string>[];
    const want = await app.sql<{ member_no: string; phone_enc: string | null }[]>`
      select member_no::text, phone_enc from public.members where org_id = ${orgId} and deleted_at is null
        and rfm_class in ('important_value', 'important_keep') and store_id = ${s001} order by member_no`;
    expect(rows.map((r) => [r['会员号'], r['手机号']])).toEqual(
      want.map((w) => [w.member_no, w.phone_enc ? decryptPii(w.phone_enc, 'phone').replace(/^\+86/, '') : '']),
    );
    expect(rows.some((r) => /^1\d{10}$/.test(r['手机号'] ?? ''))).toBe(true);
    const [audit] = await app.sql<{ detail: { purpose: string } }[]>`
      select detail from public.audit_log where org_id = ${orgId} and action = 'segment.export_full_phones' order by id desc limit 1`;
    expect(audit?.detail.purpose).toBe('导入短信服务商');
    expect(await fullAudits()).toBe(1);
  });
});
