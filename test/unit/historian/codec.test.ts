import { describe, expect, it } from 'vitest';
import { BitReader, BitUnderflowError, BitWriter, crc32 } from '../../../src/main/runtime/historian/codec/bits';
import {
  CHUNK_FORMAT_VERSION,
  chunkInfo,
  CodecError,
  decodeChunk,
  encodeChunk,
  type Samples,
} from '../../../src/main/runtime/historian/codec/chunk';
import { linearScaler } from '../../../src/main/runtime/tags/scaling';
import { Prng } from '../../../src/shared/prng';

const T0 = 1_736_121_600_000; // 2025-01-06T00:00:00Z
const HOUR = 3600;

interface Columns {
  t: Float64Array;
  v: Float64Array;
  q: Uint8Array;
  count: number;
}

/** Samples on a 1 s tick, values from `value`, good quality unless `quality` says otherwise. */
function series(count: number, value: (i: number) => number, quality: (i: number) => number = () => 0, time: (i: number) => number = (i) => T0 + i * 1000): Columns {
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  const q = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    t[i] = time(i);
    v[i] = value(i);
    q[i] = quality(i);
  }
  return { t, v, q, count };
}

function bitsOf(x: number): string {
  const f = new Float64Array([x]);
  const u = new Uint32Array(f.buffer);
  return `${u[1]!.toString(16)}:${u[0]!.toString(16)}`;
}

/** Encodes, decodes, and checks every timestamp, quality and value bit pattern. */
function roundTrip(samples: Columns, step?: number, offset?: number): Uint8Array {
  const bytes = encodeChunk(samples, step, offset);
  const back = decodeChunk(bytes);
  expect(back.t.length).toBe(samples.count);
  expect(back.v.length).toBe(samples.count);
  expect(back.q.length).toBe(samples.count);
  expect(Array.from(back.t)).toEqual(Array.from(samples.t.subarray(0, samples.count)));
  expect(Array.from(back.q)).toEqual(Array.from(samples.q.subarray(0, samples.count)));
  // Bit patterns, so that -0, NaN payloads and the last ulp all count.
  const want = new Uint32Array(samples.v.buffer, samples.v.byteOffset, samples.count * 2);
  const got = new Uint32Array(back.v.buffer, back.v.byteOffset, samples.count * 2);
  for (let i = 0; i < samples.count * 2; i++) {
    if (want[i] !== got[i]) {
      const j = i >> 1;
      expect.fail(`value ${j}: ${bitsOf(back.v[j]!)} (${back.v[j]}) came back for ${bitsOf(samples.v[j]!)} (${samples.v[j]})`);
    }
  }
  return bytes;
}

function perSample(bytes: Uint8Array, count: number): number {
  return bytes.length / count;
}

describe('bits', () => {
  it('reads back what was written, at any width from 0 to 32 bits', () => {
    const rng = new Prng(1);
    const w = new BitWriter(16); // starts small: growth is exercised too
    const written: Array<[number, number]> = [];
    for (let i = 0; i < 20_000; i++) {
      const width = Math.floor(rng.next() * 33);
      const value = width === 0 ? 0 : Math.floor(rng.next() * 2 ** width);
      written.push([value, width]);
      w.write(value, width);
    }
    w.padToByte();
    const r = new BitReader(w.bytes());
    for (const [value, width] of written) expect(r.read(width)).toBe(value);
    expect(r.bitsLeft).toBeLessThan(8);
    expect(r.restIsZero()).toBe(true);
  });

  it('keeps only the low bits of a value, writes 64-bit patterns in two halves, and codes gamma', () => {
    const w = new BitWriter();
    w.write(0xfff, 4); // only 0xf counts
    w.write64(0x80000001, 0xdeadbeef);
    for (const n of [1, 2, 3, 7, 8, 1000, 2 ** 31, 2 ** 32 - 1]) w.writeGamma(n);
    w.write(1, 1);
    w.padToByte();
    const r = new BitReader(w.bytes());
    expect(r.read(4)).toBe(0xf);
    expect(r.read(32)).toBe(0x80000001);
    expect(r.read(32)).toBe(0xdeadbeef);
    for (const n of [1, 2, 3, 7, 8, 1000, 2 ** 31, 2 ** 32 - 1]) expect(r.readGamma()).toBe(n);
    expect(r.readBit()).toBe(1);
    expect(() => w.writeGamma(0)).toThrow(RangeError);
  });

  it('reads unary prefixes up to a maximum', () => {
    const w = new BitWriter();
    w.write(0b0, 1);
    w.write(0b10, 2);
    w.write(0b110, 3);
    w.write(0b11111, 5); // max 5: no terminating zero
    w.write(0b1111, 4);
    w.write(0b0, 1);
    w.padToByte();
    const r = new BitReader(w.bytes());
    expect([r.readPrefix(5), r.readPrefix(5), r.readPrefix(5), r.readPrefix(5), r.readPrefix(5)]).toEqual([0, 1, 2, 5, 4]);
  });

  it('throws instead of reading past the end', () => {
    const r = new BitReader(new Uint8Array([0xff, 0x00]));
    expect(r.read(12)).toBe(0xff0);
    expect(() => r.read(5)).toThrow(BitUnderflowError);
    expect(() => new BitReader(new Uint8Array([0xff])).readPrefix(10)).toThrow(BitUnderflowError);
    expect(() => new BitReader(new Uint8Array([0, 0, 0, 0, 0])).readGamma()).toThrow(BitUnderflowError);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = new TextEncoder().encode('xx123456789yy');
    expect(crc32(bytes, 2, 11)).toBe(0xcbf43926);
  });
});

describe('chunk codec: values', () => {
  it('round-trips random floats of every magnitude, and random bit patterns', () => {
    const rng = new Prng(7);
    roundTrip(series(HOUR, () => (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 40 - 20)));
    const raw = new Uint32Array(HOUR * 2);
    for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rng.next() * 2 ** 32);
    const v = new Float64Array(raw.buffer); // includes NaNs with payloads and denormals
    roundTrip({ ...series(HOUR, () => 0), v });
  });

  it('round-trips constants in a few bytes, with or without a step', () => {
    for (const [value, step] of [
      [42.5, undefined],
      [42.5, 0.1],
      [0, 1],
      [-17, 1],
      [101.325, 0.001],
    ] as const) {
      const bytes = roundTrip(series(HOUR, () => value), step);
      expect(perSample(bytes, HOUR)).toBeLessThan(0.1);
    }
  });

  it('round-trips ramps and slow waves', () => {
    roundTrip(series(HOUR, (i) => i * 0.5), 0.5);
    roundTrip(series(HOUR, (i) => i * 0.1));
    roundTrip(series(HOUR, (i) => 1e9 - i * 3), 1);
    roundTrip(series(HOUR, (i) => Math.sin(i / 100) * 1000));
    roundTrip(series(HOUR, (i) => Math.round(Math.sin(i / 100) * 1e6) / 100), 0.01);
  });

  it('keeps NaN, ±Infinity and -0 exactly', () => {
    const special = [NaN, Infinity, -Infinity, -0, 0, 1, -0, -0, NaN, NaN, 5e-324, -Number.MAX_VALUE];
    const samples = series(special.length * 50, (i) => special[i % special.length]!);
    roundTrip(samples);
    // A declared step does not apply to them: the chunk falls back to floats.
    const bytes = roundTrip(samples, 1);
    expect(chunkInfo(bytes).values).toBe('float');
    const back = decodeChunk(bytes);
    expect(Object.is(back.v[3], -0)).toBe(true);
    expect(Number.isNaN(back.v[0])).toBe(true);
    // -0 alone also stays out of the integer path (0 + 0 * step is +0).
    expect(chunkInfo(roundTrip(series(10, (i) => (i === 4 ? -0 : i)), 1)).values).toBe('float');
  });

  it('stores the engine\'s scaled register values as integers, exactly', () => {
    const scales = [
      { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 10 },
      { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 200 },
      { rawMin: 0, rawMax: 10_000, euMin: -50, euMax: 150 },
      { rawMin: 0, rawMax: 27_648, euMin: 4, euMax: 20 }, // an S7 analog input as 4..20 mA
      { rawMin: -32_768, rawMax: 32_767, euMin: -1, euMax: 1 },
      { rawMin: 6_400, rawMax: 32_000, euMin: 0, euMax: 100 },
    ];
    for (const scale of scales) {
      const scaler = linearScaler(scale);
      const gain = (scale.euMax - scale.euMin) / (scale.rawMax - scale.rawMin);
      const span = scale.rawMax - scale.rawMin;
      const count = Math.min(span + 1, 10_001);
      // Every raw count in turn, then the same counts shuffled.
      const ordered = series(count, (i) => scaler.toEu(scale.rawMin + Math.round((i * span) / (count - 1))));
      const bytes = roundTrip(ordered, gain, scale.euMin);
      expect(chunkInfo(bytes)).toMatchObject({ values: 'scaled', step: gain, offset: scale.euMin });
      const rng = new Prng(span);
      const shuffled = series(count, () => scaler.toEu(scale.rawMin + Math.floor(rng.next() * (span + 1))));
      expect(chunkInfo(roundTrip(shuffled, gain, scale.euMin)).values).toBe('scaled');
    }
  });

  it('stores decimal values with the steps people declare', () => {
    const rng = new Prng(3);
    for (const decimals of [0, 1, 2, 3]) {
      const step = [1, 0.1, 0.01, 0.001][decimals]!;
      const p = 10 ** decimals;
      // As a device or a script rounds them: k / 10^d, the correctly rounded decimal (0.3, not 3 * 0.1).
      const rounded = series(HOUR, () => Math.round((rng.next() - 0.5) * 2000 * p) / p + 0); // + 0: no -0 from Math.round
      const bytes = roundTrip(rounded, step);
      expect(chunkInfo(bytes).values).not.toBe('float');
      // As the engine scales them: k * step.
      const scaled = series(HOUR, () => (Math.round((rng.next() - 0.5) * 2000 * p) + 0) * step);
      expect(chunkInfo(roundTrip(scaled, step)).values).toBe('scaled');
    }
    // Steps of 10 and 0.5, with an offset.
    expect(chunkInfo(roundTrip(series(HOUR, (i) => 1000 + (i % 7) * 10), 10)).values).toBe('scaled');
    expect(chunkInfo(roundTrip(series(HOUR, (i) => 20 + (i % 9) * 0.5), 0.5, 20))).toMatchObject({ values: 'scaled', offset: 20 });
  });

  it('falls back to floats when a value is not a multiple of the step', () => {
    const samples = series(HOUR, (i) => (i === 1234 ? 12.345 : Math.round(i * 7) / 100));
    const bytes = roundTrip(samples, 0.01);
    expect(chunkInfo(bytes).values).toBe('float');
    // IEEE singles (S7 REALs) with declared decimals are not exact decimals either.
    const reals = series(HOUR, (i) => Math.fround(20 + Math.floor(i / 60) / 100));
    expect(chunkInfo(roundTrip(reals, 0.01)).values).toBe('float');
    // Integers too large to be exact deltas.
    expect(chunkInfo(roundTrip(series(10, (i) => (i % 2 ? 2 ** 60 : -(2 ** 60))), 1)).values).toBe('float');
  });

  it('round-trips deltas of every bucket on the integer path', () => {
    const deltas = [0, 1, -1, 7, -8, 8, -9, 127, -128, 128, 30_000, -32_768, 32_768, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 40, -(2 ** 51)];
    let k = 0;
    const ks = deltas.map((d) => (k += d));
    roundTrip(series(ks.length, (i) => ks[i]!), 1);
    roundTrip(series(ks.length, (i) => ks[i]! * 0.5), 0.5);
    expect(chunkInfo(encodeChunk(series(ks.length, (i) => ks[i]!), 1)).values).toBe('scaled');
  });

  it('accepts plain arrays as well as typed arrays', () => {
    const samples: Samples = { t: [T0, T0 + 1000, T0 + 2000], v: [1.5, NaN, -0], q: [0, 2, 0], count: 3 };
    const back = decodeChunk(encodeChunk(samples));
    expect(Array.from(back.t)).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect(Object.is(back.v[2], -0)).toBe(true);
    expect(Number.isNaN(back.v[1])).toBe(true);
    expect(Array.from(back.q)).toEqual([0, 2, 0]);
  });

  it('encodes only the first `count` samples', () => {
    const samples = series(100, (i) => i);
    const back = decodeChunk(encodeChunk({ ...samples, count: 10 }, 1));
    expect(Array.from(back.v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('chunk codec: timestamps and quality', () => {
  it('round-trips irregular timestamps: jitter, missed polls, big gaps', () => {
    const rng = new Prng(11);
    let t = T0;
    const times = Array.from({ length: HOUR }, (_, i) => {
      if (i > 0) {
        t += 1000 + Math.round((rng.next() - 0.5) * 20); // poll jitter
        if (i % 500 === 0) t += 1000; // a missed poll
        if (i === 1000) t += 86_400_000 * 40; // forty days offline
        if (i === 2000) t += 7; // one odd millisecond
      }
      return t;
    });
    roundTrip(series(HOUR, (i) => i % 13, (i) => (i % 700 < 3 ? 2 : 0), (i) => times[i]!), 1);
    // The extremes of the allowed range, and deltas in every bucket.
    const extremes = [0, 1, 2, 1000, 1001, 1_000_000, 2 ** 33, 2 ** 52, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER];
    roundTrip(series(extremes.length, (i) => i, () => 0, (i) => extremes[i]!));
    roundTrip(series(2, (i) => i, () => 0, (i) => [0, Number.MAX_SAFE_INTEGER][i]!));
  });

  it('charges next to nothing for a regular tick, a few bytes for a missed poll', () => {
    const rng = new Prng(5);
    const values = Array.from({ length: HOUR }, () => Math.round(rng.gaussian(3)));
    const regular = encodeChunk(series(HOUR, (i) => values[i]!), 1);
    const late = (i: number): number => T0 + (i + (i >= 1000 ? 1 : 0) + (i >= 2500 ? 1 : 0) + (i >= 3000 ? 1 : 0)) * 1000;
    const missed = encodeChunk(series(HOUR, (i) => values[i]!, () => 0, late), 1);
    // A missed poll: a '+1 tick' and a '-1 tick' symbol (5 bits each) and a split run-length code.
    expect(missed.length - regular.length).toBeLessThanOrEqual(3 * 6);
    // Constant value and quality: a whole hour on the tick (header and CRC included) is a few dozen bytes.
    const steady = encodeChunk(series(HOUR, () => 1), 1).length;
    expect(steady).toBeLessThan(48);
    expect(encodeChunk(series(HOUR, () => 1, () => 0, late), 1).length - steady).toBeLessThanOrEqual(3 * 6);
    // With poll jitter of a few ms nothing repeats, and a timestamp costs about 5 bits.
    const jitter = new Prng(8);
    const jittery = encodeChunk(series(HOUR, () => 1, () => 0, (i) => T0 + i * 1000 + Math.floor(jitter.next() * 3)), 1);
    expect((jittery.length * 8) / HOUR).toBeLessThan(6);
  });

  it('round-trips every quality code', () => {
    roundTrip(series(HOUR, (i) => i, (i) => (i * 7) % 256));
    roundTrip(series(HOUR, (i) => i, (i) => (i < 100 ? 0 : i < 130 ? 2 : i < 135 ? 1 : 0)), 1);
  });

  it('handles a single sample and an empty chunk', () => {
    roundTrip(series(1, () => 3.25, () => 1));
    roundTrip(series(1, () => 3.25), 0.25);
    roundTrip(series(1, () => NaN, () => 2, () => 0));
    const empty = roundTrip(series(0, () => 0));
    expect(decodeChunk(empty).t).toHaveLength(0);
    expect(chunkInfo(encodeChunk(series(0, () => 0), 0.1)).count).toBe(0);
  });

  it('rejects timestamps that are not strictly increasing non-negative integers, naming the index', () => {
    const at = (times: number[]): Samples => ({ t: times, v: times.map(() => 1), q: times.map(() => 0), count: times.length });
    expect(() => encodeChunk(at([T0, T0 + 1000, T0 + 1000]))).toThrow(/index 2 .*duplicates/);
    expect(() => encodeChunk(at([T0, T0 + 2000, T0 + 1000]))).toThrow(/index 2 .*earlier/);
    expect(() => encodeChunk(at([T0, T0 + 0.5]))).toThrow(/index 1 .*not an integer/);
    expect(() => encodeChunk(at([T0, NaN]))).toThrow(/index 1 .*not an integer/);
    expect(() => encodeChunk(at([-1000, 0]))).toThrow(/index 0 .*negative/);
    expect(() => encodeChunk(at([2 ** 53]))).toThrow(/index 0 .*beyond/);
    expect(() => encodeChunk(at([T0, T0 + 1000, T0 + 1000]))).toThrow(RangeError);
  });

  it('rejects bad quality codes, counts and steps', () => {
    const base = series(3, (i) => i);
    expect(() => encodeChunk({ ...base, q: [0, 256, 0] })).toThrow(/quality at index 1/);
    expect(() => encodeChunk({ ...base, q: [0, 0, 1.5] })).toThrow(/quality at index 2/);
    expect(() => encodeChunk({ ...base, count: 4 })).toThrow(RangeError);
    expect(() => encodeChunk({ ...base, count: -1 })).toThrow(RangeError);
    expect(() => encodeChunk(base, 0)).toThrow(/step/);
    expect(() => encodeChunk(base, NaN)).toThrow(/step/);
    expect(() => encodeChunk(base, 1, Infinity)).toThrow(/offset/);
  });
});

describe('chunk codec: size', () => {
  it('stores an hour of a constant at 1 Hz in under 0.1 byte per sample', () => {
    expect(perSample(encodeChunk(series(HOUR, () => 73.2)), HOUR)).toBeLessThan(0.1);
    expect(perSample(encodeChunk(series(HOUR, () => 73.2), 0.1), HOUR)).toBeLessThan(0.1);
    expect(perSample(encodeChunk(series(HOUR, () => 1), 1), HOUR)).toBeLessThan(0.02);
  });

  it('stores a register with a few counts of noise in under 1.2 bytes per sample', () => {
    for (const scale of [
      { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 10 },
      { rawMin: 0, rawMax: 10_000, euMin: 0, euMax: 200 },
      { rawMin: 0, rawMax: 10_000, euMin: -50, euMax: 150 },
    ]) {
      const scaler = linearScaler(scale);
      const rng = new Prng(scale.euMax);
      const gain = (scale.euMax - scale.euMin) / (scale.rawMax - scale.rawMin);
      const samples = series(HOUR, (i) => scaler.toEu(5000 + Math.round(800 * Math.sin(i / 300) + rng.gaussian(2.5))));
      const bytes = roundTrip(samples, gain, scale.euMin);
      expect(chunkInfo(bytes).values).toBe('scaled');
      expect(perSample(bytes, HOUR)).toBeLessThan(1.2);
    }
  });
});

describe('chunk codec: damaged chunks', () => {
  const good = encodeChunk(
    series(
      400,
      (i) => (i % 3 === 0 ? NaN : Math.sin(i) * 100),
      (i) => (i % 50 < 2 ? 2 : 0),
    ),
  );
  const scaled = encodeChunk(series(400, (i) => (i % 17) * 0.02 - 50, (i) => (i > 200 ? 1 : 0)), 0.02, -50);

  it('refuses an unknown format version with a clear message', () => {
    const future = good.slice();
    future[0] = CHUNK_FORMAT_VERSION + 1;
    expect(() => decodeChunk(future)).toThrow(CodecError);
    expect(() => decodeChunk(future)).toThrow(/unknown chunk format version 2/);
    expect(() => decodeChunk(new Uint8Array(0))).toThrow(/empty/);
  });

  it('refuses every truncation', () => {
    for (const chunk of [good, scaled]) {
      for (let n = 0; n < chunk.length; n++) expect(() => decodeChunk(chunk.subarray(0, n)), `${n} bytes`).toThrow(CodecError);
    }
  });

  it('refuses every single-bit flip and any garbled byte', () => {
    for (const chunk of [good, scaled]) {
      for (let bit = 8; bit < chunk.length * 8; bit++) {
        const bad = chunk.slice();
        bad[bit >> 3]! ^= 0x80 >> (bit & 7);
        expect(() => decodeChunk(bad)).toThrow(CodecError);
      }
    }
    const rng = new Prng(99);
    for (let trial = 0; trial < 500; trial++) {
      const bad = good.slice();
      const at = 1 + Math.floor(rng.next() * (bad.length - 1));
      bad[at] = (bad[at]! + 1 + Math.floor(rng.next() * 255)) & 0xff;
      expect(() => decodeChunk(bad)).toThrow(CodecError);
    }
  });

  it('refuses trailing bytes', () => {
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => decodeChunk(longer)).toThrow(CodecError);
  });

  it('checks structure too: garbage with a valid CRC throws CodecError or decodes sanely, and terminates', () => {
    const rng = new Prng(1234);
    let refused = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const length = 6 + Math.floor(rng.next() * 60);
      const bytes = new Uint8Array(length + 4);
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(rng.next() * 256);
      bytes[0] = CHUNK_FORMAT_VERSION;
      // A small count, so that a lucky decode does not allocate much.
      bytes[1] = bytes[2] = bytes[3] = 0;
      bytes[4] = trial % 200;
      if (trial % 3 === 0) bytes[5] = trial % 6; // plausible encodings more often
      const crc = crc32(bytes, 0, length);
      bytes[length] = crc >>> 24;
      bytes[length + 1] = crc >>> 16;
      bytes[length + 2] = crc >>> 8;
      bytes[length + 3] = crc;
      try {
        const back = decodeChunk(bytes);
        expect(back.t.length).toBe(bytes[4]);
        for (let i = 1; i < back.t.length; i++) expect(back.t[i]!).toBeGreaterThan(back.t[i - 1]!);
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(2900);
  });

  it('decodes from a Buffer slice at any byte offset (as SQLite returns blobs)', () => {
    const host = Buffer.alloc(good.length + 3);
    host.set(good, 3);
    const back = decodeChunk(host.subarray(3));
    expect(back.t.length).toBe(400);
  });

  it('returns a fresh array for every chunk', () => {
    const a = encodeChunk(series(10, (i) => i));
    const copy = a.slice();
    encodeChunk(series(10, (i) => -i));
    expect(a).toEqual(copy);
  });
});
