// Bit-level I/O for the historian's chunk codec: a growable MSB-first bit
// writer and the matching reader, plus Elias-gamma codes and CRC-32.
//
// Bits are packed most significant first: the first bit written is the high
// bit of byte 0. Both sides keep a 32-bit accumulator in a plain number, so
// nothing allocates per call and V8 keeps everything in int32 registers.
// Values wider than 32 bits go through two calls (`write64`, or `read(32)`
// twice), never through BigInt.
//
// The state fields are public on purpose: a codec's hottest loops copy them
// into locals (which V8 keeps in registers), work on those, and store them
// back, instead of paying a field load and store per call. Anyone else should
// use the methods.

/** Lowest `n` bits set, for 0 <= n <= 32. */
function lowMask(n: number): number {
  return n >= 32 ? -1 : (1 << n) - 1;
}

/** Growable MSB-first bit writer. */
export class BitWriter {
  buf: Uint8Array;
  /** Bytes completed in `buf`. */
  pos = 0;
  /** Pending bits, right-aligned (bits above `n` are ignored). */
  acc = 0;
  /** Number of pending bits, 0..31. */
  n = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
  }

  /** Forgets everything written; keeps the buffer for reuse. */
  reset(): void {
    this.pos = 0;
    this.acc = 0;
    this.n = 0;
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.pos * 8 + this.n;
  }

  /** Writes the low `bits` bits of `value` (0 <= bits <= 32), most significant first. */
  write(value: number, bits: number): void {
    const free = 32 - this.n; // 1..32
    if (bits < free) {
      // bits === 0 also lands here, as a no-op: lowMask(0) is 0.
      this.acc = (this.acc << bits) | (value & lowMask(bits));
      this.n += bits;
      return;
    }
    // Fill the accumulator to 32 bits, flush it, keep the rest of `value`.
    const rest = bits - free;
    const word = free === 32 ? value : (this.acc << free) | ((value & lowMask(bits)) >>> rest);
    this.flushWord(word);
    this.acc = value; // only the low `rest` bits count
    this.n = rest;
  }

  /** Writes a 64-bit pattern as two 32-bit halves, high half first. */
  write64(hi: number, lo: number): void {
    this.write(hi, 32);
    this.write(lo, 32);
  }

  /** Elias-gamma code of an integer 1 <= value < 2^32: floor(log2 v) zeros, then v in binary. */
  writeGamma(value: number): void {
    if (!(value >= 1 && value <= 0xffffffff && Math.floor(value) === value)) {
      throw new RangeError(`gamma code needs an integer in [1, 2^32), got ${value}`);
    }
    const width = 32 - Math.clz32(value); // 1..32
    this.write(0, width - 1);
    this.write(value, width);
  }

  /** Pads with zero bits up to the next byte boundary. */
  padToByte(): void {
    const n = this.n;
    if (n === 0) return;
    this.ensure(4);
    const word = this.acc << (32 - n);
    const bytes = (n + 7) >>> 3;
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = word >>> 24;
    if (bytes > 1) buf[pos++] = word >>> 16;
    if (bytes > 2) buf[pos++] = word >>> 8;
    if (bytes > 3) buf[pos++] = word;
    this.pos = pos;
    this.acc = 0;
    this.n = 0;
  }

  /**
   * The completed bytes, as a view over the internal buffer (valid until the
   * next write or reset). Call `padToByte` first to include pending bits.
   */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for `bytes` more bytes after `pos`, so that a hot loop can skip bounds checks. */
  reserve(bytes: number): void {
    this.ensure(bytes);
  }

  private flushWord(word: number): void {
    if (this.pos + 4 > this.buf.length) this.ensure(4);
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = word >>> 24;
    buf[pos + 1] = word >>> 16;
    buf[pos + 2] = word >>> 8;
    buf[pos + 3] = word;
    this.pos = pos + 4;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }
}

/** Thrown by `BitReader` when a read runs past the end of its bytes. */
export class BitUnderflowError extends RangeError {}

/** MSB-first bit reader over `bytes[start, end)`. */
export class BitReader {
  readonly buf: Uint8Array;
  /** Next byte to prefetch. */
  pos: number;
  readonly end: number;
  /** Prefetched bits, left-aligned (bit 31 is the next bit); bits past `avail` are zero. */
  acc = 0;
  /** Prefetched bits in `acc`, 0..32. */
  avail = 0;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) throw new RangeError(`bad range [${start}, ${end}) over ${bytes.length} bytes`);
    this.buf = bytes;
    this.pos = start;
    this.end = end;
  }

  /** Bits not yet consumed. */
  get bitsLeft(): number {
    return (this.end - this.pos) * 8 + this.avail;
  }

  /** True when every bit not yet consumed is zero (padding). */
  restIsZero(): boolean {
    if (this.acc !== 0) return false;
    for (let i = this.pos; i < this.end; i++) if (this.buf[i] !== 0) return false;
    return true;
  }

  /** Reads one bit (0 or 1). */
  readBit(): number {
    if (this.avail === 0) {
      this.refill();
      if (this.avail === 0) this.underflow(1);
    }
    const bit = this.acc >>> 31;
    this.acc <<= 1;
    this.avail--;
    return bit;
  }

  /** Reads `bits` bits (0 <= bits <= 32) as an unsigned number. */
  read(bits: number): number {
    if (this.avail < bits) this.refill(); // leaves at least 25 bits prefetched, unless at the end
    const avail = this.avail;
    if (bits <= avail) {
      if (bits === 0) return 0; // a shift by 32 would be a shift by 0
      const value = this.acc >>> (32 - bits);
      this.acc = bits === 32 ? 0 : this.acc << bits;
      this.avail = avail - bits;
      return value;
    }
    // 26..32 bits wanted and fewer prefetched: take those, refill, take the rest.
    const rest = bits - avail;
    const high = avail === 0 ? 0 : this.acc >>> (32 - avail);
    this.acc = 0;
    this.avail = 0;
    this.refill();
    if (this.avail < rest) this.underflow(rest);
    const low = this.acc >>> (32 - rest);
    this.acc <<= rest;
    this.avail -= rest;
    return ((high << rest) | low) >>> 0;
  }

  /**
   * Reads a unary bucket prefix: counts leading 1 bits, at most `max`
   * (1 <= max <= 24), and consumes them plus the terminating 0 when fewer
   * than `max` ones were seen. '0' → 0, '10' → 1, … , max ones → max.
   */
  readPrefix(max: number): number {
    if (this.avail <= max) this.refill();
    let ones = Math.clz32(~this.acc); // bits past `avail` are 0, so this never counts past them
    let used = ones + 1;
    if (ones >= max) {
      ones = max;
      used = max;
    }
    if (used > this.avail) this.underflow(used);
    this.acc <<= used;
    this.avail -= used;
    return ones;
  }

  /** Reads an Elias-gamma code written by `BitWriter.writeGamma`. */
  readGamma(): number {
    let zeros = 0;
    while (this.readBit() === 0) {
      if (++zeros > 31) throw new BitUnderflowError('malformed gamma code (more than 31 leading zeros)');
    }
    return zeros === 0 ? 1 : 2 ** zeros + this.read(zeros);
  }

  private refill(): void {
    const buf = this.buf;
    const end = this.end;
    let acc = this.acc;
    let avail = this.avail;
    let pos = this.pos;
    while (avail <= 24 && pos < end) {
      acc |= buf[pos++]! << (24 - avail);
      avail += 8;
    }
    this.acc = acc;
    this.avail = avail;
    this.pos = pos;
  }

  /** Throws the error for a read of `bits` bits past the end. */
  underflow(bits: number): never {
    throw new BitUnderflowError(`bit stream truncated: needed ${bits} more bit(s), ${this.avail} left`);
  }
}

/** CRC-32 tables for slicing-by-8: table k at [256 k, 256 k + 256). */
const CRC_TABLES = (() => {
  const table = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let k = 1; k < 8; k++) {
      c = table[c & 0xff]! ^ (c >>> 8);
      table[k * 256 + n] = c;
    }
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib and PNG use) of `bytes[start, end)`, unsigned. Slicing-by-8. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const T = CRC_TABLES;
  let c = -1;
  let i = start;
  for (const stop = end - 8; i <= stop; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const b = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    c =
      T[1792 + (a & 0xff)]! ^
      T[1536 + ((a >>> 8) & 0xff)]! ^
      T[1280 + ((a >>> 16) & 0xff)]! ^
      T[1024 + (a >>> 24)]! ^
      T[768 + (b & 0xff)]! ^
      T[512 + ((b >>> 8) & 0xff)]! ^
      T[256 + ((b >>> 16) & 0xff)]! ^
      T[b >>> 24]!;
  }
  for (; i < end; i++) c = T[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
