// trend.render_ms_1y: a year-long pen (one tag at 1 Hz, 31.5 M samples)
// drawn by the Trends screen in Debian's Chromium, from a historian file
// opened for review. The figure is the `trend.draw` measure the chart records
// from handing uPlot the year's M4 points to the finished draw; beside it the
// whole range change (click on "1 year" → query → draw).
// Needs the build (npm run bench builds first) and /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistorianStore } from '../src/main/runtime/historian/store';
import { launchChromium } from '../scripts/chromium.mjs';
import { report } from './report';

/** A performance measure as the page sees it (this file is type-checked without the DOM's types). */
type Measure = { readonly detail: unknown; readonly duration: number; readonly startTime: number };

const PATH = 'Plant/Year/Level';
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'bench-trend-'));
const file = join(dir, 'year.db');

function writeYear(): void {
  const store = new HistorianStore(file, { chunkMs: HOUR });
  const [id] = store.registerTags([{ path: PATH, units: 'm', description: 'a year at 1 Hz', dataType: 'uint16', group: '', step: 0.001, offset: 0 }]);
  const end = Date.now() - (Date.now() % HOUR);
  const start = end - 365 * 24 * HOUR;
  const n = 3600;
  const ids = new Int32Array(n).fill(id!);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const q = new Uint8Array(n);
  let level = 5000;
  let seed = 7;
  for (let hour = start; hour < end; hour += HOUR) {
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      level = Math.min(10_000, Math.max(0, level + ((seed >> 8) % 7) - 3));
      t[i] = hour + i * 1000;
      v[i] = level / 1000;
    }
    store.append(ids, t, v, q, n);
    if ((hour - start) % (240 * HOUR) === 0) store.flush(hour + HOUR);
  }
  store.flush(end + HOUR);
  store.close();
}

async function main(): Promise<void> {
  const began = performance.now();
  writeYear();
  console.error(`bench: wrote a year in ${Math.round(performance.now() - began)} ms`);
  const serve = spawn(process.execPath, [join(process.cwd(), 'out', 'main', 'serve.js'), '--review', file, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const context = await launchChromium(join(dir, 'profile'), { width: 1600, height: 900 });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /HMI ready at (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      serve.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.locator('[data-testid="view-tab-trends"]').click();
    const add = page.locator('[data-testid="trend-add"]');
    await add.fill(PATH);
    await add.press('Enter');
    await page.locator(`[data-testid="trend-pen"][data-path="${PATH}"]`).waitFor({ timeout: 10_000 });

    const runs: { draw: number; total: number }[] = [];
    for (const preset of ['1y', '1mo', '1y', '1mo', '1y', '1mo', '1y']) {
      const clicked = await page.evaluate(() => {
        performance.clearMeasures('trend.draw');
        return performance.now();
      });
      await page.locator(`[data-testid="trend-range-${preset}"]`).click();
      if (preset !== '1y') {
        await page.waitForFunction(() => performance.getEntriesByName('trend.draw').some((m) => ((m as unknown as Measure).detail as { points: number }).points > 1000), null, { timeout: 60_000 });
        continue;
      }
      // The year's answer: a draw with thousands of M4 points.
      const measure = await page.waitForFunction(
        () => {
          const big = performance.getEntriesByName('trend.draw').find((m) => ((m as unknown as Measure).detail as { points: number }).points > 1000);
          return big ? { duration: big.duration, end: big.startTime + big.duration } : null;
        },
        null,
        { timeout: 60_000 },
      ).catch(async (error: unknown) => {
        const seen = await page.evaluate(() => performance.getEntriesByName('trend.draw').map((m) => JSON.stringify((m as unknown as Measure).detail)));
        const label = await page.locator('[data-testid="trend-range-label"]').textContent();
        throw new Error(`no year-long draw (measures: ${seen.join(' ')}; range: ${label}): ${String(error)}`);
      });
      const { duration, end } = (await measure.jsonValue())!;
      runs.push({ draw: duration, total: end - clicked });
    }
    runs.sort((a, b) => a.draw - b.draw);
    const median = runs[Math.floor(runs.length / 2)]!;
    report('trend.render_ms_1y', median.draw, 'ms');
    runs.sort((a, b) => a.total - b.total);
    report('trend.range_change_ms_1y', runs[Math.floor(runs.length / 2)]!.total, 'ms');
  } finally {
    await context.close();
    serve.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
