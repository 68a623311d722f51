// What drivers of every protocol make of values the same way.
import type { Quality, TagDataType } from '../../../shared/types';
import { GOOD } from '../../../shared/types';

const PRECISION_LOST: Quality = Object.freeze({ status: 'uncertain', reason: 'precision_lost' });

/**
 * The quality of a Good reading of a given type: a 64-bit integer beyond
 * ±(2^53 − 1) reaches us as the nearest double, which is Uncertain
 * (`precision_lost`) rather than passed off as the exact count.
 */
export function qualityOfReading(type: TagDataType, value: unknown, good: Quality = GOOD): Quality {
  // Only a Good reading is downgraded: a Bad or Uncertain one says more already.
  if (good.status === 'good' && (type === 'int64' || type === 'uint64') && typeof value === 'number' && !Number.isSafeInteger(value)) return PRECISION_LOST;
  return good;
}

/** A 64-bit integer from the wire as a number (exact while it is safe). */
export function numberOfBigInt(value: bigint): number {
  return Number(value);
}
