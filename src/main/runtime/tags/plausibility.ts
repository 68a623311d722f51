// Plausibility limits: a value outside its range, or moving faster than the
// process can, is flagged by its quality instead of passing silently as Good.
import { GOOD, type Quality } from '../../../shared/types';

export interface PlausibilityLimits {
  readonly min?: number;
  readonly max?: number;
  /** Largest believable change per second, in engineering units. */
  readonly maxRatePerSecond?: number;
  /** What a violation makes the value: Uncertain (default) or Bad. */
  readonly severity?: 'uncertain' | 'bad';
}

const cache = new Map<string, Quality>();
/** Quality objects are shared and frozen, so a change batch holds no copies. */
export function qualityOf(status: Quality['status'], reason?: Quality['reason']): Quality {
  if (status === 'good' && reason === undefined) return GOOD;
  const key = `${status}/${reason ?? ''}`;
  let q = cache.get(key);
  if (!q) cache.set(key, (q = Object.freeze(reason === undefined ? { status } : { status, reason })));
  return q;
}

/**
 * Judges a Good reading in engineering units. `previous` is the last reading
 * and its source time, for the rate check (NaN when there is none).
 */
export function judgeReading(
  limits: PlausibilityLimits | undefined,
  value: number,
  ts: number,
  previous: number,
  previousTs: number,
): Quality {
  if (!limits) return GOOD;
  const status = limits.severity ?? 'uncertain';
  if ((limits.min !== undefined && value < limits.min) || (limits.max !== undefined && value > limits.max)) {
    return qualityOf(status, 'out_of_range');
  }
  if (limits.maxRatePerSecond !== undefined && !Number.isNaN(previous) && ts > previousTs) {
    const rate = Math.abs(value - previous) / ((ts - previousTs) / 1000);
    if (rate > limits.maxRatePerSecond) return qualityOf(status, 'rate_of_change');
  }
  return GOOD;
}
