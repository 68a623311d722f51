// alarms.flood_ui_ms: 10,000 alarms arriving at once, from the moment the
// flood's first alarms.changed message reaches the page to the moment the
// alarm list shows all of them and answers a key press (ArrowDown moves the
// cursor and the frame after it is painted), in Debian's Chromium.
//
// Serve mode runs a project of 10,000 coils, each with a digital alarm
// (priorities 1..4), polled from a Modbus server the benchmark owns; setting
// every coil at once raises all 10,000 in one poll. The journal is on, as in
// a real runtime. Needs the build (npm run bench builds first).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/chromium.mjs';
import { adminToken, callApi, startServe } from '../scripts/serveProcess.mjs';
import { RawModbusServer } from '../test/helpers/rawModbusServer';
import { report } from './report';

const ALARMS = 10_000;
const RUNS = 3;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-flood-'));
  const plc = new RawModbusServer();
  const port = await plc.listen();
  const project = {
    name: 'Alarm flood',
    devices: [{ name: 'plc', driver: 'modbus-tcp', host: '127.0.0.1', port, pollMs: 100 }],
    historian: { enabled: false },
    tags: Array.from({ length: ALARMS }, (_, i) => ({
      path: `Site/Area${i % 20}/Unit${Math.floor(i / 20) % 50}/Trip${i}`,
      device: 'plc',
      address: `CO:${i}`,
      alarms: [{ kind: 'digital', state: true, priority: (i % 4) + 1, message: `Trip ${i}` }],
    })),
  };
  const file = join(dir, 'flood.json');
  writeFileSync(file, JSON.stringify(project));
  const serve = startServe(['--project', file, '--port', '0', '--data', join(dir, 'data')]);
  const context = await launchChromium(join(dir, 'profile'), { width: 1600, height: 900 });
  const figures: number[] = [];
  try {
    const url = (await serve.url) as string;
    // Acknowledging needs an operator: the first user (the administrator) will do.
    const token = await adminToken(url);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript({ path: fileURLToPath(new URL('./pages/floodProbe.js', import.meta.url)) });
    await page.goto(url);
    await page.locator('[data-testid="view-tab-alarms"]').click();
    await page.locator('[data-testid="alarm-empty"]').waitFor({ timeout: 30_000 });

    for (let run = 0; run < RUNS; run++) {
      await page.evaluate('window.__floodProbe.reset()');
      plc.coils.fill(1, 0, ALARMS);
      const ms = (await page.evaluate(`window.__floodProbe.measure(${ALARMS})`)) as number;
      figures.push(ms);
      console.error(`bench: flood run ${run + 1}: ${Math.round(ms)} ms`);
      // Back to normal, acknowledged, so the next run starts from an empty list.
      plc.coils.fill(0, 0, ALARMS);
      await page.locator('[data-testid="alarm-empty"]').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
      await callApi(url, 'alarms.ack', { ids: project.tags.map((t) => `${t.path}#digital`) }, token);
      await page.locator('[data-testid="alarm-empty"]').waitFor({ timeout: 30_000 });
    }
    figures.sort((a, b) => a - b);
    report('alarms.flood_ui_ms', Math.round(figures[Math.floor(figures.length / 2)]!), 'ms');
  } finally {
    await context.close();
    await serve.stop();
    await plc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
