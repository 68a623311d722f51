// Text and 64-bit integers in Modbus registers: the address syntax, the
// byte layout on the wire, and what a number cannot hold exactly.
import { describe, expect, it } from 'vitest';
import { AddressError, parseModbusAddress } from '../../../src/main/runtime/drivers/modbus/address';
import { decodeRegisters, encodeRegisters, encodeText } from '../../../src/main/runtime/drivers/modbus/codec';
import { qualityOfReading } from '../../../src/main/runtime/drivers/values';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(4, '0')).join(' ');

describe('Modbus strings', () => {
  it('parses AREA:OFFSET:string:CHARS[:ORDER], two characters to a register', () => {
    expect(parseModbusAddress('HR:200:string:20')).toEqual({ area: 'HR', offset: 200, type: 'string', order: 'ABCD', length: 10, chars: 20 });
    expect(parseModbusAddress('IR:5:STRING:3:badc')).toEqual({ area: 'IR', offset: 5, type: 'string', order: 'BADC', length: 2, chars: 3 });
  });

  it.each([
    ['CO:1:string:4', 'a string lives in registers (HR or IR), not in CO'],
    ['HR:1:string', 'is not AREA:OFFSET:string:CHARS[:ORDER]'],
    ['HR:1:string:0', 'from 1 to 250'],
    ['HR:1:string:251', 'from 1 to 250'],
    ['HR:1:string:8:CDAB', 'ABCD (first character in the high byte) or BADC'],
    ['HR:65530:string:20', 'runs past 65535'],
  ])('refuses %s', (text, message) => {
    expect(() => parseModbusAddress(text)).toThrow(AddressError);
    expect(() => parseModbusAddress(text)).toThrow(message);
  });

  it('puts the first character in the high byte (ABCD), or the low one (BADC), NUL-padded', () => {
    const abcd = parseModbusAddress('HR:0:string:6');
    const badc = parseModbusAddress('HR:0:string:6:BADC');
    expect(hex(encodeText('AB1', abcd))).toBe('4142 3100 0000');
    expect(hex(encodeText('AB1', badc))).toBe('4241 0031 0000');
    expect(decodeRegisters(encodeText('AB1', abcd), 0, abcd)).toBe('AB1');
    expect(decodeRegisters(encodeText('AB1', badc), 0, badc)).toBe('AB1');
    // A full string has no NUL; text after a NUL is not part of the value.
    expect(decodeRegisters([0x4142, 0x4344, 0x4546], 0, abcd)).toBe('ABCDEF');
    expect(decodeRegisters([0x4142, 0x0044, 0x4546], 0, abcd)).toBe('AB');
    expect(decodeRegisters([0x5a5a, 0x4142, 0x4300], 1, parseModbusAddress('HR:1:string:4'))).toBe('ABC');
  });

  it('refuses text longer than the tag holds, in bytes (UTF-8)', () => {
    const address = parseModbusAddress('HR:0:string:4');
    expect(() => encodeText('ABCDE', address)).toThrow('"ABCDE" is 5 bytes; the tag holds 4');
    expect(() => encodeText('°C°C', address)).toThrow('is 6 bytes');
    expect(decodeRegisters(encodeText('°C', address), 0, address)).toBe('°C');
  });
});

describe('Modbus 64-bit integers', () => {
  it('reads int64 and uint64 in all four word orders', () => {
    for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA']) {
      const signed = parseModbusAddress(`HR:0:int64:${order}`);
      const unsigned = parseModbusAddress(`HR:0:uint64:${order}`);
      expect(signed.length).toBe(4);
      expect(decodeRegisters(encodeRegisters(-1234567890123, signed), 0, signed)).toBe(-1234567890123);
      expect(decodeRegisters(encodeRegisters(Number.MAX_SAFE_INTEGER, unsigned), 0, unsigned)).toBe(Number.MAX_SAFE_INTEGER);
    }
  });

  it('is a number while exact; beyond ±(2^53 − 1) the nearest double, and Uncertain (precision_lost)', () => {
    const address = parseModbusAddress('HR:0:uint64');
    // 2^60 + 1 on the wire: no double holds it.
    const value = decodeRegisters([0x1000, 0x0000, 0x0000, 0x0001], 0, address);
    expect(value).toBe(2 ** 60);
    expect(qualityOfReading('uint64', value)).toEqual({ status: 'uncertain', reason: 'precision_lost' });
    expect(qualityOfReading('uint64', 2 ** 53 - 1)).toEqual({ status: 'good' });
    expect(qualityOfReading('int64', -(2 ** 53) + 1)).toEqual({ status: 'good' });
    expect(qualityOfReading('float64', 2 ** 60)).toEqual({ status: 'good' });
  });

  it('refuses to write what a number does not hold exactly', () => {
    expect(() => encodeRegisters(2 ** 53, parseModbusAddress('HR:0:int64'))).toThrow('at most ±9007199254740991');
    expect(() => encodeRegisters(1.5, parseModbusAddress('HR:0:int64'))).toThrow(RangeError);
    expect(() => encodeRegisters(-1, parseModbusAddress('HR:0:uint64'))).toThrow('outside uint64');
  });
});
