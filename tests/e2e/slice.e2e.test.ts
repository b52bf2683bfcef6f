// The foundation slice end to end, in Chromium, against the H5 build served by the project's own
// server (functions + WeChat simulator + demo data, started in-process): a new member joins from
// store S001's link, agrees, shares a phone number and sees the card; associate A finds that
// member, tags, untags and logs an interaction; associate B (another store) sees nothing.
import type { Page } from 'playwright-core';
import { startApp, type StartedApp } from '../../server/start-app';
import { browserTestsBlockedBy, startBrowserSession, type BrowserSession } from '../helpers/browser';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`slice e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(180_000);

describeIfReady('foundation slice in the browser (H5)', () => {
  let app: StartedApp;
  let browser: BrowserSession;

  // Unique per run so that a search finds exactly this member among the demo data.
  const suffix = `${Date.now() % 100000}`.padStart(5, '0');
  const memberName = `测试${suffix}`;
  const phone = `139${suffix}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const last4 = phone.slice(-4);
  const masked = `${phone.slice(0, 3)}****${last4}`;
  let memberId = '';
  let storeAName = '';

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 200 });
    const [store] = await app.sql<{ name: string }[]>`select name from public.stores where code = 'S001'`;
    storeAName = store?.name ?? '';
    browser = await startBrowserSession();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(browser.pageErrors).toEqual([]);
  });

  const openAs = (label: string): Promise<Page> => browser.openPage(label);

  const signIn = async (page: Page, loginId: string, url = `${app.url}/`): Promise<void> => {
    await page.goto(url);
    await page.locator(`#${loginId}`).click();
  };

  test('a new member joins from store S001, agrees, shares a phone number and sees the card', async () => {
    const page = await openAs('member');
    // The link printed on store S001's poster.
    await signIn(page, 'demo-login-new', `${app.url}/?store=S001`);

    await page.locator('#join-agree').waitFor();
    expect((await page.locator('#join-policy-version').textContent())?.trim()).toMatch(/\S/);
    expect(await page.locator('#join-store-code').textContent()).toBe('S001');

    // Not agreeing is refused on the spot, with the shared schema's messages.
    await page.locator('#join-agree').click();
    await page.locator('#join-terms-error').waitFor();
    await page.locator('#join-privacy-error').waitFor();

    await page.locator('#join-name input').fill(memberName);
    await page.locator('#join-terms').click();
    await page.locator('#join-privacy').click();
    await page.locator('#join-marketing').click();
    await page.locator('#join-agree').click();

    await page.locator('#card-member-no').waitFor();
    expect(await page.locator('#card-name').textContent()).toBe(memberName);
    expect(await page.locator('#card-store').textContent()).toBe(storeAName);
    expect(await page.locator('#card-phone').textContent()).toBe('未绑定');
    expect(await page.locator('#consent-privacy_policy').textContent()).toContain('已同意');
    expect(await page.locator('#consent-marketing').textContent()).toContain('已同意');

    // A malformed number is refused before anything is sent.
    await page.locator('#phone-input input').fill('12345');
    await page.locator('#phone-submit').click();
    await page.locator('#phone-input-error').waitFor();

    await page.locator('#phone-input input').fill(phone);
    await page.locator('#phone-submit').click();
    await page.locator('#card-notice').waitFor();
    // The member sees their own number in full (stored as +86…).
    expect(await page.locator('#card-phone').textContent()).toContain(phone);
    expect(await page.locator('#phone-binder').count()).toBe(0);

    const [row] = await app.sql<{ id: string }[]>`select id from public.members where name = ${memberName}`;
    expect(row?.id).toBeTruthy();
    memberId = row?.id ?? '';
  });

  test('associate A finds the member, tags and untags them, and logs an interaction', async () => {
    expect(memberId).not.toBe('');
    const page = await openAs('associate A');
    await signIn(page, 'demo-login-demo-associate-a');

    await page.locator('.customer-row').first().waitFor();
    const search = async (q: string): Promise<void> => {
      await page.locator('#customer-search input').fill(q);
      await page.locator('#customer-search-submit').click();
    };

    await search(memberName);
    const row = page.locator(`#customer-${memberId}`);
    await row.waitFor();
    await page.waitForFunction("document.querySelectorAll('.customer-row').length === 1");
    expect(await row.textContent()).toContain(masked);
    expect(await row.textContent()).not.toContain(phone);

    await search(last4);
    await row.waitFor();

    await row.click();
    await page.locator('#customer-card').waitFor();
    expect(await page.locator('#customer-name').textContent()).toBe(memberName);
    expect(await page.locator('#customer-phone').textContent()).toBe(masked);
    expect(await page.locator('#customer-card').textContent()).not.toContain(phone);

    // One tap adds a tag, one tap removes it; the database agrees each time.
    const chip = page.locator('.tag-chip').first();
    await chip.waitFor();
    const chipId = (await chip.getAttribute('id')) ?? '';
    const tagId = chipId.replace(/^tag-/, '');
    const tagged = async (): Promise<number> =>
      (await app.sql<{ n: number }[]>`select count(*)::int as n from public.member_tags where member_id = ${memberId} and tag_id = ${tagId}`)[0]?.n ?? -1;

    await page.locator(`#${chipId}`).click();
    // On and no longer busy: the chip turns on before the request ends, and a tap while busy is ignored.
    await page.locator(`#${chipId}.tag-chip--on:not(.chip--busy)`).waitFor();
    expect(await tagged()).toBe(1);

    await page.locator(`#${chipId}`).click();
    await page.locator(`#${chipId}:not(.tag-chip--on):not(.chip--busy)`).waitFor();
    expect(await tagged()).toBe(0);

    // An empty note is refused by the shared schema before sending.
    await page.locator('#interaction-submit').click();
    await page.locator('#interaction-note-error').waitFor();

    const note = `到店试穿，喜欢新款（${suffix}）`;
    await page.locator('#interaction-kind-visit').click();
    await page.locator('#interaction-note textarea').fill(note);
    await page.locator('#interaction-submit').click();
    await page.locator('#interaction-saved').waitFor();
    const first = page.locator('.interaction-row').first();
    await page.locator('.interaction-row', { hasText: note }).waitFor();
    expect(await first.textContent()).toContain(note);
    expect(await first.textContent()).toContain('到店');
  });

  test('associate B, of another store, cannot see the member', async () => {
    expect(memberId).not.toBe('');
    const page = await openAs('associate B');
    await signIn(page, 'demo-login-demo-associate-b');

    await page.locator('.customer-row').first().waitFor();
    expect(await page.locator(`#customer-${memberId}`).count()).toBe(0);

    await page.locator('#customer-search input').fill(memberName);
    await page.locator('#customer-search-submit').click();
    await page.locator('#customers-empty').waitFor();
    expect(await page.locator(`#customer-${memberId}`).count()).toBe(0);

    // Opening the card by id (a guessed or leaked link) says "not found", nothing more.
    await page.goto(`${app.url}/#/staff/customer/index?id=${memberId}`);
    await page.locator('#customer-not-found').waitFor();
    expect(await page.locator('#customer-card').count()).toBe(0);
    expect(await page.content()).not.toContain(memberName);
  });
});
