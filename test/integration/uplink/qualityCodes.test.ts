// The protocol's own status code travels with the quality: a Modbus device's
// exception on a tag reaches an independent Sparkplug subscriber as the
// metric's "Quality Code" property, and a Sparkplug host runtime shows it on
// its own tag, through Mosquitto. Text metrics travel as Sparkplug Strings.
import { afterEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { DataType } from '../../../src/main/runtime/sparkplug/types';
import { failOnLeaks } from '../../helpers/leaks';
import { Mosquitto } from '../../helpers/mosquitto';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { SparkplugListener } from '../../helpers/sparkplugListener';
import { waitFor } from '../../helpers/waitFor';

failOnLeaks();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('protocol codes and text over Sparkplug', () => {
  it('publishes a device exception as Quality Code, and a host runtime shows it on its tag', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const listener = await SparkplugListener.connect(broker.url);
    cleanups.push(() => listener.close());
    const server = new RawModbusServer();
    const port = await server.listen();
    cleanups.push(() => server.close());
    server.holes.add(3);
    server.registers.set([0x4f4b, 0x0000], 10); // "OK"
    server.registers.set([0x1000, 0x0000, 0x0000, 0x0001], 20); // 2^60 + 1: past what a number holds exactly

    const edge = new Runtime(
      parseProject(`
devices: [{ name: plc1, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }]
tags:
  - { path: Plant/Hole, device: plc1, address: "HR:3" }
  - { path: Plant/Text, device: plc1, address: "HR:10:string:4" }
  - { path: Plant/Huge, device: plc1, address: "HR:20:uint64" }
uplink: { url: "${broker.url}", groupId: G1, edgeNodeId: codes, publish: ["Plant/**"] }
`),
    );
    edge.start();
    cleanups.push(() => edge.stop());
    const host = new Runtime(
      parseProject(`
devices: [{ name: remote, driver: sparkplug-host, url: "${broker.url}", groupId: G1, edgeNodeId: codes }]
tags:
  - { path: Remote/Hole, device: remote, address: codes/plc1/Plant/Hole, dataType: uint16 }
  - { path: Remote/Text, device: remote, address: codes/plc1/Plant/Text, dataType: string }
  - { path: Remote/TextAsNumber, device: remote, address: codes/plc1/Plant/Text }
  - { path: Remote/Huge, device: remote, address: codes/plc1/Plant/Huge, dataType: uint64 }
`),
    );
    host.start();
    cleanups.push(() => host.stop());

    // Data go by alias only: the birth names them.
    const birth = await listener.next('DBIRTH');
    const aliasOf = (name: string) => birth.metrics.find((m) => m.name === name)!.alias;
    const sent = (name: string) => listener.heard.flatMap((h) => h.metrics).filter((m) => m.name === name || (m.name === undefined && m.alias === aliasOf(name)));
    const heard = await waitFor(() => sent('Plant/Hole').find((m) => m.properties['Quality Code'] !== undefined) ?? null, 'the metric with its code');
    expect(heard.properties).toMatchObject({ Quality: 0, 'Quality Reason': 'device_exception', 'Quality Code': 2, 'Quality Code Name': 'Modbus illegal data address' });

    await waitFor(() => host.engine.find('Remote/Hole')?.quality.code !== undefined, 'the host tag with the code');
    expect(host.engine.find('Remote/Hole')!.quality).toEqual({ status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } });

    await waitFor(() => host.engine.find('Remote/Text')?.value === 'OK', 'the text metric at the host');
    expect(birth.metrics.find((m) => m.name === 'Plant/Text')!.datatype).toBe(DataType.String);
    expect(sent('Plant/Text').some((m) => m.value === 'OK')).toBe(true);
    // A 64-bit count past 2^53 travels as an exact UInt64 (the double the engine holds), Uncertain on both sides; the
    // edge node does not fall over publishing it.
    await waitFor(() => host.engine.find('Remote/Huge')?.value === 2 ** 60, 'the huge count at the host');
    expect(host.engine.find('Remote/Huge')!.quality).toMatchObject({ status: 'uncertain', reason: 'precision_lost', code: { value: 64 } });
    expect(edge.engine.find('Plant/Huge')!.quality).toEqual({ status: 'uncertain', reason: 'precision_lost' });
    // Text in a number tag (no dataType: float64) is a configuration error, never a string in a number.
    await waitFor(() => host.engine.find('Remote/TextAsNumber')?.quality.reason === 'config_error', 'the mismatched tag refused');
    expect(host.engine.find('Remote/TextAsNumber')!.value).toBeNull();

    // The host stamps the value with the metric's time, and keeps the payload's as the server's.
    const tag = host.engine.find('Remote/Text')!;
    expect(tag.serverTs).toBeGreaterThanOrEqual(tag.ts);
  });
});
