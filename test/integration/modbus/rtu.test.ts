// Modbus RTU over a linked pair of pseudo-terminals (socat): the runtime on
// one end, modbus-serial's serial server on the other, answering two unit ids
// that share the port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerSerial, type IServiceVector } from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { waitFor } from '../../helpers/waitFor';
import { failOnLeaks } from '../../helpers/leaks';

const dir = mkdtempSync(join(tmpdir(), 'rtu-'));
const hmiEnd = join(dir, 'hmi');
const deviceEnd = join(dir, 'device');
let socat: ChildProcess;
let server: ServerSerial;
let runtime: Runtime;
const registers = new Map<string, number>(); // `${unit}:${address}` → value
const requests: number[] = []; // unit ids in the order they were asked

// Stopped drivers (and the servers this suite started) leave no socket, timer or listener behind.
failOnLeaks();

beforeAll(async () => {
  socat = spawn('socat', [`pty,raw,echo=0,link=${hmiEnd}`, `pty,raw,echo=0,link=${deviceEnd}`], { stdio: 'ignore' });
  await waitFor(() => existsSync(hmiEnd) && existsSync(deviceEnd), 'socat to create the pty pair');
  const vector: IServiceVector = {
    getHoldingRegister: (address: number, unitId: number): number | Promise<number> => {
      requests.push(unitId);
      // Unit 7 is not on the bus: nobody answers (the server answers every unit id otherwise).
      if (unitId === 7) return new Promise<number>(() => undefined);
      if (unitId === 2 && address === 9) throw { modbusErrorCode: 2, msg: 'no such register' };
      return registers.get(`${unitId}:${address}`) ?? 0;
    },
    setRegister: (address: number, value: number, unitId: number) => {
      registers.set(`${unitId}:${address}`, value);
    },
  };
  server = new ServerSerial(vector, { path: deviceEnd, baudRate: 19200, unitID: 255 });
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('error', reject);
  });
  registers.set('1:0', 111);
  registers.set('2:0', 222);
  registers.set('2:1', 0x4120);
  registers.set('2:2', 0x0000);
  runtime = new Runtime(
    parseProject(`
devices:
  - { name: drive1, driver: modbus-rtu, port: ${hmiEnd}, baudRate: 19200, unitId: 1, pollMs: 100, timeoutMs: 300 }
  - { name: drive2, driver: modbus-rtu, port: ${hmiEnd}, baudRate: 19200, unitId: 2, pollMs: 100, timeoutMs: 300 }
  - { name: ghost, driver: modbus-rtu, port: ${hmiEnd}, baudRate: 19200, unitId: 7, pollMs: 100, timeoutMs: 150 }
tags:
  - { path: D1/Speed, device: drive1, address: "HR:0", writable: true }
  - { path: D2/Speed, device: drive2, address: "HR:0" }
  - { path: D2/Torque, device: drive2, address: "HR:1:float32" }
  - { path: D2/Missing, device: drive2, address: "HR:9" }
  - { path: Ghost/X, device: ghost, address: "HR:0" }
`),
  );
  runtime.start();
});

afterAll(async () => {
  await runtime?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  // Waited for, so the suite ends with the child gone (the leak check counts child processes too).
  if (socat && socat.exitCode === null && socat.signalCode === null) {
    const exited = new Promise((resolve) => socat.once('exit', resolve));
    socat.kill();
    await exited;
  }
});

const tag = (path: string) => runtime.engine.find(path)!;

describe('Modbus RTU over a pty pair', () => {
  it('reads two unit ids on one shared port, and a silent third does not spoil them', async () => {
    await waitFor(() => tag('D2/Torque').quality.status === 'good' && tag('D1/Speed').quality.status === 'good', 'values from both units', 10_000);
    expect(tag('D1/Speed').value).toBe(111);
    expect(tag('D2/Speed').value).toBe(222);
    expect(tag('D2/Torque').value).toBe(10);
    await waitFor(() => tag('Ghost/X').quality.status === 'bad', 'the silent unit to go bad');
    expect(tag('Ghost/X').quality).toEqual({ status: 'bad', reason: 'comm_failure' });
    await waitFor(() => tag('D2/Missing').quality.reason === 'device_exception', 'the refused register to go bad');
    expect(tag('D2/Missing').quality).toEqual({ status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } });
    // The port stays open for the others: their values still follow the device.
    registers.set('2:0', 223);
    await waitFor(() => tag('D2/Speed').value === 223, 'a fresh value after the timeouts');
    expect(runtime.devices().find((d) => d.name === 'drive2')!.status).toBe('connected');
    expect(new Set(requests)).toEqual(new Set([1, 2, 7]));
  });

  it('writes through the shared port', async () => {
    const result = await runtime.handlers['tags.write']({ path: 'D1/Speed', value: 1500 });
    expect(result.written).toBe(1500);
    expect(registers.get('1:0')).toBe(1500);
    expect(registers.get('2:0')).toBe(223); // the other unit untouched
    await waitFor(() => tag('D1/Speed').value === 1500, 'the written value read back');
  });
});
