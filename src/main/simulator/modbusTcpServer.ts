// A Modbus TCP server on node:net, serving a RegisterBank.
//
// Frames are MBAP (transaction id, protocol id 0, length, unit id) + PDU.
// TCP delivers a byte stream, so a frame may arrive in pieces and one chunk
// may hold several frames: each connection keeps the unfinished tail and
// parses every complete frame in a chunk. Responses are written straight into
// one Buffer per request; registers are copied byte by byte, never through
// intermediate arrays, so one loopback connection serves tens of thousands of
// requests per second.
//
// Faults for tests and the demo: `setLinkDown` (connections are accepted and
// dropped at once, like a gateway whose PLC cable is pulled) and `setSilent`
// (requests are read and never answered, like a hung device).
import net from 'node:net';
import { ILLEGAL_DATA_ADDRESS, ILLEGAL_DATA_VALUE, ILLEGAL_FUNCTION, type RegisterBank } from './registerBank';

export interface ModbusTcpServerOptions {
  readonly host: string;
  /** 0 lets the OS pick a free port; `listen()` resolves the one bound. */
  readonly port: number;
  /** Answer only this unit id (others are ignored, as a gateway without that unit would). Undefined answers all. */
  readonly unitId?: number;
}

const MBAP_HEADER = 7; // transaction id (2), protocol id (2), length (2), unit id (1)
// The protocol caps a PDU at 253 bytes (MBAP length 254). A client that
// overshoots the FC15/FC16 quantity limits still describes its data with a
// one-byte byte count, so frames up to 6 + 255 PDU bytes are answered with
// exception 3; anything longer cannot be a Modbus request and closes the link.
const MIN_LENGTH = 2; // unit id + function code
const MAX_LENGTH = 1 + 6 + 255;

const MAX_READ_BITS = 2000;
const MAX_READ_REGISTERS = 125;
const MAX_WRITE_BITS = 1968;
const MAX_WRITE_REGISTERS = 123;

const EMPTY = Buffer.alloc(0);

export class ModbusTcpServer {
  /** Requests addressed to this server (answered or, while silent, swallowed). */
  requests = 0;
  /** Connections accepted since start (including those dropped while the link is down). */
  connections = 0;

  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private linkDown = false;
  private silent = false;
  private closed = false;
  private listening = false;

  constructor(
    private readonly bank: RegisterBank,
    private readonly options: ModbusTcpServerOptions,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Binds and resolves the port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.listening = true;
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : this.options.port);
      });
    });
  }

  /** Stops listening and destroys every client connection. */
  close(): Promise<void> {
    this.closed = true;
    this.dropAll();
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  get isLinkDown(): boolean {
    return this.linkDown;
  }

  get isSilent(): boolean {
    return this.silent;
  }

  setLinkDown(down: boolean): void {
    this.linkDown = down;
    if (down) this.dropAll();
  }

  setSilent(silent: boolean): void {
    this.silent = silent;
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    socket.on('error', () => {}); // resets by the client are normal; 'close' follows
    if (this.linkDown || this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));

    let pending: Buffer = EMPTY;
    let paused = false;
    socket.on('data', (chunk: Buffer) => {
      const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let pos = 0;
      socket.cork();
      while (buf.length - pos >= 6) {
        const protocol = buf.readUInt16BE(pos + 2);
        const length = buf.readUInt16BE(pos + 4);
        if (protocol !== 0 || length < MIN_LENGTH || length > MAX_LENGTH) {
          socket.destroy(); // not Modbus TCP, or out of step with the stream: resynchronising is guesswork
          return;
        }
        if (buf.length - pos < 6 + length) break;
        const response = this.handleFrame(buf, pos, length);
        if (response && !socket.write(response) && !paused) {
          // The client does not read its answers: stop reading its requests until it does.
          paused = true;
          socket.pause();
          socket.once('drain', () => {
            paused = false;
            socket.resume();
          });
        }
        pos += 6 + length;
      }
      socket.uncork();
      pending = pos === buf.length ? EMPTY : buf.subarray(pos);
    });
  }

  /** Answers the frame at `buf[pos..]`; null when it gets no answer. */
  private handleFrame(buf: Buffer, pos: number, length: number): Buffer | null {
    const unit = buf[pos + 6]!;
    if (this.options.unitId !== undefined && unit !== this.options.unitId) return null;
    this.requests++;
    if (this.silent) return null;
    const fc = buf[pos + 7]!;
    const pdu = pos + 8; // first byte after the function code
    const pduData = length - 2; // bytes after the function code
    switch (fc) {
      case 1:
      case 2:
        return this.readBits(buf, pos, fc, pdu, pduData);
      case 3:
      case 4:
        return this.readRegisters(buf, pos, fc, pdu, pduData);
      case 5:
        return this.writeSingleCoil(buf, pos, pdu, pduData);
      case 6:
        return this.writeSingleRegister(buf, pos, pdu, pduData);
      case 15:
        return this.writeMultipleCoils(buf, pos, pdu, pduData);
      case 16:
        return this.writeMultipleRegisters(buf, pos, pdu, pduData);
      default:
        return exception(buf, pos, fc, ILLEGAL_FUNCTION);
    }
  }

  private readBits(buf: Buffer, pos: number, fc: number, pdu: number, pduData: number): Buffer {
    if (pduData !== 4) return exception(buf, pos, fc, ILLEGAL_DATA_VALUE);
    const start = buf.readUInt16BE(pdu);
    const count = buf.readUInt16BE(pdu + 2);
    if (count < 1 || count > MAX_READ_BITS) return exception(buf, pos, fc, ILLEGAL_DATA_VALUE);
    const area = fc === 1 ? 'CO' : 'DI';
    if (!this.bank.isDefined(area, start, count)) return exception(buf, pos, fc, ILLEGAL_DATA_ADDRESS);
    const byteCount = (count + 7) >> 3;
    const out = response(buf, pos, fc, 1 + byteCount);
    out[8] = byteCount;
    out.fill(0, 9);
    const bits = this.bank.bits(area);
    for (let i = 0; i < count; i++) {
      if (bits[start + i] === 1) out[9 + (i >> 3)]! |= 1 << (i & 7);
    }
    return out;
  }

  private readRegisters(buf: Buffer, pos: number, fc: number, pdu: number, pduData: number): Buffer {
    if (pduData !== 4) return exception(buf, pos, fc, ILLEGAL_DATA_VALUE);
    const start = buf.readUInt16BE(pdu);
    const count = buf.readUInt16BE(pdu + 2);
    if (count < 1 || count > MAX_READ_REGISTERS) return exception(buf, pos, fc, ILLEGAL_DATA_VALUE);
    const area = fc === 3 ? 'HR' : 'IR';
    if (!this.bank.isDefined(area, start, count)) return exception(buf, pos, fc, ILLEGAL_DATA_ADDRESS);
    const out = response(buf, pos, fc, 1 + 2 * count);
    out[8] = 2 * count;
    const regs = this.bank.registers(area);
    for (let i = 0, p = 9; i < count; i++, p += 2) {
      const word = regs[start + i]!;
      out[p] = word >> 8;
      out[p + 1] = word & 0xff;
    }
    return out;
  }

  private writeSingleCoil(buf: Buffer, pos: number, pdu: number, pduData: number): Buffer {
    if (pduData !== 4) return exception(buf, pos, 5, ILLEGAL_DATA_VALUE);
    const offset = buf.readUInt16BE(pdu);
    const value = buf.readUInt16BE(pdu + 2);
    if (value !== 0xff00 && value !== 0x0000) return exception(buf, pos, 5, ILLEGAL_DATA_VALUE);
    if (!this.bank.isDefined('CO', offset, 1)) return exception(buf, pos, 5, ILLEGAL_DATA_ADDRESS);
    this.bank.writeCoilFromClient(offset, value === 0xff00);
    return echo(buf, pos, 5, pdu);
  }

  private writeSingleRegister(buf: Buffer, pos: number, pdu: number, pduData: number): Buffer {
    if (pduData !== 4) return exception(buf, pos, 6, ILLEGAL_DATA_VALUE);
    const offset = buf.readUInt16BE(pdu);
    if (!this.bank.isDefined('HR', offset, 1)) return exception(buf, pos, 6, ILLEGAL_DATA_ADDRESS);
    this.bank.writeRegistersFromClient(offset, 1, buf, pdu + 2);
    return echo(buf, pos, 6, pdu);
  }

  private writeMultipleCoils(buf: Buffer, pos: number, pdu: number, pduData: number): Buffer {
    if (pduData < 5) return exception(buf, pos, 15, ILLEGAL_DATA_VALUE);
    const start = buf.readUInt16BE(pdu);
    const count = buf.readUInt16BE(pdu + 2);
    const byteCount = buf[pdu + 4]!;
    if (count < 1 || count > MAX_WRITE_BITS || byteCount !== (count + 7) >> 3 || pduData !== 5 + byteCount) {
      return exception(buf, pos, 15, ILLEGAL_DATA_VALUE);
    }
    if (!this.bank.isDefined('CO', start, count)) return exception(buf, pos, 15, ILLEGAL_DATA_ADDRESS);
    this.bank.writeCoilsFromClient(start, count, buf, pdu + 5);
    return echo(buf, pos, 15, pdu);
  }

  private writeMultipleRegisters(buf: Buffer, pos: number, pdu: number, pduData: number): Buffer {
    if (pduData < 5) return exception(buf, pos, 16, ILLEGAL_DATA_VALUE);
    const start = buf.readUInt16BE(pdu);
    const count = buf.readUInt16BE(pdu + 2);
    const byteCount = buf[pdu + 4]!;
    if (count < 1 || count > MAX_WRITE_REGISTERS || byteCount !== 2 * count || pduData !== 5 + byteCount) {
      return exception(buf, pos, 16, ILLEGAL_DATA_VALUE);
    }
    if (!this.bank.isDefined('HR', start, count)) return exception(buf, pos, 16, ILLEGAL_DATA_ADDRESS);
    this.bank.writeRegistersFromClient(start, count, buf, pdu + 5);
    return echo(buf, pos, 16, pdu);
  }
}

/** A response frame with the request's transaction and unit id, function code set, `pduData` bytes to fill from offset 8. */
function response(request: Buffer, pos: number, fc: number, pduData: number): Buffer {
  const out = Buffer.allocUnsafe(MBAP_HEADER + 1 + pduData);
  out[0] = request[pos]!;
  out[1] = request[pos + 1]!;
  out[2] = 0;
  out[3] = 0;
  out.writeUInt16BE(2 + pduData, 4);
  out[6] = request[pos + 6]!;
  out[7] = fc;
  return out;
}

function exception(request: Buffer, pos: number, fc: number, code: number): Buffer {
  const out = response(request, pos, (fc | 0x80) & 0xff, 1);
  out[8] = code;
  return out;
}

/** The write responses repeat the request's first four PDU bytes (address and quantity or value). */
function echo(request: Buffer, pos: number, fc: number, pdu: number): Buffer {
  const out = response(request, pos, fc, 4);
  request.copy(out, 8, pdu, pdu + 4);
  return out;
}
