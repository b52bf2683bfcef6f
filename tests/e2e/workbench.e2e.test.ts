// The associates' workbench end to end, in Chromium, against the H5 build served by the project's
// own server: search as you type, filter, tag, reveal the phone (audited), log an interaction
// with a follow-up, find it in today's to-do list and act on it in one tap; a manager hands an
// associate's customers over, undoes it, and deactivates the associate.
import type { Page } from 'playwright-core';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, startBrowserSession, type BrowserSession } from '../helpers/browser';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`workbench e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);

describeIfReady('associates\' workbench in the browser (H5)', () => {
  let app: StartedApp;
  let browser: BrowserSession;
  let member: { id: string; name: string; name_initials: string; phone_masked: string } | undefined;
  const staff: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 200 });
    for (const row of await app.sql<{ openid: string; id: string }[]>`
      select a.wx_openid as openid, s.id from public.staff s join public.accounts a on a.id = s.account_id`) staff[row.openid] = row.id;
    // A customer of 王芳 with a phone and a name whose initials are unique in her store.
    [member] = await app.sql<{ id: string; name: string; name_initials: string; phone_masked: string }[]>`
      select m.id, m.name, m.name_initials, m.phone_masked from public.members m
      where m.associate_id = ${staff['demo-associate-a'] ?? null} and m.phone_masked is not null and length(m.name) = 3
        and (select count(*) from public.members o where o.store_id = m.store_id and o.name_initials like m.name_initials || '%') = 1
      order by m.member_no limit 1`;
    browser = await startBrowserSession();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(browser.pageErrors).toEqual([]);
  });

  const openAs = async (label: string, loginId: string): Promise<Page> => {
    const page = await browser.openPage(label);
    await page.goto(`${app.url}/`);
    await page.locator(`#${loginId}`).click();
    await page.locator('.customer-row').first().waitFor();
    return page;
  };

  test('an associate finds a customer as they type, filters, tags, reveals the phone and logs a follow-up', async () => {
    if (!member) throw new Error('no demo customer fits');
    const m = member;
    const page = await openAs('associate A', 'demo-login-demo-associate-a');

    // Results as you type (no search button): pinyin initials.
    await page.locator('#customer-search input').fill(m.name_initials);
    await page.locator(`#customer-${m.id}`).waitFor();
    await page.waitForFunction("document.querySelectorAll('.customer-row').length === 1");

    // Clearing the search and choosing "my customers" sorted by spend lists only hers, in order.
    await page.locator('#customer-search input').fill('');
    await page.locator('#scope-mine').click();
    await page.locator('#sort-spend').click();
    await page.locator('#sort-spend.chip--on').waitFor();
    const [top] = await app.sql<{ id: string }[]>`
      select id from public.members where associate_id = ${staff['demo-associate-a'] ?? null} order by lifetime_spend_fen desc, id desc limit 1`;
    await page.waitForFunction((id) => document.querySelector('.customer-row')?.id === `customer-${id}`, top?.id);
    // Every row is hers (her customers only), figures shown by spend.
    const ids = await page.locator('.customer-row').evaluateAll((rows) => rows.map((r) => r.id.replace(/^customer-/, '')));
    const [{ n: foreign } = { n: -1 }] = await app.sql<{ n: number }[]>`
      select count(*)::int as n from public.members where id = any (${ids}::uuid[]) and associate_id is distinct from ${staff['demo-associate-a'] ?? null}`;
    expect(foreign).toBe(0);

    await page.locator('#customer-search input').fill(m.name);
    await page.locator(`#customer-${m.id}`).click();
    await page.locator('#customer-card').waitFor();
    expect(await page.locator('#customer-phone').textContent()).toBe(m.phone_masked);
    await page.locator('#customer-timeline').waitFor();

    // Reveal: the full number appears and the audit log has it.
    await page.locator('#phone-reveal').click();
    await page.waitForFunction((masked) => !document.querySelector('#customer-phone')?.textContent?.includes('****') && masked.length > 0, m.phone_masked);
    const [audit] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where action = 'member.phone_reveal' and target_id = ${m.id}`;
    expect(audit?.n).toBe(1);

    // One tap tags.
    const chip = page.locator('.tag-chip:not(.tag-chip--on)').first();
    const chipId = (await chip.getAttribute('id')) ?? '';
    await page.locator(`#${chipId}`).click();
    // On and no longer busy: the chip turns on before the request ends, and a tap while busy is ignored.
    await page.locator(`#${chipId}.tag-chip--on:not(.chip--busy)`).waitFor();
    const [tagged] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.member_tags where member_id = ${m.id} and tag_id = ${chipId.replace(/^tag-/, '')}`;
    expect(tagged?.n).toBe(1);

    // A call with a follow-up today.
    await page.locator('#interaction-kind-call').click();
    await page.locator('#interaction-note textarea').fill('电话回访，约今天再确认尺码');
    await page.locator('#follow-up-0').click();
    await page.locator('#interaction-submit').click();
    await page.locator('#interaction-saved').waitFor();
    await page.locator('.timeline-row--interaction', { hasText: '电话回访' }).waitFor();
  });

  test('the follow-up is in today\'s to-do list and opens the card at the log form in one tap', async () => {
    if (!member) throw new Error('no demo customer fits');
    const page = await openAs('associate A (to-do)', 'demo-login-demo-associate-a');
    await page.locator('#open-todo').click();
    await page.locator('#todo-follow-ups').waitFor();
    await page.locator(`#todo-follow-up-${member.id}`).waitFor();
    await page.locator('#todo-birthdays-today').waitFor();
    await page.locator(`#todo-follow-up-${member.id}-log`).click();
    await page.locator('#interaction-form').waitFor();
    expect(await page.locator('#customer-name').textContent()).toBe(member.name);
  });

  test('a manager hands some customers over and undoes it, then all of a leaving associate\'s, and deactivates her', async () => {
    const wang = staff['demo-associate-a'] ?? '';
    const zhang = staff['demo-associate-c'] ?? '';
    const owned = async (who: string): Promise<number> =>
      (await app.sql<{ n: number }[]>`select count(*)::int as n from public.members where associate_id = ${who}`)[0]?.n ?? -1;
    const wangHad = await owned(wang);
    expect(wangHad).toBeGreaterThan(0);

    const page = await openAs('manager A', 'demo-login-demo-manager-a');
    await page.locator('#open-handover').click();

    // Some customers: two picked from 王芳's list, then undone.
    await page.locator(`#from-${wang}`).click();
    await page.locator('.handover-pick__item').nth(1).waitFor();
    const picked = await page.locator('.handover-pick__item').evaluateAll((els) => els.slice(0, 2).map((e) => e.id.replace(/^pick-/, '')));
    for (const id of picked) await page.locator(`#pick-${id}`).click();
    await page.locator(`#to-${zhang}`).click();
    await page.locator('#reason-reassignment').click();
    await page.locator('#handover-submit').click();
    await page.locator('#handover-done', { hasText: '已交接 2 位顾客' }).waitFor();
    const moved = await app.sql<{ id: string }[]>`select id from public.members where associate_id = ${zhang}`;
    expect(moved.map((m) => m.id).sort()).toEqual([...picked].sort());

    const [batch] = await app.sql<{ id: string }[]>`select id from public.handover_batches order by created_at desc limit 1`;
    await page.locator(`#undo-${batch?.id}`).click();
    await page.locator('#handover-done', { hasText: '已撤销' }).waitFor();
    expect(await owned(wang)).toBe(wangHad);
    expect(await owned(zhang)).toBe(0);

    // 王芳 leaves: all her customers go to 张伟, and she is deactivated.
    await page.locator(`#from-${wang}`).click();
    await page.locator(`#to-${zhang}`).click();
    await page.locator('#reason-leaving').click();
    await page.locator('#handover-submit').click();
    await page.locator('#handover-done', { hasText: `已交接 ${wangHad} 位顾客` }).waitFor();
    expect(await owned(wang)).toBe(0);
    expect(await owned(zhang)).toBe(wangHad);

    await page.locator(`#deactivate-${wang}`).click();
    await page.locator('#handover-done', { hasText: '已停用' }).waitFor();
    const [row] = await app.sql<{ active: boolean }[]>`select active from public.staff where id = ${wang}`;
    expect(row?.active).toBe(false);
  });

  test('an operator manages the taxonomy in the console: new group and tag, retire, merge', async () => {
    const page = await browser.openPage('operator', { viewport: { width: 1000, height: 1200 } });
    await page.goto(`${app.url}/`);
    await page.locator('#demo-login-demo-operator').click();
    await page.waitForFunction(() => !location.hash.includes('pages/index/index') && location.hash.length > 2);
    await page.goto(`${app.url}/?console=1#/console/tags/index`);
    await page.locator('#add-group').waitFor();

    await page.locator('#new-group input').fill('季节偏好');
    await page.locator('#add-group').click();
    await page.locator('#tags-admin-note', { hasText: '已新建标签组' }).waitFor();
    const [group] = await app.sql<{ id: string }[]>`select id from public.tag_groups where name = '季节偏好'`;
    const gid = group?.id ?? '';
    for (const name of ['夏季', '夏天']) {
      await page.locator(`#new-tag-${gid} input`).fill(name);
      await page.locator(`#add-tag-${gid}`).click();
      await page.locator(`#admin-group-${gid}`, { hasText: name }).waitFor();
    }
    const tags = await app.sql<{ id: string; name: string }[]>`select id, name from public.tags where group_id = ${gid}`;
    const summer = tags.find((t) => t.name === '夏季')?.id ?? '';
    const summer2 = tags.find((t) => t.name === '夏天')?.id ?? '';

    await page.locator(`#admin-retire-${summer}`).click();
    await page.locator('#tags-admin-note', { hasText: '已停用' }).waitFor();
    expect((await app.sql<{ r: boolean }[]>`select retired_at is not null as r from public.tags where id = ${summer}`)[0]?.r).toBe(true);
    await page.locator(`#admin-retire-${summer}`).click();
    await page.locator('#tags-admin-note', { hasText: '已恢复' }).waitFor();

    await page.locator(`#admin-merge-${summer2}`).click();
    await page.locator('#tags-admin-merging').waitFor();
    await page.locator(`#admin-tag-${summer}`).click();
    await page.locator('#tags-admin-note', { hasText: '已合并' }).waitFor();
    const [old] = await app.sql<{ merged_into_id: string | null }[]>`select merged_into_id from public.tags where id = ${summer2}`;
    expect(old?.merged_into_id).toBe(summer);
  });
});
