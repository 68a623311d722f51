// End to end: the alarm banner and the Alarms screen in Debian's Chromium
// against serve mode running the demo plant.
//
// Runs its own copy of the demo project (simulator on a free port) with two
// alarms of our own on the TIC setpoint, a writable tag: writing 120 °C
// raises both (hi, priority 1, and hihi, priority 2) whatever the demo
// plant's own alarms do. The test then acknowledges the first from the UI
// with a comment, shelves the second with a reason, reads both actions back
// from the journal, and follows an NE107 status into the tag table.
// The browser is logged in as an operator (an anonymous one only looks), and
// the test's own writes carry the same user's token.
// Needs a build (`npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  callApi,
  createUser,
  demoProjectOnFreePort,
  loginPage,
  startServe,
  type ServeProcess,
} from '../../scripts/serveProcess.mjs';
import type { AlarmInfo, JournalEntry } from '../../src/shared/alarms';
import { waitFor as poll } from '../helpers/waitFor';
import { collectErrors, openBrowser, requireBuild, tempDirs, waitConnected } from './helpers';

const api = <T>(method: string, body: unknown) => callApi<T>(baseUrl, method, body, token);
const OPERATOR = { user: 'op-e2e', password: 'operator-e2e-pw' };

const SP = 'Plant/HeatExchanger/TIC/SP';
const HI = `${SP}#hi`;
const HIHI = `${SP}#hihi`;
const AUTO = 'Plant/HeatExchanger/TIC/Auto';
const ACK_COMMENT = 'E2E: setpoint raised on purpose, ack';
const SHELVE_REASON = 'E2E: setpoint trial for 15 minutes';

let serve: ServeProcess | null = null;
let context: BrowserContext | null = null;
let page: Page;
let baseUrl = '';
let token = '';
const temp = tempDirs();
const freshDir = temp.fresh;
const pageErrors: string[] = [];

interface ProjectTag {
  path: string;
  alarms?: unknown[];
}

/** The demo project with our two alarms on the TIC setpoint. */
async function projectWithAlarms(dir: string): Promise<string> {
  const file = await demoProjectOnFreePort(dir);
  const project = parseYaml(readFileSync(file, 'utf8')) as { tags: ProjectTag[] };
  const tag = project.tags.find((t) => t.path === SP);
  if (!tag) throw new Error(`the demo project has no ${SP}`);
  tag.alarms = [
    ...(tag.alarms ?? []),
    { kind: 'hi', limit: 100, priority: 1, message: 'TIC-202 setpoint high: {value} {units}' },
    { kind: 'hihi', limit: 110, priority: 2, message: 'TIC-202 setpoint very high: {value} {units} (limit {limit})' },
  ];
  writeFileSync(file, stringifyYaml(project));
  return file;
}

async function alarmById(id: string, show: 'active' | 'hidden' | 'all' = 'all'): Promise<AlarmInfo | undefined> {
  const { alarms } = await api<{ alarms: AlarmInfo[] }>('alarms.list', { filter: { show } });
  return alarms.find((a) => a.id === id);
}

const row = (id: string) => page.locator(`[data-testid="alarm-row"][data-alarm-id="${id}"]`);

describe('alarms (serve mode, demo plant, Chromium)', () => {
  beforeAll(async () => {
    requireBuild();
    const work = freshDir('hmi-e2e-alarms-');
    const project = await projectWithAlarms(work);
    serve = startServe(['--port', '0', '--project', project, '--data', join(work, 'data')]);
    baseUrl = await serve.url;
    ({ token } = await createUser(baseUrl, OPERATOR.user, 'operator', OPERATOR.password));
    ({ context, page } = await openBrowser(freshDir('hmi-e2e-alarms-profile-'), { width: 1600, height: 900 }));
    await loginPage(page, baseUrl, OPERATOR.user, OPERATOR.password);
    // The shelve refusal below is staged: the browser logs its 400.
    collectErrors(page, pageErrors, (text) => text.includes('400'));
    await page.goto(`${baseUrl}/`);
    await waitConnected(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
    temp.removeAll();
  }, 30_000);

  it('shows the banner on every screen, quiet while our alarm is normal', async () => {
    const banner = page.locator('[data-testid="alarm-banner"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await alarmById(HI)).toMatchObject({ state: 'normal', priority: 1 });
    // Every priority has its chip with a shape and a number, unack / active.
    for (const key of ['1', '2', '3', '4', 'diagnostic']) {
      const chip = page.locator(`[data-testid="alarm-count-${key}"]`);
      expect(await chip.locator('.prio-mark').getAttribute('data-priority')).toBe(key);
      expect(await chip.textContent()).toMatch(/\d+\s*\/\s*\d+/);
    }
    await page.locator('[data-testid="view-tab-trends"]').click();
    await banner.waitFor();
    await page.keyboard.press('Alt+3');
    await page.locator('[data-testid="alarms-view"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-testid="view-tab-alarms"]').getAttribute('aria-selected')).toBe('true');
    await banner.waitFor();
    expect(await row(HI).count()).toBe(0);
  }, 30_000);

  it('(a) an alarm raised on the plant appears in the list and the banner', async () => {
    await api('tags.write', { path: SP, value: 120 });
    await row(HI).waitFor({ timeout: 10_000 });
    await row(HIHI).waitFor({ timeout: 10_000 });

    // Priority 1 on top, unacknowledged, with symbol and words.
    const first = page.locator('[data-testid="alarm-row"]').first();
    expect(await first.getAttribute('data-priority')).toBe('1');
    const hi = row(HI);
    expect(await hi.getAttribute('data-state')).toBe('unacknowledged');
    expect(await hi.locator('[data-testid="alarm-state"]').textContent()).toContain('unack');
    expect(await hi.locator('.acell-message').textContent()).toBe('TIC-202 setpoint high: 120 °C');
    const value = hi.locator('[data-testid="alarm-value"]');
    await poll(async () => /^120(\.0+)? °C$/.test((await value.textContent()) ?? ''), 'the value 120 °C', 10_000);
    expect(await hi.locator('.acell-limit').textContent()).toMatch(/^100(\.0+)? °C$/);
    expect(await row(HIHI).getAttribute('data-priority')).toBe('2');

    // The banner: P1 has one waiting, and the headline is the newest P1 alarm.
    const p1 = page.locator('[data-testid="alarm-count-1"]');
    await poll(async () => Number(await p1.locator('[data-testid="unack"]').textContent()) >= 1, 'a P1 count', 5_000);
    expect(await p1.getAttribute('data-unack')).toBe('true');
    const headline = page.locator('[data-testid="alarm-banner-headline"]');
    await poll(async () => (await headline.getAttribute('data-alarm-id')) === HI, 'the headline to be the P1 alarm', 5_000);
    expect(await headline.textContent()).toContain('TIC-202 setpoint high');
  }, 30_000);

  it('(b) acknowledges from the UI with a comment; the runtime has it acknowledged', async () => {
    // From another screen, the headline opens the list on the alarm, selected.
    await page.keyboard.press('Alt+1');
    await page.locator('[data-testid="tag-row"]').first().waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="alarm-banner-headline"]').click();
    await row(HI).waitFor({ timeout: 5_000 });
    expect(await row(HI).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-testid="alarm-ack-selected"]').textContent()).toContain('(1)');

    await page.locator('[data-testid="alarm-comment"]').fill(ACK_COMMENT);
    // Keyboard: the row under the cursor, Enter acknowledges.
    await row(HI).click();
    await page.keyboard.press('Enter');

    await poll(
      async () => {
        const state = (await alarmById(HI))?.state;
        return state === 'acknowledged' || state === 'normal';
      },
      `${HI} to be acknowledged in the runtime`,
      10_000,
    );
    await poll(
      async () => (await row(HI).getAttribute('data-state')) === 'acknowledged',
      'the row to show acknowledged',
      5_000,
    );
    expect(await row(HI).locator('[data-testid="alarm-state"]').textContent()).toContain('acked');
    expect(await page.locator('[data-testid="alarm-message"]').textContent()).toContain('Acknowledged 1 alarm');
    expect(await page.locator('[data-testid="alarm-comment"]').inputValue()).toBe('');
    const acked = await alarmById(HI);
    expect(acked?.ackedBy).toBeTruthy();
    // The headline moves on to an alarm still waiting (ours: the hihi, P2).
    await poll(
      async () => (await page.locator('[data-testid="alarm-banner-headline"]').getAttribute('data-alarm-id')) !== HI,
      'the headline to move on',
      5_000,
    );
  }, 30_000);

  it('(c) shelves with a reason (a refusal is shown), and the alarm moves to the shelved view', async () => {
    await row(HIHI).click({ button: 'right' });
    await page.locator('[data-testid="alarm-menu-shelve"]').click();
    const dialog = page.locator('[data-testid="alarm-action-dialog"][data-action="shelve"]');
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await dialog.textContent()).toContain(SP);

    // No reason: refused before anything is sent.
    await dialog.locator('[data-testid="shelve-15m"]').check();
    await dialog.locator('[data-testid="alarm-action-confirm"]').click();
    expect(await dialog.locator('.field-problem').textContent()).toBe('Give a reason');

    // The runtime refuses once: its words are shown, the dialog stays open.
    await page.route('**/api/alarms.shelve', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: { kind: 'invalid_request', message: 'E2E: shelving refused for the test' } }),
      }),
    );
    await dialog.locator('[data-testid="alarm-action-reason"]').fill(SHELVE_REASON);
    await dialog.locator('[data-testid="alarm-action-confirm"]').click();
    const refusal = dialog.locator('[data-testid="alarm-action-error"]');
    await refusal.waitFor({ timeout: 5_000 });
    expect(await refusal.textContent()).toContain('E2E: shelving refused for the test (invalid_request)');
    await page.unroute('**/api/alarms.shelve');

    await dialog.locator('[data-testid="alarm-action-confirm"]').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    await row(HIHI).waitFor({ state: 'detached', timeout: 10_000 });

    const shelved = await alarmById(HIHI, 'hidden');
    expect(shelved?.shelvedUntil).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(shelved?.shelvedUntil).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 5_000);
    expect(shelved?.shelveReason).toBe(SHELVE_REASON);

    await page.locator('[data-testid="alarm-tab-hidden"]').click();
    await row(HIHI).waitFor({ timeout: 5_000 });
    const flags = row(HIHI).locator('[data-testid="alarm-flags"]');
    expect(await flags.textContent()).toContain('Shelved');
    expect(await flags.textContent()).toContain(SHELVE_REASON);
    // A shelved alarm is not on the operator's list, nor in the banner's counts
    // (which agree with the runtime's, whatever the demo plant's own P2 alarms do).
    await poll(
      async () => {
        const { counts } = await api<{ counts: { unackByPriority: Record<string, number> } }>('alarms.list', {
          filter: { show: 'active' },
        });
        const shown = await page.locator('[data-testid="alarm-count-2"] [data-testid="unack"]').textContent();
        return Number(shown) === counts.unackByPriority['2'];
      },
      'the banner P2 count to match the runtime',
      5_000,
    );
    const headlines = await page.$$eval('[data-testid="alarm-banner-headline"]', (els) =>
      els.map((el) => el.getAttribute('data-alarm-id')),
    );
    expect(headlines).not.toContain(HIHI);
  }, 40_000);

  it('(d) the journal shows the acknowledge with its comment and user, and the shelve with its reason', async () => {
    await page.locator('[data-testid="alarm-tab-journal"]').click();
    await page.locator('[data-testid="alarm-view-journal"]').waitFor({ timeout: 5_000 });
    const ack = page.locator(`[data-testid="journal-row"][data-event="acknowledged"][data-alarm-id="${HI}"]`);
    await ack.waitFor({ timeout: 10_000 });
    expect(await ack.locator('[data-testid="journal-comment"]').textContent()).toBe(ACK_COMMENT);
    expect(((await ack.locator('[data-testid="journal-user"]').textContent()) ?? '').length).toBeGreaterThan(0);
    const shelve = page.locator(`[data-testid="journal-row"][data-event="shelved"][data-alarm-id="${HIHI}"]`);
    await shelve.waitFor({ timeout: 10_000 });
    expect(await shelve.textContent()).toContain(SHELVE_REASON);

    // The runtime agrees.
    const { entries } = await api<{ entries: JournalEntry[] }>('alarms.journal', {
      from: Date.now() - 3_600_000,
      to: Date.now() + 1_000,
      filter: { alarmId: HI, events: ['acknowledged'] },
    });
    expect(entries[0]).toMatchObject({ event: 'acknowledged', comment: ACK_COMMENT });

    // Search narrows it (debounced), newest first.
    await page.locator('[data-testid="journal-search"]').fill('setpoint very high');
    await poll(
      async () => {
        const ids = await page.$$eval('[data-testid="journal-row"]', (rows) =>
          rows.map((r) => r.getAttribute('data-alarm-id')),
        );
        return ids.length > 0 && ids.every((id) => id === HIHI);
      },
      'only the hihi alarm in the journal',
      10_000,
    );
    await page.locator('[data-testid="journal-search"]').fill('');
    await ack.waitFor({ timeout: 10_000 });

    // CSV of what is shown.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.locator('[data-testid="journal-export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^alarm-journal-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('time,event,state,priority,alarm,path,kind,message,value,user,workstation,comment');
    expect(csv).toContain(ACK_COMMENT);
  }, 40_000);

  it('shows the KPIs with our activations', async () => {
    await page.locator('[data-testid="alarm-tab-kpis"]').click();
    const activations = page.locator('[data-testid="kpi-activations"] .kpi-figure-value');
    await activations.waitFor({ timeout: 10_000 });
    expect(Number(await activations.textContent())).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid="kpi-bad-actors"]').textContent()).toContain(SP);
  }, 20_000);

  it('follows an NE107 status into the tag table and the device panel', async () => {
    // The demo plant's TIC in manual reports NE107 C (check function) on its Auto tag.
    const before = await api<{ path: string; ne107: string }[]>('tags.list', { search: AUTO });
    expect(before.find((t) => t.path === AUTO)?.ne107).toBe('good');
    await page.keyboard.press('Alt+1');
    await page.locator('[data-testid="search"]').fill(AUTO);
    const mark = page.locator(`[data-testid="tag-row"][data-path="${AUTO}"] [data-testid="ne107"]`);
    await mark.waitFor({ timeout: 5_000 });
    expect(await mark.getAttribute('data-ne107')).toBe('good');
    try {
      await api('tags.write', { path: AUTO, value: false });
      await poll(async () => (await mark.getAttribute('data-ne107')) === 'C', 'the NE107 mark to show C', 10_000);
      expect(await mark.textContent()).toContain('C');
      // The device shows the worst of its instruments.
      const device = page.locator('[data-testid="device-row"][data-name="plc1"] [data-testid="device-ne107"]');
      await poll(async () => (await device.getAttribute('data-ne107')) === 'C', 'plc1 to show NE107 C', 10_000);
    } finally {
      await api('tags.write', { path: AUTO, value: true });
      await page.locator('[data-testid="search"]').fill('');
    }
  }, 30_000);

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
