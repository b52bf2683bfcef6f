import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

// Debian's chromium, driven by playwright-core (never a downloaded browser), with the flags
// checked on these machines (shared/TOOLCHAIN.md): no sandbox in containers, nothing that
// phones home.
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const H5_INDEX = path.resolve(__dirname, '../../miniprogram/dist/h5/index.html');

// Why browser tests cannot run here, or null when they can.
export const browserTestsBlockedBy = (): string | null =>
  !fs.existsSync(CHROMIUM)
    ? 'chromium is not installed (apt-get install -y chromium)'
    : !fs.existsSync(H5_INDEX)
      ? 'the H5 build is missing (npm run build:h5)'
      : null;

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

// One browser for a test file, one context per person (their own storage, so their own
// session), and every uncaught page error collected: an exception in the app is a failure even
// when the screen looks right (assert `session.pageErrors` is empty after each test).
export type BrowserSession = {
  openPage: (label: string, options?: BrowserContextOptions) => Promise<Page>;
  pageErrors: string[];
  close: () => Promise<void>;
};

export const startBrowserSession = async (): Promise<BrowserSession> => {
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    pageErrors,
    openPage: async (label, options = {}) => {
      const context = await browser.newContext({ viewport: { width: 420, height: 900 }, ...options });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${label}: ${error.message}`));
      page.setDefaultTimeout(20_000);
      return page;
    },
    close: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
};
