// The historian with its worker, on real files: the runtime records a real
// Modbus device; a killed process loses at most the last second; a locked,
// damaged or full file is reported and writing resumes when the cause goes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Historian, type HistorizedTag } from '../../../src/main/runtime/historian/historian';
import { HistorianStore } from '../../../src/main/runtime/historian/store';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const dir = mkdtempSync(join(tmpdir(), 'historian-'));
const BOOTSTRAP = new URL('../../helpers/tsWorker.mjs', import.meta.url);
const ENTRY = new URL('../../../src/main/runtime/historian/worker.ts', import.meta.url).href;
const worker = { workerUrl: BOOTSTRAP, workerEntry: ENTRY };
let n = 0;
const fresh = () => join(dir, `h${++n}.db`);
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of cleanup.splice(0)) await stop();
});

const TAG: HistorizedTag = {
  path: 'T/A', units: 'bar', description: '', dataType: 'float64', group: '', policy: { deadband: 0, maxIntervalMs: 3_600_000 },
};

/** Creates a historian file (schema and all) and closes it again. */
function historianStoreAt(file: string): void {
  new HistorianStore(file).close();
}

function historian(file: string, extra: Partial<ConstructorParameters<typeof Historian>[1]> = {}) {
  const h = new Historian(null, { file, ...worker, tags: [TAG], flushMs: 200, retryMs: 200, ...extra });
  cleanup.push(() => h.stop());
  return h;
}

describe('historian', () => {
  it('records what a runtime polls and answers history.query through the contract', async () => {
    const device = new RawModbusServer();
    const port = await device.listen();
    cleanup.push(() => device.close());
    const project = parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags:
  - { path: P/Level, device: plc, address: "HR:0", scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 10 } }
  - { path: P/Off, device: plc, address: "HR:1", history: false }
`);
    const runtime = new Runtime(project, { historian: { file: fresh(), ...worker, postMs: 20, flushMs: 100 } });
    cleanup.push(() => runtime.stop());
    runtime.start();
    const from = Date.now();
    for (let i = 1; i <= 10; i++) {
      device.registers[0] = i * 100;
      await waitFor(() => runtime.engine.find('P/Level')!.value === i, `value ${i}`);
    }
    const query = runtime.handlers['history.query'];
    const result = await waitFor(async () => {
      const r = await query({ paths: ['P/Level'], from, to: Date.now() + 1000 });
      return Array.from(r.series[0]!.v).includes(10) ? r : null;
    }, 'the values in history');
    const values = Array.from(result.series[0]!.v).filter((v) => v !== null && !Number.isNaN(v));
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.series[0]!.mode).toBe('raw');
    await expect(query({ paths: ['P/Off'], from, to: Date.now() })).rejects.toMatchObject({ kind: 'not_found' });
    const status = runtime.handlers['history.status']({});
    expect(status).toMatchObject({ state: 'ok', tags: 1, reviewOnly: false });

    // Bad quality is recorded as such, and comes back as a gap.
    await device.close();
    await waitFor(() => runtime.engine.find('P/Level')!.quality.status === 'bad', 'the link loss');
    await runtime.historian!.flush();
    const after = await query({ paths: ['P/Level'], from, to: Date.now() + 1000 });
    const q = Array.from(after.series[0]!.q);
    expect(q[q.length - 1]).toBe(2);
    expect(after.series[0]!.v[q.length - 1]).toSatisfy((v: number | null) => v === null || Number.isNaN(v));
  });

  it('loses at most the last second when the process is killed mid-ingest', async () => {
    const file = fresh();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingestChild.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let sent = 0;
    let first = 0;
    child.stdout.on('data', (d: Buffer) => {
      const lines = d.toString().trim().split('\n');
      sent = Number(lines[lines.length - 1]);
      first ||= sent;
    });
    await waitFor(() => first > 0 && sent - first > 3000, 'the child to ingest for three seconds', 20_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killedAt = sent; // the child prints the time of the newest sample it has handed over, every 100 ms
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const newest = (db.prepare('SELECT max(t_end) AS t FROM chunks').get() as { t: number }).t;
    db.close();
    // Samples are 1 ms apart in child time; the child runs in real time, so 1 s of data is 1000 samples.
    expect(killedAt - newest).toBeLessThanOrEqual(1000 + 200);
    const reopened = historian(file);
    const status = await waitFor(async () => {
      const s = await reopened.flush();
      return s.state === 'ok' ? s : null;
    }, 'the reopened file');
    expect(status.samplesStored).toBeGreaterThan(1000);
  });

  it('reports a locked file, keeps what arrives, and writes it once the lock is gone', async () => {
    const file = fresh();
    historianStoreAt(file);
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE'); // another program writing to our file
    const h = historian(file);
    await waitFor(() => h.status().problem?.includes('another process holds the lock'), 'the diagnosis', 10_000);
    h.record(0, 1000, 1.5, 0);
    h.record(0, 2000, 2.5, 0);
    h.post();
    holder.exec('ROLLBACK');
    holder.close();
    await waitFor(() => h.status().state === 'ok', 'the file to open', 10_000);
    await waitFor(async () => (await h.flush()).samplesStored === 2, 'the waiting samples written');
  });

  it('says a damaged file is damaged and leaves it as it was', async () => {
    const file = fresh();
    writeFileSync(file, Buffer.alloc(16384, 0x5a));
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const h = historian(file);
    await waitFor(() => h.status().problem?.includes('damaged'), 'the diagnosis');
    expect(h.status().state).toBe('unavailable');
    h.record(0, 1000, 1, 0);
    h.post();
    const status = await h.flush();
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
    expect(status.pending).toBe(1);
    await expect(h.query(['T/A'], { from: 0, to: 5000 })).rejects.toThrow(/unavailable/);
  });

  it('reports a full disk and keeps the samples in memory, leaving the file intact for the next run', async () => {
    const file = fresh();
    // 16 pages: the schema (2) takes 13 of them, the rest fills at once.
    const h = historian(file, { maxPageCount: 16, chunkMs: 60_000 });
    await waitFor(() => h.status().state === 'ok', 'the file');
    const base = 1_700_000_000_000;
    for (let i = 0; i < 200_000; i++) h.record(0, base + i * 1000, Math.sin(i) * 1e6 + i, 0);
    h.post();
    const full = await waitFor(async () => {
      const s = await h.flush();
      return s.state === 'degraded' ? s : null;
    }, 'the full disk', 10_000);
    expect(full.problem).toContain('disk is full');
    expect(full.pending).toBeGreaterThan(0);
    await h.stop();
    // More room (the cap lifted): a new run on the same file writes what comes, and the file is intact.
    const again = historian(file, { chunkMs: 60_000 });
    again.record(0, base + 300_000_000, 1, 0);
    await waitFor(async () => (await again.flush()).state === 'ok', 'writing again');
    await again.stop();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('historian across a restart', () => {
  it('ends every line with a Bad sample when the runtime stops, so the downtime is a gap', async () => {
    const device = new RawModbusServer();
    const port = await device.listen();
    cleanup.push(() => device.close());
    device.registers[0] = 42;
    const file = fresh();
    const project = parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags: [{ path: P/A, device: plc, address: "HR:0" }]
`);
    const first = new Runtime(project, { historian: { file, ...worker, postMs: 20, flushMs: 100 } });
    first.start();
    const from = Date.now();
    await waitFor(() => first.engine.find('P/A')!.value === 42, 'a value');
    await first.stop();
    const second = new Runtime(project, { historian: { file, ...worker, postMs: 20, flushMs: 100 } });
    cleanup.push(() => second.stop());
    const result = await second.handlers['history.query']({ paths: ['P/A'], from, to: Date.now() + 1000 });
    const q = Array.from(result.series[0]!.q);
    expect(q).toEqual([0, 2]);
  });
});
