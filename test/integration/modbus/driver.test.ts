// The Modbus driver end to end through the runtime, against a Modbus TCP
// server written in this test (test/helpers/rawModbusServer.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import type { ModbusDriver } from '../../../src/main/runtime/drivers/modbus/modbusDriver';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';
import { failOnLeaks } from '../../helpers/leaks';

// Stopped drivers (and the servers this suite started) leave no socket, timer or listener behind.
failOnLeaks();

let server: RawModbusServer | null = null;
let runtime: Runtime | null = null;

afterEach(async () => {
  await runtime?.stop();
  await server?.close();
  runtime = null;
  server = null;
});

async function start(tags: string, device = ''): Promise<{ server: RawModbusServer; runtime: Runtime }> {
  server = new RawModbusServer();
  const port = await server.listen();
  const project = parseProject(`
devices:
  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, unitId: 3, timeoutMs: 80${device.includes('pollMs') ? '' : ', pollMs: 100'}${device} }
tags:
${tags}`);
  runtime = new Runtime(project, { changeIntervalMs: 10 });
  runtime.start();
  return { server, runtime };
}

const value = (rt: Runtime, path: string) => rt.engine.find(path)!.value;
const quality = (rt: Runtime, path: string) => rt.engine.find(path)!.quality;

describe('Modbus driver against a test server', () => {
  it('decodes every type and order, scales, and stamps values with the poll tick', async () => {
    const { server, runtime } = await start(`
  - { path: T/U16, device: plc, address: "HR:0" }
  - { path: T/I16, device: plc, address: "HR:1:int16" }
  - { path: T/F32, device: plc, address: "HR:2:float32" }
  - { path: T/F32swap, device: plc, address: "HR:4:float32:CDAB" }
  - { path: T/I32bytes, device: plc, address: "HR:6:int32:BADC" }
  - { path: T/F64, device: plc, address: "HR:8:float64:DCBA" }
  - { path: T/Bit, device: plc, address: "HR:12.4" }
  - { path: T/Level, device: plc, address: "IR:0", scale: { rawMin: 0, rawMax: 10000, euMin: 0, euMax: 10 } }
  - { path: T/Coil, device: plc, address: "CO:7" }
  - { path: T/Input, device: plc, address: "DI:9" }
`);
    const r = server.registers;
    r[0] = 65000;
    r[1] = 0xfffe; // -2
    r.set([0x4120, 0x0000], 2); // 10.0
    r.set([0x0000, 0x4120], 4); // 10.0 words swapped
    r.set([0xffff, 0xfeff], 6); // BADC: bytes swapped in each word
    r.set([0x0000, 0x0000, 0x0000, 0xf83f], 8); // 1.5 fully reversed
    r[12] = 0b10000;
    server.inputs[0] = 2500;
    server.coils[7] = 1;
    server.discretes[9] = 1;
    // Blocks are read one after another within a scan: wait for the whole scan, not the first block.
    await waitFor(() => runtime.engine.tags.every((tag) => tag.quality.status === 'good'), 'first values');
    expect(value(runtime, 'T/U16')).toBe(65000);
    expect(value(runtime, 'T/I16')).toBe(-2);
    expect(value(runtime, 'T/F32')).toBe(10);
    expect(value(runtime, 'T/F32swap')).toBe(10);
    // ff ff | fe ff with each word's bytes swapped back: ff ff ff fe = -2
    expect(value(runtime, 'T/I32bytes')).toBe(-2);
    expect(value(runtime, 'T/F64')).toBe(1.5);
    expect(value(runtime, 'T/Bit')).toBe(true);
    expect(value(runtime, 'T/Level')).toBe(2.5);
    expect(value(runtime, 'T/Coil')).toBe(true);
    expect(value(runtime, 'T/Input')).toBe(true);
    // The first scan runs as soon as the link is up; later ones on the 100 ms poll tick.
    r[0] = 65001;
    await waitFor(() => value(runtime, 'T/U16') === 65001, 'a change');
    expect(runtime.engine.find('T/U16')!.ts % 100).toBe(0);
    // One request per area: HR 0..12, IR 0, CO 7, DI 9, all with unit id 3.
    const driver = runtime.drivers.get('plc') as ModbusDriver;
    expect(driver.blocks().map((b) => `${b.area}:${b.start}+${b.count}`)).toEqual(['CO:7+1', 'DI:9+1', 'HR:0+13', 'IR:0+1']);
    expect(new Set(server.log.map((l) => l.unitId))).toEqual(new Set([3]));
  });

  it('splits a block around an illegal address: only that tag goes Bad', async () => {
    const { server, runtime } = await start(`
  - { path: H/A, device: plc, address: "HR:60" }
  - { path: H/B, device: plc, address: "HR:65" }
  - { path: H/Hole, device: plc, address: "HR:70" }
  - { path: H/C, device: plc, address: "HR:75" }
  - { path: H/D, device: plc, address: "HR:79" }
`);
    server.holes.add(70);
    server.registers.set([1], 60);
    server.registers[65] = 2;
    server.registers[75] = 3;
    server.registers[79] = 4;
    await waitFor(() => quality(runtime, 'H/D').status === 'good', 'the tags around the hole');
    expect(quality(runtime, 'H/Hole')).toEqual({ status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } });
    expect(['H/A', 'H/B', 'H/C', 'H/D'].map((p) => value(runtime, p))).toEqual([1, 2, 3, 4]);
    const driver = runtime.drivers.get('plc') as ModbusDriver;
    const blocks = driver.blocks().map((b) => `${b.start}+${b.count}`);
    expect(blocks).toContain('70+1');
    expect(blocks.length).toBeLessThanOrEqual(4);
    // The good tags keep reading afterwards.
    server.registers[79] = 40;
    await waitFor(() => value(runtime, 'H/D') === 40, 'a later value');
    expect(driver.info().lastError).toContain('exception 2 (illegal data address)');
  });

  it('writes each type with FC5, FC6, FC15 and FC16 and reports the device answer', async () => {
    const { server, runtime } = await start(`
  - { path: W/Coil, device: plc, address: "CO:3", writable: true }
  - { path: W/Reg, device: plc, address: "HR:10", writable: true }
  - { path: W/Float, device: plc, address: "HR:20:float32:CDAB", writable: true }
  - { path: W/Bit, device: plc, address: "HR:30.2", writable: true }
  - { path: W/SP, device: plc, address: "HR:40:int16", writable: true, writeRounding: round, scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 } }
  - { path: W/Hole, device: plc, address: "HR:50", writable: true }
`);
    await waitFor(() => runtime.devices()[0]!.status === 'connected', 'the connection');
    const write = runtime.handlers['tags.write'];
    server.registers[30] = 0b1001;
    await write({ path: 'W/Coil', value: true });
    await write({ path: 'W/Reg', value: 1234 });
    await write({ path: 'W/Float', value: 10 });
    await write({ path: 'W/Bit', value: true });
    expect(await write({ path: 'W/SP', value: 42.26 })).toMatchObject({ path: 'W/SP', written: 423 });
    expect(server.coils[3]).toBe(1);
    expect(server.registers[10]).toBe(1234);
    expect([server.registers[20], server.registers[21]]).toEqual([0x0000, 0x4120]);
    expect(server.registers[30]).toBe(0b1101); // the other bits kept
    expect(server.registers[40]).toBe(423);
    const writes = server.log.filter((l) => [5, 6, 15, 16].includes(l.fc)).map((l) => `${l.fc}@${l.address}`);
    expect(writes).toEqual(['5@3', '6@10', '16@20', '6@30', '6@40']);

    server.holes.add(50);
    await expect(write({ path: 'W/Hole', value: 1 })).rejects.toMatchObject({
      kind: 'device_error',
      code: 2,
      message: 'plc refused the write: exception 2 (illegal data address)',
    });
    await expect(write({ path: 'W/Reg', value: 70000 })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(write({ path: 'W/Coil', value: 3 })).rejects.toMatchObject({ kind: 'invalid_request' });
  });

  it('uses FC15 and FC16 for single values when singleWrites is off', async () => {
    const { server, runtime } = await start(
      `
  - { path: W/Coil, device: plc, address: "CO:3", writable: true }
  - { path: W/Reg, device: plc, address: "HR:10", writable: true }
`,
      ', singleWrites: false',
    );
    await waitFor(() => runtime.devices()[0]!.status === 'connected', 'the connection');
    await runtime.handlers['tags.write']({ path: 'W/Coil', value: true });
    await runtime.handlers['tags.write']({ path: 'W/Reg', value: 7 });
    const writes = server.log.filter((l) => l.fc > 4).map((l) => `${l.fc}:${l.values?.join(',')}`);
    expect(writes).toEqual(['15:1', '16:7']);
  });

  it('marks tags Bad within two poll periods when the device goes silent, and Good when it answers again', async () => {
    const { server, runtime } = await start(`  - { path: S/A, device: plc, address: "HR:1" }\n`);
    await waitFor(() => quality(runtime, 'S/A').status === 'good', 'a first value');
    server.misbehaviour = 'silent';
    const silentAt = Date.now();
    await waitFor(() => quality(runtime, 'S/A').status === 'bad', 'the tag to go bad', 2000);
    expect(Date.now() - silentAt).toBeLessThanOrEqual(2 * 100 + 150);
    expect(quality(runtime, 'S/A')).toEqual({ status: 'bad', reason: 'comm_failure' });
    expect(runtime.devices()[0]!.timeouts).toBeGreaterThan(0);
    server.misbehaviour = 'none';
    await waitFor(() => quality(runtime, 'S/A').status === 'good', 'recovery', 5000);
  });

  it('stops cleanly with a request in flight to a silent device (failOnLeaks checks what is left)', async () => {
    const { server, runtime } = await start(`  - { path: S/B, device: plc, address: "HR:1" }\n`);
    await waitFor(() => quality(runtime, 'S/B').status === 'good', 'a first value');
    server.misbehaviour = 'silent';
    await waitFor(() => runtime.devices()[0]!.timeouts > 0, 'a timeout');
    // Stopped by afterEach while the next request waits for an answer that never comes.
  });

  it('survives answers with a wrong transaction id, truncated frames and busy exceptions', async () => {
    const { server, runtime } = await start(`  - { path: G/A, device: plc, address: "HR:1" }\n`);
    server.registers[1] = 5;
    await waitFor(() => quality(runtime, 'G/A').status === 'good', 'a first value');
    for (const misbehaviour of ['wrong-transaction', 'truncated', 'busy'] as const) {
      server.misbehaviour = misbehaviour;
      await waitFor(() => quality(runtime, 'G/A').status === 'bad', `bad quality on ${misbehaviour}`, 3000);
      server.misbehaviour = 'none';
      server.registers[1]++;
      const expected = server.registers[1];
      await waitFor(() => quality(runtime, 'G/A').status === 'good' && value(runtime, 'G/A') === expected, `recovery after ${misbehaviour}`, 5000);
    }
    expect(quality(runtime, 'G/A')).toEqual({ status: 'good' });
  });

  it('goes Bad at once when the link drops, and reconnects by itself', async () => {
    const { server, runtime } = await start(`  - { path: L/A, device: plc, address: "HR:1" }\n`, ', pollMs: 1000');
    await waitFor(() => quality(runtime, 'L/A').status === 'good', 'a first value');
    server.dropConnections();
    await waitFor(() => quality(runtime, 'L/A').status === 'bad', 'bad quality on link loss', 500);
    await waitFor(() => quality(runtime, 'L/A').status === 'good', 'reconnection', 5000);
    expect(runtime.devices()[0]!.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('reports a device that cannot be reached, and leaves no socket or timer behind when stopped', async () => {
    const probe = new RawModbusServer();
    const port = await probe.listen();
    await probe.close(); // nothing listens here now
    const rt = new Runtime(
      parseProject(`
devices: [{ name: gone, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 100 }]
tags: [{ path: X, device: gone, address: "HR:0" }]
`),
    );
    rt.start();
    await waitFor(() => rt.devices()[0]!.lastError?.includes('ECONNREFUSED'), 'a connection error');
    expect(rt.devices()[0]!.status).not.toBe('connected');
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    await rt.stop();
    await new Promise((r) => setTimeout(r, 50));
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    expect(after).toBeLessThan(before);
    expect(rt.devices()[0]!.status).toBe('stopped');
  });
});
