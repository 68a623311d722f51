// devices.browse over serve mode's HTTP transport: a Sparkplug host device
// lists the edge nodes, devices and metrics it saw born (from a runtime
// publishing through Mosquitto), page by page; a Modbus device, which has no
// address space to list, says so.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { createHttpTransport } from '../../../src/main/transport/http';
import { failOnLeaks } from '../../helpers/leaks';
import { Mosquitto } from '../../helpers/mosquitto';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

failOnLeaks();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('devices.browse', () => {
  it('lists what a Sparkplug host saw born, over HTTP', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const server = new RawModbusServer();
    const port = await server.listen();
    cleanups.push(() => server.close());
    const edge = new Runtime(
      parseProject(`
devices: [{ name: plc1, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags:
  - { path: Plant/Tank/Level, device: plc1, address: "HR:0:float32" }
  - { path: Plant/Line/Batch, device: plc1, address: "HR:10:string:8" }
  - { path: Plant/Pump/Run, device: plc1, address: "CO:0" }
uplink: { url: "${broker.url}", groupId: G1, edgeNodeId: edge7, publish: ["Plant/**"] }
`),
    );
    edge.start();
    cleanups.push(() => edge.stop());
    const host = new Runtime(
      parseProject(`
devices:
  - { name: remote, driver: sparkplug-host, url: "${broker.url}", groupId: G1 }
  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port} }
`),
    );
    host.start();
    cleanups.push(() => host.stop());
    const http = createHttpTransport({ dispatch: dispatchFor(host), openEvents: (send, caller) => host.openEvents(send, caller) });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    }));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const browse = async (body: object) => {
      const res = await fetch(`${base}/api/devices.browse`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { children?: { name: string; address: string; type: string | null; hasChildren: boolean }[]; error?: { message: string } } };
    };

    // The host asks the edge node for a birth when it hears data first; once born, the node is there.
    await waitFor(async () => (await browse({ device: 'remote' })).body.children?.some((c) => c.name === 'edge7'), 'the edge node born');
    const node = await browse({ device: 'remote', node: 'edge7' });
    expect(node.body.children!.filter((c) => c.hasChildren).map((c) => c.address)).toEqual(['edge7/plc1']);
    const metrics = await waitFor(async () => {
      const page = await browse({ device: 'remote', node: 'edge7/plc1' });
      return page.body.children && page.body.children.length === 3 ? page.body.children : null;
    }, 'the device born');
    expect(metrics.map((c) => [c.name, c.address, c.type])).toEqual([
      ['Plant/Line/Batch', 'edge7/plc1/Plant/Line/Batch', 'string'],
      ['Plant/Pump/Run', 'edge7/plc1/Plant/Pump/Run', 'bool'],
      ['Plant/Tank/Level', 'edge7/plc1/Plant/Tank/Level', 'float32'],
    ]);

    expect(await browse({ device: 'remote', node: 'edge9' })).toMatchObject({ status: 404, body: { error: { message: 'remote: no edge node "edge9" has been born since the host connected' } } });
    expect(await browse({ device: 'plc' })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('plc cannot be browsed') } } });
    expect(await browse({ device: 'nope' })).toMatchObject({ status: 404, body: { error: { message: 'no device "nope"' } } });
  });
});
