// The budget of a read request (src/shared/budget.ts), over HTTP with a
// runtime in-process: its historian, alarm journal and security file each in
// their worker, as in serve mode. The reliability issue's query (32 paths,
// twa every 1 ms over 1,000 s) is refused at once with a 400 that names the
// limit; the largest queries the budget allows answer, and live values keep
// arriving over the WebSocket while they run. The event loop's delay during
// them is printed (a figure, not a timed assertion beyond a loose bound).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_QUERY_POINTS } from '../../../src/shared/budget';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { RUNTIME_CALLER } from '../../../src/main/runtime/security/security';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { createHttpTransport } from '../../../src/main/transport/http';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const TS_WORKER = new URL('../../helpers/tsWorker.mjs', import.meta.url);
const PATHS = Array.from({ length: 32 }, (_, i) => `Plant/T${i}`);
/** Recorded samples per tag before the runtime starts: 100 ms apart, just over the budget in all. */
const PREFILL = 31_300;
const STEP_MS = 100;
const T0 = Date.now() - 86_400_000;
const ADMIN_PASSWORD = 'admin-password-1';

let device: RawModbusServer;
let runtime: Runtime;
let base: string;
let bearer: string;
let dir: string;
let close: () => Promise<void>;
let ticker: NodeJS.Timeout;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'budget-'));
  device = new RawModbusServer();
  const port = await device.listen();
  const project = `
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50, timeoutMs: 2000 }]
tags:
${PATHS.map((path, i) => `  - { path: ${path}, device: plc, address: "HR:${i}" }`).join('\n')}
`;
  runtime = new Runtime(parseProject(project), {
    changeIntervalMs: 20,
    historian: {
      file: join(dir, 'historian.db'),
      workerUrl: TS_WORKER,
      workerEntry: new URL('../../../src/main/runtime/historian/worker.ts', import.meta.url).href,
      postMs: 20,
      flushMs: 200,
    },
    alarmJournal: { file: join(dir, 'alarms.db'), flushMs: 20 },
    securityFile: join(dir, 'security.db'),
    storeWorker: { url: TS_WORKER, entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href },
  });
  // A day ago, 32 tags × 31,300 samples (jagged: every sample is kept, and M4 keeps four per column), recorded before the live values start.
  const historian = runtime.historian!;
  for (let i = 0; i < PATHS.length; i++) {
    const index = historian['indexByPath'].get(PATHS[i]!)!;
    for (let k = 0; k < PREFILL; k++) historian.record(index, T0 + k * STEP_MS, ((k * 7919 + i * 104729) % 1000) / 10, 0);
  }
  await historian.flush();
  await runtime.start();
  await runtime.security.addUser('admin', 'administrator', ADMIN_PASSWORD, RUNTIME_CALLER);
  const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bearer = ((await (await post('auth.login', { user: 'admin', password: ADMIN_PASSWORD })).json()) as { token: string }).token;
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  // The plant moves: a new value of Plant/T0 on every poll.
  ticker = setInterval(() => (device.registers[0] = (device.registers[0]! + 1) % 1000), 50);
  await waitFor(() => runtime.engine.find('Plant/T0')!.quality.status === 'good', 'first values');
}, 120_000);

afterAll(async () => {
  clearInterval(ticker);
  await close?.();
  await runtime?.stop();
  await device?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function post(method: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
}

/**
 * Runs `call` while a WebSocket client watches Plant/T0 and the event loop's
 * delay is sampled: returns the answer's status and body, the longest gap
 * between two tags.changed messages, and the loop's delay (p99, max).
 */
async function duringLiveUpdates(name: string, call: () => Promise<Response>) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const arrivals: number[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { event?: string };
    if (message.event === 'tags.changed') arrivals.push(performance.now());
  });
  ws.send(JSON.stringify({ op: 'subscribe', id: 'live', event: 'tags.changed', params: { paths: ['Plant/T0'] } }));
  await waitFor(() => arrivals.length >= 3, 'live updates before the query');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const res = await call();
  const text = await res.text();
  const ms = performance.now() - started;
  // A little after the answer too: the gap that includes its last part.
  const answered = performance.now();
  await waitFor(() => arrivals.some((t) => t > answered), 'live updates after the query');
  delay.disable();
  ws.close();
  const during = arrivals.filter((t) => t >= started - 1000);
  let gap = 0;
  for (let i = 1; i < during.length; i++) gap = Math.max(gap, during[i]! - during[i - 1]!);
  const figures = { ms: Math.round(ms), bytes: text.length, maxGapMs: Math.round(gap), loopP99Ms: Math.round(delay.percentile(99) / 1e6), loopMaxMs: Math.round(delay.max / 1e6) };
  console.log(`${name}: ${JSON.stringify(figures)}`);
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> & { error?: { kind: string; message: string } }, ...figures };
}

describe('history.query within its budget', () => {
  it("refuses the issue's query at once with a 400 that names the limit", async () => {
    const started = performance.now();
    const res = await post('history.query', { paths: PATHS, from: T0, to: T0 + 1_000_000, aggregate: 'twa', intervalMs: 1 });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { kind: string; message: string } };
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('at most 1,000,000 points over all its paths');
    expect(error.message).toContain('32,000,000 (32 paths × 1,000,000 intervals of 1 ms)');
    expect(elapsed).toBeLessThan(1000);
  });

  it('refuses maxPoints over the budget across paths, and raw samples past it, counted before decoding', async () => {
    const points = await post('history.query', { paths: PATHS, from: T0, to: T0 + 3_600_000, maxPoints: 40_000 });
    expect(points.status).toBe(400);
    expect(((await points.json()) as { error: { message: string } }).error.message).toContain('1,280,000 (32 paths × maxPoints 40,000)');
    const raw = await post('history.query', { paths: PATHS, from: T0, to: T0 + PREFILL * STEP_MS });
    expect(raw.status).toBe(400);
    const { error } = (await raw.json()) as { error: { kind: string; message: string } };
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(/at most 1,000,000 points over all its paths; the range holds about 1,00\d,\d{3} raw samples over 32 paths/);
  });

  it('answers the largest aggregate the budget allows while live values keep flowing', async () => {
    const intervals = MAX_QUERY_POINTS / PATHS.length; // 31,250 each
    const result = await duringLiveUpdates('twa 32 × 31,250 intervals', () =>
      post('history.query', { paths: PATHS, from: T0, to: T0 + intervals * 32, aggregate: 'twa', intervalMs: 32 }),
    );
    expect(result.status).toBe(200);
    const series = result.body.series as { path: string; t: number[]; v: (number | null)[] }[];
    expect(series).toHaveLength(32);
    for (const s of series) expect(s.t).toHaveLength(intervals);
    expect(result.maxGapMs).toBeLessThan(2000);
  }, 60_000);

  it('answers the largest point query the budget allows (32 × 31,250 points of M4) while live values keep flowing', async () => {
    // 31,300 samples per tag, 31,250 points each: M4 over 7,812 columns, two to four points in each.
    const maxPoints = MAX_QUERY_POINTS / PATHS.length;
    const result = await duringLiveUpdates('m4 32 × 31,250 points', () =>
      post('history.query', { paths: PATHS, from: T0, to: T0 + PREFILL * STEP_MS, maxPoints }),
    );
    expect(result.status).toBe(200);
    const series = result.body.series as { mode: string; t: number[] }[];
    const total = series.reduce((n, s) => n + s.t.length, 0);
    expect(series.every((s) => s.mode === 'm4')).toBe(true);
    expect(total).toBeGreaterThan(500_000);
    expect(total).toBeLessThanOrEqual(MAX_QUERY_POINTS + PATHS.length);
    expect(result.maxGapMs).toBeLessThan(2000);
  }, 60_000);
});

describe('journal, KPIs and audit within their budget', () => {
  const DAY = 86_400_000;

  it('refuses a journal or audit limit over 100,000 and KPIs over 400 days, naming the limit', async () => {
    const now = Date.now();
    const journal = await post('alarms.journal', { from: now - DAY, to: now, limit: 100_001 });
    expect(journal.status).toBe(400);
    expect(((await journal.json()) as { error: { message: string } }).error.message).toMatch(/100000|100,000/);
    const audit = await post('audit.list', { from: now - DAY, to: now, limit: 100_001 });
    expect(audit.status).toBe(400);
    const kpis = await post('alarms.kpis', { from: now - 401 * DAY, to: now });
    expect(kpis.status).toBe(400);
    expect(((await kpis.json()) as { error: { message: string } }).error.message).toContain('at most 400 days');
  });

  it('answers the largest journal, KPI and audit requests while live values keep flowing', async () => {
    const now = Date.now();
    for (const [method, body] of [
      ['alarms.journal', { from: now - 400 * DAY, to: now + 1000, limit: 100_000 }],
      ['alarms.kpis', { from: now - 400 * DAY, to: now }],
      ['audit.list', { from: now - 400 * DAY, to: now + 1000, limit: 100_000 }],
    ] as const) {
      const result = await duringLiveUpdates(method, () => post(method, body));
      expect(result.status, JSON.stringify(result.body.error)).toBe(200);
      expect(result.maxGapMs).toBeLessThan(2000);
    }
  }, 60_000);
});
