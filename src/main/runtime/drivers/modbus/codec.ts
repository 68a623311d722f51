// Register values <-> numbers, for every type and word order.
//
// The wire carries big-endian 16-bit registers. ORDER names the bytes of the
// value as they appear on the wire, A being the most significant:
//   ABCD  big-endian (Modicon default)       CDAB  words swapped ("little-endian word order")
//   BADC  bytes swapped inside each word      DCBA  fully little-endian
// For 64-bit values the same rule extends to four words.
import type { TagDataType, TagScalar } from '../../../../shared/types';
import type { ModbusAddress, WordOrder } from './address';

const scratch = new DataView(new ArrayBuffer(8));

/** Copies `count` registers from `regs[start..]` into `scratch`, big-endian, undoing `order`. */
function loadRegisters(regs: ArrayLike<number>, start: number, count: number, order: WordOrder): void {
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  for (let i = 0; i < count; i++) {
    let word = regs[start + (swapWords ? count - 1 - i : i)]! & 0xffff;
    if (swapBytes) word = ((word & 0xff) << 8) | (word >> 8);
    scratch.setUint16(i * 2, word);
  }
}

/** Writes `count` big-endian words from `scratch` into registers in `order`. */
function storeRegisters(count: number, order: WordOrder): number[] {
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let word = scratch.getUint16(i * 2);
    if (swapBytes) word = ((word & 0xff) << 8) | (word >> 8);
    out[swapWords ? count - 1 - i : i] = word;
  }
  return out;
}

/** Decodes a register value starting at `regs[start]`. */
export function decodeRegisters(regs: ArrayLike<number>, start: number, address: ModbusAddress): TagScalar {
  if (address.bit !== undefined) return ((regs[start]! >> address.bit) & 1) === 1;
  if (address.type === 'string') return decodeText(regs, start, address);
  loadRegisters(regs, start, address.length, address.order);
  return readScratch(address.type);
}

function readScratch(type: TagDataType): number {
  switch (type) {
    case 'uint16':
      return scratch.getUint16(0);
    case 'int16':
      return scratch.getInt16(0);
    case 'uint32':
      return scratch.getUint32(0);
    case 'int32':
      return scratch.getInt32(0);
    case 'float32':
      return scratch.getFloat32(0);
    case 'float64':
      return scratch.getFloat64(0);
    // Beyond ±(2^53 − 1) the number is the nearest double; the driver marks it (see exactInteger).
    case 'int64':
      return Number(scratch.getBigInt64(0));
    case 'uint64':
      return Number(scratch.getBigUint64(0));
    case 'bool':
      return scratch.getUint16(0) === 0 ? 0 : 1;
    case 'string':
      throw new RangeError('Modbus registers hold no string type');
  }
}

const INTEGER_RANGE: Partial<Record<TagDataType, readonly [number, number]>> = {
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

/**
 * Encodes a raw value into the registers of `address` (not for register bits,
 * which need the current register: see `setRegisterBit`). Throws a RangeError
 * naming the type's range when the value does not fit.
 */
export function encodeRegisters(value: number, address: ModbusAddress): number[] {
  const range = INTEGER_RANGE[address.type];
  if (range) {
    if (!Number.isInteger(value)) throw new RangeError(`${value} is not an integer, and ${address.type} holds only integers`);
    if (value < range[0] || value > range[1]) {
      throw new RangeError(`${value} is outside ${address.type} (${range[0]}..${range[1]})`);
    }
  }
  switch (address.type) {
    case 'uint16':
    case 'int16':
      scratch.setUint16(0, value & 0xffff);
      break;
    case 'uint32':
      scratch.setUint32(0, value);
      break;
    case 'int32':
      scratch.setInt32(0, value);
      break;
    case 'float32':
      if (Number.isFinite(value) && Math.abs(value) > 3.4028234663852886e38) {
        throw new RangeError(`${value} is outside float32`);
      }
      scratch.setFloat32(0, value);
      break;
    case 'float64':
      scratch.setFloat64(0, value);
      break;
    case 'int64':
    case 'uint64':
      // Only integers a number holds exactly: anything else would write a different value than asked.
      if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer a ${address.type} can take exactly (at most ±${Number.MAX_SAFE_INTEGER})`);
      if (address.type === 'uint64') {
        if (value < 0) throw new RangeError(`${value} is outside uint64 (0..)`);
        scratch.setBigUint64(0, BigInt(value));
      } else scratch.setBigInt64(0, BigInt(value));
      break;
    case 'bool':
      throw new RangeError('a register bit is written with setRegisterBit');
    case 'string':
      throw new RangeError('Modbus registers hold no string type');
  }
  return storeRegisters(address.length, address.order);
}

export function setRegisterBit(register: number, bit: number, on: boolean): number {
  return on ? (register | (1 << bit)) & 0xffff : register & ~(1 << bit) & 0xffff;
}

const utf8 = new TextDecoder('utf-8');

/** A string from registers: bytes in order (swapped in each register for BADC), up to the first NUL. */
function decodeText(regs: ArrayLike<number>, start: number, address: ModbusAddress): string {
  const chars = address.chars ?? address.length * 2;
  const bytes = new Uint8Array(chars);
  const swap = address.order === 'BADC';
  for (let i = 0; i < chars; i++) {
    const word = regs[start + (i >> 1)]! & 0xffff;
    const high = (i & 1) === 0;
    bytes[i] = high !== swap ? word >> 8 : word & 0xff;
  }
  const end = bytes.indexOf(0);
  return utf8.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** A string into registers, NUL-padded; a RangeError when it does not fit. */
export function encodeText(text: string, address: ModbusAddress): number[] {
  const chars = address.chars ?? address.length * 2;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > chars) throw new RangeError(`"${text}" is ${bytes.length} bytes; the tag holds ${chars}`);
  const swap = address.order === 'BADC';
  const out = new Array<number>(address.length).fill(0);
  bytes.forEach((byte, i) => {
    const high = (i & 1) === 0;
    out[i >> 1] = out[i >> 1]! | (high !== swap ? byte << 8 : byte);
  });
  return out;
}
