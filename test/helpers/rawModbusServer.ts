// A Modbus TCP server written in the test, independent of the simulator's:
// it logs every request's function code and can misbehave on purpose.
import { createServer, type Server, type Socket } from 'node:net';

export interface LoggedRequest {
  readonly unitId: number;
  readonly fc: number;
  readonly address: number;
  readonly count: number;
  readonly values?: readonly number[];
}

export type Misbehaviour = 'none' | 'silent' | 'wrong-transaction' | 'truncated' | 'busy';

export class RawModbusServer {
  readonly registers = new Uint16Array(65536);
  readonly inputs = new Uint16Array(65536);
  readonly coils = new Uint8Array(65536);
  readonly discretes = new Uint8Array(65536);
  /** Register addresses (HR/IR) that do not exist: any request touching one gets exception 2. */
  readonly holes = new Set<number>();
  readonly log: LoggedRequest[] = [];
  misbehaviour: Misbehaviour = 'none';
  private readonly server: Server = createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<Socket>();

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port));
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 7 && pending.length >= 6 + pending.readUInt16BE(4)) {
        const length = 6 + pending.readUInt16BE(4);
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        const reply = this.answer(frame);
        if (reply) socket.write(reply);
      }
    });
  }

  private answer(frame: Buffer): Buffer | null {
    const tid = frame.readUInt16BE(0);
    const unitId = frame.readUInt8(6);
    const pdu = frame.subarray(7);
    const fc = pdu.readUInt8(0);
    const address = pdu.readUInt16BE(1);
    const count = fc === 5 || fc === 6 ? 1 : pdu.readUInt16BE(3);
    const values =
      fc === 6 ? [pdu.readUInt16BE(3)] : fc === 5 ? [pdu.readUInt16BE(3) === 0xff00 ? 1 : 0] : fc === 16 ? readWords(pdu.subarray(6), count) : fc === 15 ? readBits(pdu.subarray(6), count) : undefined;
    this.log.push({ unitId, fc, address, count, values });

    if (this.misbehaviour === 'silent') return null;
    const body = this.misbehaviour === 'busy' ? exception(fc, 6) : this.execute(fc, address, count, values);
    const out = Buffer.alloc(7 + body.length);
    out.writeUInt16BE(this.misbehaviour === 'wrong-transaction' ? (tid + 1) & 0xffff : tid, 0);
    out.writeUInt16BE(0, 2);
    out.writeUInt16BE(body.length + 1, 4);
    out.writeUInt8(unitId, 6);
    body.copy(out, 7);
    return this.misbehaviour === 'truncated' ? out.subarray(0, out.length - 1) : out;
  }

  private execute(fc: number, address: number, count: number, values: number[] | undefined): Buffer {
    const isRegisters = fc === 3 || fc === 4 || fc === 6 || fc === 16;
    if (isRegisters) {
      for (let a = address; a < address + count; a++) if (this.holes.has(a)) return exception(fc, 2);
    }
    switch (fc) {
      case 1:
      case 2: {
        const source = fc === 1 ? this.coils : this.discretes;
        const bytes = Buffer.alloc(Math.ceil(count / 8));
        for (let i = 0; i < count; i++) if (source[address + i]) bytes[i >> 3]! |= 1 << (i & 7);
        return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
      }
      case 3:
      case 4: {
        const source = fc === 3 ? this.registers : this.inputs;
        const out = Buffer.alloc(2 + count * 2);
        out.writeUInt8(fc, 0);
        out.writeUInt8(count * 2, 1);
        for (let i = 0; i < count; i++) out.writeUInt16BE(source[address + i]!, 2 + i * 2);
        return out;
      }
      case 5:
      case 6:
      case 15:
      case 16: {
        const target = fc === 5 || fc === 15 ? this.coils : this.registers;
        values!.forEach((v, i) => (target[address + i] = v));
        const out = Buffer.alloc(5);
        out.writeUInt8(fc, 0);
        out.writeUInt16BE(address, 1);
        if (fc === 5) out.writeUInt16BE(values![0] ? 0xff00 : 0, 3);
        else if (fc === 6) out.writeUInt16BE(values![0]!, 3);
        else out.writeUInt16BE(count, 3);
        return out;
      }
      default:
        return exception(fc, 1);
    }
  }
}

function exception(fc: number, code: number): Buffer {
  return Buffer.from([fc | 0x80, code]);
}

function readWords(data: Buffer, count: number): number[] {
  return Array.from({ length: count }, (_, i) => data.readUInt16BE(i * 2));
}

function readBits(data: Buffer, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (data[i >> 3]! >> (i & 7)) & 1);
}
