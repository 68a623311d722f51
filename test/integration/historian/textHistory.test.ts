// Strings and the reasons of Bad stretches, through a Runtime to a real
// historian file and back through the contract's history.query: values go in
// through the tag engine (as a driver puts them), come out as text and
// quality transitions, survive a restart, and are refused no aggregate.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Project } from '../../../src/main/runtime/project/validate';
import { Runtime } from '../../../src/main/runtime/runtime';
import { GOOD, type HistorySeries, type Quality } from '../../../src/shared/types';
import { waitFor } from '../../helpers/waitFor';

const dir = mkdtempSync(join(tmpdir(), 'historian-text-runtime-'));
const BOOTSTRAP = new URL('../../helpers/tsWorker.mjs', import.meta.url);
const ENTRY = new URL('../../../src/main/runtime/historian/worker.ts', import.meta.url).href;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of cleanup.splice(0)) await stop();
});

/** Two tags fed by hand (no device, so no driver competes with the test). */
function project(file: string): Project {
  const tag = (path: string, dataType: 'string' | 'float64') => ({
    path, device: '', address: '', dataType, units: '', description: '', writable: false, deadband: 0,
  });
  return {
    name: 'text history',
    devices: [],
    tags: [tag('U/Recipe', 'string'), tag('U/Level', 'float64')],
    historian: { enabled: true, file, chunkMinutes: 60, retention: [] },
    trends: [],
    alarms: [],
    alarmJournal: { enabled: false, file: '', maxAgeDays: 1 },
  } as Project;
}

function start(file: string): Runtime {
  const runtime = new Runtime(project(file), { historian: { file, workerUrl: BOOTSTRAP, workerEntry: ENTRY, postMs: 20, flushMs: 100 } });
  cleanup.push(() => runtime.stop());
  runtime.start();
  return runtime;
}

const COMM: Quality = { status: 'bad', reason: 'comm_failure' };
const EXCEPTION: Quality = { status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } };

describe('text tags and quality reasons in history, through a runtime', () => {
  it('records strings on change and the reason of every quality change, and answers them through history.query', async () => {
    const file = join(dir, 'a.db');
    let runtime = start(file);
    const recipe = runtime.engine.find('U/Recipe')!.id;
    const level = runtime.engine.find('U/Level')!.id;
    const t0 = Date.now() - 60_000;
    const at = (s: number) => t0 + s * 1000;
    // The engine publishes its changes once per turn of the event loop: one value per tag per turn.
    const ingest = async (id: number, value: string | number | null, quality: Quality, ts: number) => {
      runtime.engine.ingest(id, value, quality, ts);
      await new Promise((resolve) => setImmediate(resolve));
    };
    await ingest(recipe, 'Idle', GOOD, at(0));
    await ingest(level, 1.5, GOOD, at(0));
    await ingest(recipe, 'Idle', GOOD, at(1)); // unchanged: not recorded again
    await ingest(recipe, 'Heating', GOOD, at(2));
    await ingest(level, 1.5, COMM, at(10));
    await ingest(level, 1.5, EXCEPTION, at(20));
    await ingest(recipe, null, COMM, at(25));
    await ingest(level, 2.5, GOOD, at(30));
    await ingest(recipe, 'Cooling', GOOD, at(30));
    await runtime.historian!.flush();

    const query = runtime.handlers['history.query'];
    const result = await query({ paths: ['U/Recipe', 'U/Level'], from: at(5), to: at(40) });
    const [text, numeric] = result.series as [HistorySeries, HistorySeries];
    expect(Array.from(text.t)).toEqual([at(2), at(25), at(30)]);
    // A Bad value keeps its last value in the engine (and so in history), marked Bad.
    expect(text.text).toEqual(['Heating', 'Heating', 'Cooling']);
    expect(Array.from(text.q)).toEqual([0, 2, 0]);
    expect(text.qualities).toEqual([
      { t: at(0), status: 'good' },
      { t: at(25), status: 'bad', reason: 'comm_failure' },
      { t: at(30), status: 'good' },
    ]);
    expect(numeric.text).toBeUndefined();
    expect(numeric.qualities).toEqual([
      { t: at(0), status: 'good' },
      { t: at(10), status: 'bad', reason: 'comm_failure' },
      { t: at(20), status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } },
      { t: at(30), status: 'good' },
    ]);
    // The numeric samples and their q codes are as before: a new reason within Bad is a transition, not a sample.
    expect(Array.from(numeric.q)).toEqual([0, 2, 0]);

    // An aggregate of a text tag is its changes, never an aggregate of text.
    const aggregate = await query({ paths: ['U/Recipe', 'U/Level'], from: at(5), to: at(40), aggregate: 'avg', intervalMs: 5000 });
    expect(aggregate.series[0]!.text).toEqual(['Heating', 'Heating', 'Cooling']);
    expect(aggregate.series[1]!.mode).toBe('aggregate');

    // Statistics of a text tag: its samples and time in Bad, no value figures.
    const stats = await runtime.handlers['history.stats']({ paths: ['U/Recipe'], from: at(5), to: at(40) });
    expect(stats.stats[0]).toMatchObject({ path: 'U/Recipe', min: null, max: null, avg: null, twa: null, badMs: 5000 });

    // A restart: the stop ends both lines with a Bad stretch without a reason, the next value reopens them.
    await runtime.stop();
    runtime = start(file);
    const restarted = Date.now();
    await ingest(runtime.engine.find('U/Recipe')!.id, 'Cooling', GOOD, restarted);
    await runtime.historian!.flush();
    const after = await runtime.handlers['history.query']({ paths: ['U/Recipe'], from: at(5), to: restarted + 1000 });
    const series = after.series[0]!;
    expect(Array.from(series.text!).slice(-2)).toEqual(['Cooling', 'Cooling']);
    expect(Array.from(series.q).slice(-2)).toEqual([2, 0]);
    expect(series.qualities!.slice(-2).map((q) => [q.status, q.reason])).toEqual([
      ['bad', undefined],
      ['good', undefined],
    ]);
    const status = await waitFor(async () => {
      const s = await runtime.historian!.flush();
      return s.state === 'ok' ? s : null;
    }, 'the historian to be ok');
    expect(status.samplesStored).toBeGreaterThan(0);
  });
});
