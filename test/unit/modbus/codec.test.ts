import { describe, expect, it } from 'vitest';
import { parseModbusAddress } from '../../../src/main/runtime/drivers/modbus/address';
import { decodeRegisters, encodeRegisters, setRegisterBit } from '../../../src/main/runtime/drivers/modbus/codec';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(4, '0')).join(' ');

describe('Modbus codec', () => {
  // 0x41200000 = 10.0f; bytes A=41 B=20 C=00 D=00
  it.each([
    ['ABCD', '4120 0000'],
    ['CDAB', '0000 4120'],
    ['BADC', '2041 0000'],
    ['DCBA', '0000 2041'],
  ])('encodes float32 10.0 in %s as %s and decodes it back', (order, wire) => {
    const address = parseModbusAddress(`HR:0:float32:${order}`);
    const words = encodeRegisters(10, address);
    expect(hex(words)).toBe(wire);
    expect(decodeRegisters(words, 0, address)).toBe(10);
  });

  it('orders the four words of a float64', () => {
    const abcd = encodeRegisters(1.5, parseModbusAddress('HR:0:float64'));
    expect(hex(abcd)).toBe('3ff8 0000 0000 0000');
    expect(hex(encodeRegisters(1.5, parseModbusAddress('HR:0:float64:CDAB')))).toBe('0000 0000 0000 3ff8');
    expect(hex(encodeRegisters(1.5, parseModbusAddress('HR:0:float64:BADC')))).toBe('f83f 0000 0000 0000');
    expect(hex(encodeRegisters(1.5, parseModbusAddress('HR:0:float64:DCBA')))).toBe('0000 0000 0000 f83f');
  });

  it.each([
    ['int16', -2, 'fffe'],
    ['uint16', 65535, 'ffff'],
    ['int32', -70000, 'fffe ee90'],
    ['uint32', 4000000000, 'ee6b 2800'],
  ])('round-trips %s %d', (type, value, wire) => {
    const address = parseModbusAddress(`IR:3:${type}`);
    const words = encodeRegisters(value, address);
    expect(hex(words)).toBe(wire);
    expect(decodeRegisters([0, 0, 0, ...words], 3, address)).toBe(value);
  });

  it('decodes a value in the middle of a block', () => {
    const address = parseModbusAddress('HR:0:int32:CDAB');
    expect(decodeRegisters([9, 9, 0x0001, 0x0000, 9], 2, address)).toBe(1);
  });

  it('reads and sets register bits', () => {
    expect(decodeRegisters([0b1000], 0, parseModbusAddress('HR:0.3'))).toBe(true);
    expect(decodeRegisters([0b1000], 0, parseModbusAddress('HR:0.2'))).toBe(false);
    expect(setRegisterBit(0, 15, true)).toBe(0x8000);
    expect(setRegisterBit(0xffff, 0, false)).toBe(0xfffe);
  });

  it('refuses values that do not fit the type', () => {
    expect(() => encodeRegisters(70000, parseModbusAddress('HR:0'))).toThrow('70000 is outside uint16 (0..65535)');
    expect(() => encodeRegisters(-1, parseModbusAddress('HR:0:uint32'))).toThrow('outside uint32');
    expect(() => encodeRegisters(1.5, parseModbusAddress('HR:0:int16'))).toThrow('not an integer');
    expect(() => encodeRegisters(1e39, parseModbusAddress('HR:0:float32'))).toThrow('outside float32');
  });
});
