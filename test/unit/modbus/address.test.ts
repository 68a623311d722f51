import { describe, expect, it } from 'vitest';
import { parseModbusAddress } from '../../../src/main/runtime/drivers/modbus/address';

describe('parseModbusAddress', () => {
  it('defaults registers to uint16 ABCD and bits to bool', () => {
    expect(parseModbusAddress('HR:100')).toEqual({ area: 'HR', offset: 100, type: 'uint16', order: 'ABCD', length: 1 });
    expect(parseModbusAddress('IR:0')).toMatchObject({ area: 'IR', type: 'uint16' });
    expect(parseModbusAddress('CO:5')).toEqual({ area: 'CO', offset: 5, type: 'bool', order: 'ABCD', length: 1 });
    expect(parseModbusAddress('DI:65535')).toMatchObject({ area: 'DI', offset: 65535, type: 'bool' });
    expect(parseModbusAddress('co:1:bool')).toMatchObject({ area: 'CO', type: 'bool' });
  });

  it.each([
    ['HR:1:int16', 'int16', 1],
    ['HR:1:uint16', 'uint16', 1],
    ['HR:1:int32', 'int32', 2],
    ['HR:1:uint32', 'uint32', 2],
    ['IR:1:float32', 'float32', 2],
    ['IR:1:float64', 'float64', 4],
  ])('%s is %s over %i registers', (text, type, length) => {
    expect(parseModbusAddress(text)).toMatchObject({ type, length, order: 'ABCD' });
  });

  it.each(['ABCD', 'CDAB', 'BADC', 'DCBA'])('takes word order %s', (order) => {
    expect(parseModbusAddress(`HR:10:float32:${order}`).order).toBe(order);
    expect(parseModbusAddress(`HR:10:int32:${order.toLowerCase()}`).order).toBe(order);
  });

  it('picks a register bit as a bool', () => {
    expect(parseModbusAddress('HR:7.3')).toEqual({ area: 'HR', offset: 7, bit: 3, type: 'bool', order: 'ABCD', length: 1 });
    expect(parseModbusAddress('IR:7.15:bool')).toMatchObject({ bit: 15, type: 'bool' });
  });

  it.each([
    ['HR:70000', 'offset 70000 is past 65535'],
    ['XR:1', 'area "XR" is not one of HR, IR, CO, DI'],
    ['HR', 'is not AREA:OFFSET'],
    ['HR:1:float32:ABCD:x', 'is not AREA:OFFSET'],
    ['HR:-1', 'offset "-1" is not a number'],
    ['HR:abc', 'offset "abc" is not a number'],
    ['HR:1:float16', 'type "float16" is not one of'],
    ['HR:1:float32:ABDC', 'order "ABDC" is not one of'],
    ['HR:1.16', 'bit 16 is past 15'],
    ['HR:1.2:int16', 'a register bit (.2) is a bool, not int16'],
    ['HR:1:bool', 'a bool in a register needs a bit'],
    ['HR:1.2:bool:CDAB', 'a register bit takes no word order'],
    ['CO:1.2', 'CO is a bit area'],
    ['DI:1:uint16', 'DI holds single bits: type must be bool'],
    ['CO:1:bool:ABCD', 'a word order makes no sense'],
    ['HR:65535:float32', 'float32 at offset 65535 needs 2 registers and runs past 65535'],
    ['IR:65533:float64', 'float64 at offset 65533 needs 4 registers'],
  ])('refuses %s: %s', (text, message) => {
    expect(() => parseModbusAddress(text)).toThrow(message);
  });

  it('accepts the last register that fits', () => {
    expect(parseModbusAddress('HR:65534:float32').offset).toBe(65534);
    expect(parseModbusAddress('HR:65532:float64').offset).toBe(65532);
  });
});
