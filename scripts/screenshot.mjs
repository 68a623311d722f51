// Writes docs/screenshot.png: the HMI on the demo plant, served by serve mode
// and rendered by Debian's Chromium at 1600x900, once values are live.
//
//   npm run screenshot          (builds first)
//   node scripts/screenshot.mjs [--out FILE] [--select TAG/PATH]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, saveScreenshot } from './chromium.mjs';
import { createUser, loginPage, ROOT, SERVE, startServe } from './serveProcess.mjs';

const { values: options } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs', 'screenshot.png') },
    select: { type: 'string', default: 'Plant/HeatExchanger/OutletTemp' },
  },
});

async function main() {
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hmi-shot-data-'));
  const profileDir = mkdtempSync(join(tmpdir(), 'hmi-shot-profile-'));
  const serve = startServe(['--port', '0', '--data', dataDir]);
  let context;
  try {
    const url = await serve.url;
    context = await launchChromium(profileDir, { width: 1600, height: 900 });
    const page = context.pages()[0] ?? (await context.newPage());
    // A fresh data folder has no users: make an operator and log the browser in, so no first-start dialog covers the plant.
    await createUser(url, 'operator', 'operator', 'operator-password');
    await loginPage(page, url, 'operator', 'operator-password');
    await page.goto(`${url}/`);

    // Live: connected, the PLC polled, and a value cell has changed on screen.
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="device-row"][data-name="plc1"][data-status="connected"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="tag-row"]').first().waitFor({ timeout: 15_000 });
    const values = () =>
      page.$$eval('[data-testid="tag-value"]', (cells) => cells.map((c) => c.textContent ?? '').join('|'));
    const before = await values();
    const deadline = Date.now() + 15_000;
    while ((await values()) === before) {
      if (Date.now() > deadline) throw new Error('no value changed on screen within 15 s');
      await page.waitForTimeout(200);
    }

    // A selected row shows the details strip.
    const row = page.locator(`[data-testid="tag-row"][data-path="${options.select}"]`);
    if ((await row.count()) > 0) await row.click();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1_500);

    await saveScreenshot(page, options.out);
  } finally {
    await context?.close().catch(() => {});
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`screenshot: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
