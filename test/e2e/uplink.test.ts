// End to end: the MQTT uplink's mark in the header and its panel in the
// sidebar, in Debian's Chromium against serve mode running the demo plant,
// publishing Sparkplug B to a real Mosquitto.
//
// Runs its own copy of the demo project (simulator on a free port) with an
// uplink section pointing at a Mosquitto of its own. The demo plant's
// values change all the time, so while the broker is away (stopped with
// SIGKILL, as a crash or a pulled cable would) the store-and-forward queue
// fills. The test follows that in the UI: online, then offline with a queue
// that grows and ages, then online again with the queue drained.
// Needs a build (`npm run build`) and `mosquitto` on the PATH.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { callApi, demoProjectOnFreePort, startServe, type ServeProcess } from '../../scripts/serveProcess.mjs';
import type { UplinkStatus } from '../../src/shared/uplink';
import { Mosquitto } from '../helpers/mosquitto';
import { waitFor as poll } from '../helpers/waitFor';
import { collectErrors, openBrowser, requireBuild, tempDirs, waitConnected } from './helpers';

const api = <T>(method: string, body: unknown) => callApi<T>(baseUrl, method, body);

const GROUP = 'Plant1';
const NODE = 'e2e';

let broker: Mosquitto | null = null;
let serve: ServeProcess | null = null;
let context: BrowserContext | null = null;
let page: Page;
let baseUrl = '';
const temp = tempDirs();
const freshDir = temp.fresh;
const pageErrors: string[] = [];

/** The demo project publishing the plant's tags to `url`. */
async function projectWithUplink(dir: string, url: string): Promise<string> {
  const file = await demoProjectOnFreePort(dir);
  const project = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  project.uplink = { url, groupId: GROUP, edgeNodeId: NODE, publish: ['Plant/**'] };
  writeFileSync(file, stringifyYaml(project));
  return file;
}

const mark = () => page.locator('[data-testid="uplink-status"]');
const panel = () => page.locator('[data-testid="uplink-panel"]');
const depth = () => page.locator('[data-testid="uplink-queue-depth"]');
const age = () => page.locator('[data-testid="uplink-queue-age"]');

async function shownDepth(): Promise<number> {
  return Number(await depth().getAttribute('data-value'));
}

/** The age text in seconds: "42 s" → 42, "2 min 13 s" → 133; NaN when it is not an age. */
function ageSeconds(text: string | null): number {
  const m = /^(?:(\d+) min )?(\d+) s$/.exec(text ?? '');
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : Number.NaN;
}

describe('uplink (serve mode, demo plant, Mosquitto, Chromium)', () => {
  beforeAll(async () => {
    requireBuild();
    broker = await Mosquitto.start();
    const work = freshDir('hmi-e2e-uplink-');
    const project = await projectWithUplink(work, broker.url);
    serve = startServe(['--project', project, '--port', '0', '--data', join(work, 'data')]);
    baseUrl = await serve.url;
    ({ context, page } = await openBrowser(freshDir('hmi-e2e-uplink-profile-')));
    collectErrors(page, pageErrors);
    await page.goto(`${baseUrl}/`);
    await waitConnected(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
    await broker?.stop();
    temp.removeAll();
  }, 30_000);

  it('shows the uplink online in the header and in the sidebar', async () => {
    await poll(async () => (await mark().getAttribute('data-state')) === 'online', 'the header mark to say online', 20_000);
    expect(await mark().getAttribute('data-severity')).toBe('normal');
    expect(await mark().textContent()).toContain('Uplink online');
    const title = (await mark().getAttribute('title')) ?? '';
    expect(title).toContain(broker!.url);
    expect(title).toContain(`Group ${GROUP} · edge node ${NODE} · bdSeq `);

    await panel().waitFor({ timeout: 5_000 });
    expect(await panel().getAttribute('data-state')).toBe('online');
    expect(await page.locator('[data-testid="uplink-state"]').textContent()).toContain('Online');
    expect(await page.locator('[data-testid="uplink-since"]').textContent()).toMatch(/^since \d\d:\d\d:\d\d\.\d{3}$/);
    expect(await page.locator('[data-testid="uplink-url"]').textContent()).toBe(broker!.url);
    expect(await page.locator('[data-testid="uplink-node"]').textContent()).toBe(`${GROUP} / ${NODE}`);
    expect(await page.locator('[data-testid="uplink-commands"]').textContent()).toBe('off');
    // Nothing waits while the broker is there (a replay of a few may be under way at start).
    await poll(async () => (await shownDepth()) === 0, 'an empty queue', 10_000);
    expect(await age().textContent()).toBe('—');
    expect(await page.locator('[data-testid="uplink-queue-bytes"]').textContent()).toContain('of 500 MB');
    expect(await page.locator('[data-testid="uplink-dropped"]').count()).toBe(0);

    const status = await api<UplinkStatus>('uplink.status', {});
    expect(status).toMatchObject({ state: 'online', groupId: GROUP, edgeNodeId: NODE, format: 'sparkplug' });
    expect(status.publishedTags).toBeGreaterThan(0);
  }, 40_000);

  it('shows an outage: offline, and the queue fills and ages', async () => {
    await broker!.pause();
    await poll(async () => (await mark().getAttribute('data-state')) === 'offline', 'the header mark to say offline', 15_000);
    expect(await mark().getAttribute('data-severity')).toBe('fault');
    expect(await mark().textContent()).toContain('Uplink offline');
    expect(await panel().getAttribute('data-state')).toBe('offline');
    expect(await page.locator('[data-testid="uplink-state"]').textContent()).toContain('Offline');
    // Offline: no "since" (the runtime gives the session's start only), the cause instead.
    expect(await page.locator('[data-testid="uplink-since"]').count()).toBe(0);
    await page.locator('[data-testid="uplink-last-error"]').waitFor({ timeout: 5_000 });

    await poll(async () => (await shownDepth()) > 0, 'the queue to fill', 20_000);
    await poll(async () => /\bqueued$/.test((await page.locator('[data-testid="uplink-status-queued"]').textContent()) ?? ''), 'the header to show the queue', 5_000);
    // The age counts on its own, every second, between the runtime's answers.
    const first = await poll(async () => {
      const seconds = ageSeconds(await age().textContent());
      return seconds >= 1 ? seconds : null;
    }, 'an age of the oldest message', 10_000);
    await poll(async () => ageSeconds(await age().textContent()) >= first + 2, 'the age to keep counting', 10_000);
    // The queue keeps growing while the plant's values change.
    const before = await shownDepth();
    await poll(async () => (await shownDepth()) > before, 'the queue to keep growing', 15_000);
    expect(await page.locator('[data-testid="uplink-queue-bytes"]').textContent()).toMatch(/^[\d.]+ (B|kB|MB) of 500 MB/);
  }, 60_000);

  it('comes back online and drains the queue', async () => {
    await broker!.resume();
    // The uplink retries with a backoff (up to 30 s); the outage above lasted some seconds.
    await poll(async () => (await mark().getAttribute('data-state')) === 'online', 'the header mark to say online again', 45_000);
    await poll(async () => (await shownDepth()) === 0, 'the queue to drain', 30_000);
    expect(await age().textContent()).toBe('—');
    expect(await mark().getAttribute('data-severity')).toBe('normal');
    expect(await page.locator('[data-testid="uplink-status-queued"]').count()).toBe(0);
    expect(await panel().getAttribute('data-state')).toBe('online');

    const status = await api<UplinkStatus>('uplink.status', {});
    expect(status.reconnects).toBeGreaterThanOrEqual(1);
    expect(status.queue?.replayed).toBeGreaterThan(0);
    expect(status.queue?.dropped).toBe(0);
  }, 90_000);

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
