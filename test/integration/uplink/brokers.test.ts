// The uplink on other footings: TLS with a CA made in the test (server
// verification on, and refused against the wrong CA), mutual TLS, MQTT
// 3.1.1 against aedes in process, the plain JSON format, and a Sparkplug
// host that asks for a rebirth when a node's seq skips.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes, type Client } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/serveProcess.mjs';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { encodePayload } from '../../../src/main/runtime/sparkplug/codec';
import { DataType } from '../../../src/main/runtime/sparkplug/types';
import { makeTlsFiles, Mosquitto } from '../../helpers/mosquitto';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { TcpProxy } from '../../helpers/tcpProxy';
import { SparkplugListener } from '../../helpers/sparkplugListener';
import { waitFor } from '../../helpers/waitFor';
import { failOnLeaks } from '../../helpers/leaks';

// Stopped drivers (and the servers this suite started) leave no socket, timer or listener behind.
failOnLeaks();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brokers-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function plc(): Promise<{ server: RawModbusServer; port: number }> {
  const server = new RawModbusServer();
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, port };
}

function runtimeWith(modbusPort: number, uplink: string): Runtime {
  const runtime = new Runtime(
    parseProject(`
devices: [{ name: plc1, driver: modbus-tcp, host: 127.0.0.1, port: ${modbusPort}, pollMs: 50 }]
tags:
  - { path: Plant/Level, device: plc1, address: "HR:0", units: m }
  - { path: Plant/Run, device: plc1, address: "CO:0" }
uplink:
${uplink}
`),
  );
  runtime.start();
  cleanups.push(() => runtime.stop());
  return runtime;
}

describe('TLS', () => {
  it('publishes over TLS with the broker verified against our CA, and refuses a broker our CA did not sign', async () => {
    const files = makeTlsFiles(tempDir());
    const broker = await Mosquitto.start({ tls: { files, requireClientCert: false } });
    cleanups.push(() => broker.stop());
    const listener = await SparkplugListener.connect(broker.url);
    cleanups.push(() => listener.close());
    const { port } = await plc();
    const good = runtimeWith(port, `  url: ${broker.tlsUrl}\n  ca: ${files.ca}\n  groupId: G\n  edgeNodeId: tls`);
    await listener.next('DBIRTH', 'a birth over TLS');
    expect(good.uplink!.status().state).toBe('online');

    const wrong = runtimeWith(port, `  url: ${broker.tlsUrl}\n  ca: ${files.otherCa}\n  groupId: G\n  edgeNodeId: wrong-ca`);
    await waitFor(() => wrong.uplink!.status().lastError, 'a TLS error', 10_000);
    expect(wrong.uplink!.status().state).not.toBe('online');
    expect(wrong.uplink!.status().lastError).toMatch(/certificate|self.signed|verify/i);
    expect(listener.heard.some((h) => h.topic.includes('wrong-ca'))).toBe(false);
  });

  it('connects with mutual TLS, and the broker refuses a client without a certificate', async () => {
    const files = makeTlsFiles(tempDir());
    const broker = await Mosquitto.start({ tls: { files, requireClientCert: true } });
    cleanups.push(() => broker.stop());
    const listener = await SparkplugListener.connect(broker.url);
    cleanups.push(() => listener.close());
    const { port } = await plc();
    runtimeWith(port, `  url: ${broker.tlsUrl}\n  ca: ${files.ca}\n  cert: ${files.clientCert}\n  key: ${files.clientKey}\n  groupId: G\n  edgeNodeId: mtls`);
    await listener.next('DBIRTH', 'a birth over mutual TLS');
    const anonymous = runtimeWith(port, `  url: ${broker.tlsUrl}\n  ca: ${files.ca}\n  groupId: G\n  edgeNodeId: no-cert`);
    await waitFor(() => anonymous.uplink!.status().lastError, 'the refusal', 10_000);
    expect(anonymous.uplink!.status().state).not.toBe('online');
  });

  it('refuses TLS files on a plain mqtt:// URL, and half a client certificate, at load', () => {
    expect(() => parseProject(`uplink: { url: "mqtt://127.0.0.1:1883", ca: /x.crt, groupId: G, edgeNodeId: E }`, 'p.yaml')).toThrow(/p.yaml:1: uplink.ca: ca is for TLS: use an mqtts:\/\/ URL/);
    expect(() => parseProject(`uplink: { url: "mqtts://127.0.0.1:8883", cert: /c.crt, groupId: G, edgeNodeId: E }`, 'p.yaml')).toThrow(/uplink.key: mutual TLS needs both cert and key/);
    expect(() => parseProject(`uplink: { url: "mqtt://127.0.0.1:1883", groupId: "a/b", edgeNodeId: E }`, 'p.yaml')).toThrow(/uplink.groupId: an id may not contain \/, \+ or #/);
  });
});

describe('MQTT 3.1.1 against aedes', () => {
  it('births and publishes data, and the Will reaches a subscriber when the link breaks', async () => {
    const aedes = await Aedes.createBroker();
    const clients = new Map<string, Client>();
    aedes.on('client', (client) => clients.set(client.id, client));
    const server: Server = createServer(aedes.handle);
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          aedes.close();
        }),
    );
    const url = `mqtt://127.0.0.1:${port}`;
    const listener = await SparkplugListener.connect(url, ['spBv1.0/#'], { protocolVersion: 4 });
    cleanups.push(() => listener.close());
    const { server: device, port: modbusPort } = await plc();
    const runtime = runtimeWith(modbusPort, `  url: ${url}\n  mqttVersion: 4\n  groupId: G\n  edgeNodeId: v311`);
    const birth = await listener.next('NBIRTH');
    await listener.next('DBIRTH');
    device.registers[0] = 42;
    await waitFor(() => listener.of('DDATA').some((h) => h.metrics.some((m) => m.value === 42)), 'data over 3.1.1');
    expect(runtime.uplink!.status().state).toBe('online');
    // Break the link under the node (not an orderly stop): the broker sends its Will.
    for (const [id, client] of clients) if (id.includes('v311')) client.conn.destroy();
    const death = await listener.next('NDEATH', 'the Will');
    expect(death.metrics.find((m) => m.name === 'bdSeq')!.value).toBe(birth.metrics.find((m) => m.name === 'bdSeq')!.value);
  });
});

describe('JSON format', () => {
  it('publishes each device’s changes as JSON on the topic template, with a retained status and historical replays', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    cleanups.push(() => client.endAsync(true));
    const heard: { topic: string; body: Record<string, unknown>; retain: boolean }[] = [];
    client.on('message', (topic, payload, packet) => heard.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
    await client.subscribeAsync('site/#', { qos: 1 });
    // The uplink reaches the broker through a proxy the test cuts: the test's own client stays connected and misses nothing.
    const link = await TcpProxy.start(broker.port);
    cleanups.push(() => link.cut());
    const { server: device, port } = await plc();
    const runtime = new Runtime(
      parseProject(`
devices: [{ name: plc1, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags: [{ path: Plant/Level, device: plc1, address: "HR:0", units: m }]
uplink: { url: "mqtt://127.0.0.1:${link.port}", format: json, groupId: G, edgeNodeId: j1, topic: "site/{group}/{node}/{device}/telemetry" }
`),
      { uplinkQueueFile: join(tempDir(), 'q.db') },
    );
    runtime.start();
    cleanups.push(() => runtime.stop());
    await waitFor(() => heard.some((h) => h.topic === 'site/G/j1/status' && h.body.online === true), 'the status');
    device.registers[0] = 7;
    const message = await waitFor(() => heard.find((h) => h.topic === 'site/G/j1/plc1/telemetry' && (h.body.metrics as { value: unknown }[]).some((m) => m.value === 7)), 'telemetry');
    expect((message.body.metrics as object[])[0]).toMatchObject({ name: 'Plant/Level', value: 7, quality: 'good' });

    await link.cut();
    await waitFor(() => runtime.uplink!.status().state === 'offline', 'offline');
    device.registers[0] = 8;
    await waitFor(() => runtime.uplink!.status().queue!.depth > 0, 'queued');
    await link.restore();
    await waitFor(() => heard.some((h) => h.body.historical === true && (h.body.metrics as { value: unknown }[]).some((m) => m.value === 8)), 'the historical replay', 20_000);
  });
});

describe('Sparkplug host driver', () => {
  it('asks a node for a rebirth when its seq skips and the missing message never comes', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const listener = await SparkplugListener.connect(broker.url, ['spBv1.0/G/NCMD/#']);
    cleanups.push(() => listener.close());
    const node = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    cleanups.push(() => node.endAsync(true));
    const host = new Runtime(
      parseProject(`
devices: [{ name: remote, driver: sparkplug-host, url: "${broker.url}", groupId: G, reorderTimeoutMs: 300 }]
tags: [{ path: R/Level, device: remote, address: n1/d1/Level }]
`),
    );
    host.start();
    cleanups.push(() => host.stop());
    await waitFor(() => host.devices()[0]!.status === 'connected', 'the host connected');
    const send = (topic: string, seq: number, metrics: Parameters<typeof encodePayload>[0]['metrics']) => node.publishAsync(topic, Buffer.from(encodePayload({ timestamp: Date.now(), seq, metrics })), { qos: 1 });
    await send('spBv1.0/G/NBIRTH/n1', 0, [{ name: 'bdSeq', datatype: DataType.Int64, value: 3 }]);
    await send('spBv1.0/G/DBIRTH/n1/d1', 1, [{ name: 'Level', alias: 5, datatype: DataType.Double, value: 1.5, timestamp: 1000 }]);
    await waitFor(() => host.engine.find('R/Level')!.value === 1.5, 'the birth value');
    await send('spBv1.0/G/DDATA/n1/d1', 2, [{ alias: 5, datatype: DataType.Double, value: 2.5, timestamp: 2000 }]);
    await waitFor(() => host.engine.find('R/Level')!.value === 2.5, 'data by alias');
    // seq 4 before 3: held; 3 arrives late: both applied in order.
    await send('spBv1.0/G/DDATA/n1/d1', 4, [{ alias: 5, datatype: DataType.Double, value: 4.5, timestamp: 4000 }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(host.engine.find('R/Level')!.value).toBe(2.5);
    await send('spBv1.0/G/DDATA/n1/d1', 3, [{ alias: 5, datatype: DataType.Double, value: 3.5, timestamp: 3000 }]);
    await waitFor(() => host.engine.find('R/Level')!.value === 4.5, 'the late message and the held one, in order');
    expect(listener.heard).toHaveLength(0);
    // seq 7 with 5 and 6 never coming: a rebirth request after the reorder timeout.
    await send('spBv1.0/G/DDATA/n1/d1', 7, [{ alias: 5, datatype: DataType.Double, value: 7.5, timestamp: 7000 }]);
    const ncmd = await listener.next('NCMD', 'the rebirth request', 5000);
    expect(ncmd.topic).toBe('spBv1.0/G/NCMD/n1');
    expect(ncmd.metrics[0]).toMatchObject({ name: 'Node Control/Rebirth', value: true });
    // DDEATH turns the device's tags Bad.
    await send('spBv1.0/G/DDEATH/n1/d1', 5, []);
    await waitFor(() => host.engine.find('R/Level')!.quality.status === 'bad', 'Bad after DDEATH');
  });
});
