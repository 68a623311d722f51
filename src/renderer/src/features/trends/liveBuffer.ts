// The samples of one pen in a live trend: the back-fill from the historian,
// then every live change appended, in typed arrays that are allocated once
// and grow only by doubling. Old samples leave from the front (one is kept
// before the window: the value carried into it); the arrays are compacted
// in place (copyWithin) when the front has moved far enough, never sliced.
//
// A live sample at or before the newest one held is dropped: that is how
// the back-fill and the live stream meet without a seam (the stream also
// repeats each tag's current value when it starts).
//
// A text pen's texts are held beside (a plain array, only for pens that have
// had a text), and every pen keeps its quality transitions, so the legend
// says why a live stretch is Bad just as it does for history.
import type { Quality, QualityTransition, TagChange } from '../../../../shared/types';
import { QUALITY_CODE, qualityEquals } from '../../../../shared/types';
import type { PenSeries, SeriesSlice } from './trendData';

export interface LiveSample {
  readonly t: number;
  /** NaN: a gap (or a text sample). */
  readonly v: number;
  readonly q: number;
  /** A text tag's text; undefined for other tags. */
  readonly text?: string | null;
  /** The quality as received (its reason and protocol code). */
  readonly quality?: Quality;
}

/**
 * A `tags.changed` entry as a trend sample: booleans 0/1, Bad (or no value) a
 * gap, as the historian records it; a string is a text sample (no value to
 * draw, its quality as received).
 */
export function sampleOf(change: Pick<TagChange, 'value' | 'quality' | 'ts'>): LiveSample {
  const { value, quality } = change;
  const q = QUALITY_CODE[quality.status];
  if (typeof value === 'string') return { t: change.ts, v: NaN, q, text: value };
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

/** The sample with the quality it came with, so the buffer keeps the quality's transitions (why it is Bad). */
export function liveSampleOf(change: Pick<TagChange, 'value' | 'quality' | 'ts'>): LiveSample {
  return { ...sampleOf(change), quality: change.quality };
}

function transitionOf(t: number, quality: Quality): QualityTransition {
  return {
    t,
    status: quality.status,
    ...(quality.reason === undefined ? {} : { reason: quality.reason }),
    ...(quality.code === undefined ? {} : { code: quality.code }),
  };
}

export class PenBuffer {
  private t: Float64Array;
  private v: Float64Array;
  private q: Uint8Array;
  /** Texts by index, beside t/v/q; null until the pen has had a text. */
  private text: (string | null)[] | null = null;
  /** Quality transitions, ascending; the one in force at the window's start first. */
  private qualities: QualityTransition[] = [];
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
      const text = this.text?.[i];
      keep.push({ t: this.t[i]!, v: this.v[i]!, q: this.q[i]!, ...(text === undefined ? {} : { text }) });
    }
    const kept = this.qualities.filter((quality) => quality.t > last);
    this.start = 0;
    this.end = 0;
    this.appended = 0;
    this.reserve(n + 64);
    this.t.set(series.t);
    this.v.set(series.v);
    this.q.set(series.q);
    this.text = series.text ? [...series.text] : null;
    this.qualities = [...(series.qualities ?? []), ...kept];
    this.end = n;
    for (let i = keep.length - 1; i >= 0; i--) this.append(keep[i]!);
    this.appended = keep.length;
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
    this.appended = 0;
    this.text = null;
    this.qualities = [];
  }

  /** Appends a live sample; false (and nothing stored) if it is not newer than the newest held. */
  append(sample: LiveSample): boolean {
    if (!Number.isFinite(sample.t) || sample.t <= this.lastTime) return false;
    if (this.end === this.t.length) this.makeRoom();
    this.t[this.end] = sample.t;
    this.v[this.end] = sample.v;
    this.q[this.end] = sample.q;
    if (sample.text !== undefined || this.text !== null) {
      // The first text makes the array (null for the samples before it); it stays index-aligned from then on.
      this.text ??= new Array<string | null>(this.end).fill(null);
      this.text[this.end] = sample.text ?? null;
    }
    if (sample.quality) {
      const last = this.qualities[this.qualities.length - 1];
      if (!last || !qualityEquals(last, sample.quality)) this.qualities.push(transitionOf(sample.t, sample.quality));
    }
    this.end++;
    this.appended++;
    return true;
  }

  /** Forgets samples before `tMs`, except the last one before it (the value carried into the window). */
  trimBefore(tMs: number): void {
    let i = this.start;
    while (i + 1 < this.end && this.t[i + 1]! <= tMs) i++;
    this.start = i;
    // Transitions too: from the one in force at the first sample kept.
    const from = this.end > this.start ? this.t[this.start]! : tMs;
    let k = 0;
    while (k + 1 < this.qualities.length && this.qualities[k + 1]!.t <= from) k++;
    if (k > 0) this.qualities.splice(0, k);
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
      ...(this.text ? { text: this.text.slice(this.start, this.end) } : {}),
      ...(this.qualities.length > 0 ? { qualities: this.qualities.slice() } : {}),
    };
  }

  /** Full: slide the samples to the front if a quarter or more has been trimmed, else double. */
  private makeRoom(): void {
    if (this.start >= this.t.length / 4) {
      this.t.copyWithin(0, this.start, this.end);
      this.v.copyWithin(0, this.start, this.end);
      this.q.copyWithin(0, this.start, this.end);
      if (this.text) this.text = this.text.slice(this.start, this.end);
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
    if (this.text) this.text = this.text.slice(this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    this.t = t;
    this.v = v;
    this.q = q;
  }
}
