import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
