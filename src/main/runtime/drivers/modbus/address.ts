// Modbus addresses as users write them: `AREA:OFFSET[.BIT][:TYPE[:ORDER]]`.
//
//   HR:100            holding register 100, uint16
//   HR:100:float32    holding registers 100-101, IEEE float, big-endian (ABCD)
//   IR:20:int32:CDAB  input registers 20-21, low word first
//   HR:7.3            bit 3 (0 = least significant) of holding register 7
//   CO:0  DI:12       a coil, a discrete input (always bool)
//   HR:200:string:20  20 characters (bytes) in registers 200-209, first character in the high byte
//   HR:200:string:20:BADC  the same with the two characters of each register swapped
//
// OFFSET is the 0-based protocol address, as it goes on the wire.
import type { TagDataType } from '../../../../shared/types';
import { AddressError } from '../driver';

export type ModbusArea = 'HR' | 'IR' | 'CO' | 'DI';
export type WordOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

export interface ModbusAddress {
  readonly area: ModbusArea;
  readonly offset: number;
  /** Bit of a register (0..15) for `HR:7.3`; undefined otherwise. */
  readonly bit?: number;
  readonly type: TagDataType;
  readonly order: WordOrder;
  /** Registers (HR/IR) or bits (CO/DI) the value occupies. */
  readonly length: number;
  /** A string's size in bytes (characters of ASCII text); two to a register. */
  readonly chars?: number;
}

/** The longest string a Modbus tag may hold: a whole read (125 registers). */
export const MAX_STRING_CHARS = 250;

export const MAX_OFFSET = 65535;
const AREAS: readonly ModbusArea[] = ['HR', 'IR', 'CO', 'DI'];
const ORDERS: readonly WordOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
const REGISTER_COUNT: Partial<Record<TagDataType, number>> = {
  bool: 1,
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  int64: 4,
  uint64: 4,
  float32: 2,
  float64: 4,
};

export { AddressError };

export function isBitArea(area: ModbusArea): boolean {
  return area === 'CO' || area === 'DI';
}

export function isWritableArea(area: ModbusArea): boolean {
  return area === 'HR' || area === 'CO';
}

export function parseModbusAddress(text: string): ModbusAddress {
  const parts = text.trim().split(':');
  if (parts[2]?.toLowerCase() === 'string') return parseStringAddress(text, parts);
  if (parts.length < 2 || parts.length > 4) {
    throw new AddressError(`"${text}" is not AREA:OFFSET[.BIT][:TYPE[:ORDER]] (for example HR:100:float32)`);
  }
  const [areaText, offsetText, typeText, orderText] = parts as [string, string, string?, string?];
  const area = areaText.toUpperCase() as ModbusArea;
  if (!AREAS.includes(area)) {
    throw new AddressError(`area "${areaText}" is not one of HR, IR, CO, DI`);
  }

  const match = /^(\d+)(?:\.(\d+))?$/.exec(offsetText);
  if (!match) throw new AddressError(`offset "${offsetText}" is not a number (0..${MAX_OFFSET})`);
  const offset = Number(match[1]);
  if (offset > MAX_OFFSET) throw new AddressError(`offset ${offset} is past ${MAX_OFFSET}`);
  const bit = match[2] === undefined ? undefined : Number(match[2]);

  if (isBitArea(area)) {
    if (bit !== undefined) throw new AddressError(`${area} is a bit area: "${offsetText}" cannot pick a bit`);
    if (typeText !== undefined && typeText.toLowerCase() !== 'bool') {
      throw new AddressError(`${area} holds single bits: type must be bool, not "${typeText}"`);
    }
    if (orderText !== undefined) throw new AddressError(`${area} holds single bits: a word order makes no sense`);
    return { area, offset, type: 'bool', order: 'ABCD', length: 1 };
  }

  const type = (typeText?.toLowerCase() ?? (bit === undefined ? 'uint16' : 'bool')) as TagDataType;
  if (!Object.hasOwn(REGISTER_COUNT, type)) {
    throw new AddressError(`type "${typeText}" is not one of bool, int16, uint16, int32, uint32, int64, uint64, float32, float64`);
  }
  if (bit !== undefined) {
    if (bit > 15) throw new AddressError(`bit ${bit} is past 15`);
    if (type !== 'bool') throw new AddressError(`a register bit (.${bit}) is a bool, not ${type}`);
  } else if (type === 'bool') {
    throw new AddressError(`a bool in a register needs a bit: ${area}:${offset}.0 … ${area}:${offset}.15`);
  }

  const order = (orderText?.toUpperCase() ?? 'ABCD') as WordOrder;
  if (!ORDERS.includes(order)) throw new AddressError(`order "${orderText}" is not one of ABCD, CDAB, BADC, DCBA`);
  if (orderText !== undefined && type === 'bool') throw new AddressError('a register bit takes no word order');

  const length = REGISTER_COUNT[type]!;
  if (offset + length - 1 > MAX_OFFSET) {
    throw new AddressError(`${type} at offset ${offset} needs ${length} registers and runs past ${MAX_OFFSET}`);
  }
  return bit === undefined ? { area, offset, type, order, length } : { area, offset, bit, type, order, length };
}

/** `AREA:OFFSET:string:CHARS[:ORDER]`: text in registers, two bytes to a register, NUL-padded. */
function parseStringAddress(text: string, parts: readonly string[]): ModbusAddress {
  if (parts.length < 4 || parts.length > 5) {
    throw new AddressError(`"${text}" is not AREA:OFFSET:string:CHARS[:ORDER] (for example HR:200:string:20)`);
  }
  const [areaText, offsetText, , charsText, orderText] = parts as [string, string, string, string, string?];
  const area = areaText.toUpperCase() as ModbusArea;
  if (area !== 'HR' && area !== 'IR') throw new AddressError(`a string lives in registers (HR or IR), not in ${areaText}`);
  if (!/^\d+$/.test(offsetText)) throw new AddressError(`offset "${offsetText}" is not a number (0..${MAX_OFFSET})`);
  const offset = Number(offsetText);
  if (!/^\d+$/.test(charsText) || Number(charsText) < 1 || Number(charsText) > MAX_STRING_CHARS) {
    throw new AddressError(`a string's length "${charsText}" is not a number of characters from 1 to ${MAX_STRING_CHARS}`);
  }
  const chars = Number(charsText);
  const order = (orderText?.toUpperCase() ?? 'ABCD') as WordOrder;
  if (order !== 'ABCD' && order !== 'BADC') throw new AddressError(`a string's order is ABCD (first character in the high byte) or BADC (swapped), not "${orderText}"`);
  const length = Math.ceil(chars / 2);
  if (offset + length - 1 > MAX_OFFSET) throw new AddressError(`a string of ${chars} characters at offset ${offset} runs past ${MAX_OFFSET}`);
  return { area, offset, type: 'string', order, length, chars };
}
