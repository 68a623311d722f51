// The historian benchmark dataset: 1,000 tags polled at 1 Hz for 6 hours
// (21,600 polls), generated deterministically (same seed, same bytes) so that
// codec and ingest figures can be compared from one run to the next.
//
// - Timestamps sit on the 1000 ms poll tick from DATASET.start (an hour
//   boundary). About 0.1 % of the ticks are missed polls: the next poll comes
//   one tick late. There are always exactly DATASET.polls polls.
// - 20 devices (PLCs) of 50 tags each. Each device has a few short comm
//   failures: its tags are Bad (code 2) for 5-60 polls and keep their last
//   value, as the tag engine does. Otherwise quality is Good (code 0).
// - Tag kinds, by tag index i:
//     i % 10 in 0..4  register: a 16-bit input register, raw counts 0..10000
//                     scaled to 0..10, 0..200 or -50..150 by the tag engine's
//                     own `linearScaler`; a slow wave plus a few counts of
//                     noise, and never the same count twice in a row (it
//                     changes on every poll).
//     i % 10 in 5..7  quiet analog with declared decimals (mostly 2): changes
//                     on about 10 % of the polls. Two in three are doubles
//                     rounded to their decimals by the device (k / 10^d);
//                     every third is an IEEE single (S7 / ADS REAL) read as it
//                     is, so its values are not multiples of 10^-d.
//     i % 10 in 8..9  digital (0/1) or integer setpoint: a few changes in 6 h.
import { linearScaler, type Scaler } from '../src/main/runtime/tags/scaling';
import { Prng } from '../src/shared/prng';

export interface DatasetTag {
  path: string;
  /** Values are multiples of `step` above `offset` (what the historian hands the codec). */
  step?: number;
  offset?: number;
  /** Registers: the tag engine's raw → engineering units scale. */
  scale?: { rawMin: number; rawMax: number; euMin: number; euMax: number };
  /** Declared display decimals. */
  decimals?: number;
  kind: 'register' | 'quiet' | 'digital';
  /** Quiet analogs only: an IEEE single (S7 / ADS REAL), so values are not exact decimals. */
  real?: boolean;
}

export interface Poll {
  /** Poll time, ms since the epoch. */
  t: number;
  /** One value per tag, in `datasetTags()` order (a fresh array per poll). */
  values: Float64Array;
  /** One quality code per tag: 0 good, 1 uncertain, 2 bad. */
  quality: Uint8Array;
}

export const DATASET = {
  tags: 1000,
  polls: 21_600,
  pollMs: 1000,
  /** 2025-01-06T00:00:00Z, an hour boundary. */
  start: 1_736_121_600_000,
} as const;

export const QUALITY = { good: 0, uncertain: 1, bad: 2 } as const;

const TAGS_PER_DEVICE = 50;
const MISSED_POLL_RATE = 0.001;
const SEED = 0x4157_0001;

const REGISTER_SCALES = [
  { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 10, decimals: 3 },
  { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 200, decimals: 2 },
  { rawMin: 0, rawMax: 10_000, euMin: -50, euMax: 150, decimals: 2 },
] as const;

const POWERS_OF_TEN = [1, 10, 100, 1000];

/** The 1,000 tags of the dataset, in poll order. */
export function datasetTags(): DatasetTag[] {
  const tags: DatasetTag[] = [];
  for (let i = 0; i < DATASET.tags; i++) {
    const device = Math.floor(i / TAGS_PER_DEVICE);
    const prefix = `Plant/Area${Math.floor(device / 5) + 1}/PLC${String(device + 1).padStart(2, '0')}`;
    const n = String(i).padStart(4, '0');
    const slot = i % 10;
    const group = Math.floor(i / 10);
    if (slot < 5) {
      const { decimals, ...scale } = REGISTER_SCALES[(group + slot) % REGISTER_SCALES.length]!;
      // The engine's gain and euMin: the codec then recomputes euMin + k * gain, the engine's own expression.
      const step = (scale.euMax - scale.euMin) / (scale.rawMax - scale.rawMin);
      tags.push({ path: `${prefix}/AI${n}`, kind: 'register', scale: { ...scale }, step, offset: scale.euMin, decimals });
    } else if (slot < 8) {
      const decimals = (group + slot) % 4 === 0 ? 1 : 2;
      const tag: DatasetTag = { path: `${prefix}/AV${n}`, kind: 'quiet', decimals, step: 1 / POWERS_OF_TEN[decimals]! };
      if (slot === 7) tag.real = true;
      tags.push(tag);
    } else {
      tags.push({ path: `${prefix}/${slot === 8 ? 'DI' : 'SP'}${n}`, kind: 'digital', decimals: 0, step: 1 });
    }
  }
  return tags;
}

/** Per-tag generator state; `next` returns the tag's current value at poll `p`. */
interface TagModel {
  next(p: number): number;
}

function registerModel(tag: DatasetTag, rng: Prng): TagModel {
  const scale = tag.scale ?? { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 10 };
  const scaler: Scaler = linearScaler(scale);
  const span = scale.rawMax - scale.rawMin;
  const center = scale.rawMin + span * (0.3 + 0.4 * rng.next());
  const amplitude = span * (0.02 + 0.13 * rng.next());
  const period = 600 + Math.floor(3000 * rng.next()); // polls
  const phase = 2 * Math.PI * rng.next();
  const sigma = 1 + 2 * rng.next(); // counts of noise
  let last = NaN;
  return {
    next(p) {
      let raw = Math.round(center + amplitude * Math.sin((2 * Math.PI * p) / period + phase) + rng.gaussian(sigma));
      raw = Math.min(scale.rawMax, Math.max(scale.rawMin, raw));
      if (raw === last) raw += raw < scale.rawMax ? 1 : -1; // a register that changes on every poll
      last = raw;
      return scaler.toEu(raw);
    },
  };
}

function quietModel(tag: DatasetTag, rng: Prng): TagModel {
  const divisor = POWERS_OF_TEN[tag.decimals ?? 2]!;
  let k = Math.round((20 + 60 * rng.next()) * divisor);
  const value = (): number => (tag.real ? Math.fround(k / divisor) : k / divisor);
  let current = value();
  return {
    next() {
      if (rng.next() < 0.1) {
        const move = 1 + Math.floor(20 * rng.next());
        k += rng.next() < 0.5 ? -move : move;
        current = value();
      }
      return current;
    },
  };
}

function digitalModel(tag: DatasetTag, index: number, rng: Prng): TagModel {
  const setpoint = tag.path.includes('/SP');
  let current = setpoint ? 20 + Math.floor(80 * rng.next()) : index % 4 === 0 ? 1 : 0;
  return {
    next() {
      if (setpoint) {
        if (rng.next() < 1 / 5000) current += (rng.next() < 0.5 ? -1 : 1) * (1 + Math.floor(10 * rng.next()));
      } else if (rng.next() < 1 / 3000) current = 1 - current;
      return current;
    },
  };
}

/** Bad stretches of one device: a sorted list of [first poll, end poll) pairs. */
function commFailures(rng: Prng): Array<[number, number]> {
  const stretches: Array<[number, number]> = [];
  const n = 1 + Math.floor(4 * rng.next());
  for (let s = 0; s < n; s++) {
    const first = Math.floor(rng.next() * (DATASET.polls - 60));
    stretches.push([first, first + 5 + Math.floor(56 * rng.next())]);
  }
  return stretches.sort((a, b) => a[0] - b[0]);
}

/**
 * The polls of the dataset, one poll of every tag at a time, as the tag
 * engine would hand them on: engineering values and quality codes.
 */
export function* generatePolls(tags: readonly DatasetTag[] = datasetTags()): Generator<Poll> {
  const models = tags.map((tag, i) => {
    const rng = new Prng(SEED + 7919 * (i + 1));
    if (tag.kind === 'register') return registerModel(tag, rng);
    if (tag.kind === 'quiet') return quietModel(tag, rng);
    return digitalModel(tag, i, rng);
  });
  const scheduleRng = new Prng(SEED);
  const devices = Math.ceil(tags.length / TAGS_PER_DEVICE);
  const failures = Array.from({ length: devices }, () => commFailures(scheduleRng));
  const held = new Float64Array(tags.length);
  const missedRng = new Prng(SEED ^ 0x5a5a);
  let tick = 0;
  for (let p = 0; p < DATASET.polls; p++) {
    if (p > 0) tick += missedRng.next() < MISSED_POLL_RATE ? 2 : 1;
    const values = new Float64Array(tags.length);
    const quality = new Uint8Array(tags.length);
    for (let d = 0; d < devices; d++) {
      const bad = failures[d]!.some(([first, end]) => p >= first && p < end);
      const end = Math.min(tags.length, (d + 1) * TAGS_PER_DEVICE);
      for (let i = d * TAGS_PER_DEVICE; i < end; i++) {
        const value = models[i]!.next(p); // the process goes on while the link is down
        if (bad && p > 0) {
          values[i] = held[i]!; // the engine keeps the last value, only the quality changes
          quality[i] = QUALITY.bad;
        } else {
          values[i] = held[i] = value;
          quality[i] = QUALITY.good;
        }
      }
    }
    yield { t: DATASET.start + tick * DATASET.pollMs, values, quality };
  }
}
