// Writes docs/trends.png: the Trends screen on the demo plant, served by
// serve mode and rendered by Debian's Chromium at 1600x900.
//
// The plant needs to run a while before there is a trend worth looking at:
// the script records for --record seconds (default 180: the tank fills and
// drains about once in that time), then shows the recorded span with five
// pens and the cursor in the middle. Its copy of the demo project (in a
// temporary folder) serves the simulator on a free port, so it can run while
// another serve has the demo plant's 5020.
//
//   npm run build && node scripts/screenshot-trends.mjs [--out FILE] [--record SECONDS]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, saveScreenshot } from './chromium.mjs';
import { createUser, demoProjectOnFreePort, loginPage, ROOT, SERVE, startServe } from './serveProcess.mjs';

const PENS = [
  'Plant/Tank/Level',
  'Plant/Tank/Inflow',
  'Plant/HeatExchanger/OutletTemp',
  'Plant/HeatExchanger/TIC/SP',
  'Plant/Pump/Running',
];

const { values: options } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs', 'trends.png') },
    record: { type: 'string', default: '180' },
  },
});

async function main() {
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` first`);
  const recordMs = Math.max(10, Number(options.record)) * 1000;
  const work = mkdtempSync(join(tmpdir(), 'hmi-shot-trends-'));
  const profileDir = mkdtempSync(join(tmpdir(), 'hmi-shot-profile-'));
  const project = await demoProjectOnFreePort(work);
  const serve = startServe(['--port', '0', '--project', project, '--data', join(work, 'data')]);
  let context;
  try {
    const url = await serve.url;
    const started = Date.now();
    context = await launchChromium(profileDir, { width: 1600, height: 900 });
    const page = context.pages()[0] ?? (await context.newPage());
    // A fresh data folder has no users: make an operator and log the browser in, so no first-start dialog covers the plant.
    await createUser(url, 'operator', 'operator', 'operator-password');
    await loginPage(page, url, 'operator', 'operator-password');
    await page.goto(`${url}/`);
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="view-tab-trends"]').click();
    const add = page.locator('[data-testid="trend-add"]');
    for (const path of PENS) {
      await add.fill(path);
      await add.press('Enter');
      await page.locator(`[data-testid="trend-pen"][data-path="${path}"]`).waitFor({ timeout: 10_000 });
    }
    await add.fill('');

    const left = recordMs - (Date.now() - started);
    if (left > 0) {
      console.log(`recording the plant for ${Math.round(left / 1000)} s…`);
      await page.waitForTimeout(left);
    }

    // History of the last 10 minutes, then drag across the recorded part of it.
    await page.locator('[data-testid="trend-range-1d"]').click();
    await page.locator('[data-testid="trend-range-10m"]').click();
    await page.waitForTimeout(800);
    const plot = await page.locator('[data-testid="trend-chart"] .u-over').boundingBox();
    const label = (await page.locator('[data-testid="trend-range-label"]').textContent()) ?? '';
    const to = Date.now();
    const from = to - 600_000;
    const startX = plot.x + (plot.width * Math.max(0, started + 4_000 - from)) / (to - from);
    const y = plot.y + plot.height * 0.8;
    await page.mouse.move(startX, y);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width - 2, y, { steps: 8 });
    await page.mouse.up();
    const rangeLabel = page.locator('[data-testid="trend-range-label"]');
    for (let i = 0; i < 50 && (await rangeLabel.textContent()) === label; i++) await page.waitForTimeout(100);
    await page.locator('[data-testid="trend-busy"]').waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForTimeout(800);

    // The cursor a little right of the middle, so the legend reads values there.
    const zoomed = await page.locator('[data-testid="trend-chart"] .u-over').boundingBox();
    await page.mouse.move(zoomed.x + zoomed.width * 0.62, zoomed.y + zoomed.height * 0.4);
    await page.waitForTimeout(400);

    await saveScreenshot(page, options.out);
  } finally {
    await context?.close().catch(() => {});
    await serve.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`screenshot-trends: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
