// End to end: the real renderer in Debian's Chromium against serve mode
// running the demo plant (its simulator served over real Modbus TCP).
//
// The browser is logged in as an engineer (it writes a setpoint and injects
// faults; an anonymous browser would only look: see security.test.ts), and
// the test's own API calls carry the same user's token.
//
// Needs a build (`npm run build`, which `npm test` runs first). Leaves
// nothing behind: the server gets SIGTERM (SIGKILL if it lingers), the
// browser is closed and the temporary folders are removed.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  callApi,
  createUser,
  DEMO_PROJECT as DEMO,
  demoProjectOnFreePort,
  loginPage,
  startServe,
  type ServeProcess,
} from '../../scripts/serveProcess.mjs';
import { waitFor as poll } from '../helpers/waitFor';
import { collectErrors, openBrowser, requireBuild, tempDirs, waitConnected } from './helpers';

const api = <T>(method: string, body: unknown) => callApi<T>(baseUrl, method, body, token);
const ENGINEER = { user: 'eng-e2e', password: 'engineer-e2e-pw' };
const LEVEL = 'Plant/Tank/Level';
const PREFERRED_WRITE_TAG = 'Plant/HeatExchanger/TIC/SP';

interface DemoTag {
  path: string;
  address: string;
  writable?: boolean;
  scale?: unknown;
}

interface SimStatus {
  signals: string[];
  faults: { kind: 'sensor_stuck' | 'out_of_range' | 'link_down'; signal?: string }[];
}

interface ApiTag {
  path: string;
  value: number | boolean | null;
  writable: boolean;
  dataType: string;
}

let serve: ServeProcess | null = null;
let context: BrowserContext | null = null;
let page: Page;
let baseUrl = '';
let token = '';
const temp = tempDirs();
const freshDir = temp.fresh;
const pageErrors: string[] = [];


/** The writable numeric tag to write: the TIC setpoint if the demo plant has it. */
function pickWriteTag(): DemoTag {
  const project = parseYaml(readFileSync(DEMO, 'utf8')) as { tags?: DemoTag[] };
  const writable = (project.tags ?? []).filter((t) => t.writable === true);
  const numeric = writable.filter((t) => !/^(CO|DI):|\.\d+/.test(t.address));
  const tag = numeric.find((t) => t.path === PREFERRED_WRITE_TAG) ?? numeric.find((t) => !t.scale) ?? numeric[0];
  if (!tag) throw new Error(`${DEMO} has no writable numeric tag`);
  return tag;
}

/** Ends every fault the simulator still has, through the API. */
async function clearFaults(): Promise<void> {
  const { faults } = await api<SimStatus>('simulator.status', {});
  for (const fault of faults) await api<SimStatus>('simulator.setFault', { ...fault, active: false });
}

const rowSelector = (path: string) => `[data-testid="tag-row"][data-path="${path}"]`;

describe('tag browser (serve mode, demo plant, Chromium)', () => {
  beforeAll(async () => {
    requireBuild();
    // The demo plant, with its simulated PLC on a port of its own: never the fixed 5020 another run may hold.
    serve = startServe(['--port', '0', '--project', await demoProjectOnFreePort(freshDir('hmi-e2e-project-')), '--data', freshDir('hmi-e2e-data-')]);
    baseUrl = await serve.url;
    ({ token } = await createUser(baseUrl, ENGINEER.user, 'engineer', ENGINEER.password));
    ({ context, page } = await openBrowser(freshDir('hmi-e2e-profile-')));
    await loginPage(page, baseUrl, ENGINEER.user, ENGINEER.password);
    collectErrors(page, pageErrors);
    await page.goto(`${baseUrl}/`);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
    temp.removeAll();
  }, 30_000);

  it('connects and lists the demo plant tags with values, units and quality', async () => {
    await waitConnected(page);
    const level = page.locator(rowSelector(LEVEL));
    await level.waitFor({ timeout: 15_000 });

    const rows = page.locator('[data-testid="tag-row"]');
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    const all = await api<ApiTag[]>('tags.list', {});
    // Virtualised: never more rows in the DOM than tags.
    expect(await rows.count()).toBeLessThanOrEqual(all.length);

    // The level shows a number and its units.
    await poll(
      async () => /^\d+\.\d+$/.test((await level.locator('[data-testid="tag-value"]').textContent()) ?? ''),
      'a numeric level',
      15_000,
    );
    expect(await level.locator('.cell-units').textContent()).toBe('m');

    // Every row shows a quality mark: a status and a word (not colour alone).
    const marks = await page.$$eval('[data-testid="tag-quality"]', (els) =>
      els.map((el) => ({ status: el.getAttribute('data-status'), text: el.textContent?.trim() ?? '' })),
    );
    expect(marks.length).toBeGreaterThanOrEqual(10);
    for (const mark of marks) {
      expect(['good', 'uncertain', 'bad']).toContain(mark.status);
      expect(mark.text.length).toBeGreaterThan(0);
    }
    expect(marks.some((m) => m.status === 'good' && m.text === 'Good')).toBe(true);

    // Read-only tags offer no write action.
    expect(await level.locator('[data-testid="write-button"]').count()).toBe(0);
    // Timestamps read as local HH:MM:SS.mmm.
    expect(await level.locator('.cell-ts').textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
  }, 40_000);

  it('updates values on screen as the plant runs', async () => {
    const snapshot = () =>
      page.$$eval('[data-testid="tag-row"]', (rows) =>
        Object.fromEntries(
          rows.map((row) => [
            row.getAttribute('data-path') ?? '',
            row.querySelector('[data-testid="tag-value"]')?.textContent ?? '',
          ]),
        ),
      );
    const before = await snapshot();
    const changed = await poll(
      async () => {
        const now = await snapshot();
        return Object.keys(now).find((path) => path in before && now[path] !== before[path]);
      },
      'a value cell to change',
      10_000,
    );
    expect(changed).toBeTruthy();
  }, 20_000);

  it('shows plc1 connected in the device panel', async () => {
    const plc = page.locator('[data-testid="device-row"][data-name="plc1"]');
    await page
      .locator('[data-testid="device-row"][data-name="plc1"][data-status="connected"]')
      .waitFor({ timeout: 15_000 });
    expect(await plc.locator('.device-status-text').textContent()).toBe('connected');
    expect(await plc.textContent()).toContain('modbus-tcp');
  }, 20_000);

  it('filters by folder and by search text', async () => {
    const tree = page.locator('[data-testid="folder-tree"]');
    await tree.locator('[data-folder="Plant/Pump"]').click();
    await poll(
      async () => {
        const paths = await page.$$eval('[data-testid="tag-row"]', (rows) =>
          rows.map((r) => r.getAttribute('data-path') ?? ''),
        );
        return paths.length > 0 && paths.every((p) => p.startsWith('Plant/Pump/'));
      },
      'only Plant/Pump rows',
      5_000,
    );
    await tree.locator('[data-folder=""]').click();

    await page.locator('[data-testid="search"]').fill('tank/lev');
    await poll(
      async () => {
        const paths = await page.$$eval('[data-testid="tag-row"]', (rows) =>
          rows.map((r) => r.getAttribute('data-path') ?? ''),
        );
        return paths.length === 1 && paths[0] === LEVEL;
      },
      'the search to leave only the level',
      5_000,
    );
    await page.locator('[data-testid="search"]').fill('');
  }, 20_000);

  it('writes a setpoint through the dialog, and the value reaches the simulator', async () => {
    const target = pickWriteTag();
    const current = (await api<ApiTag[]>('tags.list', { search: target.path })).find((t) => t.path === target.path);
    expect(current?.writable).toBe(true);
    const now = typeof current?.value === 'number' ? current.value : 0;
    const value = Math.abs(now - 61.5) > 1 ? 61.5 : 58.5;

    await page.locator('[data-testid="search"]').fill(target.path);
    const row = page.locator(rowSelector(target.path));
    await row.waitFor({ timeout: 5_000 });
    await row.locator('[data-testid="write-button"]').click();

    const dialog = page.locator('[data-testid="write-dialog"]');
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await dialog.textContent()).toContain(target.path);
    const input = dialog.locator('[data-testid="write-input"]');
    await expect.poll(() => dialog.locator('[data-testid="write-input"]:focus').count()).toBe(1);
    await input.fill(String(value));
    await dialog.locator('[data-testid="write-next"]').click();

    const confirm = dialog.locator('[data-testid="write-confirm"]');
    await confirm.waitFor({ timeout: 5_000 });
    expect(await dialog.textContent()).toMatch(new RegExp(`Write ${value}\\.?\\d* .*to ${target.path}\\?`));
    await confirm.click();

    const result = dialog.locator('[data-testid="write-result"]');
    await result.waitFor({ timeout: 15_000 });
    const text = (await result.textContent()) ?? '';
    expect(await result.getAttribute('data-ok'), text).toBe('true');
    expect(text).toMatch(/answered in [\d.]+ ms/);

    // The simulator has it: the runtime reads it back from the device.
    await poll(
      async () => {
        const tags = await api<ApiTag[]>('tags.list', { search: target.path });
        const tag = tags.find((t) => t.path === target.path);
        return typeof tag?.value === 'number' && Math.abs(tag.value - value) < 1e-3;
      },
      `${target.path} to read back ${value}`,
      10_000,
    );

    // Esc closes the dialog; the table shows the new value.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await poll(
      async () => {
        const shown = (await row.locator('[data-testid="tag-value"]').textContent()) ?? '';
        return Math.abs(Number(shown) - value) < 0.01;
      },
      'the table to show the written value',
      10_000,
    );
  }, 60_000);

  it('shows the tag’s write limits, keeps a value beyond them from being sent, and answers with what the device holds', async () => {
    const sp = PREFERRED_WRITE_TAG;
    await page.locator('[data-testid="search"]').fill(sp);
    const row = page.locator(rowSelector(sp));
    await row.waitFor({ timeout: 5_000 });
    await row.locator('[data-testid="write-button"]').click();
    const dialog = page.locator('[data-testid="write-dialog"]');
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await dialog.locator('[data-testid="write-limits"]').textContent()).toBe('0 … 150 °C');

    // 500 °C goes no further than the edit step: the limits are named, nothing is sent.
    const setpointBefore = (await api<ApiTag[]>('tags.list', { search: sp }))[0]!.value;
    await dialog.locator('[data-testid="write-input"]').fill('500');
    await dialog.locator('[data-testid="write-next"]').click();
    expect(await dialog.getAttribute('data-step')).toBe('edit');
    expect(await dialog.locator('.field-problem').textContent()).toBe('Outside the write limits (0 … 150 °C)');

    // The runtime refuses it too (a client that skips the dialog's check), and the setpoint stays.
    await expect(api('tags.write', { path: sp, value: 500 })).rejects.toThrow(/0 … 150 °C/);
    expect((await api<ApiTag[]>('tags.list', { search: sp }))[0]!.value).toBe(setpointBefore);

    // A value inside them: the answer is what the device holds, read back.
    await dialog.locator('[data-testid="write-input"]').fill('64');
    await dialog.locator('[data-testid="write-next"]').click();
    await dialog.locator('[data-testid="write-confirm"]').click();
    const result = dialog.locator('[data-testid="write-result"]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-read-back')).toBe('held');
    expect(await result.getAttribute('data-differs')).toBe('false');
    expect(await result.locator('[data-testid="write-held"]').textContent()).toBe('64.00 °C');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await page.locator('[data-testid="search"]').fill('');
  }, 30_000);

  it('opens the write dialog with Enter on the selected row, and Esc closes it', async () => {
    const target = pickWriteTag();
    const row = page.locator(rowSelector(target.path));
    await row.click();
    await page.keyboard.press('Enter');
    const dialog = page.locator('[data-testid="write-dialog"]');
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });

    // A read-only row: Enter does nothing.
    await page.locator('[data-testid="search"]').fill(LEVEL);
    await page.locator(rowSelector(LEVEL)).click();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(await dialog.count()).toBe(0);
    await page.locator('[data-testid="search"]').fill('');
  }, 20_000);

  it('ran without page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });

  // Last: it breaks the plant on purpose. Whatever happens, no fault is left.
  it('injects and clears faults from the demo plant panel, and the tags and device follow', async () => {
    const panel = page.locator('[data-testid="sim-panel"]');
    const faults = panel.locator('[data-testid="sim-faults"]');
    const outOfRange = panel.locator('[data-testid="sim-out-of-range"]');
    const link = panel.locator('[data-testid="sim-link"]');
    const level = page.locator(rowSelector(LEVEL));
    const quality = level.locator('[data-testid="tag-quality"]');
    const plc = page.locator('[data-testid="device-row"][data-name="plc1"]');
    const waitQuality = (status: string, text: string, what: string) =>
      poll(
        async () =>
          (await quality.getAttribute('data-status')) === status &&
          (await quality.locator('.quality-text').textContent()) === text,
        what,
        15_000,
      );
    try {
      await panel.waitFor({ timeout: 10_000 });
      expect(await faults.locator('li').count()).toBe(0);
      await page.locator('[data-testid="search"]').fill(LEVEL);
      await level.waitFor({ timeout: 5_000 });
      await waitQuality('good', 'Good', 'the level to be Good before any fault');

      // Out of range on the level transmitter: the tag turns Bad, "out of range".
      await panel.locator('[data-testid="sim-signal"]').selectOption('tank.level');
      expect(await outOfRange.getAttribute('aria-pressed')).toBe('false');
      await outOfRange.click();
      await panel.locator('[data-testid="sim-out-of-range"][aria-pressed="true"]').waitFor({ timeout: 5_000 });
      expect(await faults.textContent()).toContain('tank.level out of range');
      await waitQuality('bad', 'out of range', 'the level to turn Bad (out of range)');

      await outOfRange.click();
      await panel.locator('[data-testid="sim-out-of-range"][aria-pressed="false"]').waitFor({ timeout: 5_000 });
      expect(await faults.locator('li').count()).toBe(0);
      await waitQuality('good', 'Good', 'the level to return to Good');

      // Link down: plc1 loses its connection, every tag goes Bad, "comm failure".
      await link.click();
      await panel.locator('[data-testid="sim-link"][aria-pressed="true"]').waitFor({ timeout: 5_000 });
      expect(await faults.textContent()).toContain('link down');
      await poll(async () => (await plc.getAttribute('data-status')) !== 'connected', 'plc1 to lose its link', 15_000);
      await waitQuality('bad', 'comm failure', 'the level to show comm failure');

      await link.click();
      await panel.locator('[data-testid="sim-link"][aria-pressed="false"]').waitFor({ timeout: 5_000 });
      await page
        .locator('[data-testid="device-row"][data-name="plc1"][data-status="connected"]')
        .waitFor({ timeout: 20_000 });
      await waitQuality('good', 'Good', 'the level to recover after the link is back');
      expect(await faults.locator('li').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await clearFaults();
      await page.locator('[data-testid="search"]').fill('');
    }
    expect((await api<SimStatus>('simulator.status', {})).faults).toEqual([]);
  }, 90_000);
});
