import type { ProtocolCode } from '../../../../shared/types';
// Modbus exception codes, named as the specification names them.
const NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export function describeException(code: number): string {
  return `exception ${code} (${NAMES[code] ?? 'unknown exception'})`;
}

/** The exception as the protocol's own code on a quality (the tag details show it beside our reason). */
export function exceptionCode(code: number): ProtocolCode {
  return { value: code, name: `Modbus ${NAMES[code] ?? 'unknown exception'}` };
}
