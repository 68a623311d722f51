// The Sparkplug B edge node against Mosquitto from Debian, decoded by an
// independent subscriber (protobufjs and our own reading of the .proto):
// births, aliases, data by exception, seq wrap, rebirth, commands, the
// primary host's STATE, and store-and-forward across a broker outage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { encodePayload } from '../../../src/main/runtime/sparkplug/codec';
import { DataType } from '../../../src/main/runtime/sparkplug/types';
import { Mosquitto } from '../../helpers/mosquitto';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { SparkplugListener } from '../../helpers/sparkplugListener';
import { waitFor } from '../../helpers/waitFor';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function broker(): Promise<Mosquitto> {
  const b = await Mosquitto.start();
  cleanups.push(() => b.stop());
  return b;
}

async function listen(url: string): Promise<SparkplugListener> {
  const l = await SparkplugListener.connect(url);
  cleanups.push(() => l.close());
  return l;
}

async function device(): Promise<{ server: RawModbusServer; port: number }> {
  const server = new RawModbusServer();
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, port };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'uplink-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function project(modbusPort: number, uplink: string, pollMs = 50): ReturnType<typeof parseProject> {
  return parseProject(`
devices: [{ name: plc1, driver: modbus-tcp, host: 127.0.0.1, port: ${modbusPort}, pollMs: ${pollMs}, timeoutMs: 2000 }]
tags:
  - { path: Plant/Tank/Level, device: plc1, address: "HR:0", units: m, scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 10 } }
  - { path: Plant/Tank/Temp, device: plc1, address: "HR:2:float32" }
  - { path: Plant/Pump/Run, device: plc1, address: "CO:0", writable: true }
  - { path: Plant/Pump/Count, device: plc1, address: "HR:4:int16", writable: true, writeLimits: { min: -100, max: 100 } }
  - { path: Other/Hidden, device: plc1, address: "HR:9" }
uplink:
${uplink}
`);
}

function start(runtime: Runtime): Runtime {
  runtime.start();
  cleanups.push(() => runtime.stop());
  return runtime;
}

describe('Sparkplug B edge node', () => {
  it('publishes NBIRTH, one DBIRTH with every metric, then DDATA by alias only, with seq counting up', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const { server, port } = await device();
    server.registers[0] = 500;
    server.registers[4] = 0xfffe; // -2 as int16
    const runtime = start(new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: hmi-01\n  publish: ["Plant/**"]`)));
    await waitFor(() => runtime.engine.find('Plant/Tank/Level')!.quality.status === 'good', 'first values');

    const nbirth = await listener.next('NBIRTH');
    expect(nbirth.topic).toBe('spBv1.0/G1/NBIRTH/hmi-01');
    expect(nbirth.seq).toBe(0);
    const bdSeq = nbirth.metrics.find((m) => m.name === 'bdSeq');
    expect(bdSeq).toMatchObject({ datatype: DataType.Int64, value: 0 });
    expect(nbirth.metrics.find((m) => m.name === 'Node Control/Rebirth')).toMatchObject({ datatype: DataType.Boolean, value: false });

    const dbirth = await listener.next('DBIRTH');
    expect(dbirth.topic).toBe('spBv1.0/G1/DBIRTH/hmi-01/plc1');
    expect(dbirth.seq).toBe(1);
    expect(dbirth.metrics.map((m) => m.name).sort()).toEqual(['Plant/Pump/Count', 'Plant/Pump/Run', 'Plant/Tank/Level', 'Plant/Tank/Temp']);
    const aliases = new Set(dbirth.metrics.map((m) => m.alias));
    expect(aliases.size).toBe(4);
    const byName = new Map(dbirth.metrics.map((m) => [m.name, m]));
    // Values may still be waiting at the first birth; once read, the data carry them.
    expect(byName.get('Plant/Tank/Level')!.datatype).toBe(DataType.Float);
    expect(byName.get('Plant/Pump/Count')!.datatype).toBe(DataType.Int16);
    expect(byName.get('Plant/Pump/Run')!.datatype).toBe(DataType.Boolean);
    expect(byName.get('Plant/Tank/Temp')!.datatype).toBe(DataType.Float);

    const before = listener.heard.length;
    server.registers[0] = 750;
    const ddata = await waitFor(
      () => listener.heard.slice(before).find((h) => h.type === 'DDATA' && h.metrics.some((m) => m.alias === byName.get('Plant/Tank/Level')!.alias && m.value === 7.5)),
      'the level change as DDATA',
    );
    expect(ddata.topic).toBe('spBv1.0/G1/DDATA/hmi-01/plc1');
    for (const metric of ddata.metrics) {
      expect(metric.name).toBeUndefined();
      expect(metric.datatype).toBeUndefined();
      expect(typeof metric.timestamp).toBe('number');
    }
    const seqs = listener.heard.filter((h) => h.seq !== undefined && h.type !== 'NDEATH').map((h) => h.seq);
    seqs.forEach((seq, i) => expect(seq).toBe(i % 256));
    // The Int16 metric travels as its unsigned 32-bit form, as Sparkplug 3.0 says.
    const count = listener.heard.flatMap((h) => h.metrics).find((m) => m.alias === byName.get('Plant/Pump/Count')!.alias && m.value !== null && m.value !== 0);
    expect(count?.value).toBe(0xfffffffe);
  });

  it('sends DDEATH when a device stops answering, and DBIRTH with its values when it is back', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const { server, port } = await device();
    server.registers[0] = 100;
    start(new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: death\n  publish: ["Plant/**"]`)));
    await listener.next('DBIRTH');
    const at = listener.heard.length;
    server.misbehaviour = 'silent';
    const death = await listener.next('DDEATH', 'the device death', 5000, at);
    expect(death.topic).toBe('spBv1.0/G1/DDEATH/death/plc1');
    server.registers[0] = 300;
    server.misbehaviour = 'none';
    const rebirth = await listener.next('DBIRTH', 'the device birth', 10_000, at);
    const level = rebirth.metrics.find((m) => m.name === 'Plant/Tank/Level')!;
    // Born with a value read on the new link, Good.
    await waitFor(
      () => listener.heard.slice(at).some((h) => h.metrics.some((m) => m.alias === level.alias && m.value === 3)),
      'the level after the rebirth',
    );
    const seqs = listener.heard.filter((h) => h.type !== 'NDEATH').map((h) => h.seq);
    seqs.forEach((seq, i) => expect(seq).toBe(i % 256));
  });

  it('wraps seq from 255 to 0 without a gap', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const { server, port } = await device();
    const runtime = start(new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: wrap\n  publish: ["Plant/Tank/Level"]`, 10)));
    await listener.next('DBIRTH');
    for (let i = 1; listener.heard.length < 300; i++) {
      server.registers[0] = i;
      await new Promise((r) => setTimeout(r, 12));
    }
    const seqs = listener.heard.filter((h) => h.type !== 'NDEATH').map((h) => h.seq!);
    expect(seqs.length).toBeGreaterThanOrEqual(300);
    seqs.forEach((seq, i) => expect(seq, `message ${i}`).toBe(i % 256));
    expect(runtime.uplink!.status().messages).toBeGreaterThanOrEqual(299);
  });

  it('births again on NCMD Node Control/Rebirth, refuses DCMD unless commands are on, and writes when they are', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const { server, port } = await device();
    const runtime = start(new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: cmd\n  commands: true\n  publish: ["Plant/**"]`)));
    await listener.next('DBIRTH');
    const at = listener.heard.length;
    const now = Date.now();
    listener.client.publish('spBv1.0/G1/NCMD/cmd', Buffer.from(encodePayload({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', datatype: DataType.Boolean, value: true }] })));
    const rebirth = await listener.next('NBIRTH', 'the rebirth', 5000, at);
    expect(rebirth.seq).toBe(0);
    await listener.next('DBIRTH', 'the device rebirth', 5000, at);

    listener.client.publish('spBv1.0/G1/DCMD/cmd/plc1', Buffer.from(encodePayload({ timestamp: now, metrics: [{ name: 'Plant/Pump/Count', datatype: DataType.Int16, value: -5 }] })));
    await waitFor(() => server.registers[4] === 0xfffb, 'the DCMD write of -5');
    listener.client.publish('spBv1.0/G1/DCMD/cmd/plc1', Buffer.from(encodePayload({ timestamp: now, metrics: [{ name: 'Plant/Tank/Temp', datatype: DataType.Float, value: 3 }] })));
    await waitFor(() => runtime.uplink!.status().commandsRefused === 1, 'the refusal');
    expect(runtime.uplink!.status().lastCommandError).toMatch(/Plant\/Tank\/Temp.*read-only/);
  });

  it('sends DCMD writes through the writer: its limits refuse them, and the audit trail keeps both', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const { server, port } = await device();
    const runtime = start(new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: lim\n  commands: true\n  publish: ["Plant/**"]`)));
    await listener.next('DBIRTH');
    server.registers[4] = 7;
    const dcmd = (value: number) =>
      listener.client.publish('spBv1.0/G1/DCMD/lim/plc1', Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Plant/Pump/Count', datatype: DataType.Int16, value }] })));
    dcmd(500);
    await waitFor(() => runtime.uplink!.status().commandsRefused === 1, 'the refusal');
    expect(runtime.uplink!.status().lastCommandError).toBe('DCMD Plant/Pump/Count: Plant/Pump/Count accepts -100 … 100: 500 is outside its write limits, nothing was sent');
    expect(server.log.filter((l) => l.fc === 6 || l.fc === 16)).toEqual([]);
    expect(server.registers[4]).toBe(7);

    // A value inside them is written and read back; the trail names the command as the writer.
    dcmd(-5);
    await waitFor(() => server.registers[4] === 0xfffb, 'the DCMD write of -5');
    const trail = await waitFor(async () => {
      const entries = (await runtime.security.queryAudit({ from: 0, to: Date.now() + 1000, limit: 10 })).entries.filter((e) => e.target === 'Plant/Pump/Count');
      return entries.length === 2 ? entries : null;
    }, 'both audit entries');
    expect(trail.map((e) => [e.user, e.action, e.newValue])).toEqual([
      ['sparkplug DCMD', 'tags.write', '-5'],
      ['sparkplug DCMD', 'tags.write_refused', '500'],
    ]);
  });

  it('refuses every DCMD while commands are off (the default)', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const { server, port } = await device();
    const runtime = start(new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: nocmd`)));
    await listener.next('DBIRTH');
    listener.client.publish('spBv1.0/G1/DCMD/nocmd/plc1', Buffer.from(encodePayload({ timestamp: 1, metrics: [{ name: 'Plant/Pump/Run', datatype: DataType.Boolean, value: true }] })));
    await waitFor(() => runtime.uplink!.status().commandsRefused === 1, 'the refusal');
    expect(runtime.uplink!.status().lastCommandError).toMatch(/commands are off/);
    expect(server.coils[0]).toBe(0);
  });

  it('waits for the primary host, buffers while it is offline, and replays in order marked historical after new births', async () => {
    const b = await broker();
    const listener = await listen(b.url);
    const host = await mqtt.connectAsync(b.url, { protocolVersion: 5 });
    cleanups.push(() => host.endAsync(true));
    const { server, port } = await device();
    const dir = tempDir();
    const runtime = new Runtime(project(port, `  url: ${b.url}\n  groupId: G1\n  edgeNodeId: ph\n  primaryHostId: scada\n  publish: ["Plant/Tank/Level"]`, 20), {
      uplinkQueueFile: join(dir, 'queue.db'),
    });
    start(runtime);
    await waitFor(() => runtime.uplink!.status().state === 'waiting_for_host', 'waiting for the host');
    await new Promise((r) => setTimeout(r, 300));
    expect(listener.of('NBIRTH')).toHaveLength(0);

    await host.publishAsync('spBv1.0/STATE/scada', JSON.stringify({ online: true, timestamp: Date.now() }), { qos: 1, retain: true });
    await listener.next('DBIRTH');
    await host.publishAsync('spBv1.0/STATE/scada', JSON.stringify({ online: false, timestamp: Date.now() }), { qos: 1, retain: true });
    await waitFor(() => runtime.uplink!.status().state === 'waiting_for_host', 'paused');
    const pausedAt = listener.heard.length;
    for (let i = 1; i <= 20; i++) {
      server.registers[0] = i * 10;
      await waitFor(() => Math.abs((runtime.engine.find('Plant/Tank/Level')!.value as number) - i / 10) < 1e-9, `value ${i}`);
    }
    expect(listener.heard.slice(pausedAt).filter((h) => h.type === 'DDATA')).toHaveLength(0);
    expect(runtime.uplink!.status().queue!.depth).toBeGreaterThanOrEqual(20);

    await host.publishAsync('spBv1.0/STATE/scada', JSON.stringify({ online: true, timestamp: Date.now() }), { qos: 1, retain: true });
    await waitFor(() => runtime.uplink!.status().queue!.depth === 0, 'the queue drained');
    const after = listener.heard.slice(pausedAt);
    const firstBirth = after.findIndex((h) => h.type === 'NBIRTH');
    const firstHistorical = after.findIndex((h) => h.metrics.some((m) => m.isHistorical));
    expect(firstBirth).toBeGreaterThanOrEqual(0);
    expect(firstHistorical).toBeGreaterThan(firstBirth);
    const replayed = after.flatMap((h) => h.metrics.filter((m) => m.isHistorical));
    expect(replayed.map((m) => Math.round((m.value as number) * 10))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(replayed.map((m) => m.name))).toEqual(new Set(['Plant/Tank/Level']));
    const times = replayed.map((m) => m.timestamp!);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });
});
