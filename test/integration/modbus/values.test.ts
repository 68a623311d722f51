// Richer values end to end, through the runtime and the contract's handlers,
// against a Modbus server written in the test: text in registers (read,
// written and read back), 64-bit integers (exact, and Uncertain beyond what a
// number holds), and the protocol's own code on a Bad quality.
import { afterEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import type { TagInfo } from '../../../src/shared/types';
import { failOnLeaks } from '../../helpers/leaks';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

failOnLeaks();

let server: RawModbusServer | null = null;
let runtime: Runtime | null = null;
afterEach(async () => {
  await runtime?.stop();
  await server?.close();
  runtime = server = null;
});

async function start(tags: string): Promise<{ server: RawModbusServer; runtime: Runtime }> {
  server = new RawModbusServer();
  const port = await server.listen();
  runtime = new Runtime(parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50, timeoutMs: 500 }]
tags:
${tags}`));
  runtime.start();
  return { server, runtime };
}

/** A tag as a client sees it: through the contract's handler, and through JSON as both transports send it. */
async function listed(rt: Runtime, path: string): Promise<TagInfo> {
  const tags = JSON.parse(JSON.stringify(await rt.handlers['tags.list']({ search: path }))) as TagInfo[];
  return tags.find((tag) => tag.path === path)!;
}

describe('text, 64-bit integers and protocol codes through the runtime', () => {
  it('reads a string tag, writes it, and answers with what the device holds', async () => {
    const { server, runtime } = await start(`
  - { path: Line/Batch, device: plc, address: "HR:10:string:8", writable: true }
  - { path: Line/Swapped, device: plc, address: "HR:20:string:4:BADC" }
`);
    server.registers.set([0x4231, 0x3233, 0x0000, 0x0000], 10); // "B123"
    server.registers.set([0x4b4f, 0x0000], 20); // "OK" with the bytes of each register swapped
    await waitFor(async () => (await listed(runtime, 'Line/Batch')).value === 'B123', 'the batch code');
    expect(await listed(runtime, 'Line/Batch')).toMatchObject({ dataType: 'string', value: 'B123', quality: { status: 'good' } });
    await waitFor(async () => (await listed(runtime, 'Line/Swapped')).value === 'OK', 'the swapped string');

    const result = await runtime.handlers['tags.write']({ path: 'Line/Batch', value: 'C-77' });
    expect(result).toMatchObject({ requested: 'C-77', held: 'C-77', readBack: 'held', differs: false });
    expect(Array.from(server.registers.subarray(10, 14))).toEqual([0x432d, 0x3737, 0, 0]);

    // Too long for its registers, or not text: refused before anything is sent.
    const writes = server.log.length;
    await expect(runtime.handlers['tags.write']({ path: 'Line/Batch', value: 'ABCDEFGHI' })).rejects.toThrow('the tag holds 8');
    await expect(runtime.handlers['tags.write']({ path: 'Line/Batch', value: 5 })).rejects.toThrow('the value must be a string');
    expect(server.log.slice(writes).filter((frame) => frame.fc === 16 || frame.fc === 6)).toEqual([]);
  });

  it('keeps 64-bit integers exact as numbers, and marks what a number cannot hold', async () => {
    const { server, runtime } = await start(`
  - { path: C/Exact, device: plc, address: "HR:30:int64" }
  - { path: C/Huge, device: plc, address: "HR:34:uint64" }
`);
    server.registers.set([0xffff, 0xfee0, 0x0000, 0x0000], 30); // -(2^37 - ... ) : a negative int64
    server.registers.set([0x1000, 0x0000, 0x0000, 0x0001], 34); // 2^60 + 1
    await waitFor(async () => (await listed(runtime, 'C/Huge')).quality.status !== 'bad', 'the first reads');
    expect(await listed(runtime, 'C/Exact')).toMatchObject({ value: -(0x0120 * 2 ** 32), quality: { status: 'good' } });
    expect(await listed(runtime, 'C/Huge')).toMatchObject({ value: 2 ** 60, quality: { status: 'uncertain', reason: 'precision_lost' } });
  });

  it('carries the device exception as the protocol code of a Bad quality', async () => {
    const { server, runtime } = await start(`
  - { path: H/Fine, device: plc, address: "HR:0" }
  - { path: H/Hole, device: plc, address: "HR:1" }
`);
    server.holes.add(1);
    await waitFor(async () => (await listed(runtime, 'H/Hole')).quality.reason === 'device_exception', 'the refused register');
    expect((await listed(runtime, 'H/Hole')).quality).toEqual({
      status: 'bad',
      reason: 'device_exception',
      code: { value: 2, name: 'Modbus illegal data address' },
    });
    expect((await listed(runtime, 'H/Fine')).quality).toEqual({ status: 'good' });
  });
});
