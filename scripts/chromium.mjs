// Debian's Chromium, launched the way this machine needs it (no sandbox as
// root, no background networking on a closed network, a fresh profile), for
// the end-to-end tests and the screenshot script alike.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A persistent context on a fresh profile folder, with the given viewport. */
export async function launchChromium(profileDir, viewport) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    deviceScaleFactor: 1,
  });
}

/** Writes the page as a PNG at `file` (folders made as needed) and says where. */
export async function saveScreenshot(page, file) {
  const out = resolve(file);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
}
