// The simulated PLC's data model: the four Modbus areas, of which only the
// ranges declared with `define()` exist.
//
// A real device answers "illegal data address" (exception 2) for anything it
// does not have; the bank reproduces that so the client's block planner can
// be tested against holes. The Modbus server reads and writes the typed
// arrays directly (no allocation per register); the simulator uses the typed
// helpers `set`/`get` with the project-file address syntax
// (`HR:100:float32`, `IR:20:int32:CDAB`, `HR:7.3`, `CO:0`).
import type { TagScalar } from '../../shared/types';
import { isBitArea, parseModbusAddress, type ModbusAddress, type ModbusArea } from '../runtime/drivers/modbus/address';
import { decodeRegisters, encodeRegisters, encodeText, setRegisterBit } from '../runtime/drivers/modbus/codec';

export const AREA_SIZE = 65536;

/** Exception codes of the Modbus application protocol. */
export const ILLEGAL_FUNCTION = 1;
export const ILLEGAL_DATA_ADDRESS = 2;
export const ILLEGAL_DATA_VALUE = 3;

/** An error a Modbus server reports as an exception response. */
export class ModbusException extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ModbusException';
  }
}

export type RegisterArea = 'HR' | 'IR';
export type BitArea = 'CO' | 'DI';

/** Called after a client wrote `count` holding registers or coils from `offset` on. */
export type WriteListener = (area: 'HR' | 'CO', offset: number, count: number) => void;

export class RegisterBank {
  readonly holdingRegisters = new Uint16Array(AREA_SIZE);
  readonly inputRegisters = new Uint16Array(AREA_SIZE);
  readonly coils = new Uint8Array(AREA_SIZE);
  readonly discreteInputs = new Uint8Array(AREA_SIZE);

  // runEnd[area][i] is the exclusive end of the defined run that contains i,
  // or i itself when i is not defined: a range check is then one lookup.
  private readonly runEnd: Record<ModbusArea, Int32Array> = {
    HR: new Int32Array(AREA_SIZE),
    IR: new Int32Array(AREA_SIZE),
    CO: new Int32Array(AREA_SIZE),
    DI: new Int32Array(AREA_SIZE),
  };
  private readonly listeners = new Set<WriteListener>();
  private readonly parsed = new Map<string, ModbusAddress>();

  constructor() {
    for (const ends of Object.values(this.runEnd)) {
      for (let i = 0; i < AREA_SIZE; i++) ends[i] = i;
    }
  }

  /** Makes `count` addresses from `start` on exist (their values start at 0). */
  define(area: ModbusArea, start: number, count: number): this {
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > AREA_SIZE) {
      throw new RangeError(`${area} ${start}+${count} is not a range inside 0..${AREA_SIZE - 1}`);
    }
    const ends = this.runEnd[area];
    for (let i = start; i < start + count; i++) ends[i] = i + 1;
    // Recompute run ends backwards: a defined address's run ends where its successor's does.
    for (let i = AREA_SIZE - 2; i >= 0; i--) {
      if (ends[i]! > i) ends[i] = ends[i + 1]! > i + 1 ? ends[i + 1]! : i + 1;
    }
    return this;
  }

  /** True when every address of `start .. start+count-1` is defined. */
  isDefined(area: ModbusArea, start: number, count: number): boolean {
    if (start < 0 || count < 1 || start + count > AREA_SIZE) return false;
    return this.runEnd[area][start]! >= start + count;
  }

  /** The defined ranges of an area, as `[start, count]` pairs in ascending order. */
  definedRanges(area: ModbusArea): Array<[number, number]> {
    const ends = this.runEnd[area];
    const out: Array<[number, number]> = [];
    let i = 0;
    while (i < AREA_SIZE) {
      const end = ends[i]!;
      if (end > i) {
        out.push([i, end - i]);
        i = end;
      } else i++;
    }
    return out;
  }

  registers(area: RegisterArea): Uint16Array {
    return area === 'HR' ? this.holdingRegisters : this.inputRegisters;
  }

  bits(area: BitArea): Uint8Array {
    return area === 'CO' ? this.coils : this.discreteInputs;
  }

  /** Stores a value by address (the simulator's side: no write listener fires). */
  set(address: string | ModbusAddress, value: TagScalar): void {
    const a = this.resolve(address);
    if (isBitArea(a.area)) {
      this.bits(a.area as BitArea)[a.offset] = value === true || (typeof value === 'number' && value !== 0) ? 1 : 0;
      return;
    }
    const regs = this.registers(a.area as RegisterArea);
    if (a.bit !== undefined) {
      regs[a.offset] = setRegisterBit(regs[a.offset]!, a.bit, value === true || value === 1);
      return;
    }
    if (a.type === 'string') {
      if (typeof value !== 'string') throw new TypeError(`${a.area}:${a.offset} holds text, not ${String(value)}`);
      const words = encodeText(value, a);
      for (let i = 0; i < words.length; i++) regs[a.offset + i] = words[i]!;
      return;
    }
    if (typeof value !== 'number') throw new TypeError(`${a.area}:${a.offset} holds a ${a.type}, not ${typeof value === 'string' ? 'text' : 'a boolean'}`);
    const words = encodeRegisters(value, a);
    for (let i = 0; i < words.length; i++) regs[a.offset + i] = words[i]!;
  }

  /** Reads a value by address: a boolean for bits, a number otherwise. */
  get(address: string | ModbusAddress): TagScalar {
    const a = this.resolve(address);
    if (isBitArea(a.area)) return this.bits(a.area as BitArea)[a.offset] === 1;
    return decodeRegisters(this.registers(a.area as RegisterArea), a.offset, a);
  }

  /** Subscribes to client writes; returns the unsubscribe function. */
  onWrite(listener: WriteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A client's write of `count` big-endian registers found at `src[srcOffset..]`
   * (FC6, FC16). The caller has checked that the range is defined.
   */
  writeRegistersFromClient(start: number, count: number, src: Uint8Array, srcOffset: number): void {
    const regs = this.holdingRegisters;
    for (let i = 0; i < count; i++) {
      const p = srcOffset + 2 * i;
      regs[start + i] = (src[p]! << 8) | src[p + 1]!;
    }
    this.notify('HR', start, count);
  }

  /** A client's write of `count` coils packed LSB-first at `src[srcOffset..]` (FC15). */
  writeCoilsFromClient(start: number, count: number, src: Uint8Array, srcOffset: number): void {
    const coils = this.coils;
    for (let i = 0; i < count; i++) coils[start + i] = (src[srcOffset + (i >> 3)]! >> (i & 7)) & 1;
    this.notify('CO', start, count);
  }

  /** A client's write of one coil (FC5). */
  writeCoilFromClient(offset: number, on: boolean): void {
    this.coils[offset] = on ? 1 : 0;
    this.notify('CO', offset, 1);
  }

  private notify(area: 'HR' | 'CO', offset: number, count: number): void {
    for (const listener of this.listeners) listener(area, offset, count);
  }

  private resolve(address: string | ModbusAddress): ModbusAddress {
    let a: ModbusAddress | undefined;
    if (typeof address === 'string') {
      a = this.parsed.get(address);
      if (!a) this.parsed.set(address, (a = parseModbusAddress(address)));
    } else a = address;
    if (!this.isDefined(a.area, a.offset, a.length)) {
      throw new ModbusException(
        ILLEGAL_DATA_ADDRESS,
        `${a.area} ${a.offset}${a.length > 1 ? `..${a.offset + a.length - 1}` : ''} is not defined in this register bank`,
      );
    }
    return a;
  }
}
