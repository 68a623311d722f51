// The historian's chunk codec: one tag's samples over one time window, as one
// compressed blob. Pure TypeScript, no I/O.
//
// Layout (format version 1). Bits are written most significant first; all
// multi-byte header fields are big-endian.
//
//   byte 0         format version (1)
//   32 bits        sample count (at most MAX_CHUNK_SAMPLES)
//   8 bits         value encoding: low 2 bits = kind, 0x04 = offset present
//                    kind 0 FLOAT    Gorilla XOR of the float64 bit patterns
//                    kind 1 SCALED   v = offset + k * step      (k integer)
//                    kind 2 DIVIDED  v = offset + k / divisor   (k integer)
//   [64 bits]      kinds 1 and 2: step (or divisor) as a float64
//   [64 bits]      when 0x04 is set: offset as a float64
//   timestamps     first timestamp in 64 bits; when count >= 2, the time unit
//                  u (the greatest common divisor of the deltas) as an Elias-
//                  gamma code, then one delta-of-delta per sample, in units of u:
//                    '0'                  dod = 0 (the same tick as before)
//                    '10'    +  3 bits    zigzag dod in [-4, 3]
//                    '110'   +  7 bits    zigzag dod in [-64, 63]
//                    '1110'  + 12 bits    zigzag dod in [-2048, 2047]
//                    '11110' + 32 bits    zigzag dod in [-2^31, 2^31)
//                    '11111' + 1 + 53     sign and magnitude
//                  The first delta is coded as a dod against a delta of 0.
//   values         FLOAT: the first value in 64 bits, then per value
//                    '0'                  same bit pattern as the previous value
//                    '10'  + bits         XOR fits the previous window: its bits
//                    '11'  + 5 + 6 + bits new window: leading zeros (0..31),
//                                         length - 1 (0..63), then the bits
//                  SCALED / DIVIDED: per value the delta of k from the previous
//                  k (the first against 0), in the buckets of the timestamps
//                  but 4, 8, 16, 32 bits wide.
//   qualities      per sample '0' = same code as the previous sample (the
//                  first against 0 = good), or '1' + the 8-bit code.
//   padding        zero bits up to a byte
//   32 bits        CRC-32 (IEEE) of every byte before it
//
// Run lengths: in every column, after RUN (8) consecutive '0' symbols an
// Elias-gamma code n >= 1 follows, meaning n - 1 further '0' symbols. A
// constant value or a regular tick thus costs a few dozen bits per chunk, not
// one bit per sample, while short runs cost exactly one bit per sample.
//
// What things cost: an hour at 1 Hz of a constant with Good quality is about
// 45 bytes (header and CRC included); a register changing by a few counts per
// poll about 6-7 bits per sample; a missed poll a '+1 tick' and a '-1 tick'
// symbol (5 bits each) plus the split of a run (about 4 bytes in all); a
// timestamp with a few ms of poll jitter about 5 bits; a float that changes
// arbitrarily up to 77 bits.
//
// Timestamps are integer milliseconds since the epoch, 0 <= t <= 2^53 - 1,
// strictly increasing. `encodeChunk` refuses anything else with a RangeError
// naming the index: the caller drops such samples before encoding.
//
// Values are stored exactly (bit for bit, NaN, ±Infinity and -0 included).
// With a declared `step`, the integer kinds are used only when EVERY value
// round-trips through the decoder's own expression to the identical double;
// otherwise (a NaN, an infinity, a -0, a value off the grid) the chunk falls
// back to FLOAT, still lossless. For a scaled register pass the tag
// engine's own gain and euMin (`step = (euMax - euMin) / (rawMax - rawMin)`,
// `offset = euMin`): the decoder then computes `euMin + k * gain` with
// k = raw - rawMin, the very expression the engine evaluated. For values
// rounded to `d` decimals pass `step = 10 ** -d`: when `k * step` does not
// reproduce them (0.3 is not 3 * 0.1), the DIVIDED kind (`k / 10 ** d`, the
// correctly rounded decimal) usually does.
//
// Decoding checks the version, the CRC, every bucket and the exact length:
// a chunk that is not intact throws CodecError, never returns made-up samples.
import { BitReader, BitUnderflowError, BitWriter, crc32 } from './bits';

export interface Samples {
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  readonly q: ArrayLike<number>;
  readonly count: number;
}

/** Decoded samples; each array has its own ArrayBuffer (safe to transfer). */
export interface DecodedChunk {
  t: Float64Array;
  v: Float64Array;
  q: Uint8Array;
}

/** A chunk that cannot be decoded: unknown version, truncated or corrupted. */
export class CodecError extends Error {
  override name = 'CodecError';
}

export const CHUNK_FORMAT_VERSION = 1;
/** Most samples one chunk may hold (bounds what a decoder allocates). */
export const MAX_CHUNK_SAMPLES = 1 << 24;

const KIND_FLOAT = 0;
const KIND_SCALED = 1;
const KIND_DIVIDED = 2;
const HAS_OFFSET = 0x04;
/** '0' symbols in a row before a run-length code follows. */
const RUN = 8;
const TWO_32 = 4294967296;
/** Largest |k| on the integer paths, so that deltas of k stay below 2^53 (sign and 53-bit magnitude). */
const MAX_K = 2 ** 52 - 1;
/** Version byte, count, encoding byte, CRC. */
const MIN_BYTES = 1 + 4 + 1 + 4;

// Float64 <-> two 32-bit halves, without BigInt.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

// Scratch space reused by every call (the codec is synchronous). After an
// unusually large chunk it is dropped again rather than kept for good.
const SCRATCH_SAMPLES = 1 << 16;
let writer = new BitWriter(1 << 16);
let kScratch = new Float64Array(4096);
let fScratch = new Float64Array(4096);

function releaseScratch(): void {
  writer = new BitWriter(1 << 16);
  kScratch = new Float64Array(4096);
  fScratch = new Float64Array(4096);
}

function scratchK(count: number): Float64Array {
  if (kScratch.length < count) kScratch = new Float64Array(Math.max(count, kScratch.length * 2));
  return kScratch;
}

// ---------------------------------------------------------------------------
// Encoding

/**
 * Encodes `samples.count` samples into one chunk.
 *
 * @param step   values are multiples of `step` above `offset` (a register's
 *               gain, or 10^-decimals): stored as integers when every value
 *               round-trips exactly, else as floats. Undefined: floats.
 * @param offset the value for k = 0 (a scaled register's euMin); default 0.
 * @throws RangeError for timestamps that are not strictly increasing
 *         non-negative safe integers, quality codes outside 0..255, a bad
 *         count, or a step that is not a positive finite number.
 */
export function encodeChunk(samples: Samples, step?: number, offset = 0): Uint8Array {
  const { t, v, q, count } = samples;
  if (!(Number.isInteger(count) && count >= 0 && count <= MAX_CHUNK_SAMPLES)) {
    throw new RangeError(`sample count ${count} is not an integer in [0, ${MAX_CHUNK_SAMPLES}]`);
  }
  if (t.length < count || v.length < count || q.length < count) {
    throw new RangeError(`sample count ${count} exceeds the arrays (t ${t.length}, v ${v.length}, q ${q.length})`);
  }
  if (step !== undefined && !(step > 0 && step < Infinity)) throw new RangeError(`step ${step} is not a positive finite number`);
  if (!Number.isFinite(offset)) throw new RangeError(`offset ${offset} is not finite`);

  const unit = checkTimestamps(t, count);
  checkQualities(q, count);

  let kind = KIND_FLOAT;
  let param = 0;
  const ks = step !== undefined && count > 0 ? scratchK(count) : undefined;
  if (ks !== undefined && step !== undefined) {
    if (fitsScaled(v, count, step, offset, ks)) {
      kind = KIND_SCALED;
      param = step;
    } else {
      const divisor = divisorOf(step);
      if (divisor > 0 && fitsDivided(v, count, divisor, offset, ks)) {
        kind = KIND_DIVIDED;
        param = divisor;
      }
    }
  }
  const withOffset = kind !== KIND_FLOAT && offset !== 0;

  const w = writer;
  w.reset();
  w.write(CHUNK_FORMAT_VERSION, 8);
  w.write(count, 32);
  w.write(kind | (withOffset ? HAS_OFFSET : 0), 8);
  if (kind !== KIND_FLOAT) {
    writeF64(w, param);
    if (withOffset) writeF64(w, offset);
  }
  if (count > 0) {
    encodeTimes(w, t, count, unit);
    if (kind === KIND_FLOAT) encodeFloats(w, v, count);
    else encodeInts(w, ks!, count);
    encodeQualities(w, q, count);
  }
  w.padToByte();
  w.write(crc32(w.bytes()), 32);
  const bytes = w.bytes().slice();
  if (count > SCRATCH_SAMPLES) releaseScratch();
  return bytes;
}

function writeF64(w: BitWriter, x: number): void {
  F64[0] = x;
  w.write64(U32[HI]!, U32[LO]!);
}

/** Validates the timestamps; returns the time unit (gcd of the deltas, 1 if none or too large). */
function checkTimestamps(t: ArrayLike<number>, count: number): number {
  if (count === 0) return 1;
  let prev = t[0]!;
  if (!(prev >= 0 && prev <= Number.MAX_SAFE_INTEGER && Math.floor(prev) === prev)) throw badTimestamp(t, 0);
  let g = 0;
  let last = 0;
  for (let i = 1; i < count; i++) {
    const ti = t[i]!;
    if (!(ti > prev && ti <= Number.MAX_SAFE_INTEGER && Math.floor(ti) === ti)) throw badTimestamp(t, i);
    const d = ti - prev;
    prev = ti;
    if (d === last || g === 1) continue; // the same tick again: nothing new for the gcd
    last = d;
    if (d % g !== 0) g = gcd(g, d); // g = 0: d % 0 is NaN, so g becomes d
  }
  return g === 0 || g > 0xffffffff ? 1 : g;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

function badTimestamp(t: ArrayLike<number>, i: number): RangeError {
  const ti = t[i]!;
  let why: string;
  if (!Number.isFinite(ti) || Math.floor(ti) !== ti) why = 'is not an integer number of milliseconds';
  else if (ti < 0) why = 'is negative';
  else if (ti > Number.MAX_SAFE_INTEGER) why = 'is beyond 2^53 - 1';
  else if (ti === t[i - 1]) why = `duplicates the timestamp at index ${i - 1}`;
  else why = `is earlier than the timestamp at index ${i - 1} (${t[i - 1]})`;
  return new RangeError(`timestamp at index ${i} (${ti}) ${why}: timestamps must be strictly increasing`);
}

function checkQualities(q: ArrayLike<number>, count: number): void {
  for (let i = 0; i < count; i++) {
    const c = q[i]!;
    if ((c & 0xff) !== c) throw new RangeError(`quality at index ${i} (${c}) is not an integer code in 0..255`);
  }
}

/** Fills `ks` with k = (v - offset) / step when every value is exactly offset + k * step. */
function fitsScaled(v: ArrayLike<number>, count: number, step: number, offset: number, ks: Float64Array): boolean {
  const inverse = 1 / step;
  for (let i = 0; i < count; i++) {
    const x = v[i]!;
    const k = Math.round((x - offset) * inverse) + 0; // + 0 turns -0 into 0, as the decoder's sums are
    if (!(Math.abs(k) <= MAX_K)) return false; // also NaN and ±Infinity
    const back = offset + k * step;
    if (back !== x || (back === 0 && 1 / back !== 1 / x)) return false;
    ks[i] = k;
  }
  return true;
}

/** Like `fitsScaled`, for values exactly offset + k / divisor. */
function fitsDivided(v: ArrayLike<number>, count: number, divisor: number, offset: number, ks: Float64Array): boolean {
  for (let i = 0; i < count; i++) {
    const x = v[i]!;
    const k = Math.round((x - offset) * divisor) + 0;
    if (!(Math.abs(k) <= MAX_K)) return false;
    const back = offset + k / divisor;
    if (back !== x || (back === 0 && 1 / back !== 1 / x)) return false;
    ks[i] = k;
  }
  return true;
}

/** The integer n >= 2 with step ≈ 1/n (0.01 → 100), or 0. */
function divisorOf(step: number): number {
  const n = Math.round(1 / step);
  return n >= 2 && n <= MAX_K && Math.abs(n * step - 1) < 1e-9 ? n : 0;
}

/** `run` '0' symbols: plain bits while short, RUN bits and a gamma code when long. */
function writeRun(w: BitWriter, run: number): void {
  if (run < RUN) w.write(0, run);
  else {
    w.write(0, RUN);
    w.writeGamma(run - RUN + 1);
  }
}

/** Sign and 53-bit magnitude, after a '11111' prefix. */
function writeHuge(w: BitWriter, x: number): void {
  const magnitude = Math.abs(x);
  w.write((0b11111 << 22) | (x < 0 ? 1 << 21 : 0) | Math.floor(magnitude / TWO_32), 27);
  w.write(magnitude >>> 0, 32);
}

function encodeTimes(w: BitWriter, t: ArrayLike<number>, count: number, unit: number): void {
  const first = t[0]!;
  w.write64(Math.floor(first / TWO_32), first >>> 0);
  if (count < 2) return;
  w.writeGamma(unit);
  let prev = first;
  let tick = 0;
  let run = 0;
  for (let i = 1; i < count; i++) {
    const ti = t[i]!;
    const d = (ti - prev) / unit;
    prev = ti;
    const dod = d - tick;
    if (dod === 0) {
      run++;
      continue;
    }
    if (run !== 0) {
      writeRun(w, run);
      run = 0;
    }
    tick = d;
    if (dod >= -4 && dod < 4) w.write((0b10 << 3) | ((dod << 1) ^ (dod >> 31)), 5);
    else if (dod >= -64 && dod < 64) w.write((0b110 << 7) | ((dod << 1) ^ (dod >> 31)), 10);
    else if (dod >= -2048 && dod < 2048) w.write((0b1110 << 12) | ((dod << 1) ^ (dod >> 31)), 16);
    else if (dod >= -2147483648 && dod < 2147483648) {
      w.write(0b11110, 5);
      w.write((dod << 1) ^ (dod >> 31), 32);
    } else writeHuge(w, dod);
  }
  if (run !== 0) writeRun(w, run);
}

function encodeInts(w: BitWriter, ks: Float64Array, count: number): void {
  // The hottest loop of the codec (registers change on every poll): the
  // writer's state lives in locals, and only rare cases (long runs, deltas
  // beyond 16 bits) go through its methods. A sample costs at most 59 bits
  // plus its share of a run code, so reserving 8 bytes per sample is enough.
  w.reserve(count * 8 + 16);
  const buf = w.buf;
  let pos = w.pos;
  let acc = w.acc;
  let n = w.n;
  let prev = 0;
  let run = 0;
  for (let i = 0; i < count; i++) {
    const k = ks[i]!;
    const d = k - prev;
    prev = k;
    if (d === 0) {
      run++;
      continue;
    }
    // A short run of '0' symbols rides along as leading zero bits of the next code.
    let zeros = 0;
    if (run !== 0) {
      if (run < RUN) zeros = run;
      else {
        w.pos = pos;
        w.acc = acc;
        w.n = n;
        writeRun(w, run);
        pos = w.pos;
        acc = w.acc;
        n = w.n;
      }
      run = 0;
    }
    let code: number;
    let bits: number;
    if (d >= -8 && d < 8) {
      code = (0b10 << 4) | ((d << 1) ^ (d >> 31));
      bits = 6 + zeros;
    } else if (d >= -128 && d < 128) {
      code = (0b110 << 8) | ((d << 1) ^ (d >> 31));
      bits = 11 + zeros;
    } else if (d >= -32768 && d < 32768) {
      code = (0b1110 << 16) | ((d << 1) ^ (d >> 31));
      bits = 20 + zeros;
    } else {
      w.pos = pos;
      w.acc = acc;
      w.n = n;
      w.write(0, zeros);
      if (d >= -2147483648 && d < 2147483648) {
        w.write(0b11110, 5);
        w.write((d << 1) ^ (d >> 31), 32);
      } else writeHuge(w, d);
      pos = w.pos;
      acc = w.acc;
      n = w.n;
      continue;
    }
    // Inline BitWriter.write for bits <= 27.
    const free = 32 - n;
    if (bits < free) {
      acc = (acc << bits) | code;
      n += bits;
    } else {
      const rest = bits - free;
      const word = (acc << free) | (code >>> rest);
      buf[pos] = word >>> 24;
      buf[pos + 1] = word >>> 16;
      buf[pos + 2] = word >>> 8;
      buf[pos + 3] = word;
      pos += 4;
      acc = code;
      n = rest;
    }
  }
  w.pos = pos;
  w.acc = acc;
  w.n = n;
  if (run !== 0) writeRun(w, run);
}

function encodeFloats(w: BitWriter, v: ArrayLike<number>, count: number): void {
  // Read the bit patterns through a Uint32Array view: no NaN canonicalisation.
  let source: Float64Array;
  if (v instanceof Float64Array) source = v;
  else {
    if (fScratch.length < count) fScratch = new Float64Array(Math.max(count, fScratch.length * 2));
    source = fScratch;
    for (let i = 0; i < count; i++) source[i] = v[i]!;
  }
  const u = new Uint32Array(source.buffer, source.byteOffset, count * 2);
  let ph = u[HI]!;
  let pl = u[LO]!;
  w.write64(ph, pl);
  // The writer's state lives in locals (see encodeInts). A value costs at most
  // 2 + 11 + 64 bits, so 10 bytes per value is enough; run codes go through
  // the writer's methods.
  w.reserve(count * 10 + 16);
  const buf = w.buf;
  let pos = w.pos;
  let acc = w.acc;
  let n = w.n;
  let lead = 64; // no window yet: the first non-zero XOR opens one
  let trail = 0;
  let width = 0;
  let run = 0;
  for (let i = 1; i < count; i++) {
    const hi = u[2 * i + HI]!;
    const lo = u[2 * i + LO]!;
    const xh = hi ^ ph;
    const xl = lo ^ pl;
    ph = hi;
    pl = lo;
    if ((xh | xl) === 0) {
      run++;
      continue;
    }
    // A short run of '0' symbols rides along as leading zero bits of the header.
    let zeros = 0;
    if (run !== 0) {
      if (run < RUN) zeros = run;
      else {
        w.pos = pos;
        w.acc = acc;
        w.n = n;
        writeRun(w, run);
        pos = w.pos;
        acc = w.acc;
        n = w.n;
      }
      run = 0;
    }
    let ld = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    if (ld > 31) ld = 31;
    const tr = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
    const len = 64 - ld - tr;
    let head: number;
    let headBits: number;
    let shift: number;
    // Reuse the previous window when the XOR fits it and it wastes fewer bits than a new header costs.
    if (ld >= lead && tr >= trail && width <= len + 11) {
      head = 0b10;
      headBits = 2 + zeros;
      shift = trail;
    } else {
      head = (0b11 << 11) | (ld << 6) | (len - 1);
      headBits = 13 + zeros;
      lead = ld;
      trail = tr;
      width = len;
      shift = tr;
    }
    let sh: number;
    let sl: number;
    if (shift === 0) {
      sh = xh;
      sl = xl;
    } else if (shift < 32) {
      sl = (xl >>> shift) | (xh << (32 - shift));
      sh = xh >>> shift;
    } else {
      sl = xh >>> (shift - 32);
      sh = 0;
    }
    // Three inline writes: the header, then the window's high and low parts
    // (the XOR has no bits outside the window, so nothing needs masking).
    for (let part = 0; part < 3; part++) {
      let code: number;
      let bits: number;
      if (part === 0) {
        code = head;
        bits = headBits;
      } else if (part === 1) {
        if (width <= 32) continue;
        code = sh;
        bits = width - 32;
      } else {
        code = sl;
        bits = width > 32 ? 32 : width;
      }
      const free = 32 - n;
      if (bits < free) {
        acc = (acc << bits) | code;
        n += bits;
      } else {
        const rest = bits - free;
        const word = n === 0 ? code : (acc << free) | (code >>> rest);
        buf[pos] = word >>> 24;
        buf[pos + 1] = word >>> 16;
        buf[pos + 2] = word >>> 8;
        buf[pos + 3] = word;
        pos += 4;
        acc = code;
        n = rest;
      }
    }
  }
  w.pos = pos;
  w.acc = acc;
  w.n = n;
  if (run !== 0) writeRun(w, run);
}

function encodeQualities(w: BitWriter, q: ArrayLike<number>, count: number): void {
  let prev = 0;
  let run = 0;
  for (let i = 0; i < count; i++) {
    const c = q[i]!;
    if (c === prev) {
      run++;
      continue;
    }
    if (run !== 0) {
      writeRun(w, run);
      run = 0;
    }
    w.write(0x100 | c, 9);
    prev = c;
  }
  if (run !== 0) writeRun(w, run);
}

// ---------------------------------------------------------------------------
// Decoding

/**
 * Decodes a chunk written by `encodeChunk`.
 * @throws CodecError for an unknown format version or a truncated or corrupted chunk.
 */
export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const r = openChunk(bytes);
  try {
    return decodeBody(r);
  } catch (error) {
    throw asCodecError(error);
  }
}

/** Checks the version, length and CRC; returns a reader over the body (after the version byte). */
function openChunk(bytes: Uint8Array): BitReader {
  if (!(bytes instanceof Uint8Array)) throw new CodecError('chunk is not a byte array');
  if (bytes.length === 0) throw new CodecError('chunk is empty');
  if (bytes[0] !== CHUNK_FORMAT_VERSION) {
    throw new CodecError(`unknown chunk format version ${bytes[0]} (this build reads version ${CHUNK_FORMAT_VERSION})`);
  }
  if (bytes.length < MIN_BYTES) throw new CodecError(`chunk truncated: ${bytes.length} bytes, a chunk has at least ${MIN_BYTES}`);
  const bodyEnd = bytes.length - 4;
  const stored = ((bytes[bodyEnd]! << 24) | (bytes[bodyEnd + 1]! << 16) | (bytes[bodyEnd + 2]! << 8) | bytes[bodyEnd + 3]!) >>> 0;
  const actual = crc32(bytes, 0, bodyEnd);
  if (stored !== actual) {
    throw new CodecError(`chunk corrupted or truncated: its CRC-32 is ${hex(actual)}, the chunk says ${hex(stored)}`);
  }
  return new BitReader(bytes, 1, bodyEnd);
}

function asCodecError(error: unknown): unknown {
  return error instanceof BitUnderflowError ? new CodecError(`chunk corrupted: ${error.message}`) : error;
}

/** What a chunk's header says, read without decoding the samples. */
export interface ChunkInfo {
  count: number;
  /** How the values are stored: float64 XOR, offset + k * step, or offset + k / divisor. */
  values: 'float' | 'scaled' | 'divided';
  step?: number;
  divisor?: number;
  offset: number;
  /** Bytes the chunk takes, CRC included. */
  bytes: number;
}

/**
 * Reads a chunk's header (after checking its version and CRC), for
 * diagnostics such as "why does this tag take so much room".
 * @throws CodecError like `decodeChunk`.
 */
export function chunkInfo(bytes: Uint8Array): ChunkInfo {
  const r = openChunk(bytes);
  try {
    const { count, kind, param, offset } = readHeader(r);
    if (kind === KIND_FLOAT) return { count, values: 'float', offset, bytes: bytes.length };
    if (kind === KIND_SCALED) return { count, values: 'scaled', step: param, offset, bytes: bytes.length };
    return { count, values: 'divided', divisor: param, offset, bytes: bytes.length };
  } catch (error) {
    throw asCodecError(error);
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function corrupt(what: string): CodecError {
  return new CodecError(`chunk corrupted: ${what}`);
}

function readF64(r: BitReader): number {
  U32[HI] = r.read(32);
  U32[LO] = r.read(32);
  return F64[0]!;
}

interface Header {
  count: number;
  kind: number;
  param: number;
  offset: number;
}

function readHeader(r: BitReader): Header {
  const count = r.read(32);
  if (count > MAX_CHUNK_SAMPLES) throw corrupt(`sample count ${count} exceeds ${MAX_CHUNK_SAMPLES}`);
  const encoding = r.read(8);
  const kind = encoding & 0x03;
  if ((encoding & ~(0x03 | HAS_OFFSET)) !== 0 || kind > KIND_DIVIDED || (kind === KIND_FLOAT && encoding !== KIND_FLOAT)) {
    throw corrupt(`unknown value encoding 0x${encoding.toString(16)}`);
  }
  let param = 0;
  let offset = 0;
  if (kind !== KIND_FLOAT) {
    param = readF64(r);
    if (!(param > 0 && param < Infinity)) throw corrupt(`step ${param} is not a positive finite number`);
    if (encoding & HAS_OFFSET) {
      offset = readF64(r);
      if (!Number.isFinite(offset)) throw corrupt(`offset ${offset} is not finite`);
    }
  }
  return { count, kind, param, offset };
}

function decodeBody(r: BitReader): DecodedChunk {
  const { count, kind, param, offset } = readHeader(r);
  // Three separate buffers: callers may transfer each one to another thread.
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  const q = new Uint8Array(count);
  if (count > 0) {
    decodeTimes(r, t, count);
    if (kind === KIND_FLOAT) decodeFloats(r, v, count);
    else decodeInts(r, v, count, kind === KIND_DIVIDED, param, offset);
    decodeQualities(r, q, count);
  }
  if (r.bitsLeft >= 8 || !r.restIsZero()) throw corrupt(`${r.bitsLeft} bit(s) of trailing data`);
  return { t, v, q };
}

/** How many further '0' symbols a run-length code adds, checked against what is left. */
function readRun(r: BitReader, left: number): number {
  const extra = r.readGamma() - 1;
  if (extra > left) throw corrupt(`a run of ${extra} repeats overflows the ${left} sample(s) left`);
  return extra;
}

/** The signed payload after a bucket prefix of `ones` ones (1..5), for bucket widths a, b, c. */
function readSigned(r: BitReader, ones: number, a: number, b: number, c: number): number {
  let z: number;
  switch (ones) {
    case 1:
      z = r.read(a);
      break;
    case 2:
      z = r.read(b);
      break;
    case 3:
      z = r.read(c);
      break;
    case 4:
      z = r.read(32);
      break;
    default: {
      const head = r.read(22);
      const magnitude = (head & 0x1fffff) * TWO_32 + r.read(32);
      return head & 0x200000 ? -magnitude : magnitude;
    }
  }
  return (z >>> 1) ^ -(z & 1);
}

function decodeTimes(r: BitReader, out: Float64Array, count: number): void {
  const high = r.read(32);
  if (high > 0x1fffff) throw corrupt('first timestamp beyond 2^53');
  let t = high * TWO_32 + r.read(32);
  out[0] = t;
  if (count < 2) return;
  const unit = r.readGamma();
  let d = 0; // current delta, in units
  let delta = 0; // current delta, in ms
  let zeros = 0;
  let i = 1;
  while (i < count) {
    const ones = r.readPrefix(5);
    if (ones === 0) {
      if (delta === 0) throw corrupt('timestamps do not increase');
      t += delta;
      out[i++] = t;
      if (++zeros === RUN) {
        zeros = 0;
        const end = i + readRun(r, count - i);
        while (i < end) {
          t += delta;
          out[i++] = t;
        }
      }
      continue;
    }
    zeros = 0;
    d += readSigned(r, ones, 3, 7, 12);
    if (d <= 0) throw corrupt(`timestamp ${i} does not increase`);
    delta = d * unit;
    t += delta;
    out[i++] = t;
  }
  if (!(t <= Number.MAX_SAFE_INTEGER)) throw corrupt('timestamps beyond 2^53');
}

function truncated(): CodecError {
  return corrupt('bit stream truncated');
}

function decodeInts(r: BitReader, out: Float64Array, count: number, divided: boolean, param: number, offset: number): void {
  // The reader's state lives in locals; the common buckets ('0', 4, 8 and 16
  // bits) are decoded straight from the accumulator, the rest through the
  // reader's methods.
  const buf = r.buf;
  const end = r.end;
  let acc = r.acc;
  let avail = r.avail;
  let pos = r.pos;
  let k = 0;
  let value = divided ? offset + k / param : offset + k * param;
  let zeros = 0;
  let i = 0;
  while (i < count) {
    while (avail <= 24 && pos < end) {
      acc |= buf[pos++]! << (24 - avail);
      avail += 8;
    }
    const ones = Math.clz32(~acc); // never counts past `avail`: the bits there are zero
    if (ones === 0) {
      if (avail === 0) throw truncated();
      acc <<= 1;
      avail--;
      out[i++] = value;
      if (++zeros === RUN) {
        zeros = 0;
        r.acc = acc;
        r.avail = avail;
        r.pos = pos;
        const stop = i + readRun(r, count - i);
        acc = r.acc;
        avail = r.avail;
        pos = r.pos;
        out.fill(value, i, stop);
        i = stop;
      }
      continue;
    }
    zeros = 0;
    let z: number;
    if (ones === 1) {
      if (avail < 6) throw truncated();
      z = (acc >>> 26) & 0xf;
      acc <<= 6;
      avail -= 6;
    } else if (ones === 2) {
      if (avail < 11) throw truncated();
      z = (acc >>> 21) & 0xff;
      acc <<= 11;
      avail -= 11;
    } else if (ones === 3) {
      if (avail < 20) throw truncated();
      z = (acc >>> 12) & 0xffff;
      acc <<= 20;
      avail -= 20;
    } else {
      r.acc = acc;
      r.avail = avail;
      r.pos = pos;
      k += readSigned(r, r.readPrefix(5), 4, 8, 16);
      acc = r.acc;
      avail = r.avail;
      pos = r.pos;
      z = 0;
    }
    k += (z >>> 1) ^ -(z & 1);
    if (!(Math.abs(k) <= MAX_K)) throw corrupt(`integer value ${k} out of range`);
    value = divided ? offset + k / param : offset + k * param;
    out[i++] = value;
  }
  r.acc = acc;
  r.avail = avail;
  r.pos = pos;
}

function decodeFloats(r: BitReader, out: Float64Array, count: number): void {
  // Write the bit patterns through a Uint32Array view: no NaN canonicalisation.
  const u = new Uint32Array(out.buffer, out.byteOffset, count * 2);
  let hi = r.read(32);
  let lo = r.read(32);
  u[HI] = hi;
  u[LO] = lo;
  // The reader's state lives in locals (see decodeInts); run codes go through its methods.
  const buf = r.buf;
  const end = r.end;
  let acc = r.acc;
  let avail = r.avail;
  let pos = r.pos;
  let trail = -1; // no window yet
  let width = 0;
  let zeros = 0;
  let i = 1;
  while (i < count) {
    while (avail <= 24 && pos < end) {
      acc |= buf[pos++]! << (24 - avail);
      avail += 8;
    }
    if (acc >= 0) {
      // '0': the same value again
      if (avail === 0) throw truncated();
      acc <<= 1;
      avail--;
      u[2 * i + HI] = hi;
      u[2 * i + LO] = lo;
      i++;
      if (++zeros === RUN) {
        zeros = 0;
        r.acc = acc;
        r.avail = avail;
        r.pos = pos;
        const stop = i + readRun(r, count - i);
        acc = r.acc;
        avail = r.avail;
        pos = r.pos;
        for (; i < stop; i++) {
          u[2 * i + HI] = hi;
          u[2 * i + LO] = lo;
        }
      }
      continue;
    }
    zeros = 0;
    if (acc & 0x40000000) {
      // '11': a new window, 5 bits of leading zeros and 6 bits of width - 1
      if (avail < 13) throw truncated();
      const lead = (acc >>> 25) & 0x1f;
      width = ((acc >>> 19) & 0x3f) + 1;
      acc <<= 13;
      avail -= 13;
      trail = 64 - lead - width;
      if (trail < 0) throw corrupt(`XOR window of ${lead} leading zeros and ${width} bits exceeds 64 bits`);
    } else {
      // '10': the previous window
      if (avail < 2) throw truncated();
      if (trail < 0) throw corrupt('XOR window reused before one was opened');
      acc <<= 2;
      avail -= 2;
    }
    // The window's `width` bits into sh:sl, in pieces of at most 31 bits.
    let sh = 0;
    let sl = 0;
    let need = width;
    while (need > 0) {
      while (avail <= 24 && pos < end) {
        acc |= buf[pos++]! << (24 - avail);
        avail += 8;
      }
      let take = need < avail ? need : avail;
      if (take > 31) take = 31;
      if (take === 0) throw truncated();
      const piece = acc >>> (32 - take);
      acc <<= take;
      avail -= take;
      sh = (sh << take) | (sl >>> (32 - take));
      sl = (sl << take) | piece;
      need -= take;
    }
    let xh: number;
    let xl: number;
    if (trail === 0) {
      xh = sh;
      xl = sl;
    } else if (trail < 32) {
      xh = (sh << trail) | (sl >>> (32 - trail));
      xl = sl << trail;
    } else {
      xh = sl << (trail - 32);
      xl = 0;
    }
    hi ^= xh;
    lo ^= xl;
    u[2 * i + HI] = hi;
    u[2 * i + LO] = lo;
    i++;
  }
  r.acc = acc;
  r.avail = avail;
  r.pos = pos;
}

function decodeQualities(r: BitReader, out: Uint8Array, count: number): void {
  let code = 0;
  let zeros = 0;
  let i = 0;
  while (i < count) {
    if (r.readBit() === 0) {
      out[i++] = code;
      if (++zeros === RUN) {
        zeros = 0;
        const end = i + readRun(r, count - i);
        out.fill(code, i, end);
        i = end;
      }
      continue;
    }
    zeros = 0;
    code = r.read(8);
    out[i++] = code;
  }
}
