// The samples of one pen in a live trend: the back-fill from the historian,
// then every live change appended, in typed arrays that are allocated once
// and grow only by doubling. Old samples leave from the front (one is kept
// before the window: the value carried into it); the arrays are compacted
// in place (copyWithin) when the front has moved far enough, never sliced.
//
// A live sample at or before the newest one held is dropped: that is how
// the back-fill and the live stream meet without a seam (the stream also
// repeats each tag's current value when it starts).
import type { TagChange } from '../../../../shared/types';
import { QUALITY_CODE } from '../../../../shared/types';
import type { PenSeries, SeriesSlice } from './trendData';

export interface LiveSample {
  readonly t: number;
  /** NaN: a gap. */
  readonly v: number;
  readonly q: number;
}

/** A `tags.changed` entry as a trend sample: booleans 0/1, Bad (or no value) a gap, as the historian records it. */
export function sampleOf(change: Pick<TagChange, 'value' | 'quality' | 'ts'>): LiveSample {
  const { value, quality } = change;
  const q = QUALITY_CODE[quality.status];
  const v =
    q === QUALITY_CODE.bad || value === null || typeof value === 'string'
      ? NaN
      : typeof value === 'boolean'
        ? value
          ? 1
          : 0
        : Number.isFinite(value)
          ? value
          : NaN;
  return { t: change.ts, v, q: Number.isNaN(v) ? QUALITY_CODE.bad : q };
}

export class PenBuffer {
  private t: Float64Array;
  private v: Float64Array;
  private q: Uint8Array;
  private start = 0;
  private end = 0;
  /** Live samples appended since the last back-fill. */
  appended = 0;

  constructor(capacity = 512) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.q = new Uint8Array(capacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  get capacity(): number {
    return this.t.length;
  }

  /** Time of the newest sample, or -Infinity. */
  get lastTime(): number {
    return this.end > this.start ? this.t[this.end - 1]! : -Infinity;
  }

  /**
   * Replaces what is held with a back-fill, keeping the live samples newer
   * than its last one (the historian writes with a little delay, so a
   * re-fill may end a moment before the live stream does).
   */
  load(series: PenSeries): void {
    const n = series.t.length;
    const last = n > 0 ? series.t[n - 1]! : -Infinity;
    const keep: LiveSample[] = [];
    for (let i = this.end - 1; i >= this.start && this.t[i]! > last; i--) {
      keep.push({ t: this.t[i]!, v: this.v[i]!, q: this.q[i]! });
    }
    this.start = 0;
    this.end = 0;
    this.appended = 0;
    this.reserve(n + 64);
    this.t.set(series.t);
    this.v.set(series.v);
    this.q.set(series.q);
    this.end = n;
    for (let i = keep.length - 1; i >= 0; i--) this.append(keep[i]!);
    this.appended = keep.length;
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
    this.appended = 0;
  }

  /** Appends a live sample; false (and nothing stored) if it is not newer than the newest held. */
  append(sample: LiveSample): boolean {
    if (!Number.isFinite(sample.t) || sample.t <= this.lastTime) return false;
    if (this.end === this.t.length) this.makeRoom();
    this.t[this.end] = sample.t;
    this.v[this.end] = sample.v;
    this.q[this.end] = sample.q;
    this.end++;
    this.appended++;
    return true;
  }

  /** Forgets samples before `tMs`, except the last one before it (the value carried into the window). */
  trimBefore(tMs: number): void {
    let i = this.start;
    while (i + 1 < this.end && this.t[i + 1]! <= tMs) i++;
    this.start = i;
  }

  /** The samples held, as views of the buffers (valid until the next append or load). */
  slice(): SeriesSlice {
    return { t: this.t, v: this.v, start: this.start, end: this.end };
  }

  series(): PenSeries {
    return {
      t: this.t.subarray(this.start, this.end),
      v: this.v.subarray(this.start, this.end),
      q: this.q.subarray(this.start, this.end),
      mode: 'live',
    };
  }

  /** Full: slide the samples to the front if a quarter or more has been trimmed, else double. */
  private makeRoom(): void {
    if (this.start >= this.t.length / 4) {
      this.t.copyWithin(0, this.start, this.end);
      this.v.copyWithin(0, this.start, this.end);
      this.q.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    } else {
      this.reserve(this.t.length * 2);
    }
  }

  private reserve(capacity: number): void {
    if (capacity <= this.t.length && this.start === 0) return;
    const size = Math.max(capacity, this.t.length);
    const t = new Float64Array(size);
    const v = new Float64Array(size);
    const q = new Uint8Array(size);
    t.set(this.t.subarray(this.start, this.end));
    v.set(this.v.subarray(this.start, this.end));
    q.set(this.q.subarray(this.start, this.end));
    this.end -= this.start;
    this.start = 0;
    this.t = t;
    this.v = v;
    this.q = q;
  }
}
