// Writes docs/screenshot.png: the HMI on the demo plant, served by serve mode
// and rendered by Debian's Chromium at 1600x900, once values are live.
//
//   npm run screenshot          (builds first)
//   node scripts/screenshot.mjs [--out FILE] [--select TAG/PATH]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVE = join(ROOT, 'out', 'main', 'serve.js');

const { values: options } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs', 'screenshot.png') },
    select: { type: 'string', default: 'Plant/HeatExchanger/OutletTemp' },
  },
});

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function startServe(port, dataDir) {
  const child = spawn(process.execPath, [SERVE, '--port', String(port), '--data', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const ready = new Promise((resolveUrl, reject) => {
    const wanted = `http://127.0.0.1:${port}`;
    const timer = setTimeout(() => reject(new Error(`serve mode did not start within 30 s:\n${log}`)), 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      log += chunk;
      if (log.includes(wanted)) {
        clearTimeout(timer);
        resolveUrl(wanted);
      }
    });
    child.stderr.on('data', (chunk) => (log += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve mode exited (${signal ?? code}) before it was ready:\n${log}`));
    });
  });
  return { child, ready };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hmi-shot-data-'));
  const profileDir = mkdtempSync(join(tmpdir(), 'hmi-shot-profile-'));
  const { child, ready } = startServe(await freePort(), dataDir);
  let context;
  try {
    const url = await ready;
    context = await launchChromium(profileDir, { width: 1600, height: 900 });
    const page = context.pages()[0] ?? (await context.newPage());
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

    const out = resolve(options.out);
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await context?.close().catch(() => {});
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`screenshot: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
