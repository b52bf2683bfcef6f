// The browser console signs in without a password: it shows a one-time QR ticket, a staff
// member's mini-program approves it (here: the same API call the scan makes), and the page,
// polling, lands on the staff home as that person.
import type { Browser } from 'playwright-core';
import { startApp, type StartedApp } from '../../server/start-app';
import { api, loginAs } from '../helpers/api-client';
import { browserTestsBlockedBy, launchChromium } from '../helpers/browser';

const missing = browserTestsBlockedBy();
if (missing) console.warn(`console login e2e: skipped, ${missing}`);
const describeIfReady = missing ? describe.skip : describe;

jest.setTimeout(120_000);

describeIfReady('console QR sign-in in the browser (H5)', () => {
  let app: StartedApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers: 30 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('the QR code shown is approved by the operator; the console signs in as the operator', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/`);
    const panel = page.locator('#console-qr-login');
    await page.locator('#console-qr-image').waitFor();
    const qrText = (await panel.getAttribute('data-qr-text')) ?? '';
    expect(qrText).toMatch(/^siyu-console-login:[0-9a-f-]{36}$/);
    // The QR image is a real image of that text.
    const src = (await page.locator('#console-qr-image img').getAttribute('src')) ?? (await page.locator('#console-qr-image').getAttribute('src')) ?? '';
    expect(src).toMatch(/^data:image\/png;base64,/);

    const operator = await loginAs(app, 'demo-operator');
    const approved = await api(app, '/api/auth/console-approve', { token: operator, body: { qrText } });
    expect(approved.status).toBe(200);

    await page.locator('#staff-name').waitFor({ timeout: 15_000 });
    expect(await page.locator('#staff-name').textContent()).toBe('赵敏');
    expect(errors).toEqual([]);
    await context.close();
  });
});
