// End to end: a text pen and the reason of a Bad stretch on the Trends
// screen, in Debian's Chromium against serve mode reviewing a historian file
// written here (so the texts and the reasons are known to the millisecond,
// with no plant to wait for). Needs a build.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../../scripts/serveProcess.mjs';
import { HistorianStore } from '../../src/main/runtime/historian/store';
import { waitFor as poll } from '../helpers/waitFor';
import { collectErrors, openBrowser, requireBuild, tempDirs, waitConnected } from './helpers';

const RECIPE = 'Plant/Batch/Recipe';
const LEVEL = 'Plant/Tank/Level';
const MIN = 60_000;
/** The file's newest sample: the review's present. The default range is the 10 minutes before it. */
const NEWEST = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const WINDOW_FROM = NEWEST - 10 * MIN;

let serve: ServeProcess | null = null;
let context: BrowserContext | null = null;
let page: Page;
const temp = tempDirs();
const pageErrors: string[] = [];

/** Idle (carried in) → Heating at −5 min → "Batch 42: cooling" at −1 min; the level Bad from −4 to −2 min, a device exception. */
function writeFile(file: string): void {
  const store = new HistorianStore(file);
  const [recipe, level] = store.registerTags([
    { path: RECIPE, units: '', description: 'recipe step', dataType: 'string', group: '' },
    { path: LEVEL, units: 'm', description: 'tank level', dataType: 'float64', group: '' },
  ]) as [number, number];
  store.text.appendText({ id: recipe, t: WINDOW_FROM - 30_000, value: 'Idle', q: 0 });
  store.text.appendText({ id: recipe, t: NEWEST - 5 * MIN, value: 'Heating', q: 0 });
  store.text.appendText({ id: recipe, t: NEWEST - MIN, value: 'Batch 42: cooling', q: 0 });
  store.text.appendQuality({ id: recipe, t: WINDOW_FROM - 30_000, status: 0, reason: null, codeValue: null, codeName: null });

  const n = 62;
  const ids = new Int32Array(n).fill(level);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const q = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = WINDOW_FROM - 10_000 + i * 10_000;
    const time = t[i]!;
    v[i] = 2 + Math.sin(i / 5);
    q[i] = time >= NEWEST - 4 * MIN && time < NEWEST - 2 * MIN ? 2 : 0;
  }
  t[n - 1] = NEWEST;
  store.append(ids, t, v, q, n);
  store.text.appendQuality({ id: level, t: t[0]!, status: 0, reason: null, codeValue: null, codeName: null });
  store.text.appendQuality({
    id: level, t: NEWEST - 4 * MIN, status: 2, reason: 'device_exception', codeValue: 2, codeName: 'Modbus illegal data address',
  });
  store.text.appendQuality({ id: level, t: NEWEST - 2 * MIN, status: 0, reason: null, codeValue: null, codeName: null });
  store.flush(NEWEST + 2 * 3_600_000);
  store.close();
}

const pen = (path: string) => page.locator(`[data-testid="trend-pen"][data-path="${path}"]`);
const valueOf = (path: string) => pen(path).locator('[data-testid="trend-pen-value"]').textContent();
const qualityOf = (path: string) => pen(path).locator('[data-testid="trend-pen-quality"]').textContent();

async function addPen(path: string): Promise<void> {
  const add = page.locator('[data-testid="trend-add"]');
  await add.fill(path);
  await add.press('Enter');
  await pen(path).waitFor({ timeout: 5_000 });
}

/** Moves the cursor to a time of the window on screen. */
async function hover(timeMs: number): Promise<void> {
  const plot = await page.locator('[data-testid="trend-chart"] .u-over').boundingBox();
  if (!plot) throw new Error('the chart has no plot area');
  const x = plot.x + (plot.width * (timeMs - WINDOW_FROM)) / (10 * MIN);
  await page.mouse.move(x, plot.y + plot.height / 2);
}

describe('text pens and the reasons of Bad stretches (serve --review, Chromium)', () => {
  beforeAll(async () => {
    requireBuild();
    const work = temp.fresh('hmi-e2e-trend-text-');
    const file = join(work, 'incident.db');
    writeFile(file);
    serve = startServe(['--port', '0', '--review', file]);
    const baseUrl = await serve.url;
    ({ context, page } = await openBrowser(temp.fresh('hmi-e2e-trend-text-profile-')));
    // A review has no simulator: the header's simulator.status is answered 503 (unavailable), as it should be.
    collectErrors(page, pageErrors, (text) => text.includes('status of 503'));
    await page.goto(`${baseUrl}/`);
    await waitConnected(page);
    await page.keyboard.press('Alt+2');
    await page.locator('[data-testid="trend-add"]').waitFor({ timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
    temp.removeAll();
  }, 30_000);

  it('shows the text in force in the legend, at the end of the range and at the cursor', async () => {
    await addPen(RECIPE);
    await addPen(LEVEL);
    await poll(async () => (await valueOf(RECIPE)) === 'Batch 42: cooling', 'the latest text in the legend', 15_000);
    expect(await qualityOf(RECIPE)).toBe('Good');
    await poll(async () => /^\d+\.\d+ m$/.test((await valueOf(LEVEL)) ?? ''), 'the latest level', 5_000);

    // Before the first change in the window: the text carried in.
    await hover(WINDOW_FROM + 2 * MIN);
    await poll(async () => (await valueOf(RECIPE)) === 'Idle', 'the text carried into the range', 5_000);
    await hover(NEWEST - 3 * MIN - 10_000);
    await poll(async () => (await valueOf(RECIPE)) === 'Heating', 'the text at the cursor', 5_000);
  }, 40_000);

  it('says why a Bad stretch is Bad at the cursor, and nothing more once it is Good again', async () => {
    await hover(NEWEST - 3 * MIN);
    await poll(async () => (await valueOf(LEVEL)) === '— (bad)', 'the level to be a gap at the cursor', 5_000);
    expect(await qualityOf(LEVEL)).toBe('✕Bad — device exception (Modbus illegal data address)');
    expect(await pen(LEVEL).locator('[data-testid="trend-pen-quality"]').getAttribute('title')).toBe(
      'Bad — device exception (Modbus illegal data address)',
    );
    await hover(NEWEST - 90_000);
    await poll(async () => (await qualityOf(LEVEL)) === 'Good', 'the level Good again', 5_000);
    await page.mouse.move(5, 5);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
