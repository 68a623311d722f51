// A Modbus TCP server written in the test, independent of the simulator's:
// it logs every request's function code and can misbehave on purpose.
//
// Misbehaviours (set `misbehaviour`; each reply is shaped by the one in force
// when its request arrives):
//
//   none               a correct answer
//   silent             no answer at all
//   wrong-transaction  the answer carries the next transaction id
//   truncated          the last byte is missing (the MBAP length still counts it)
//   busy               exception 6 (server device busy)
//   garbage            random bytes of random length (half of them behind a plausible MBAP header)
//   wrong-length       the MBAP length field off by ±1..100
//   wrong-unit         the answer names another unit id
//   wrong-function     the answer carries another function code
//   short-pdu          a self-consistent frame with fewer (or more) data bytes than asked for
//   lying-byte-count   the full data, but a PDU byte count that is too small or too large
//   exception          an exception with a code of 1..11 (7 and 9 are unnamed), now and then 0 or 12..255
//   slow               the correct answer, `slowMs` late (past the driver's timeout)
//   split              the correct answer, one byte per TCP segment
//
// Random choices come from `random`, so a seeded generator makes a run repeatable.
import { createServer, type Server, type Socket } from 'node:net';

export interface LoggedRequest {
  readonly unitId: number;
  readonly fc: number;
  readonly address: number;
  readonly count: number;
  readonly values?: readonly number[];
}

export const MISBEHAVIOURS = [
  'none',
  'silent',
  'wrong-transaction',
  'truncated',
  'busy',
  'garbage',
  'wrong-length',
  'wrong-unit',
  'wrong-function',
  'short-pdu',
  'lying-byte-count',
  'exception',
  'slow',
  'split',
] as const;

export type Misbehaviour = (typeof MISBEHAVIOURS)[number];

export class RawModbusServer {
  readonly registers = new Uint16Array(65536);
  readonly inputs = new Uint16Array(65536);
  readonly coils = new Uint8Array(65536);
  readonly discretes = new Uint8Array(65536);
  /** Register addresses (HR/IR) that do not exist: any request touching one gets exception 2. */
  readonly holes = new Set<number>();
  readonly log: LoggedRequest[] = [];
  misbehaviour: Misbehaviour = 'none';
  /** The source of every random choice of a misbehaviour; a seeded PRNG makes a run repeatable. */
  random: () => number = Math.random;
  /** How late a 'slow' answer comes. */
  slowMs = 500;
  /** 'lying-byte-count': added to the true byte count; null: a random lie, half of them too small. */
  byteCountDelta: number | null = null;
  /** Called after a write (FC5/6/15/16) was stored, before it is answered: a device that clamps changes the registers here. */
  afterWrite: ((fc: number, address: number, count: number) => void) | null = null;
  /** Replies shaped by each misbehaviour ('silent' counts the requests left unanswered). */
  readonly frames: Record<Misbehaviour, number> = Object.fromEntries(MISBEHAVIOURS.map((m) => [m, 0])) as Record<Misbehaviour, number>;
  private readonly server: Server = createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly immediates = new Set<NodeJS.Immediate>();

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port));
    });
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const immediate of this.immediates) clearImmediate(immediate);
    this.immediates.clear();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 7 && pending.length >= 6 + pending.readUInt16BE(4)) {
        const length = 6 + pending.readUInt16BE(4);
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        this.reply(socket, frame);
      }
    });
  }

  private reply(socket: Socket, frame: Buffer): void {
    const misbehaviour = this.misbehaviour;
    const reply = this.answer(frame, misbehaviour);
    this.frames[misbehaviour]++;
    if (!reply) return;
    if (misbehaviour === 'slow') {
      this.later(this.slowMs, () => write(socket, reply));
    } else if (misbehaviour === 'split') {
      this.sendBytewise(socket, reply, 0);
    } else {
      write(socket, reply);
    }
  }

  /** One byte per write (Nagle is off, so one per segment), the next on the next turn of the event loop. */
  private sendBytewise(socket: Socket, bytes: Buffer, from: number): void {
    if (from >= bytes.length || socket.destroyed) return;
    write(socket, bytes.subarray(from, from + 1));
    const next = setImmediate(() => {
      this.immediates.delete(next);
      this.sendBytewise(socket, bytes, from + 1);
    });
    this.immediates.add(next);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private answer(frame: Buffer, misbehaviour: Misbehaviour): Buffer | null {
    const tid = frame.readUInt16BE(0);
    const unitId = frame.readUInt8(6);
    const pdu = frame.subarray(7);
    const fc = pdu.readUInt8(0);
    const address = pdu.readUInt16BE(1);
    const count = fc === 5 || fc === 6 ? 1 : pdu.readUInt16BE(3);
    const values =
      fc === 6 ? [pdu.readUInt16BE(3)] : fc === 5 ? [pdu.readUInt16BE(3) === 0xff00 ? 1 : 0] : fc === 16 ? readWords(pdu.subarray(6), count) : fc === 15 ? readBits(pdu.subarray(6), count) : undefined;
    this.log.push({ unitId, fc, address, count, values });

    switch (misbehaviour) {
      case 'silent':
        return null;
      case 'garbage':
        return this.garbage(tid);
      case 'busy':
        return mbap(tid, unitId, exception(fc, 6));
      case 'exception':
        return mbap(tid, unitId, exception(fc, this.exceptionCode()));
      default:
        break;
    }
    const isRead = fc >= 1 && fc <= 4;
    // Only reads are answered wrongly by the PDU misbehaviours: a write is executed, and its echo garbled.
    const body = this.execute(fc, address, count, values);
    switch (misbehaviour) {
      case 'wrong-transaction':
        return mbap((tid + 1) & 0xffff, unitId, body);
      case 'truncated': {
        const out = mbap(tid, unitId, body);
        return out.subarray(0, out.length - 1);
      }
      case 'wrong-length': {
        const out = mbap(tid, unitId, body);
        const delta = (1 + this.int(100)) * (this.random() < 0.5 ? -1 : 1);
        out.writeUInt16BE((out.readUInt16BE(4) + delta) & 0xffff, 4);
        return out;
      }
      case 'wrong-unit':
        return mbap(tid, (unitId + 1 + this.int(255)) & 0xff, body);
      case 'wrong-function': {
        let other = this.int(256);
        while (other === fc || other === (fc | 0x80)) other = this.int(256);
        const out = Buffer.from(body);
        out.writeUInt8(other, 0);
        return mbap(tid, unitId, out);
      }
      case 'short-pdu': {
        if (!isRead || body.length < 2 || (body[0]! & 0x80) !== 0) return mbap(tid, unitId, body.subarray(0, Math.min(body.length, 3)));
        // A frame that agrees with itself, only not with the request: fewer data bytes (or a few more).
        const data = body.subarray(2);
        const size = this.random() < 0.7 ? this.int(data.length) : data.length + 1 + this.int(8);
        const out = Buffer.alloc(2 + size);
        out.writeUInt8(fc, 0);
        out.writeUInt8(size & 0xff, 1);
        data.copy(out, 2, 0, Math.min(size, data.length));
        return mbap(tid, unitId, out);
      }
      case 'lying-byte-count': {
        if (!isRead || body.length < 2 || (body[0]! & 0x80) !== 0) return mbap(tid, unitId, body);
        // The frame is as long as the request wants; only the byte count inside lies.
        const out = Buffer.from(body);
        const actual = out.readUInt8(1);
        const lie =
          this.byteCountDelta !== null
            ? actual + this.byteCountDelta
            : actual > 0 && this.random() < 0.5
              ? this.int(actual)
              : actual + 1 + this.int(255 - actual);
        out.writeUInt8(lie & 0xff, 1);
        return mbap(tid, unitId, out);
      }
      default:
        return mbap(tid, unitId, body);
    }
  }

  private garbage(tid: number): Buffer {
    const length = 1 + this.int(300);
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    if (this.random() < 0.5 && length >= 4) {
      // Past the first check: the right transaction id and protocol, then nonsense.
      out.writeUInt16BE(tid, 0);
      out.writeUInt16BE(0, 2);
    }
    return out;
  }

  private exceptionCode(): number {
    const roll = this.random();
    if (roll < 0.9) return 1 + this.int(11);
    return roll < 0.95 ? 0 : 12 + this.int(244);
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
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
        this.afterWrite?.(fc, address, count);
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

function write(socket: Socket, bytes: Buffer): void {
  if (!socket.destroyed) socket.write(bytes);
}

/** The MBAP header (transaction, protocol 0, length, unit) in front of a PDU. */
function mbap(tid: number, unitId: number, pdu: Buffer): Buffer {
  const out = Buffer.alloc(7 + pdu.length);
  out.writeUInt16BE(tid, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt16BE(pdu.length + 1, 4);
  out.writeUInt8(unitId, 6);
  pdu.copy(out, 7);
  return out;
}

function exception(fc: number, code: number): Buffer {
  return Buffer.from([(fc | 0x80) & 0xff, code]);
}

function readWords(data: Buffer, count: number): number[] {
  return Array.from({ length: count }, (_, i) => data.readUInt16BE(i * 2));
}

function readBits(data: Buffer, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (data[i >> 3]! >> (i & 7)) & 1);
}
