import { readFileSync } from 'node:fs';
import net from 'node:net';
import ModbusRTU from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseModbusAddress } from '../../../src/main/runtime/drivers/modbus/address';
import { decodeRegisters, encodeRegisters } from '../../../src/main/runtime/drivers/modbus/codec';
import { loadProjectFile } from '../../../src/main/runtime/project/load';
import { projectSchema } from '../../../src/main/runtime/project/schema';
import { startDemoPlant, type DemoPlant } from '../../../src/main/simulator/demoPlant';
import { ModbusTcpServer, type ModbusTcpServerOptions } from '../../../src/main/simulator/modbusTcpServer';
import { ModbusException, RegisterBank } from '../../../src/main/simulator/registerBank';
import { defineDemoAreas, HOLE_ADDRESS, SIGNALS } from '../../../src/main/simulator/signals';
import { failOnLeaks } from '../../helpers/leaks';

// The servers, the demo plant and the test's clients, once closed, leave no socket, timer or listener behind.
failOnLeaks();

const HOST = '127.0.0.1';
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(options: Partial<ModbusTcpServerOptions> = {}): Promise<{
  bank: RegisterBank;
  server: ModbusTcpServer;
  port: number;
}> {
  const bank = new RegisterBank();
  defineDemoAreas(bank);
  const server = new ModbusTcpServer(bank, { host: HOST, port: 0, ...options });
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { bank, server, port };
}

async function connectClient(port: number, timeoutMs = 1000): Promise<ModbusRTU> {
  const client = new ModbusRTU();
  await client.connectTCP(HOST, { port });
  client.setID(1);
  client.setTimeout(timeoutMs);
  cleanups.push(() => new Promise<void>((resolve) => client.destroy(() => resolve())));
  return client;
}

/** The exception code a request failed with; throws if it did not fail with a Modbus exception. */
async function exceptionOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
  } catch (error: unknown) {
    if (typeof error === 'object' && error !== null && 'modbusCode' in error && typeof error.modbusCode === 'number') {
      return error.modbusCode;
    }
    throw error;
  }
  throw new Error('the request succeeded');
}

/** An MBAP frame. */
function frame(tid: number, unit: number, pdu: readonly number[], protocol = 0, length = pdu.length + 1): Buffer {
  const out = Buffer.alloc(7 + pdu.length);
  out.writeUInt16BE(tid, 0);
  out.writeUInt16BE(protocol, 2);
  out.writeUInt16BE(length, 4);
  out[6] = unit;
  Buffer.from(pdu).copy(out, 7);
  return out;
}

const readHolding = (start: number, count: number): number[] => [3, start >> 8, start & 0xff, count >> 8, count & 0xff];

/** A plain socket that collects whole MBAP frames. */
class RawClient {
  readonly closed: Promise<void>;
  private data = Buffer.alloc(0);
  private wake: (() => void) | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, HOST);
    const client = new RawClient(socket);
    cleanups.push(() => {
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return client;
  }

  /** Resolves the first `n` complete frames received. */
  async frames(n: number, timeoutMs = 2000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frames = this.split();
      if (frames.length >= n) return frames.slice(0, n);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`got ${frames.length} of ${n} frames`);
      // The wait's timer is cleared when a frame wakes it first, so it does not outlive the test (see failOnLeaks).
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  get received(): number {
    return this.data.length;
  }

  private split(): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    while (this.data.length - pos >= 6 && this.data.length - pos >= 6 + this.data.readUInt16BE(pos + 4)) {
      const end = pos + 6 + this.data.readUInt16BE(pos + 4);
      out.push(this.data.subarray(pos, end));
      pos = end;
    }
    return out;
  }
}

describe('RegisterBank', () => {
  it('stores every type in every word order as the codec lays it out', () => {
    const bank = new RegisterBank().define('HR', 0, 100).define('IR', 0, 100);
    const hr = bank.holdingRegisters;
    bank.set('HR:0:float32', 3.5);
    expect([hr[0], hr[1]]).toEqual([0x4060, 0x0000]);
    bank.set('HR:2:float32:CDAB', 3.5);
    expect([hr[2], hr[3]]).toEqual([0x0000, 0x4060]);
    bank.set('HR:4:float32:BADC', 3.5);
    expect([hr[4], hr[5]]).toEqual([0x6040, 0x0000]);
    bank.set('HR:6:float32:DCBA', 3.5);
    expect([hr[6], hr[7]]).toEqual([0x0000, 0x6040]);
    bank.set('HR:8:int32:CDAB', -2);
    expect([hr[8], hr[9]]).toEqual([0xfffe, 0xffff]);
    bank.set('HR:10:uint32', 0x12345678);
    expect([hr[10], hr[11]]).toEqual([0x1234, 0x5678]);
    bank.set('HR:12:int16', -1);
    expect(hr[12]).toBe(0xffff);
    bank.set('HR:20:float64', Math.PI);
    expect(bank.get('HR:20:float64')).toBe(Math.PI);
    bank.set('IR:20:int32:CDAB', -123456);
    expect(bank.get('IR:20:int32:CDAB')).toBe(-123456);
    expect(bank.get('HR:12:int16')).toBe(-1);
    expect(bank.get('HR:12')).toBe(0xffff);
    expect(bank.get('HR:2:float32:CDAB')).toBe(3.5);
  });

  it('sets single bits of a register, coils and discrete inputs', () => {
    const bank = new RegisterBank().define('HR', 0, 10).define('CO', 0, 10).define('DI', 0, 10);
    bank.set('HR:7.3', true);
    bank.set('HR:7.0', true);
    expect(bank.holdingRegisters[7]).toBe(0b1001);
    bank.set('HR:7.3', false);
    expect(bank.holdingRegisters[7]).toBe(0b0001);
    expect(bank.get('HR:7.0')).toBe(true);
    bank.set('CO:4', true);
    bank.set('DI:5', 1);
    expect(bank.coils[4]).toBe(1);
    expect(bank.get('DI:5')).toBe(true);
    expect(bank.get('DI:4')).toBe(false);
  });

  it('refuses undefined addresses with exception 2, including values that run into a hole', () => {
    const bank = new RegisterBank();
    defineDemoAreas(bank);
    expect(bank.isDefined('HR', 60, 10)).toBe(true);
    expect(bank.isDefined('HR', 60, 11)).toBe(false);
    expect(bank.isDefined('HR', 71, 9)).toBe(true);
    expect(bank.isDefined('HR', 1000, 9000)).toBe(true);
    expect(bank.isDefined('HR', 1000, 9001)).toBe(false);
    expect(bank.definedRanges('HR')).toEqual([
      [0, 58], // 0..49 and the batch code at 50..57
      [60, 10],
      [71, 9],
      [1000, 9000],
    ]);
    for (const address of [`HR:${HOLE_ADDRESS}`, 'HR:69:float32', 'IR:40', 'CO:16', 'DI:999']) {
      let caught: unknown;
      try {
        bank.get(address);
      } catch (error) {
        caught = error;
      }
      expect(caught, address).toBeInstanceOf(ModbusException);
      expect((caught as ModbusException).code).toBe(2);
    }
    expect(() => bank.set('HR:69:float32', 1)).toThrow(ModbusException);
  });

  it('fires write listeners for client writes only', () => {
    const bank = new RegisterBank().define('HR', 0, 10).define('CO', 0, 20);
    const writes: Array<[string, number, number]> = [];
    const unsubscribe = bank.onWrite((area, offset, count) => writes.push([area, offset, count]));
    bank.set('HR:1', 5);
    expect(writes).toEqual([]);
    bank.writeRegistersFromClient(2, 2, Uint8Array.of(0x12, 0x34, 0xab, 0xcd), 0);
    bank.writeCoilsFromClient(3, 10, Uint8Array.of(0b1010_0101, 0b11), 0);
    bank.writeCoilFromClient(19, true);
    expect(writes).toEqual([
      ['HR', 2, 2],
      ['CO', 3, 10],
      ['CO', 19, 1],
    ]);
    expect([bank.holdingRegisters[2], bank.holdingRegisters[3]]).toEqual([0x1234, 0xabcd]);
    expect(Array.from(bank.coils.subarray(3, 13))).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 1, 1]);
    unsubscribe();
    bank.writeCoilFromClient(0, true);
    expect(writes).toHaveLength(3);
  });
});

describe('ModbusTcpServer', () => {
  it('reads holding and input registers (FC3, FC4) up to 125 at a time', async () => {
    const { bank, port } = await startServer();
    for (let i = 0; i < 125; i++) bank.holdingRegisters[1000 + i] = i * 500;
    bank.set('IR:20:int32:CDAB', -70000);
    const client = await connectClient(port);

    const hr = await client.readHoldingRegisters(1000, 125);
    expect(hr.data).toEqual(Array.from({ length: 125 }, (_, i) => (i * 500) & 0xffff));
    const ir = await client.readInputRegisters(20, 2);
    expect(decodeRegisters(ir.data, 0, parseModbusAddress('IR:20:int32:CDAB'))).toBe(-70000);

    expect(await exceptionOf(client.readHoldingRegisters(1000, 126))).toBe(3);
    expect(await exceptionOf(client.readInputRegisters(0, 126))).toBe(3);
    expect(await exceptionOf(client.readHoldingRegisters(1000, 0))).toBe(3);
  });

  it('reads coils and discrete inputs (FC1, FC2) up to 2000 at a time', async () => {
    const { bank, port } = await startServer();
    for (let i = 0; i < 2000; i++) {
      bank.coils[1000 + i] = i % 3 === 0 ? 1 : 0;
      bank.discreteInputs[1000 + i] = i % 7 === 0 ? 1 : 0;
    }
    const client = await connectClient(port);
    const coils = await client.readCoils(1000, 2000);
    expect(coils.data.slice(0, 2000)).toEqual(Array.from({ length: 2000 }, (_, i) => i % 3 === 0));
    const inputs = await client.readDiscreteInputs(1003, 11);
    expect(inputs.buffer).toHaveLength(2);
    expect(inputs.data.slice(0, 11)).toEqual(Array.from({ length: 11 }, (_, i) => (i + 3) % 7 === 0));
    expect(await exceptionOf(client.readCoils(1000, 2001))).toBe(3);
    expect(await exceptionOf(client.readDiscreteInputs(1000, 2001))).toBe(3);
  });

  it('writes single and multiple coils (FC5, FC15) up to 1968, telling the bank', async () => {
    const { bank, port } = await startServer();
    const writes: Array<[string, number, number]> = [];
    bank.onWrite((area, offset, count) => writes.push([area, offset, count]));
    const client = await connectClient(port);

    await client.writeCoil(5, true);
    expect(bank.coils[5]).toBe(1);
    await client.writeCoil(5, false);
    expect(bank.coils[5]).toBe(0);

    const states = Array.from({ length: 1968 }, (_, i) => i % 5 === 1);
    const result = await client.writeCoils(1000, states);
    expect(result).toEqual({ address: 1000, length: 1968 });
    expect(Array.from(bank.coils.subarray(1000, 2968), (b) => b === 1)).toEqual(states);
    expect(writes).toEqual([
      ['CO', 5, 1],
      ['CO', 5, 1],
      ['CO', 1000, 1968],
    ]);
    expect(await exceptionOf(client.writeCoils(1000, [...states, true]))).toBe(3);
    expect(bank.coils[2968]).toBe(0);
  });

  it('writes single and multiple registers (FC6, FC16) up to 123, telling the bank', async () => {
    const { bank, port } = await startServer();
    const writes: Array<[string, number, number]> = [];
    bank.onWrite((area, offset, count) => writes.push([area, offset, count]));
    const client = await connectClient(port);

    expect(await client.writeRegister(1500, 0xbeef)).toEqual({ address: 1500, value: 0xbeef });
    expect(bank.holdingRegisters[1500]).toBe(0xbeef);

    const values = Array.from({ length: 123 }, (_, i) => 1000 + i);
    expect(await client.writeRegisters(2000, values)).toEqual({ address: 2000, length: 123 });
    expect(Array.from(bank.holdingRegisters.subarray(2000, 2123))).toEqual(values);

    await client.writeRegisters(3000, encodeRegisters(-1.25, parseModbusAddress('HR:3000:float32:CDAB')));
    expect(bank.get('HR:3000:float32:CDAB')).toBe(-1.25);

    expect(writes).toEqual([
      ['HR', 1500, 1],
      ['HR', 2000, 123],
      ['HR', 3000, 2],
    ]);
    expect(await exceptionOf(client.writeRegisters(2000, [...values, 1]))).toBe(3);
    expect(bank.holdingRegisters[2123]).toBe(0);
  });

  it('answers exception 2 for undefined addresses, and serves both sides of the hole', async () => {
    const { bank, port } = await startServer();
    bank.set('HR:65', 65);
    bank.set('HR:75', 75);
    const client = await connectClient(port);

    expect(await exceptionOf(client.readHoldingRegisters(65, 11))).toBe(2); // 65..75 spans HR 70
    expect(await exceptionOf(client.readHoldingRegisters(HOLE_ADDRESS, 1))).toBe(2);
    expect((await client.readHoldingRegisters(60, 10)).data[5]).toBe(65);
    expect((await client.readHoldingRegisters(71, 9)).data[4]).toBe(75);
    expect(await exceptionOf(client.writeRegister(HOLE_ADDRESS, 1))).toBe(2);
    expect(await exceptionOf(client.writeRegisters(68, [1, 2, 3, 4]))).toBe(2);
    expect(bank.holdingRegisters[68]).toBe(0); // nothing of a refused write lands
    expect(await exceptionOf(client.readHoldingRegisters(65500, 100))).toBe(2); // past 65535
    expect(await exceptionOf(client.readInputRegisters(40, 1))).toBe(2);
    expect(await exceptionOf(client.readCoils(16, 1))).toBe(2);
    expect(await exceptionOf(client.readDiscreteInputs(15, 2))).toBe(2);
    expect(await exceptionOf(client.writeCoil(500, true))).toBe(2);
    expect(await exceptionOf(client.writeCoils(10, Array.from({ length: 10 }, () => true)))).toBe(2);
  });

  it('answers exception 1 for function codes it does not implement', async () => {
    const { port } = await startServer();
    const raw = await RawClient.connect(port);
    raw.socket.write(frame(7, 1, [0x2b, 0x0e, 0x01, 0x00])); // read device identification
    raw.socket.write(frame(8, 1, [22, 0, 1, 0xff, 0xff, 0, 0])); // mask write register
    const [a, b] = await raw.frames(2);
    expect([...a!]).toEqual([0, 7, 0, 0, 0, 3, 1, 0xab, 1]);
    expect([...b!]).toEqual([0, 8, 0, 0, 0, 3, 1, 22 | 0x80, 1]);
  });

  it('answers exception 3 for malformed PDUs and bad coil values', async () => {
    const { port } = await startServer();
    const raw = await RawClient.connect(port);
    raw.socket.write(frame(1, 1, [3, 0, 0])); // FC3 without a quantity
    raw.socket.write(frame(2, 1, [5, 0, 1, 0x12, 0x34])); // FC5 value neither FF00 nor 0000
    raw.socket.write(frame(3, 1, [16, 0x03, 0xe8, 0, 2, 3, 0, 1, 0])); // FC16 byte count 3 for 2 registers
    raw.socket.write(frame(4, 1, [16, 0x03, 0xe8, 0, 124, 0])); // FC16 over 123, before any data
    const frames = await raw.frames(4);
    expect(frames.map((f) => [f.readUInt16BE(0), f[7], f[8]])).toEqual([
      [1, 0x83, 3],
      [2, 0x85, 3],
      [3, 0x90, 3],
      [4, 0x90, 3],
    ]);
  });

  it('reassembles a frame split across TCP chunks', async () => {
    const { bank, port } = await startServer();
    bank.holdingRegisters[1000] = 0x1234;
    bank.holdingRegisters[1001] = 0x5678;
    const raw = await RawClient.connect(port);
    const request = frame(0x0102, 1, readHolding(1000, 2));
    raw.socket.setNoDelay(true);
    for (const piece of [request.subarray(0, 3), request.subarray(3, 7), request.subarray(7, 9), request.subarray(9)]) {
      raw.socket.write(piece);
      await sleep(20); // separate TCP segments
    }
    const [response] = await raw.frames(1);
    expect([...response!]).toEqual([0x01, 0x02, 0, 0, 0, 7, 1, 3, 4, 0x12, 0x34, 0x56, 0x78]);
  });

  it('answers several frames arriving in one chunk, in order', async () => {
    const { bank, port } = await startServer();
    bank.holdingRegisters[1000] = 11;
    bank.inputRegisters[1] = 22;
    const raw = await RawClient.connect(port);
    // Two whole frames and the first half of a third, then the rest.
    const third = frame(3, 1, readHolding(1000, 1));
    raw.socket.write(
      Buffer.concat([frame(1, 1, readHolding(1000, 1)), frame(2, 1, [4, 0, 1, 0, 1]), third.subarray(0, 5)]),
    );
    await sleep(20);
    raw.socket.write(third.subarray(5));
    const frames = await raw.frames(3);
    expect(frames.map((f) => [f.readUInt16BE(0), f[7], f.readUInt16BE(9)])).toEqual([
      [1, 3, 11],
      [2, 4, 22],
      [3, 3, 11],
    ]);
  });

  it('serves a thousand pipelined requests in one write, each with its transaction id', async () => {
    const { bank, server, port } = await startServer();
    for (let i = 0; i < 125; i++) bank.holdingRegisters[5000 + i] = i;
    const raw = await RawClient.connect(port);
    raw.socket.write(Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame(i, 1, readHolding(5000 + (i % 50), 75)))));
    const frames = await raw.frames(1000, 10_000);
    frames.forEach((f, i) => {
      expect(f.readUInt16BE(0)).toBe(i);
      expect(f[8]).toBe(150);
      expect(f.readUInt16BE(9)).toBe(i % 50); // first register of the block
      expect(f.readUInt16BE(9 + 2 * 74)).toBe((i % 50) + 74);
    });
    expect(server.requests).toBe(1000);
  });

  it('closes the connection on a protocol id other than 0 or a nonsense length', async () => {
    const { server, port } = await startServer();
    const cases = [
      frame(1, 1, readHolding(1000, 1), 1), // protocol id 1
      frame(1, 1, readHolding(1000, 1), 0, 0), // length 0
      frame(1, 1, readHolding(1000, 1), 0, 1), // length 1: not even a function code
      frame(1, 1, readHolding(1000, 1), 0, 0xffff), // far beyond any PDU
    ];
    for (const bad of cases) {
      const raw = await RawClient.connect(port);
      raw.socket.write(bad);
      await raw.closed;
      expect(raw.received).toBe(0);
    }
    // The server itself keeps serving.
    const client = await connectClient(port);
    await client.readHoldingRegisters(1000, 1);
    expect(server.connections).toBe(5);
  });

  it('answers only its unit id when given one, ignoring others silently', async () => {
    const { bank, server, port } = await startServer({ unitId: 1 });
    bank.holdingRegisters[1000] = 99;
    const raw = await RawClient.connect(port);
    raw.socket.write(Buffer.concat([frame(1, 2, readHolding(1000, 1)), frame(2, 1, readHolding(1000, 1))]));
    const [only] = await raw.frames(1);
    expect(only!.readUInt16BE(0)).toBe(2);
    await sleep(50);
    expect(raw.received).toBe(only!.length);
    expect(server.requests).toBe(1);

    // Without a unit id every unit is answered.
    const open = await startServer();
    const raw2 = await RawClient.connect(open.port);
    raw2.socket.write(Buffer.concat([frame(1, 2, readHolding(1000, 1)), frame(2, 247, readHolding(1000, 1))]));
    const both = await raw2.frames(2);
    expect(both.map((f) => f[6])).toEqual([2, 247]);
  });

  it('drops connections while the link is down and serves again once it is up', async () => {
    const { bank, server, port } = await startServer();
    bank.holdingRegisters[1000] = 7;
    const client = await connectClient(port);
    expect((await client.readHoldingRegisters(1000, 1)).data).toEqual([7]);

    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    server.setLinkDown(true);
    await closed;
    await expect(client.readHoldingRegisters(1000, 1)).rejects.toThrow();
    expect(server.openConnections).toBe(0);

    // New connections are accepted, then dropped at once.
    const raw = await RawClient.connect(port);
    raw.socket.write(frame(1, 1, readHolding(1000, 1)));
    await raw.closed;
    expect(raw.received).toBe(0);

    server.setLinkDown(false);
    const again = await connectClient(port);
    expect((await again.readHoldingRegisters(1000, 1)).data).toEqual([7]);
  });

  it('reads but never answers while silent, so clients time out', async () => {
    const { bank, server, port } = await startServer();
    bank.holdingRegisters[1000] = 3;
    const client = await connectClient(port, 200);
    server.setSilent(true);
    await expect(client.readHoldingRegisters(1000, 1)).rejects.toThrow(/Timed out/);
    expect(server.requests).toBe(1);
    expect(client.isOpen).toBe(true); // the connection stays up: the device just does not answer
    server.setSilent(false);
    expect((await client.readHoldingRegisters(1000, 1)).data).toEqual([3]);
  });

  it('close() destroys client connections and frees the port', async () => {
    const bank = new RegisterBank().define('HR', 0, 10);
    const server = new ModbusTcpServer(bank, { host: HOST, port: 0 });
    const port = await server.listen();
    const raw = await RawClient.connect(port);
    await server.close();
    await raw.closed;
    await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    await server.close(); // twice is harmless
  });
});

describe('startDemoPlant', () => {
  async function startDemo(): Promise<{ demo: DemoPlant; client: ModbusRTU }> {
    const demo = await startDemoPlant({ host: HOST, port: 0, unitId: 1, stepMs: 50, seed: 1 });
    cleanups.push(() => demo.stop());
    const client = await connectClient(demo.port);
    return { demo, client };
  }

  const signal = (name: string) => {
    const def = SIGNALS.find((s) => s.name === name);
    if (!def) throw new Error(`no signal ${name}`);
    return { def, address: parseModbusAddress(def.address) };
  };

  async function readSignal(client: ModbusRTU, name: string): Promise<number | boolean> {
    const { address } = signal(name);
    if (address.area === 'CO') return (await client.readCoils(address.offset, 1)).data[0]!;
    if (address.area === 'DI') return (await client.readDiscreteInputs(address.offset, 1)).data[0]!;
    const read = address.area === 'HR' ? client.readHoldingRegisters(address.offset, address.length) : client.readInputRegisters(address.offset, address.length);
    return decodeRegisters((await read).data, 0, address) as number | boolean;
  }

  it('serves a live plant: the level moves from one second to the next', async () => {
    const { demo, client } = await startDemo();
    const first = await readSignal(client, 'tank.level');
    await sleep(1000);
    const second = await readSignal(client, 'tank.level');
    expect(typeof first).toBe('number');
    expect(second).not.toBe(first);
    expect(Math.abs(Number(second) - Number(first))).toBeGreaterThan(5); // counts
    expect(Number(second)).toBeCloseTo(demo.plant.tank.level * 1000, -1);
    expect(demo.plant.time).toBeGreaterThan(0.8);
  });

  it('takes a written TIC setpoint into the plant, and the PID acts on it', async () => {
    const { demo, client } = await startDemo();
    await sleep(200);
    // Heating up from cold towards 65 °C, the loop has its valve wide open.
    expect(Number(await readSignal(client, 'hx.steamValve'))).toBeGreaterThan(50);
    const { address } = signal('hx.setpoint');
    await client.writeRegisters(address.offset, encodeRegisters(10.5, address)); // below the inlet temperature
    expect(demo.plant.hx.setpoint).toBe(10.5); // applied with the write, not at the next scan
    await sleep(200);
    expect(await readSignal(client, 'hx.setpoint')).toBe(10.5);
    expect(await readSignal(client, 'hx.steamValve')).toBe(0);

    // Manual: the steam valve follows the manual output.
    await client.writeCoil(signal('hx.auto').address.offset, false);
    const mo = signal('hx.manualOutput').address;
    await client.writeRegisters(mo.offset, encodeRegisters(12.5, mo));
    await sleep(200);
    expect(demo.plant.hx.auto).toBe(false);
    expect(await readSignal(client, 'hx.steamValve')).toBe(12.5);

    // A command beyond the equipment's range is clamped, and the register shows it.
    await client.writeRegister(signal('tank.inflowValve').address.offset, 1500); // 150.0 %
    await sleep(200);
    expect(demo.plant.tank.valveCommand).toBe(100);
    expect(await readSignal(client, 'tank.inflowValve')).toBe(1000);
  });

  it('injects sensor_stuck, out_of_range and link_down, and clears them', async () => {
    const { demo, client } = await startDemo();

    demo.setFault('sensor_stuck', 'tank.level', true);
    const stuck = await readSignal(client, 'tank.level');
    await sleep(800);
    expect(await readSignal(client, 'tank.level')).toBe(stuck);
    expect(Math.abs(demo.plant.tank.level * 1000 - Number(stuck))).toBeGreaterThan(10); // the plant went on
    expect(demo.status().faults).toEqual([{ kind: 'sensor_stuck', signal: 'tank.level' }]);
    demo.setFault('sensor_stuck', 'tank.level', false);
    expect(Number(await readSignal(client, 'tank.level'))).toBeCloseTo(demo.plant.tank.level * 1000, -1);

    demo.setFault('out_of_range', 'tank.level', true);
    demo.setFault('out_of_range', 'hx.temperature', true);
    demo.setFault('out_of_range', 'pump.current', true);
    await sleep(100);
    expect(await readSignal(client, 'tank.level')).toBe(12000); // 120 % of 0..10000
    expect(await readSignal(client, 'hx.temperature')).toBe(-25);
    expect(await readSignal(client, 'pump.current')).toBe(30);
    expect(demo.status().faults).toHaveLength(3);
    for (const name of ['tank.level', 'hx.temperature', 'pump.current']) demo.setFault('out_of_range', name, false);
    const temperature = Number(await readSignal(client, 'hx.temperature'));
    expect(temperature).toBeGreaterThan(0);
    expect(temperature).toBeLessThan(150);
    expect(demo.status().faults).toEqual([]);

    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    demo.setFault('link_down', undefined, true);
    await closed;
    await expect(client.readInputRegisters(0, 1)).rejects.toThrow();
    expect(demo.status().faults).toEqual([{ kind: 'link_down' }]);
    demo.setFault('link_down', undefined, false);
    const again = await connectClient(demo.port);
    expect((await again.readInputRegisters(0, 1)).data).toHaveLength(1);
    expect(demo.status().faults).toEqual([]);
  });

  it('names the valid signals when a fault names none or an unknown one', async () => {
    const { demo } = await startDemo();
    const signals = demo.status().signals;
    for (const name of ['tank.level', 'hx.temperature', 'pump.current', 'pump.vibration']) expect(signals).toContain(name);
    expect(() => demo.setFault('sensor_stuck', 'tank.volume', true)).toThrow(/tank\.volume.*tank\.level.*pump\.vibration/);
    expect(() => demo.setFault('out_of_range', undefined, true)).toThrow(/needs a signal.*hx\.temperature/);
    expect(() => demo.setFault('out_of_range', 'hx.setpoint', true)).toThrow(/hx\.setpoint/); // a setpoint is no sensor
    expect(demo.status().faults).toEqual([]);
  });

  it('answers only unit 1 when asked to, and stops stepping once stopped', async () => {
    const demo = await startDemoPlant({ host: HOST, port: 0, unitId: 1, stepMs: 20 });
    const raw = await RawClient.connect(demo.port);
    raw.socket.write(Buffer.concat([frame(1, 5, [4, 0, 0, 0, 1]), frame(2, 1, [4, 0, 0, 0, 1])]));
    const [answer] = await raw.frames(1);
    expect(answer!.readUInt16BE(0)).toBe(2);
    await demo.stop();
    await raw.closed;
    const time = demo.plant.time;
    await sleep(100);
    expect(demo.plant.time).toBe(time);
  });
});

describe('resources/demo-plant.yaml', () => {
  const file = new URL('../../../resources/demo-plant.yaml', import.meta.url);
  const project = projectSchema.parse(parse(readFileSync(file, 'utf8')));

  it('is a valid project polling the simulator', () => {
    expect(() => loadProjectFile(file.pathname)).not.toThrow(); // schema and cross-checks (addresses, paths)
    expect(project.simulator?.modbusTcp).toMatchObject({ host: '127.0.0.1', port: 5020, unitId: 1 });
    expect(project.devices).toEqual([
      expect.objectContaining({ name: 'plc1', driver: 'modbus-tcp', host: '127.0.0.1', port: 5020, unitId: 1, pollMs: 500 }),
    ]);
    expect(project.tags.length).toBeGreaterThanOrEqual(25);
    expect(project.tags.length).toBeLessThanOrEqual(40);
    for (const tag of project.tags) {
      expect(tag.device).toBe('plc1');
      expect(tag.path).toMatch(/^Plant\/[A-Za-z]+(\/[A-Za-z]+)+$/);
      expect(tag.description).not.toBe('');
    }
  });

  it('has one tag per signal of the register map, with its address, scale, limits and writability', () => {
    expect(project.tags.map((t) => t.path).sort()).toEqual(SIGNALS.map((s) => s.tagPath).sort());
    for (const s of SIGNALS) {
      const tag = project.tags.find((t) => t.path === s.tagPath)!;
      expect(tag.address, s.name).toBe(s.address);
      expect(tag.writable, s.name).toBe(s.write !== undefined);
      expect(tag.units, s.name).toBe(s.units);
      if (s.rawPerUnit === undefined) expect(tag.scale, s.name).toBeUndefined();
      else {
        const scale = tag.scale!;
        expect((scale.rawMax - scale.rawMin) / (scale.euMax - scale.euMin), s.name).toBe(s.rawPerUnit);
        expect(scale.rawMin / s.rawPerUnit - scale.euMin, s.name).toBe(0);
      }
      if (s.range) {
        expect(tag.limits, s.name).toMatchObject({ min: s.range[0], max: s.range[1], severity: 'bad' });
      }
      if (s.outOfRange !== undefined) {
        // The fault must land outside the tag's plausibility range, or it would pass as Good.
        expect(s.outOfRange < tag.limits!.min! || s.outOfRange > tag.limits!.max!, s.name).toBe(true);
      }
    }
  });
});
