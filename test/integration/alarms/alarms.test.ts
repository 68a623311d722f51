// The alarm engine against the demo plant, over its real Modbus TCP link:
// limits, delays, NE107, suppression, the journal across a restart, and the
// contract's answers to requests it must refuse.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { demoProjectOnFreePort } from '../../../scripts/serveProcess.mjs';
import { startApp, type App } from '../../../src/main/app';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { trustedCaller } from '../../../src/main/runtime/security/security';
import type { AlarmInfo } from '../../../src/shared/alarms';
import { waitFor } from '../../helpers/waitFor';

const SP = 'Plant/HeatExchanger/TIC/SP';
const SP_ALARM = `${SP}#hi`;
const POLL_MS = 200;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Setup {
  readonly projectFile: string;
  readonly dataDir: string;
}

/** The demo plant on a free port, polled every POLL_MS, with a hi alarm (2 s on-delay) on the TIC setpoint. */
async function demoWithAlarm(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'alarms-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = await demoProjectOnFreePort(dir);
  const project = parseYaml(readFileSync(file, 'utf8'));
  project.historian = { enabled: false };
  project.devices[0].pollMs = POLL_MS;
  const sp = project.tags.find((tag: { path: string }) => tag.path === SP);
  sp.alarms = [{ kind: 'hi', limit: 100, deadband: 2, priority: 1, onDelayMs: 2000, message: 'TIC-202 setpoint high: {value} {units}' }];
  writeFileSync(file, stringifyYaml(project));
  return { projectFile: file, dataDir: join(dir, 'data') };
}

async function start(setup: Setup): Promise<App> {
  const app = await startApp(setup);
  let stopped = false;
  cleanups.push(() => (stopped ? undefined : app.stop()));
  return Object.assign(app, {
    stop: async () => {
      stopped = true;
      await app.runtime.stop();
      await app.plant?.stop();
    },
  });
}

const alarm = (app: App, id: string): AlarmInfo => app.runtime.alarms.find(id)!;

async function write(app: App, path: string, value: number | boolean): Promise<void> {
  await app.runtime.handlers['tags.write']({ path, value });
}

describe('alarms on the demo plant', () => {
  it('raises a crossed limit after its on-delay, and the journal has it', async () => {
    const app = await start(await demoWithAlarm());
    await waitFor(() => app.runtime.engine.find(SP)!.quality.status === 'good', 'the setpoint to be read');
    await write(app, SP, 120);
    const seen = await waitFor(() => (app.runtime.engine.find(SP)!.value === 120 ? Date.now() : null), 'the new setpoint to be read back');
    expect(alarm(app, SP_ALARM).state).toBe('normal');
    const active = await waitFor(() => alarm(app, SP_ALARM).activeAt, 'the alarm', 5000);
    const valueTs = app.runtime.engine.find(SP)!.ts;
    // Active exactly one on-delay after the poll that saw the value, and not before.
    expect(active - valueTs).toBe(2000);
    expect(Date.now() - seen).toBeGreaterThanOrEqual(1500);
    const info = alarm(app, SP_ALARM);
    expect(info).toMatchObject({ state: 'unacknowledged', priority: 1, value: 120, message: 'TIC-202 setpoint high: 120 °C' });

    const { acknowledged } = await app.runtime.handlers['alarms.ack']({ ids: [SP_ALARM], comment: 'seen, lowering it' }, trustedCaller('alice', 'ws-7', 'operator'));
    expect(acknowledged).toEqual([SP_ALARM]);
    await write(app, SP, 60);
    await waitFor(() => alarm(app, SP_ALARM).state === 'normal', 'the alarm to return to normal');

    const { entries } = await app.runtime.handlers['alarms.journal']({ from: 0, to: Date.now() + 1000, filter: { alarmId: SP_ALARM }, limit: 100 });
    expect(entries.map((e) => [e.event, e.state])).toEqual([
      ['cleared', 'normal'],
      ['acknowledged', 'acknowledged'],
      ['activated', 'unacknowledged'],
    ]);
    expect(entries[1]).toMatchObject({ user: 'alice', workstation: 'ws-7', comment: 'seen, lowering it' });

    const kpis = await app.runtime.handlers['alarms.kpis']({ from: active - 60_000, to: Date.now() + 1 });
    expect(kpis.badActors.find((b) => b.alarmId === SP_ALARM)).toMatchObject({ activations: 1 });
    expect(kpis.priorityDistribution.find((p) => p.priority === 1)!.activations).toBeGreaterThanOrEqual(1);
  });

  it('turns the device F and raises the quality alarm within two polls of a killed link', async () => {
    const app = await start(await demoWithAlarm());
    const devices = () => app.runtime.devices()[0]!;
    await waitFor(() => devices().status === 'connected' && app.runtime.engine.find('Plant/Tank/Level')!.quality.status === 'good', 'the link');
    expect(devices().ne107).not.toBe('F');
    const killed = Date.now();
    app.plant!.setFault('link_down', undefined, true);
    await waitFor(() => devices().ne107 === 'F', 'device F', 5000);
    const deviceF = Date.now() - killed;
    // The demo's quality alarm has a 500 ms on-delay on top.
    await waitFor(() => alarm(app, 'Plant/Tank/Level#quality').state === 'unacknowledged', 'the quality alarm', 5000);
    const qualityAlarm = Date.now() - killed;
    expect(deviceF).toBeLessThanOrEqual(2 * POLL_MS + 100);
    expect(qualityAlarm).toBeLessThanOrEqual(2 * POLL_MS + 500 + 150);
    const level = app.runtime.handlers['tags.list']({ search: 'Plant/Tank/Level' }) as { path: string; ne107: string }[];
    expect(level.find((t) => t.path === 'Plant/Tank/Level')!.ne107).toBe('F');

    app.plant!.setFault('link_down', undefined, false);
    await waitFor(() => alarm(app, 'Plant/Tank/Level#quality').state === 'rtn_unacknowledged', 'the return to normal', 10_000);
    await waitFor(() => devices().ne107 !== 'F', 'device no longer F', 5000);
  });

  it('reports function check (C) for a loop in manual and suppresses its deviation alarm by design', async () => {
    const app = await start(await demoWithAlarm());
    const auto = app.runtime.engine.find('Plant/HeatExchanger/TIC/Auto')!;
    await waitFor(() => auto.value === true, 'the loop in auto');
    await write(app, 'Plant/HeatExchanger/TIC/Auto', false);
    await waitFor(() => app.runtime.alarms.tagNe107(auto) === 'C', 'NE107 C');
    expect(alarm(app, 'Plant/HeatExchanger/TIC/Auto#digital')).toMatchObject({ state: 'unacknowledged', ne107: 'C', priority: 'diagnostic' });
    await waitFor(() => alarm(app, 'Plant/HeatExchanger/OutletTemp#deviation').suppressed, 'the deviation alarm suppressed');
    const { alarms } = await app.runtime.handlers['alarms.list']({ filter: { show: 'hidden' } });
    expect(alarms.map((a) => a.id)).toContain('Plant/HeatExchanger/OutletTemp#deviation');
    expect(app.runtime.devices()[0]!.ne107).toBe('C');

    await write(app, 'Plant/HeatExchanger/TIC/Auto', true);
    await waitFor(() => !alarm(app, 'Plant/HeatExchanger/OutletTemp#deviation').suppressed, 'unsuppressed');
    await waitFor(() => app.runtime.alarms.tagNe107(auto) === 'good', 'NE107 good again');
  });

  it('keeps the journal, the active alarms, shelves and out-of-service across a restart', async () => {
    const setup = await demoWithAlarm();
    const first = await start(setup);
    await waitFor(() => first.runtime.engine.find(SP)!.quality.status === 'good', 'the setpoint to be read');
    await write(first, SP, 130);
    await waitFor(() => alarm(first, SP_ALARM).state === 'unacknowledged', 'the alarm', 5000);
    const activeAt = alarm(first, SP_ALARM).activeAt;
    await first.runtime.handlers['alarms.shelve']({ id: 'Plant/Line/DoorClosed#digital', durationMs: 3_600_000, reason: 'door switch being replaced' });
    await first.runtime.handlers['alarms.setOutOfService']({ id: 'Plant/Pump/RunHours#hi', outOfService: true, reason: 'counter reset pending' });
    await first.stop();

    const second = await start(setup);
    // Before a single poll: the alarm is there, as it was.
    expect(alarm(second, SP_ALARM)).toMatchObject({ state: 'unacknowledged', activeAt });
    expect(alarm(second, 'Plant/Line/DoorClosed#digital')).toMatchObject({ shelveReason: 'door switch being replaced' });
    expect(alarm(second, 'Plant/Pump/RunHours#hi')).toMatchObject({ outOfService: true, outOfServiceReason: 'counter reset pending' });
    // The restarted demo plant starts with its default setpoint, below the limit:
    // the alarm returns to normal but still waits for its acknowledgement.
    await waitFor(() => second.runtime.engine.find(SP)!.quality.status === 'good', 'the setpoint to be read');
    await waitFor(() => alarm(second, SP_ALARM).state === 'rtn_unacknowledged', 'the return to normal');
    const { entries } = await second.runtime.handlers['alarms.journal']({ from: 0, to: Date.now() + 1000, filter: { alarmId: SP_ALARM }, limit: 10 });
    expect(entries.map((e) => e.event)).toEqual(['cleared', 'activated']);
    expect(entries[1]!.ts).toBe(activeAt);
    const all = await second.runtime.handlers['alarms.journal']({ from: 0, to: Date.now() + 1000, filter: { events: ['shelved', 'out_of_service'] }, limit: 10 });
    expect(all.entries.map((e) => e.event).sort()).toEqual(['out_of_service', 'shelved']);
  });

  it('refuses malformed alarm requests with an error that names the problem, and changes nothing', async () => {
    const app = await start(await demoWithAlarm());
    const dispatch = dispatchFor(app.runtime);
    const before = JSON.stringify(app.runtime.alarms.list().map((a) => [a.id, a.state, a.shelvedUntil, a.outOfService]));
    const cases: [string, unknown, string, RegExp][] = [
      ['alarms.ack', { ids: ['Plant/Nope#hi'] }, 'not_found', /no alarm "Plant\/Nope#hi"/],
      ['alarms.ack', { ids: [SP_ALARM, 'Plant/Nope#hi'] }, 'not_found', /Plant\/Nope#hi/],
      ['alarms.ack', { ids: [] }, 'invalid_request', /at least one alarm/],
      ['alarms.shelve', { id: SP_ALARM, durationMs: -5, reason: 'x' }, 'invalid_request', /durationMs must be positive/],
      ['alarms.shelve', { id: SP_ALARM, durationMs: 30 * 86_400_000, reason: 'x' }, 'invalid_request', /at most 7 days/],
      ['alarms.shelve', { id: SP_ALARM, durationMs: 60_000, reason: '   ' }, 'invalid_request', /give a reason/],
      ['alarms.shelve', { id: 'nope', durationMs: 60_000, reason: 'x' }, 'not_found', /no alarm "nope"/],
      ['alarms.unshelve', { id: SP_ALARM }, 'invalid_request', /is not shelved/],
      ['alarms.setOutOfService', { id: SP_ALARM, outOfService: 'yes', reason: 'x' }, 'invalid_request', /outOfService/],
      ['alarms.journal', { from: 10, to: 5 }, 'invalid_request', /to must be after from/],
      ['alarms.kpis', { from: 0 }, 'invalid_request', /to/],
      ['alarms.list', { filter: { show: 'everything' } }, 'invalid_request', /filter.show/],
      ['alarms.list', { filter: { priorities: [0] } }, 'invalid_request', /filter.priorities/],
    ];
    for (const [method, body, kind, message] of cases) {
      const result = await dispatch(method, body, trustedCaller('alice', 'ws-7', 'engineer'));
      expect(result.ok, `${method} ${JSON.stringify(body)}`).toBe(false);
      if (result.ok) continue;
      expect(result.error.kind, `${method} ${JSON.stringify(body)}`).toBe(kind);
      expect(result.error.message).toMatch(message);
    }
    expect(JSON.stringify(app.runtime.alarms.list().map((a) => [a.id, a.state, a.shelvedUntil, a.outOfService]))).toBe(before);
    const { entries } = await app.runtime.handlers['alarms.journal']({ from: 0, to: Date.now() + 1000, filter: { events: ['acknowledged', 'shelved', 'unshelved', 'out_of_service'] }, limit: 10 });
    expect(entries).toEqual([]);
  });
});
