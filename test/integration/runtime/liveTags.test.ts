// The live tag set: devices and tags added, changed and removed in a running
// runtime through one change set, against a Modbus server written in the test
// (values), a real historian file (history), the alarm journal (alarms of a
// removed tag end with an entry) and Mosquitto (the uplink is born again with
// the new metrics). A change set with any problem changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeSetError } from '../../../src/main/runtime/project/changeSet';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { detailOf } from '../../../src/shared/types';
import { failOnLeaks } from '../../helpers/leaks';
import { Mosquitto } from '../../helpers/mosquitto';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { SparkplugListener } from '../../helpers/sparkplugListener';
import { waitFor } from '../../helpers/waitFor';

const worker = {
  workerUrl: new URL('../../helpers/tsWorker.mjs', import.meta.url),
  workerEntry: new URL('../../../src/main/runtime/historian/worker.ts', import.meta.url).href,
};

// Drivers added, restarted and removed while running must leave nothing behind either.
failOnLeaks();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function modbusServer(): Promise<{ server: RawModbusServer; port: number }> {
  const server = new RawModbusServer();
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, port };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'live-tags-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startRuntime(text: string, dir: string): Runtime {
  const runtime = new Runtime(parseProject(text), {
    changeIntervalMs: 10,
    historian: { file: join(dir, 'historian.db'), ...worker, postMs: 20, flushMs: 50 },
    alarmJournal: { file: join(dir, 'alarms.db'), flushMs: 20 },
  });
  runtime.start();
  cleanups.push(() => runtime.stop());
  return runtime;
}

const live = (runtime: Runtime, path: string) => runtime.engine.find(path);

describe('a live tag set', () => {
  it('adds, changes and removes tags and devices while running: values, history and alarms follow', async () => {
    const { server, port } = await modbusServer();
    const second = await modbusServer();
    server.registers[0] = 100;
    server.registers[1] = 7;
    second.server.registers[5] = 555;
    const dir = tempDir();
    const runtime = startRuntime(
      `
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags:
  - path: Plant/Level
    device: plc
    address: "HR:0"
    alarms: [{ kind: hi, limit: 50, priority: 1 }]
  - { path: Plant/Count, device: plc, address: "HR:1" }
`,
      dir,
    );
    await waitFor(() => live(runtime, 'Plant/Level')?.value === 100, 'the first value');
    await waitFor(() => runtime.alarms.find('Plant/Level#hi')?.state === 'unacknowledged', 'the hi alarm to rise');
    expect(detailOf(runtime.devices()[0]!, 'blocksPerScan')).toBe(1);

    server.registers[40] = 4000;
    const summary = await runtime.applyChanges({
      devices: { add: [{ name: 'plc2', driver: 'modbus-tcp', host: '127.0.0.1', port: second.port, pollMs: 50 }] },
      tags: {
        add: [
          { path: 'Plant/Far', device: 'plc', address: 'HR:40', units: 'kPa' },
          { path: 'Other/Remote', device: 'plc2', address: 'HR:5', alarms: [{ kind: 'lo', limit: 1000, priority: 2 }] },
        ],
        update: [{ path: 'Plant/Count', device: 'plc', address: 'HR:1', scale: { rawMin: 0, rawMax: 10, euMin: 0, euMax: 100 }, units: '%' }],
        remove: ['Plant/Level'],
      },
    });
    expect(summary).toEqual({ devices: { added: 1, updated: 0, removed: 0 }, tags: { added: 2, updated: 1, removed: 1 }, unbound: [] });

    // New tags on a running driver and on a new device are polled; the changed one is scaled now.
    await waitFor(() => live(runtime, 'Plant/Far')?.value === 4000, 'the added tag on the running device');
    await waitFor(() => live(runtime, 'Other/Remote')?.value === 555, 'the tag of the added device');
    await waitFor(() => live(runtime, 'Plant/Count')?.value === 70, 'the changed tag, scaled');
    expect(live(runtime, 'Plant/Count')!.def.units).toBe('%');
    // The planner replanned: HR:40 is past the gap, so the running device reads two blocks now.
    expect(detailOf(runtime.devices().find((d) => d.name === 'plc')!, 'blocksPerScan')).toBe(2);
    expect(runtime.devices().map((d) => d.name)).toEqual(['plc', 'plc2']);

    // The removed tag is gone from lists and subscriptions, its alarm ended with a journal entry, and its history stays.
    expect(live(runtime, 'Plant/Level')).toBeUndefined();
    expect((await runtime.handlers['tags.list']({})).map((t) => t.path)).not.toContain('Plant/Level');
    expect(runtime.alarms.find('Plant/Level#hi')).toBeUndefined();
    await waitFor(() => runtime.alarms.find('Other/Remote#lo')?.state === 'unacknowledged', 'the new alarm to be evaluated');
    const { entries } = await runtime.handlers['alarms.journal']({ from: 0, to: Date.now() + 1000, filter: { alarmId: 'Plant/Level#hi' }, limit: 10 });
    await waitFor(async () => (await runtime.handlers['alarms.journal']({ from: 0, to: Date.now() + 1000, filter: { alarmId: 'Plant/Level#hi' }, limit: 10 })).entries.some((e) => e.event === 'removed'), 'the removal in the journal');
    expect(entries.map((e) => e.event)).toContain('activated');

    await runtime.historian!.flush();
    const history = await runtime.handlers['history.query']({ paths: ['Plant/Level', 'Plant/Far'], from: 0, to: Date.now() + 1000 });
    const [level, far] = history.series;
    expect(Array.from(level!.v)).toContain(100);
    // Its line ends Bad at the removal: a gap, not a value held for ever.
    expect(level!.q[level!.q.length - 1]).toBe(2);
    await waitFor(async () => {
      await runtime.historian!.flush();
      const again = await runtime.handlers['history.query']({ paths: ['Plant/Far'], from: 0, to: Date.now() + 1000 });
      return Array.from(again.series[0]!.v).includes(4000);
    }, 'the added tag recorded');
    expect(far!.path).toBe('Plant/Far');

    // Removing a device with its tags stops its driver.
    await runtime.applyChanges({ devices: { remove: ['plc2'] }, tags: { remove: ['Other/Remote'] } });
    expect(runtime.devices().map((d) => d.name)).toEqual(['plc']);
    expect(runtime.alarms.find('Other/Remote#lo')).toBeUndefined();
  });

  it('refuses a change set with any problem whole, naming each, and changes nothing', async () => {
    const { server, port } = await modbusServer();
    server.registers[0] = 1;
    const runtime = startRuntime(
      `
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags:
  - { path: Plant/Level, device: plc, address: "HR:0" }
  - { path: Plant/Flow, device: plc, address: "HR:1" }
`,
      tempDir(),
    );
    await waitFor(() => live(runtime, 'Plant/Level')?.value === 1, 'the first value');
    const attempt = runtime.applyChanges({
      devices: { remove: ['plc'] },
      tags: {
        add: [
          { path: 'Plant/Good', device: 'plc', address: 'HR:2' },
          { path: 'Plant/Bad', device: 'plc', address: 'HR:70000' },
          { path: 'Plant/Typo', device: 'plc', adress: 'HR:3' },
        ],
        update: [{ path: 'Plant/Nothing', device: 'plc', address: 'HR:9' }],
        remove: ['Plant/Level'],
      },
    });
    const error = (await attempt.catch((e: unknown) => e)) as ChangeSetError;
    expect(error).toBeInstanceOf(ChangeSetError);
    const problems = error.problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toContain('tags.update[0]: no tag "Plant/Nothing" to update (a new one is added with add)');
    expect(problems.some((p) => p.startsWith('tags.add[2]') && p.includes('adress'))).toBe(true);
    // Schema problems are reported first; fix them and the cross-checks speak, each by where it is.
    const refusal = async (changes: Parameters<Runtime['applyChanges']>[0]) =>
      ((await runtime.applyChanges(changes).catch((e: unknown) => e)) as ChangeSetError).problems.map((p) => `${p.path}: ${p.message}`);
    expect(await refusal({ tags: { add: [{ path: 'Plant/Bad', device: 'plc', address: 'HR:70000' }] } })).toEqual([
      'tags.add[0].address: offset 70000 is past 65535',
    ]);
    // A device removed under tags that stay: the file's own entries are named by their index.
    expect(await refusal({ devices: { remove: ['plc'] }, tags: { remove: ['Plant/Flow'], add: [{ path: 'Plant/New', device: 'plc', address: 'HR:4' }] } })).toEqual([
      'tags[0].device: no device "plc" (devices: none are defined)',
      'tags.add[0].device: no device "plc" (devices: none are defined)',
    ]);

    // Nothing of any of them was applied.
    expect([...runtime.engine.paths()]).toEqual(['Plant/Level', 'Plant/Flow']);
    expect(runtime.devices().map((d) => d.name)).toEqual(['plc']);
    server.registers[0] = 2;
    await waitFor(() => live(runtime, 'Plant/Level')?.value === 2, 'polling goes on');
  });

  it('moves a tag to a device added in the same change set, and to a device whose settings changed', async () => {
    const first = await modbusServer();
    const second = await modbusServer();
    first.server.registers[0] = 11;
    second.server.registers[0] = 22;
    const runtime = startRuntime(
      `
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${first.port}, pollMs: 50 }]
tags:
  - { path: Plant/A, device: plc, address: "HR:0" }
  - { path: Plant/B, device: plc, address: "HR:0" }
`,
      tempDir(),
    );
    await waitFor(() => live(runtime, 'Plant/A')?.value === 11, 'the first value');
    await runtime.applyChanges({
      devices: { add: [{ name: 'plc2', driver: 'modbus-tcp', host: '127.0.0.1', port: second.port, pollMs: 50 }] },
      tags: { update: [{ path: 'Plant/B', device: 'plc2', address: 'HR:0' }] },
    });
    await waitFor(() => live(runtime, 'Plant/B')?.value === 22, 'the moved tag read from the new device');
    const count = (name: string) => runtime.devices().find((d) => d.name === name)!.tagCount;
    expect([count('plc'), count('plc2')]).toEqual([1, 1]);

    // The device's settings change (a restart of its driver) and a tag moves back to it in one step.
    await runtime.applyChanges({
      devices: { update: [{ name: 'plc', driver: 'modbus-tcp', host: '127.0.0.1', port: first.port, pollMs: 60 }] },
      tags: { update: [{ path: 'Plant/B', device: 'plc', address: 'HR:0', units: 'm' }] },
    });
    first.server.registers[0] = 33;
    await waitFor(() => live(runtime, 'Plant/B')?.value === 33 && live(runtime, 'Plant/A')?.value === 33, 'both on the restarted device');
    expect([count('plc'), count('plc2')]).toEqual([2, 0]);
  });

  it('does not pass a disabled device’s last values off as current', async () => {
    const { server, port } = await modbusServer();
    server.registers[0] = 5;
    const runtime = startRuntime(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags: [{ path: Plant/A, device: plc, address: "HR:0" }]
`, tempDir());
    await waitFor(() => live(runtime, 'Plant/A')?.quality.status === 'good', 'the first value');
    await runtime.applyChanges({ devices: { update: [{ name: 'plc', driver: 'modbus-tcp', host: '127.0.0.1', port, pollMs: 50, enabled: false }] } });
    expect(live(runtime, 'Plant/A')!.quality).toEqual({ status: 'bad', reason: 'waiting_for_initial_data' });
    expect(live(runtime, 'Plant/A')!.value).toBe(5);
    expect(runtime.devices()[0]!.status).toBe('stopped');
  });

  it('births the uplink again with the new metrics when published tags change', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const listener = await SparkplugListener.connect(broker.url);
    cleanups.push(() => listener.close());
    const { server, port } = await modbusServer();
    server.registers[0] = 10;
    server.registers[3] = 33;
    const runtime = startRuntime(
      `
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags:
  - { path: Plant/Level, device: plc, address: "HR:0" }
uplink:
  url: ${broker.url}
  groupId: G1
  edgeNodeId: live
  publish: ["Plant/**"]
`,
      tempDir(),
    );
    const first = await listener.next('DBIRTH');
    expect(first.metrics.map((m) => m.name)).toEqual(['Plant/Level']);
    const at = listener.heard.length;
    await runtime.applyChanges({ tags: { add: [{ path: 'Plant/Added', device: 'plc', address: 'HR:3' }] } });
    const nbirth = await listener.next('NBIRTH', 'a new NBIRTH', 10_000, at);
    const dbirth = await listener.next('DBIRTH', 'a new DBIRTH', 10_000, at);
    // Same session: the bdSeq is the first birth's.
    const bdSeq = (h: typeof nbirth) => h.metrics.find((m) => m.name === 'bdSeq')!.value;
    expect(bdSeq(nbirth)).toEqual(bdSeq(listener.of('NBIRTH')[0]!));
    expect(dbirth.metrics.map((m) => m.name).sort()).toEqual(['Plant/Added', 'Plant/Level']);
    await waitFor(() => live(runtime, 'Plant/Added')?.value === 33, 'the added tag polled');
    expect(runtime.uplink!.status().publishedTags).toBe(2);
  });
});
