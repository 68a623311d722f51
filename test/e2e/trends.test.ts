// End to end: the Trends screen in Debian's Chromium against serve mode.
//
// Runs its own copy of the demo plant: the project file is written to a
// temporary folder with the simulator (and the PLC that polls it) moved to a
// free port, so this file can run beside the other e2e tests, and saving a
// trend view writes into that copy, not into resources/. Saving a view
// changes the project: the browser is logged in as an engineer. Needs a build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  createUser,
  demoProjectOnFreePort,
  loginPage,
  startServe,
  type ServeProcess,
} from '../../scripts/serveProcess.mjs';
import { waitFor as poll } from '../helpers/waitFor';
import { collectErrors, openBrowser, requireBuild, tempDirs, waitConnected } from './helpers';

const api = <T>(method: string, body: unknown) => callApi<T>(baseUrl, method, body);
const LEVEL = 'Plant/Tank/Level';
const SECOND_PEN = 'Plant/HeatExchanger/OutletTemp';
const VIEW_NAME = 'E2E tank level';
const ENGINEER = { user: 'eng-e2e', password: 'engineer-e2e-pw' };

let serve: ServeProcess | null = null;
let context: BrowserContext | null = null;
let page: Page;
let baseUrl = '';
const temp = tempDirs();
const freshDir = temp.fresh;
const pageErrors: string[] = [];
const historyQueries: { from: number; to: number; maxPoints?: number; paths: string[] }[] = [];
const statsQueries: { from: number; to: number; paths: string[] }[] = [];


/** RFC 4180 enough for our own export: quoted fields may hold commas. */
function parseCsv(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quoted) {
          if (c === '"' && line[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') {
          cells.push(cell);
          cell = '';
        } else cell += c;
      }
      cells.push(cell);
      return cells;
    });
}

const pen = (path: string) => page.locator(`[data-testid="trend-pen"][data-path="${path}"]`);
const rangeLabel = () => page.locator('[data-testid="trend-range-label"]').textContent();

describe('trends (serve mode, demo plant, Chromium)', () => {
  beforeAll(async () => {
    requireBuild();
    const work = freshDir('hmi-e2e-trends-');
    const project = await demoProjectOnFreePort(work);
    serve = startServe(['--port', '0', '--project', project, '--data', join(work, 'data')]);
    baseUrl = await serve.url;
    await createUser(baseUrl, ENGINEER.user, 'engineer', ENGINEER.password);
    ({ context, page } = await openBrowser(freshDir('hmi-e2e-trends-profile-')));
    await loginPage(page, baseUrl, ENGINEER.user, ENGINEER.password);
    collectErrors(page, pageErrors);
    page.on('request', (request) => {
      const url = request.url();
      const list = url.endsWith('/api/history.query')
        ? historyQueries
        : url.endsWith('/api/history.stats')
          ? statsQueries
          : null;
      if (!list) return;
      try {
        list.push(JSON.parse(request.postData() ?? '{}') as (typeof historyQueries)[number]);
      } catch {
        // not ours to judge here
      }
    });
    await page.goto(`${baseUrl}/`);
    await waitConnected(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
    temp.removeAll();
  }, 30_000);

  it('shows the historian as ok in the header', async () => {
    const status = page.locator('[data-testid="historian-status"]');
    await poll(async () => (await status.getAttribute('data-state')) === 'ok', 'the historian to report ok', 15_000);
    expect(await status.textContent()).toContain('Historian');
  }, 20_000);

  it('switches views with the tabs and with Alt+1 / Alt+2', async () => {
    await page.locator('[data-testid="view-tab-trends"]').click();
    await page.locator('[data-testid="trend-add"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-testid="view-tab-trends"]').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Alt+1');
    await page.locator('[data-testid="tag-row"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="view-tab-tags"]').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Alt+2');
    await page.locator('[data-testid="trend-add"]').waitFor({ timeout: 5_000 });
  }, 20_000);

  it('adds a pen from the add box and draws it live, with its value in the legend', async () => {
    const add = page.locator('[data-testid="trend-add"]');
    await add.fill(LEVEL);
    await add.press('Enter');
    await pen(LEVEL).waitFor({ timeout: 5_000 });

    // uPlot drew into a canvas inside the chart wrapper.
    expect(await page.locator('[data-testid="trend-chart"] canvas').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid="trend-live"]').getAttribute('aria-pressed')).toBe('true');
    expect(await rangeLabel()).toMatch(/^Live/);

    // The legend shows the level with its units and quality.
    const value = pen(LEVEL).locator('[data-testid="trend-pen-value"]');
    await poll(async () => /^\d+\.\d+ m$/.test((await value.textContent()) ?? ''), 'a level value in the legend', 15_000);
    expect(await pen(LEVEL).locator('[data-testid="trend-pen-quality"]').textContent()).toMatch(/Good|Uncertain|Bad/);
    expect(historyQueries.some((q) => q.paths.includes(LEVEL))).toBe(true);

    // With the cursor on the chart the legend reads the value there.
    const plot = await page.locator('[data-testid="trend-chart"] .u-over').boundingBox();
    if (!plot) throw new Error('the chart has no plot area');
    await page.mouse.move(plot.x + plot.width - 20, plot.y + plot.height / 2);
    await poll(
      async () => ((await page.locator('[data-testid="trend-cursor-time"]').textContent()) ?? '').startsWith('At cursor'),
      'the legend to follow the cursor',
      5_000,
    );
    expect(await value.textContent()).toMatch(/^(\d+\.\d+ m|— \(bad\)|—)$/);
    await page.mouse.move(5, 5);
  }, 40_000);

  it('adds a pen from the tag browser’s context menu', async () => {
    await page.keyboard.press('Alt+1');
    const row = page.locator(`[data-testid="tag-row"][data-path="${SECOND_PEN}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.click({ button: 'right' });
    await page.locator('[data-testid="tag-context-add"]').click();
    await page.keyboard.press('Alt+2');
    await pen(SECOND_PEN).waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-testid="trend-pen"]').count()).toBe(2);
    // Each pen has its own colour.
    const colors = await page.$$eval('[data-testid="trend-pen"] .pen-swatch', (els) =>
      els.map((el) => el.getAttribute('style') ?? ''),
    );
    expect(colors.every((style) => /background/.test(style))).toBe(true);
    expect(new Set(colors).size).toBe(2);
    await pen(SECOND_PEN).locator('[data-testid="trend-pen-remove"]').click();
    await pen(SECOND_PEN).waitFor({ state: 'detached', timeout: 5_000 });
  }, 20_000);

  it('switches to a history preset, and zooming with the wheel re-queries the new range', async () => {
    // Some history to look at: a few seconds of the level recorded.
    await poll(
      async () => {
        const now = Date.now();
        const { series } = await api<{ series: { t: number[] }[] }>('history.query', {
          paths: [LEVEL],
          from: now - 600_000,
          to: now,
          maxPoints: 1_000_000,
        });
        return (series[0]?.t.length ?? 0) >= 6;
      },
      'the historian to hold a few samples of the level',
      20_000,
    );
    await page.locator('[data-testid="trend-range-1d"]').click();
    await poll(async () => /· 1 d$/.test((await rangeLabel()) ?? ''), 'the 1 day range', 5_000);
    expect(await page.locator('[data-testid="trend-live"]').getAttribute('aria-pressed')).toBe('false');
    await poll(
      async () => historyQueries.some((q) => q.to - q.from === 86_400_000),
      'a query for the day',
      5_000,
    );

    // The plant has run for less than a minute: look at the last 10 minutes
    // (a history preset again, so it ends now) and zoom in at their end.
    await page.locator('[data-testid="trend-range-10m"]').click();
    await poll(async () => /· 10 min$/.test((await rangeLabel()) ?? ''), 'the 10 min history range', 5_000);
    expect(await page.locator('[data-testid="trend-live"]').getAttribute('aria-pressed')).toBe('false');

    const before = await rangeLabel();
    const queriesBefore = historyQueries.length;
    const plot = await page.locator('[data-testid="trend-chart"] .u-over').boundingBox();
    if (!plot) throw new Error('the chart has no plot area');
    await page.mouse.move(plot.x + plot.width - 3, plot.y + plot.height / 2);
    for (let i = 0; i < 3; i++) {
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(30);
    }
    await poll(async () => (await rangeLabel()) !== before, 'the range label to change', 5_000);
    const zoomed = await poll(
      async () => historyQueries.slice(queriesBefore).find((q) => q.to - q.from < 300_000),
      'a query for the zoomed range',
      5_000,
    );
    // Four points per pixel column of the plot, no more.
    expect(zoomed.maxPoints).toBeGreaterThanOrEqual(4 * Math.floor(plot.width * 0.9));
    expect(zoomed.maxPoints).toBeLessThanOrEqual(4 * Math.ceil(plot.width + 100));
    await page.locator('[data-testid="trend-busy"]').waitFor({ state: 'detached', timeout: 10_000 });
    await page.mouse.move(5, 5);
  }, 30_000);

  it('exports the visible range as CSV, raw', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.locator('[data-testid="trend-export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^trend-\d{8}-\d{6}\.csv$/);
    const file = await download.path();
    const rows = parseCsv(readFileSync(file, 'utf8'));
    expect(rows[0]![0]).toBe('time');
    expect(rows[0]![1]).toContain(LEVEL);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(2);
      expect(Number.isNaN(Date.parse(row[0]!))).toBe(false);
      expect(row[1] === '' || Number.isFinite(Number(row[1]))).toBe(true);
    }
    expect(rows.slice(1).some((row) => row[1] !== '')).toBe(true);
    // The export asked for raw samples.
    expect(historyQueries.some((q) => q.maxPoints === 1_000_000)).toBe(true);
  }, 30_000);

  it('exports the chart as PNG', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.locator('[data-testid="trend-export-png"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(5_000);
  }, 20_000);

  it('saves the view and lists it', async () => {
    await page.locator('[data-testid="trend-save"]').click();
    await page.locator('[data-testid="trend-save-name"]').fill(VIEW_NAME);
    await page.locator('[data-testid="trend-save-confirm"]').click();
    await poll(
      async () => ((await page.locator('[data-testid="trend-views-message"]').textContent()) ?? '').startsWith('Saved'),
      'the save to be confirmed',
      10_000,
    );
    await page.locator('[data-testid="trend-views"]').click();
    const item = page.locator(`[data-testid="trend-view-item"][data-name="${VIEW_NAME}"]`);
    await item.waitFor({ timeout: 5_000 });

    // The runtime has it, with the pen and the history range.
    const views = await api<{ name: string; pens: { path: string }[]; range: { mode: string } }[]>('trends.list', {});
    const saved = views.find((v) => v.name === VIEW_NAME);
    expect(saved?.pens.map((p) => p.path)).toEqual([LEVEL]);
    expect(saved?.range.mode).toBe('history');

    // Back to live, remove the pen, and the view brings it back.
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="trend-live"]').click();
    expect(await rangeLabel()).toMatch(/^Live/);
    await pen(LEVEL).locator('[data-testid="trend-pen-remove"]').click();
    await pen(LEVEL).waitFor({ state: 'detached', timeout: 5_000 });
    await page.locator('[data-testid="trend-views"]').click();
    await item.click();
    await pen(LEVEL).waitFor({ timeout: 5_000 });
    expect(await rangeLabel()).not.toMatch(/^Live/);
  }, 30_000);

  it('shows the level’s min, max, time-weighted average and time in Bad over the range on screen', async () => {
    // The saved view brought the level back in a history range; look at the last hour.
    await pen(LEVEL).waitFor({ timeout: 5_000 });
    await page.locator('[data-testid="trend-range-1h"]').click();
    await poll(async () => /· 1 h$/.test((await rangeLabel()) ?? ''), 'the 1 h history range', 5_000);
    expect(await page.locator('[data-testid="trend-live"]').getAttribute('aria-pressed')).toBe('false');
    await poll(
      async () => statsQueries.some((q) => q.to - q.from === 3_600_000 && q.paths.includes(LEVEL)),
      'history.stats for the hour',
      5_000,
    );

    const cell = (name: string) => pen(LEVEL).locator(`[data-testid="trend-stats-${name}"]`);
    const level = /^(-?\d+(?:\.\d+)?) m$/;
    const read = async (name: string) => ((await cell(name).textContent()) ?? '').trim();
    // Figures for this range (not dimmed as left over from the previous one), each a number in metres.
    await poll(
      async () =>
        (await cell('avg').getAttribute('data-stale')) === null &&
        level.test(await read('min')) &&
        level.test(await read('max')) &&
        level.test(await read('avg')),
      'numbers in metres in the stats cells',
      10_000,
    );
    const value = async (name: string) => Number(level.exec(await read(name))![1]);
    const [min, max, avg] = [await value('min'), await value('max'), await value('avg')];
    expect(min).toBeLessThanOrEqual(avg);
    expect(avg).toBeLessThanOrEqual(max);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(10);
    expect(await cell('avg').getAttribute('title')).toContain('Avg (time-wtd)');

    // Time in Bad as a duration, with its share of the range.
    expect(await read('bad')).toMatch(/^(0 s|< 1 s|\d+ s|\d+ min \d\d s|\d+ h \d\d min|\d+ d \d\d h) · (0|< 0\.1|\d+(\.\d)?) %$/);
  }, 30_000);

  it('ran without page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
