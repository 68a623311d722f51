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
import { launchChromium } from '../scripts/chromium.mjs';
import { startServe } from '../scripts/serveProcess.mjs';
import { RawModbusServer } from '../test/helpers/rawModbusServer';
import { report } from './report';

const ALARMS = 10_000;
const RUNS = 3;

/** What the page records (this file is type-checked without the DOM's types). */
interface FloodWindow {
  __floodArrived?: number;
}

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
    const page = context.pages()[0] ?? (await context.newPage());
    // tsx names functions with a __name helper; the page has none, so give it one.
    await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
    // Stamp the arrival of the first big alarm message (the flood), before the app's own handler runs.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          this.addEventListener('message', (event: MessageEvent) => {
            const w = window as unknown as FloodWindow;
            if (w.__floodArrived === undefined && typeof event.data === 'string' && event.data.length > 100_000 && event.data.includes('"alarms.changed"')) {
              w.__floodArrived = performance.now();
            }
          });
        }
      } as typeof WebSocket;
    });
    await page.goto(url);
    await page.locator('[data-testid="view-tab-alarms"]').click();
    await page.locator('[data-testid="alarm-empty"]').waitFor({ timeout: 30_000 });

    for (let run = 0; run < RUNS; run++) {
      await page.evaluate(() => {
        delete (window as unknown as FloodWindow).__floodArrived;
      });
      plc.coils.fill(1, 0, ALARMS);
      const ms = await page.evaluate(
        (count) =>
          new Promise<number>((resolve, reject) => {
            const expected = count.toLocaleString('en-US');
            const deadline = performance.now() + 30_000;
            const shown = () => document.querySelector('[data-testid="alarm-list-count"] .num')?.textContent?.replace(/\D/g, '') === String(count);
            const frame = () => {
              if (performance.now() > deadline) return reject(new Error(`the list never showed ${expected} alarms`));
              const arrived = (window as unknown as FloodWindow).__floodArrived;
              if (arrived === undefined || !shown()) return requestAnimationFrame(frame);
              // Shown: does it answer the keyboard? Move the cursor and wait for the painted frame.
              const grid = document.querySelector<HTMLElement>('[data-testid="alarm-grid"]');
              if (!grid) return reject(new Error('no alarm grid'));
              grid.focus();
              const before = document.querySelector('[data-cursor]')?.getAttribute('data-alarm-id') ?? null;
              grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
              const moved = () => {
                const now = document.querySelector('[data-cursor]');
                if (!now || now.getAttribute('data-alarm-id') === before) return requestAnimationFrame(moved);
                requestAnimationFrame(() => resolve(performance.now() - arrived));
              };
              requestAnimationFrame(moved);
            };
            requestAnimationFrame(frame);
          }),
        ALARMS,
      );
      figures.push(ms);
      console.error(`bench: flood run ${run + 1}: ${Math.round(ms)} ms`);
      // Back to normal, acknowledged, so the next run starts from an empty list.
      plc.coils.fill(0, 0, ALARMS);
      await page.locator('[data-testid="alarm-empty"]').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
      await fetch(`${url}/api/alarms.ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: project.tags.map((t) => `${t.path}#digital`) }),
      });
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
